"""Climate and air controls against the simulator: AC Control (climate) and Ventilation (fan)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from homeassistant.components.climate import HVACMode
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone.fan import MANUAL_TIMER
from tests.components.loxone.conftest import control, state_uuid, wait_for_state
from tests.simulators.miniserver import MiniserverSimulator

AC = "climate.bedroom_bedroom_air_conditioner"
FAN = "fan.hall_ventilation"


async def call(hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


def commands(simulator: MiniserverSimulator, name: str) -> list[str]:
    action = control(name)["uuidAction"]
    return [cmd for uuid, cmd in simulator.commands if uuid == action]


def attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


async def test_ac_control(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    name = "Bedroom air conditioner"
    await wait_for_state(hass, AC, HVACMode.COOL)
    assert attribute(hass, AC, "current_temperature") == 26.5
    assert attribute(hass, AC, "temperature") == 23.0
    assert (attribute(hass, AC, "min_temp"), attribute(hass, AC, "max_temp")) == (16.0, 30.0)
    assert attribute(hass, AC, "hvac_modes") == ["off", "auto", "heat", "cool", "dry", "fan_only"]
    assert attribute(hass, AC, "fan_modes") == ["Auto", "Low", "High"]
    assert attribute(hass, AC, "fan_mode") == "Auto"
    assert attribute(hass, AC, "swing_modes") == ["Auto", "Swing", "Fixed"]

    await call(hass, "climate", "set_temperature", AC, temperature=21.5)
    assert commands(miniserver, name)[-1] == "setTarget/21.5"
    await call(hass, "climate", "set_fan_mode", AC, fan_mode="High")
    assert commands(miniserver, name)[-1] == "setFan/3"
    await call(hass, "climate", "set_swing_mode", AC, swing_mode="Swing")
    assert commands(miniserver, name)[-1] == "setAirDir/2"
    async with asyncio.timeout(3.0):
        while (attribute(hass, AC, "swing_mode"), attribute(hass, AC, "temperature")) != (
            "Swing",
            21.5,
        ):
            await asyncio.sleep(0.01)
    assert attribute(hass, AC, "fan_mode") == "High"

    await call(hass, "climate", "turn_off", AC)
    assert commands(miniserver, name)[-1] == "off"
    await wait_for_state(hass, AC, HVACMode.OFF)
    await call(hass, "climate", "set_hvac_mode", AC, hvac_mode=HVACMode.DRY)
    assert commands(miniserver, name)[-2:] == ["setMode/4", "on"]  # switched on in the new mode
    await wait_for_state(hass, AC, HVACMode.DRY)
    await call(hass, "climate", "set_temperature", AC, temperature=24, hvac_mode=HVACMode.HEAT)
    assert commands(miniserver, name)[-2:] == ["setMode/2", "setTarget/24"]  # already on
    await wait_for_state(hass, AC, HVACMode.HEAT)
    await call(hass, "climate", "turn_off", AC)
    await call(hass, "climate", "turn_on", AC)
    assert commands(miniserver, name)[-1] == "on"
    await wait_for_state(hass, AC, HVACMode.HEAT)

    # Names changed in Loxone Config arrive as a text state.
    miniserver.set_text(state_uuid(name, "fanspeeds"), json.dumps([{"id": 1, "name": "Quiet"}]))
    async with asyncio.timeout(3.0):
        while attribute(hass, AC, "fan_modes") != ["Quiet"]:
            await asyncio.sleep(0.01)
    assert attribute(hass, AC, "fan_mode") is None  # speed 3 is no longer configured


async def test_ventilation(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    name = "Ventilation"
    await wait_for_state(hass, FAN, STATE_ON)
    assert attribute(hass, FAN, "percentage") == 30
    assert attribute(hass, FAN, "preset_modes") == ["automatic", "Party", "Away"]
    assert attribute(hass, FAN, "preset_mode") == "automatic"

    await call(hass, "fan", "set_preset_mode", FAN, preset_mode="Party")
    assert commands(miniserver, name)[-1] == "setTimer/7200/80/2/0"
    await wait_for_state(hass, FAN, STATE_ON)
    async with asyncio.timeout(3.0):
        while attribute(hass, FAN, "preset_mode") != "Party":
            await asyncio.sleep(0.01)
    assert attribute(hass, FAN, "percentage") == 80

    await call(hass, "fan", "set_percentage", FAN, percentage=45)
    assert commands(miniserver, name)[-1] == f"setTimer/{MANUAL_TIMER}/45/2/-1"
    async with asyncio.timeout(3.0):
        while attribute(hass, FAN, "percentage") != 45:
            await asyncio.sleep(0.01)
    assert attribute(hass, FAN, "preset_mode") is None  # a manual timer is no preset

    await call(hass, "fan", "turn_off", FAN)
    assert commands(miniserver, name)[-1] == f"setTimer/{MANUAL_TIMER}/0/2/-1"
    await wait_for_state(hass, FAN, STATE_OFF)
    await call(hass, "fan", "turn_on", FAN)
    assert commands(miniserver, name)[-1] == "setTimer/0"
    await wait_for_state(hass, FAN, STATE_ON)
    assert attribute(hass, FAN, "preset_mode") == "automatic"
    await call(hass, "fan", "turn_on", FAN, preset_mode="Away")
    assert commands(miniserver, name)[-1] == "setTimer/28800/10/0/1"
    await call(hass, "fan", "turn_on", FAN, percentage=60)
    assert commands(miniserver, name)[-1] == f"setTimer/{MANUAL_TIMER}/60/0/-1"
