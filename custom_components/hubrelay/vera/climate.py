"""Vera thermostats: modes, fan modes, and one or two setpoints.

A two-setpoint thermostat shows the setpoint its mode acts on (heat when heating, cool when
cooling) and a target range in heat-cool mode, so it never shows the cool setpoint while heating,
including after a Luup reload (HA core's vera: #73802, #84001).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..hub.climate import HubClimateEntity
from ..protocols.vera import SetpointTarget, VeraDevice, VeraThermostat
from .coordinator import VeraCoordinator
from .entity import VeraEntity
from .mapping import FAN_MODES, HVAC_ACTIONS, HVAC_MODES, VERA_FAN_MODES, VERA_HVAC_MODES


class VeraClimate(VeraEntity[VeraThermostat], HubClimateEntity):
    """A luup HVAC device."""

    _attr_name = None
    _attr_hvac_modes = list(VERA_HVAC_MODES)
    _attr_fan_modes = list(VERA_FAN_MODES)
    _attr_target_temperature_step = 0.5

    def __init__(self, coordinator: VeraCoordinator, device: VeraThermostat) -> None:
        """Offer a range when the device has separate heat and cool setpoints."""
        super().__init__(coordinator, device, None)
        fahrenheit = coordinator.temperature_unit == "F"
        self._temperature_unit = (
            UnitOfTemperature.FAHRENHEIT if fahrenheit else UnitOfTemperature.CELSIUS
        )
        self._two_setpoints = device.heat_setpoint is not None and device.cool_setpoint is not None
        features = (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.FAN_MODE
            | ClimateEntityFeature.TURN_ON
            | ClimateEntityFeature.TURN_OFF
        )
        if self._two_setpoints:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE_RANGE
        self._attr_supported_features = features

    def _update(self) -> None:
        device = self.device
        mode = HVAC_MODES.get(device.hvac_mode or "")
        self._attr_hvac_mode = mode
        self._attr_hvac_action = HVAC_ACTIONS.get(device.hvac_state or "")
        self._attr_fan_mode = FAN_MODES.get(device.fan_mode or "")
        self._current_temperature = device.current_temperature
        if mode is HVACMode.HEAT_COOL and self._two_setpoints:
            self._target_temperature = None
            self._target_temperature_low = device.heat_setpoint
            self._target_temperature_high = device.cool_setpoint
        else:
            self._target_temperature = device.target_setpoint
            self._target_temperature_low = None
            self._target_temperature_high = None

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch the thermostat's mode."""
        session, device_id = self.coordinator.session, self.device.id
        mode = VERA_HVAC_MODES[hvac_mode]
        await self.command(lambda: session.set_hvac_mode(device_id, mode))

    async def async_turn_on(self) -> None:
        """Heat (the mode every luup thermostat has)."""
        await self.async_set_hvac_mode(HVACMode.HEAT)

    async def async_turn_off(self) -> None:
        """Switch off."""
        await self.async_set_hvac_mode(HVACMode.OFF)

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Set the fan mode."""
        session, device_id = self.coordinator.session, self.device.id
        mode = VERA_FAN_MODES[fan_mode]
        await self.command(lambda: session.set_fan_mode(device_id, mode))

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Change the setpoint the mode uses, or the heat and cool setpoints of a range."""
        session, device_id = self.coordinator.session, self.device.id
        if (mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            await self.async_set_hvac_mode(mode)
        if (value := kwargs.get(ATTR_TEMPERATURE)) is not None:
            await self.command(lambda: session.set_setpoint(device_id, float(value)))
        if (low := kwargs.get(ATTR_TARGET_TEMP_LOW)) is not None:
            heat = SetpointTarget.HEAT
            await self.command(lambda: session.set_setpoint(device_id, float(low), heat))
        if (high := kwargs.get(ATTR_TARGET_TEMP_HIGH)) is not None:
            cool = SetpointTarget.COOL
            await self.command(lambda: session.set_setpoint(device_id, float(high), cool))


def vera_thermostats(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraClimate]:
    """Build a climate entity per thermostat."""
    return [VeraClimate(coordinator, device)] if isinstance(device, VeraThermostat) else []


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Vera entry."""
    coordinator.add_platform(vera_thermostats, async_add_entities)
