"""Binary sensors: Loxone digital inputs, presence, smoke alarms and energy device flags."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import EntityCategory
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
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


class LoxoneFlag(LoxoneEntity, BinarySensorEntity):
    """One bit of an energy device's state: a plugged-in car, backup mode, a tripped fuse."""

    def __init__(
        self,
        coordinator: LoxoneCoordinator,
        control: Control,
        *,
        translation_key: str | None,
        state: str,
        device_class: BinarySensorDeviceClass | None,
        mask: int = 0,
        on_when_zero: bool = False,
    ) -> None:
        """On while `state` is non-zero (or has a bit of `mask`; or is zero for `on_when_zero`)."""
        super().__init__(coordinator, control, translation_key or state)
        if translation_key is not None:
            self._attr_translation_key = translation_key
        self.state_names = (state,)
        self._attr_device_class = device_class
        self._mask = mask
        self._on_when_zero = on_when_zero

    def _update_from_values(self) -> None:
        value = self.number(self.state_names[0])
        if value is None:
            self._attr_is_on = None
            return
        bits = int(value) & self._mask if self._mask else int(value)
        self._attr_is_on = (bits == 0) if self._on_when_zero else bits != 0


def _wallbox(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    entities: list[LoxoneEntity] = [
        LoxoneFlag(
            coordinator,
            control,
            translation_key="vehicle_connected",
            state="connected",
            device_class=BinarySensorDeviceClass.PLUG,
        )
    ]
    if control.type == "Wallbox2":
        entities.append(
            LoxoneFlag(
                coordinator,
                control,
                translation_key="charging_active",
                state="active",
                device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
            )
        )
    return entities


class LoxoneInverterLink(LoxoneFlag):
    """Whether the energy monitor reaches its inverter: the Fronius block reports 0 while online."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Watch the `online` state."""
        super().__init__(
            coordinator,
            control,
            translation_key=None,
            state="online",
            device_class=BinarySensorDeviceClass.CONNECTIVITY,
            on_when_zero=True,
        )


def _power_unit(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneFlag(
            coordinator,
            control,
            translation_key="backup_mode",
            state="deviceInfo",
            device_class=BinarySensorDeviceClass.POWER,
            mask=0x01,
        ),
        LoxoneFlag(
            coordinator,
            control,
            translation_key="fuse_tripped",
            state="fuse",
            device_class=BinarySensorDeviceClass.PROBLEM,
        ),
    ]


def _hourcounter(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneFlag(
            coordinator,
            control,
            translation_key="maintenance_overdue",
            state="overdue",
            device_class=BinarySensorDeviceClass.PROBLEM,
        ),
        LoxoneFlag(
            coordinator,
            control,
            translation_key="counting",
            state="active",
            device_class=BinarySensorDeviceClass.RUNNING,
        ),
    ]


def _sauna(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    flags = [("error", "error", BinarySensorDeviceClass.PROBLEM)]
    flags.append(("drying", "drying", BinarySensorDeviceClass.RUNNING))
    if control.details.get("hasVaporizer"):
        flags.append(("water_low", "lessWater", BinarySensorDeviceClass.PROBLEM))
    entities: list[LoxoneEntity] = [
        LoxoneFlag(coordinator, control, translation_key=key, state=state, device_class=cls)
        for key, state, cls in flags
    ]
    if control.details.get("hasDoorSensor"):
        entities.append(
            LoxoneFlag(
                coordinator,
                control,
                translation_key=None,
                state="doorClosed",
                device_class=BinarySensorDeviceClass.DOOR,
                on_when_zero=True,
            )
        )
    return entities


def _pool(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    # Pool error 2 (an error now) and 3 (offline) have bit 1; 1 (there was one) has not.
    return [
        LoxoneFlag(
            coordinator,
            control,
            translation_key="error",
            state="error",
            device_class=BinarySensorDeviceClass.PROBLEM,
            mask=0x02,
        )
    ]


FACTORIES: dict[str, EntityFactory] = {
    "InfoOnlyDigital": single(LoxoneDigital),
    "PresenceDetector": single(LoxonePresence),
    "SmokeAlarm": single(LoxoneSmokeAlarm),
    "Wallbox2": _wallbox,
    "CarCharger": _wallbox,
    "Fronius": single(LoxoneInverterLink),
    "PowerUnit": _power_unit,
    "Hourcounter": _hourcounter,
    "Sauna": _sauna,
    "PoolController": _pool,
    "AlarmClock": lambda coordinator, control: [
        LoxoneFlag(
            coordinator,
            control,
            translation_key="ringing",
            state="isAlarmActive",
            device_class=None,
        )
    ],
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
