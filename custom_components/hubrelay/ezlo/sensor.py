"""Sensors: Loxone analog values, meters, text states and daytimers; Ezlo measurement items."""

from __future__ import annotations

from homeassistant.components.sensor import SensorEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device, Item
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import SCALE_UNITS, SENSORS, SensorSpec


class EzloSensor(EzloEntity, SensorEntity):
    """A measurement item; the unit comes from the item's ``scale``."""

    def __init__(
        self, coordinator: EzloCoordinator, device: Device, item: Item, spec: SensorSpec
    ) -> None:
        """Show `item` as described by `spec`."""
        super().__init__(coordinator, device, item.name, [item.name])
        self._item_name = item.name
        self._attr_device_class = spec.device_class
        self._attr_state_class = spec.state_class
        self._attr_entity_category = spec.entity_category
        self._attr_native_unit_of_measurement = (
            SCALE_UNITS.get(item.scale or "") or spec.unit or item.scale
        )
        if spec.translation_key is not None:
            self._attr_translation_key = spec.translation_key

    #: The shown value: `native_value` reads it.
    _value: float | None = None

    @property
    def native_value(self) -> float | None:
        """The value `_update` took (a plain read: no `_attr_native_value` setter per update)."""
        return self._value

    def _update(self) -> None:
        self._value = self.number(self._item_name)


def ezlo_sensors(coordinator: EzloCoordinator, device: Device) -> list[EzloSensor]:
    """Build a sensor per mapped measurement item of the device."""
    return [
        EzloSensor(coordinator, device, item, spec)
        for name, item in coordinator.device_items(device.id).items()
        if (spec := SENSORS.get(name)) is not None
    ]


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_sensors, async_add_entities)
