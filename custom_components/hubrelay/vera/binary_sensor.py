"""Vera binary sensors: security sensors (door, motion, leak, smoke…), on while tripped."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice, VeraSecuritySensor
from .coordinator import VeraCoordinator
from .entity import VeraEntity
from .mapping import BINARY_CLASSES


class VeraBinarySensor(VeraEntity[VeraSecuritySensor], BinarySensorEntity):
    """A security sensor: on while tripped."""

    _attr_name = None

    def __init__(self, coordinator: VeraCoordinator, device: VeraSecuritySensor) -> None:
        """Take the device class from the sensor's subcategory."""
        super().__init__(coordinator, device, None)
        self._attr_device_class = BINARY_CLASSES.get(device.sensor_type)

    def _update(self) -> None:
        self._attr_is_on = self.device.tripped


def vera_binary_sensors(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraBinarySensor]:
    """Build a binary sensor per security sensor."""
    if isinstance(device, VeraSecuritySensor):
        return [VeraBinarySensor(coordinator, device)]
    return []


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a binary sensor per security sensor, now and for devices added later."""
    coordinator.add_platform(vera_binary_sensors, async_add_entities)
