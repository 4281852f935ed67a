"""Binary sensors: Loxone digital inputs, presence and smoke alarms; Ezlo security items."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator_ezlo import EzloCoordinator
from .coordinator_vera import VeraCoordinator
from .data import HubRelayConfigEntry
from .entity import LoxoneActive, LoxoneEntity
from .entity_ezlo import EzloEntity
from .mapping.ezlo import BINARY_SENSORS, BinarySpec, binary_value
from .mapping.loxone import EntityFactory, build_entities, single
from .protocols.ezlo import Device
from .sensor_vera import vera_binary_sensors

PARALLEL_UPDATES = 0


class LoxoneDigital(LoxoneActive, BinarySensorEntity):
    """An InfoOnlyDigital: `active` is 1 when on."""

    _attr_name = None


class LoxonePresence(LoxoneDigital):
    """A PresenceDetector: `active` while presence is detected."""

    _attr_device_class = BinarySensorDeviceClass.OCCUPANCY


class LoxoneSmokeAlarm(LoxoneEntity, BinarySensorEntity):
    """A SmokeAlarm: alarm while its `level` is above zero."""

    _attr_name = None
    _attr_device_class = BinarySensorDeviceClass.SMOKE
    state_names = ("level",)

    def _update_from_values(self) -> None:
        level = self.number("level")
        self._attr_is_on = None if level is None else level > 0


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


FACTORIES: dict[str, EntityFactory] = {
    "InfoOnlyDigital": single(LoxoneDigital),
    "PresenceDetector": single(LoxonePresence),
    "SmokeAlarm": single(LoxoneSmokeAlarm),
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a binary sensor per digital input, presence detector and smoke alarm (or Ezlo item)."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, EzloCoordinator):
        coordinator.add_platform(ezlo_binary_sensors, async_add_entities)
        return
    if isinstance(coordinator, VeraCoordinator):
        coordinator.add_platform(vera_binary_sensors, async_add_entities)
        return
    async_add_entities(build_entities(coordinator, FACTORIES))
