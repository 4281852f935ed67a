"""Binary sensors: Loxone digital inputs, presence and smoke alarms; Ezlo security items."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LoxoneCoordinator
from .entity import LoxoneActive, LoxoneEntity
from .mapping import EntityFactory, build_entities, single


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


FACTORIES: dict[str, EntityFactory] = {
    "InfoOnlyDigital": single(LoxoneDigital),
    "PresenceDetector": single(LoxonePresence),
    "SmokeAlarm": single(LoxoneSmokeAlarm),
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
