"""Loxone thermostats: IRoomControllerV2, the older IRoomController and the AC Control.

Neither controller publishes whether it is heating right now (only its mode and set-points), so
no `hvac_action` is shown rather than a guess. The target temperature is the controller's
`tempTarget` and is never left empty while the Miniserver reports it (PyLoxone showed null).

The temperatures go through `HubClimateEntity` (hub/climate.py), which answers under the names
of Home Assistant 2026.10 and the `native_*` names of 2026.11 and later.
"""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    PRESET_COMFORT,
    PRESET_ECO,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, PRECISION_TENTHS, UnitOfTemperature
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..hub.climate import HubClimateEntity
from ..protocols.loxone import Control
from .climate_wellness import LoxonePool, LoxoneSauna
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, parse_json_text
from .mapping import EntityFactory, build_entities, single

PRESET_BUILDING_PROTECTION = "building_protection"


# IRoomControllerV2 `activeMode` <-> preset; 3 (manual temperature) has no preset.
_V2_PRESETS: dict[int, str] = {
    0: PRESET_ECO,
    1: PRESET_COMFORT,
    2: PRESET_BUILDING_PROTECTION,
}


_V2_PRESET_IDS = {preset: mode for mode, preset in _V2_PRESETS.items()}


_COMFORT = 1


# IRoomControllerV2 `operatingMode` (0-2 automatic, 3-5 manual change-over) -> what it may do.
_V2_ALLOWED: dict[int, HVACMode] = {
    0: HVACMode.HEAT_COOL,
    1: HVACMode.HEAT,
    2: HVACMode.COOL,
    3: HVACMode.HEAT_COOL,
    4: HVACMode.HEAT,
    5: HVACMode.COOL,
}


# IRoomController (V1) `mode`: 0-4 automatic (schedule), 5 manual heating, 6 manual cooling.
_V1_MODES: dict[int, HVACMode] = {5: HVACMode.HEAT, 6: HVACMode.COOL}


_V1_COMMANDS: dict[HVACMode, int] = {HVACMode.AUTO: 0, HVACMode.HEAT: 5, HVACMode.COOL: 6}


# IRoomController (V1) `temperatures` indices written when the active one is an offset.
_V1_COMFORT_HEAT = 1


_V1_COMFORT_COOL = 2


def _unit(control: Control) -> UnitOfTemperature:
    """Read the temperature unit from the control's format (`%.1f°` is Celsius)."""
    fmt = control.details.get("format")
    if isinstance(fmt, str) and "°F" in fmt:
        return UnitOfTemperature.FAHRENHEIT
    return UnitOfTemperature.CELSIUS


def _index(value: float | None) -> int | None:
    return None if value is None else int(value)


class _LoxoneThermostat(LoxoneEntity, HubClimateEntity):
    """What both room controllers share: names, units and the current/target temperatures."""

    _attr_name = None
    _attr_precision = PRECISION_TENTHS
    _attr_target_temperature_step = 0.5

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Take the temperature unit from the control's format."""
        super().__init__(coordinator, control)
        self._temperature_unit = _unit(control)

    def _update_from_values(self) -> None:
        self._current_temperature = self.number("tempActual")
        self._target_temperature = self.number("tempTarget")


class LoxoneRoomControllerV2(_LoxoneThermostat):
    """An Intelligent Room Controller (V2).

    `auto` means the controller follows its schedule; the other mode (heat, cool or both, as
    the operating mode allows) means an override holds. Presets are the Loxone temperature modes
    (comfort, economy, building protection); choosing one overrides the schedule until `auto`
    is chosen again. Setting a temperature sets the comfort temperature (the cooling one while
    the controller may only cool), from which the Miniserver derives every other mode's target.
    """

    _attr_translation_key = "room_controller"
    _attr_supported_features = (
        ClimateEntityFeature.TARGET_TEMPERATURE | ClimateEntityFeature.PRESET_MODE
    )
    _attr_preset_modes = list(_V2_PRESETS.values())
    _attr_hvac_modes = [HVACMode.AUTO, HVACMode.HEAT_COOL]
    state_names = (
        "tempActual",
        "tempTarget",
        "frostProtectTemperature",
        "heatProtectTemperature",
        "activeMode",
        "operatingMode",
        "overrideEntries",
    )

    _allowed = HVACMode.HEAT_COOL

    def _update_from_values(self) -> None:
        super()._update_from_values()
        operating = _index(self.number("operatingMode"))
        self._allowed = _V2_ALLOWED.get(-1 if operating is None else operating, HVACMode.HEAT_COOL)
        self._attr_hvac_modes = [HVACMode.AUTO, self._allowed]
        overrides = self.text("overrideEntries")
        if overrides is None:
            self._attr_hvac_mode = None
        else:
            self._attr_hvac_mode = self._allowed if _has_entries(overrides) else HVACMode.AUTO
        active = _index(self.number("activeMode"))
        self._attr_preset_mode = None if active is None else _V2_PRESETS.get(active)

    @property
    def min_temp(self) -> float:
        """The frost protection temperature, the lowest the controller keeps."""
        frost = self.number("frostProtectTemperature")
        return super().min_temp if frost is None else frost

    @property
    def max_temp(self) -> float:
        """The heat protection temperature, the highest the controller allows."""
        heat = self.number("heatProtectTemperature")
        return super().max_temp if heat is None else heat

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the comfort temperature (and the mode, if one is given)."""
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_handle_set_hvac_mode_service(mode)
        command = (
            "setComfortTemperatureCool"
            if self._allowed == HVACMode.COOL and "comfortTemperatureCool" in self.control.states
            else "setComfortTemperature"
        )
        await self.send(f"{command}/{kwargs[ATTR_TEMPERATURE]:g}")

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """`auto` ends any override; the other mode holds the active temperature mode."""
        if hvac_mode == HVACMode.AUTO:
            await self.send("stopOverride")
            return
        active = _index(self.number("activeMode"))
        await self.send(f"override/{active if active in _V2_PRESETS else _COMFORT}")

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Override the schedule with a temperature mode until `auto` is chosen."""
        await self.send(f"override/{_V2_PRESET_IDS[preset_mode]}")


def _has_entries(overrides: str) -> bool:
    """Tell whether `overrideEntries` (a JSON list) holds an override."""
    try:
        return bool(json.loads(overrides))
    except ValueError:
        return False


class LoxoneRoomController(_LoxoneThermostat):
    """An Intelligent Room Controller (V1): automatic, manual heating or manual cooling.

    A temperature is written to the set-point the controller is using, or to the comfort
    set-point when the one in use is an offset (economy, increased heat and party are relative).
    """

    _attr_supported_features = ClimateEntityFeature.TARGET_TEMPERATURE
    _attr_hvac_modes = [HVACMode.AUTO, HVACMode.HEAT, HVACMode.COOL]
    state_names = ("tempActual", "tempTarget", "mode", "currHeatTempIx", "currCoolTempIx")

    def _update_from_values(self) -> None:
        super()._update_from_values()
        mode = _index(self.number("mode"))
        self._attr_hvac_mode = None if mode is None else _V1_MODES.get(mode, HVACMode.AUTO)

    def _absolute(self, index: int | None) -> bool:
        temperatures = self.control.details.get("temperatures")
        if index is None or not isinstance(temperatures, dict):
            return False
        entry = temperatures.get(str(index))
        return isinstance(entry, dict) and entry.get("isAbsolute") is True

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the set-point in use (or comfort) and switch mode if one is given."""
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_handle_set_hvac_mode_service(mode)
        cooling = (mode or self._attr_hvac_mode) == HVACMode.COOL
        index = _index(self.number("currCoolTempIx" if cooling else "currHeatTempIx"))
        if not self._absolute(index):
            index = _V1_COMFORT_COOL if cooling else _V1_COMFORT_HEAT
        await self.send(f"settemp/{index}/{kwargs[ATTR_TEMPERATURE]:g}")

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch between automatic, manual heating and manual cooling."""
        await self.send(f"mode/{_V1_COMMANDS[hvac_mode]}")


# AC Control `mode` (1-5) <-> HVAC mode; `status` 0 is off whatever the mode.
_AC_MODES: dict[int, HVACMode] = {
    1: HVACMode.AUTO,
    2: HVACMode.HEAT,
    3: HVACMode.COOL,
    4: HVACMode.DRY,
    5: HVACMode.FAN_ONLY,
}


class LoxoneAcControl(LoxoneEntity, HubClimateEntity):
    """An AC Control (air conditioner): power, mode, target, fan speed and airflow direction.

    Fan speeds and airflow directions are the names configured in Loxone Config (the `fanspeeds`
    and `airflows` states); the unit may pause itself (window open, load shedding), which shows
    as its own state, not as off.
    """

    _attr_name = None
    _attr_precision = PRECISION_TENTHS
    _attr_target_temperature_step = 0.5
    _attr_supported_features = (
        ClimateEntityFeature.TARGET_TEMPERATURE
        | ClimateEntityFeature.FAN_MODE
        | ClimateEntityFeature.SWING_MODE
        | ClimateEntityFeature.TURN_ON
        | ClimateEntityFeature.TURN_OFF
    )
    state_names = (
        "status",
        "mode",
        "fan",
        "ventMode",
        "temperature",
        "targetTemperature",
        "minTemp",
        "maxTemp",
        "fanspeeds",
        "airflows",
    )

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Offer the modes the block uses (`details.modes`), or all five."""
        super().__init__(coordinator, control)
        self._temperature_unit = _unit(control)
        used = {
            int(mode["id"] if isinstance(mode, dict) else mode)
            for mode in control.details.get("modes") or []
            if isinstance(mode, int) or (isinstance(mode, dict) and isinstance(mode.get("id"), int))
        }
        self._attr_hvac_modes = [HVACMode.OFF] + [
            hvac for mode, hvac in _AC_MODES.items() if not used or mode in used
        ]
        self._fans: dict[int, str] = {}
        self._airflows: dict[int, str] = {}
        self._attr_fan_modes = []
        self._attr_swing_modes = []

    def _update_from_values(self) -> None:
        self._current_temperature = self.number("temperature")
        self._target_temperature = self.number("targetTemperature")
        for attr, name in (("_attr_min_temp", "minTemp"), ("_attr_max_temp", "maxTemp")):
            if (value := self.number(name)) is not None:
                setattr(self, attr, value)
        status, mode = self.number("status"), self.number("mode")
        if status is None:
            self._attr_hvac_mode = None
        else:
            self._attr_hvac_mode = (
                HVACMode.OFF if not status else _AC_MODES.get(int(mode or 1), HVACMode.AUTO)
            )
        self._fans = _named_options(self.text("fanspeeds"))
        self._airflows = _named_options(self.text("airflows"))
        self._attr_fan_modes = list(self._fans.values())
        self._attr_swing_modes = list(self._airflows.values())
        fan, airflow = self.number("fan"), self.number("ventMode")
        self._attr_fan_mode = None if fan is None else self._fans.get(int(fan))
        self._attr_swing_mode = None if airflow is None else self._airflows.get(int(airflow))

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch off, or on in the chosen mode."""
        if hvac_mode is HVACMode.OFF:
            await self.send("off")
            return
        mode = next(key for key, value in _AC_MODES.items() if value is hvac_mode)
        await self.send(f"setMode/{mode}")
        if not self.number("status"):
            await self.send("on")

    async def async_turn_on(self) -> None:
        """Switch on in the last mode."""
        await self.send("on")

    async def async_turn_off(self) -> None:
        """Switch off."""
        await self.send("off")

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the target temperature (and the mode, when given)."""
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(hvac_mode)
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.send(f"setTarget/{float(temperature):g}")

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Choose a fan speed by its configured name."""
        await self.send(f"setFan/{_option_id(self._fans, fan_mode)}")

    async def async_set_swing_mode(self, swing_mode: str) -> None:
        """Choose an airflow direction by its configured name."""
        await self.send(f"setAirDir/{_option_id(self._airflows, swing_mode)}")


def _named_options(text: str | None) -> dict[int, str]:
    """Read a `[{"id": 1, "name": "Auto"}, …]` text state."""
    items = parse_json_text(text, [])
    return {
        int(item["id"]): str(item["name"])
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and isinstance(item.get("id"), int) and item.get("name")
    }


def _option_id(options: dict[int, str], name: str) -> int:
    return next(key for key, value in options.items() if value == name)


FACTORIES: dict[str, EntityFactory] = {
    "IRoomControllerV2": single(LoxoneRoomControllerV2),
    "IRoomController": single(LoxoneRoomController),
    "AcControl": single(LoxoneAcControl),
    "ACControl": single(LoxoneAcControl),
    "Sauna": single(LoxoneSauna),
    "PoolController": single(LoxonePool),
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
