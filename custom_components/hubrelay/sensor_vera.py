"""Vera sensors and binary sensors: measurements, power, energy, battery, security sensors."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import UnitOfTemperature

from .coordinator_vera import VeraCoordinator
from .entity_vera import VeraEntity
from .mapping.vera import BINARY_CLASSES, SensorSpec, sensor_specs
from .protocols.vera import VeraDevice, VeraSecuritySensor


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

    def _update(self) -> None:
        self._attr_native_value = self._spec.read(self.device)


class VeraBinarySensor(VeraEntity[VeraSecuritySensor], BinarySensorEntity):
    """A security sensor: on while tripped."""

    _attr_name = None

    def __init__(self, coordinator: VeraCoordinator, device: VeraSecuritySensor) -> None:
        """Take the device class from the sensor's subcategory."""
        super().__init__(coordinator, device, None)
        self._attr_device_class = BINARY_CLASSES.get(device.sensor_type)

    def _update(self) -> None:
        self._attr_is_on = self.device.tripped


def vera_sensors(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraSensor]:
    """Build a sensor per value the device reports."""
    return [VeraSensor(coordinator, device, spec) for spec in sensor_specs(device)]


def vera_binary_sensors(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraBinarySensor]:
    """Build a binary sensor per security sensor."""
    if isinstance(device, VeraSecuritySensor):
        return [VeraBinarySensor(coordinator, device)]
    return []
