"""Loxone sauna and pool controllers as thermostats (the climate platform's wellness part).

The sauna reports whether it is heating right now (`power`), so it shows an HVAC action; its
evaporator modes are presets and its target humidity is the climate's. The pool controller
regulates the water temperature in the temperature mode chosen.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, PRECISION_TENTHS, UnitOfTemperature

from ..hub.climate import HubClimateEntity
from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity

# Sauna `mode` (evaporator only) -> preset; 0 is off.
SAUNA_PRESETS: dict[int, str] = {
    1: "finnish_manual",
    2: "humidity_manual",
    3: "finnish_automatic",
    4: "herbal",
    5: "soft_steam",
    6: "warm_air",
}

# Pool `currentTempMode`: automatic (2, 3) and manual (4, 5) heating or cooling.
_POOL_MODES: dict[int, HVACMode] = {
    0: HVACMode.OFF,
    1: HVACMode.AUTO,
    2: HVACMode.HEAT,
    3: HVACMode.COOL,
    4: HVACMode.HEAT,
    5: HVACMode.COOL,
}
_POOL_COMMANDS: dict[HVACMode, int] = {
    HVACMode.OFF: 0,
    HVACMode.AUTO: 1,
    HVACMode.HEAT: 2,
    HVACMode.COOL: 3,
}


class _Wellness(LoxoneEntity, HubClimateEntity):
    """Celsius, tenths, the temperature in `tempActual` and the target in `tempTarget`."""

    _attr_name = None
    _attr_precision = PRECISION_TENTHS
    _temperature_unit = UnitOfTemperature.CELSIUS
    _attr_target_temperature_step = 0.5

    def _update_from_values(self) -> None:
        self._current_temperature = self.number("tempActual")
        self._target_temperature = self.number("tempTarget")


class LoxoneSauna(_Wellness):
    """A Sauna controller: on (heat) or off, target temperature, evaporator modes and humidity."""

    _attr_translation_key = "sauna"
    _attr_hvac_modes = [HVACMode.OFF, HVACMode.HEAT]
    _attr_min_temp = 30.0
    _attr_max_temp = 110.0
    state_names = (
        "active",
        "power",
        "tempActual",
        "tempTarget",
        "mode",
        "humidityActual",
        "humidityTarget",
    )

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Offer presets and humidity only with an evaporator."""
        super().__init__(coordinator, control)
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.TURN_ON
            | ClimateEntityFeature.TURN_OFF
        )
        self._vaporizer = bool(control.details.get("hasVaporizer"))
        if self._vaporizer:
            features |= ClimateEntityFeature.PRESET_MODE | ClimateEntityFeature.TARGET_HUMIDITY
            self._attr_preset_modes = list(SAUNA_PRESETS.values())
        self._attr_supported_features = features

    def _update_from_values(self) -> None:
        super()._update_from_values()
        active, power = self.number("active"), self.number("power")
        self._attr_hvac_mode = None if active is None else HVACMode.HEAT if active else HVACMode.OFF
        if active is None:
            self._attr_hvac_action = None
        elif not active:
            self._attr_hvac_action = HVACAction.OFF
        else:
            self._attr_hvac_action = HVACAction.HEATING if power else HVACAction.IDLE
        if self._vaporizer:
            mode = self.number("mode")
            self._attr_preset_mode = None if mode is None else SAUNA_PRESETS.get(int(mode))
            self._attr_current_humidity = self.number("humidityActual")
            self._attr_target_humidity = self.number("humidityTarget")

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Heat (on) or off at once, without the drying phase."""
        await self.send("on" if hvac_mode is HVACMode.HEAT else "off")

    async def async_turn_on(self) -> None:
        """Switch the sauna on."""
        await self.send("on")

    async def async_turn_off(self) -> None:
        """Switch the sauna off."""
        await self.send("off")

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the target temperature; with heat as mode, switch on with it (`ontemp`)."""
        temperature = kwargs.get(ATTR_TEMPERATURE)
        if kwargs.get(ATTR_HVAC_MODE) is HVACMode.HEAT and temperature is not None:
            await self.send(f"ontemp/{float(temperature):g}")
            return
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(hvac_mode)
        if temperature is not None:
            await self.send(f"temp/{float(temperature):g}")

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Choose an evaporator mode."""
        mode = next(key for key, value in SAUNA_PRESETS.items() if value == preset_mode)
        await self.send(f"mode/{mode}")

    async def async_set_humidity(self, humidity: int) -> None:
        """Set the target humidity."""
        await self.send(f"humidity/{humidity}")


class LoxonePool(_Wellness):
    """A Pool Controller's water temperature: off, automatic, heating or cooling."""

    _attr_min_temp = 10.0
    _attr_max_temp = 40.0
    _attr_supported_features = ClimateEntityFeature.TARGET_TEMPERATURE
    state_names = ("currentTempMode", "tempActual", "tempTarget")

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Offer heating and cooling only where the outputs are connected."""
        super().__init__(coordinator, control)
        details = control.details
        self._attr_hvac_modes = [HVACMode.OFF, HVACMode.AUTO]
        if details.get("hasHeating"):
            self._attr_hvac_modes.append(HVACMode.HEAT)
        if details.get("hasCooling"):
            self._attr_hvac_modes.append(HVACMode.COOL)

    def _update_from_values(self) -> None:
        super()._update_from_values()
        mode = self.number("currentTempMode")
        self._attr_hvac_mode = None if mode is None else _POOL_MODES.get(int(mode))

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Choose the temperature mode (heating and cooling as automatic regulation)."""
        await self.send(f"tempMode/{_POOL_COMMANDS[hvac_mode]}")

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the water target temperature."""
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(hvac_mode)
        if (temperature := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.send(f"targetTemp/{float(temperature):g}")
