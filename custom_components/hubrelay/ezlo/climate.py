"""Ezlo thermostats: mode, heating / cooling setpoints, operating state and fan mode as one climate.

Ezlo's ``auto`` is an automatic changeover between heating and cooling, so it is Home
Assistant's heat/cool with a target range when the thermostat has both setpoints. Modes Home
Assistant has no equivalent for (eco, away…) are not offered; when the thermostat is in one of
them, the HVAC mode is unknown.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, PRECISION_TENTHS, UnitOfTemperature
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..hub.climate import HubClimateEntity
from ..protocols.ezlo import Device
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import THERMOSTAT_ITEMS

HVAC_MODES: dict[str, HVACMode] = {
    "off": HVACMode.OFF,
    "heat": HVACMode.HEAT,
    "cool": HVACMode.COOL,
    "auto": HVACMode.HEAT_COOL,
    "fan_only": HVACMode.FAN_ONLY,
    "dry_air": HVACMode.DRY,
}
HVAC_ACTIONS: dict[str, HVACAction] = {
    "idle": HVACAction.IDLE,
    "heating": HVACAction.HEATING,
    "pending_heat": HVACAction.HEATING,
    "aux_heating": HVACAction.HEATING,
    "cooling": HVACAction.COOLING,
    "pending_cool": HVACAction.COOLING,
    "fan_only": HVACAction.FAN,
    "vent_economizer": HVACAction.FAN,
}
CLIMATE_ITEMS = (
    *THERMOSTAT_ITEMS,
    "temp",
    "thermostat_operating_state",
    "thermostat_fan_mode",
)
HEAT, COOL, SINGLE = (
    "thermostat_setpoint_heating",
    "thermostat_setpoint_cooling",
    "thermostat_setpoint",
)


class EzloThermostat(EzloEntity, HubClimateEntity):
    """An Ezlo thermostat device."""

    _attr_name = None
    _attr_precision = PRECISION_TENTHS
    _attr_target_temperature_step = 0.5

    def __init__(self, coordinator: EzloCoordinator, device: Device, key: str) -> None:
        """Offer what the thermostat's items allow."""
        super().__init__(coordinator, device, key, CLIMATE_ITEMS)
        items = self.items
        features = ClimateEntityFeature(0)
        if mode := items.get("thermostat_mode"):
            self._attr_hvac_modes = [HVAC_MODES[t] for t in mode.enum if t in HVAC_MODES]
            if HVACMode.OFF in self._attr_hvac_modes:
                features |= ClimateEntityFeature.TURN_OFF | ClimateEntityFeature.TURN_ON
        else:
            self._attr_hvac_modes = [HVACMode.HEAT if HEAT in items else HVACMode.COOL]
            self._attr_hvac_mode = self._attr_hvac_modes[0]
        if items.keys() & {HEAT, COOL, SINGLE}:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE
        if HEAT in items and COOL in items and HVACMode.HEAT_COOL in self._attr_hvac_modes:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE_RANGE
        if (fan := items.get("thermostat_fan_mode")) is not None and fan.has_setter:
            features |= ClimateEntityFeature.FAN_MODE
            self._attr_fan_modes = list(fan.enum)
        self._attr_supported_features = features
        setpoint = items.get(HEAT) or items.get(COOL) or items.get(SINGLE)
        fahrenheit = setpoint is not None and setpoint.scale == "fahrenheit"
        self._temperature_unit = (
            UnitOfTemperature.FAHRENHEIT if fahrenheit else UnitOfTemperature.CELSIUS
        )
        if setpoint is not None:
            if setpoint.min_value is not None:
                self._attr_min_temp = setpoint.min_value
            if setpoint.max_value is not None:
                self._attr_max_temp = setpoint.max_value

    def _update(self) -> None:
        mode = self.value("thermostat_mode")
        if "thermostat_mode" in self.items:
            self._attr_hvac_mode = HVAC_MODES.get(mode) if isinstance(mode, str) else None
        state = self.value("thermostat_operating_state")
        self._attr_hvac_action = HVAC_ACTIONS.get(state) if isinstance(state, str) else None
        self._current_temperature = self.number("temp")
        fan = self.value("thermostat_fan_mode")
        self._attr_fan_mode = fan if isinstance(fan, str) else None
        self._target_temperature_low = self.number(HEAT)
        self._target_temperature_high = self.number(COOL)
        self._target_temperature = self.number(self._setpoint_item())

    def _setpoint_item(self) -> str:
        """Name the setpoint that the single target temperature means in the current mode."""
        if SINGLE in self.items:
            return SINGLE
        if self._attr_hvac_mode is HVACMode.COOL or HEAT not in self.items:
            return COOL
        return HEAT

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch the thermostat mode."""
        token = next(t for t, mode in HVAC_MODES.items() if mode is hvac_mode)
        await self.set_item("thermostat_mode", token)

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the setpoint of the current mode, or both ends of the range."""
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(mode)
            self._attr_hvac_mode = mode
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.set_item(self._setpoint_item(), temperature)
        if (low := kwargs.get(ATTR_TARGET_TEMP_LOW)) is not None:
            await self.set_item(HEAT, low)
        if (high := kwargs.get(ATTR_TARGET_TEMP_HIGH)) is not None:
            await self.set_item(COOL, high)

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Set the fan mode."""
        await self.set_item("thermostat_fan_mode", fan_mode)


def ezlo_thermostats(coordinator: EzloCoordinator, device: Device) -> list[EzloThermostat]:
    """One climate entity per device with a thermostat mode or setpoint."""
    items = coordinator.device_items(device.id)
    key = next((name for name in THERMOSTAT_ITEMS if name in items), None)
    return [] if key is None else [EzloThermostat(coordinator, device, key)]


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_thermostats, async_add_entities)
