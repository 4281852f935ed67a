"""Vera sensors: measurements, power, energy, battery and the last scene a controller ran."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import UnitOfTemperature
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice
from .coordinator import VeraCoordinator
from .entity import VeraEntity
from .mapping import SensorSpec, sensor_specs


class VeraSensor(VeraEntity[VeraDevice], SensorEntity):
    """One number a Vera device reports."""

    def __init__(self, coordinator: VeraCoordinator, device: VeraDevice, spec: SensorSpec) -> None:
        """Show the value `spec` reads; a temperature takes the controller's unit."""
        super().__init__(coordinator, device, spec.key)
        self._spec = spec
        self._attr_device_class = spec.device_class
        self._attr_state_class = spec.state_class
        self._attr_entity_category = spec.entity_category
        unit = spec.unit
        if spec.device_class is SensorDeviceClass.TEMPERATURE:
            fahrenheit = coordinator.temperature_unit == "F"
            unit = UnitOfTemperature.FAHRENHEIT if fahrenheit else UnitOfTemperature.CELSIUS
        self._attr_native_unit_of_measurement = unit
        if spec.translation_key is not None:
            self._attr_translation_key = spec.translation_key

    #: The shown value: `native_value` reads it.
    _value: float | None = None

    @property
    def native_value(self) -> float | None:
        """The value `_update` read (a plain read: no `_attr_native_value` setter per change)."""
        return self._value

    def _update(self) -> None:
        self._value = self._spec.read(self.device)

    def _shown(self) -> tuple[Any, ...]:
        # All that the state and its attributes follow (the rest is fixed when the entity is
        # made): cheaper than asking Home Assistant for the state twice per device change.
        return (self._attr_available, self._value)


def vera_sensors(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraSensor]:
    """Build a sensor per value the device reports."""
    return [VeraSensor(coordinator, device, spec) for spec in sensor_specs(device)]


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Vera entry."""
    coordinator.add_platform(vera_sensors, async_add_entities)
