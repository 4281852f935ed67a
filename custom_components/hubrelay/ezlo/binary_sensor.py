"""Binary sensors: Loxone digital inputs, presence and smoke alarms; Ezlo security items."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import BINARY_SENSORS, BinarySpec, binary_value


class EzloBinarySensor(EzloEntity, BinarySensorEntity):
    """A security item (door, motion, leak, smoke, gas, tamper…); "unknown" is an unknown state."""

    def __init__(
        self, coordinator: EzloCoordinator, device: Device, name: str, spec: BinarySpec
    ) -> None:
        """Show the item `name` as described by `spec`."""
        super().__init__(coordinator, device, name, [name])
        self._item_name = name
        self._attr_device_class = spec.device_class
        self._attr_entity_category = spec.entity_category
        if spec.translation_key is not None:
            self._attr_translation_key = spec.translation_key

    def _update(self) -> None:
        self._attr_is_on = binary_value(self.items[self._item_name])


def ezlo_binary_sensors(coordinator: EzloCoordinator, device: Device) -> list[EzloBinarySensor]:
    """Build a binary sensor per mapped security item of the device."""
    return [
        EzloBinarySensor(coordinator, device, name, spec)
        for name in coordinator.device_items(device.id)
        if (spec := BINARY_SENSORS.get(name)) is not None
    ]


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_binary_sensors, async_add_entities)
