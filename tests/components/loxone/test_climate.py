"""Loxone room controllers against the simulator: modes, presets, set-points and unknowns."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from homeassistant.components.climate import HVACMode
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import add_miniserver, control, state_uuid, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE, demo_initial_states
from tests.simulators.miniserver import MiniserverSimulator

V2 = "climate.living_room_living_room_climate"
V1 = "climate.bedroom_bedroom_climate"
V2_NAME = "Living room climate"
V1_NAME = "Bedroom climate"


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        "climate", service, {"entity_id": entity_id, **data}, blocking=True
    )


def commands(simulator: MiniserverSimulator, name: str) -> list[str]:
    action = control(name)["uuidAction"]
    return [cmd for uuid, cmd in simulator.commands if uuid == action]


def attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    state = hass.states.get(entity_id)
    assert state is not None
    return dict(state.attributes)


async def wait_for_attribute(hass: HomeAssistant, entity_id: str, name: str, value: Any) -> None:
    """Wait for an attribute the same way `wait_for_state` waits for the state."""
    async with asyncio.timeout(3.0):
        while attributes(hass, entity_id).get(name) != value:
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


async def test_room_controller_v2_follows_schedule_and_overrides(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    attrs = attributes(hass, V2)
    assert hass.states.get(V2).state == HVACMode.AUTO  # type: ignore[union-attr]
    assert attrs["current_temperature"] == 21.3
    assert attrs["temperature"] == 22.0
    assert attrs["hvac_modes"] == [HVACMode.AUTO, HVACMode.HEAT_COOL]
    assert attrs["preset_modes"] == ["eco", "comfort", "building_protection"]
    assert attrs["preset_mode"] == "eco"  # activeMode 0
    assert (attrs["min_temp"], attrs["max_temp"]) == (5.0, 35.0)  # frost / heat protection
    assert "hvac_action" not in attrs

    await call(hass, "set_temperature", V2, temperature=23.5)
    assert commands(miniserver, V2_NAME)[-1] == "setComfortTemperature/23.5"
    await wait_for_attribute(hass, V2, "temperature", 23.5)

    await call(hass, "set_preset_mode", V2, preset_mode="comfort")
    assert commands(miniserver, V2_NAME)[-1] == "override/1"
    await wait_for_state(hass, V2, HVACMode.HEAT_COOL)
    assert attributes(hass, V2)["preset_mode"] == "comfort"

    await call(hass, "set_hvac_mode", V2, hvac_mode=HVACMode.AUTO)
    assert commands(miniserver, V2_NAME)[-1] == "stopOverride"
    await wait_for_state(hass, V2, HVACMode.AUTO)

    await call(hass, "set_preset_mode", V2, preset_mode="building_protection")
    assert commands(miniserver, V2_NAME)[-1] == "override/2"
    await wait_for_attribute(hass, V2, "preset_mode", "building_protection")
    await call(hass, "set_hvac_mode", V2, hvac_mode=HVACMode.HEAT_COOL)
    assert commands(miniserver, V2_NAME)[-1] == "override/2"  # holds the active mode

    miniserver.set_value(state_uuid(V2_NAME, "activeMode"), 3.0)  # manual temperature
    await wait_for_attribute(hass, V2, "preset_mode", None)
    await call(hass, "set_hvac_mode", V2, hvac_mode=HVACMode.HEAT_COOL)
    assert commands(miniserver, V2_NAME)[-1] == "override/1"  # comfort when none to hold


async def test_room_controller_v2_operating_mode_limits_heat_or_cool(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.set_value(state_uuid(V2_NAME, "operatingMode"), 2.0)  # automatic, only cooling
    await wait_for_attribute(hass, V2, "hvac_modes", [HVACMode.AUTO, HVACMode.COOL])
    await call(hass, "set_temperature", V2, temperature=25)
    assert commands(miniserver, V2_NAME)[-1] == "setComfortTemperatureCool/25"

    await call(hass, "set_temperature", V2, temperature=24, hvac_mode=HVACMode.COOL)
    assert commands(miniserver, V2_NAME)[-2:] == ["override/0", "setComfortTemperatureCool/24"]
    await wait_for_state(hass, V2, HVACMode.COOL)

    miniserver.set_value(state_uuid(V2_NAME, "operatingMode"), 4.0)  # manual, only heating
    await wait_for_state(hass, V2, HVACMode.HEAT)
    with pytest.raises(ServiceValidationError):
        await call(hass, "set_temperature", V2, temperature=21, hvac_mode=HVACMode.OFF)

    miniserver.set_text(state_uuid(V2_NAME, "overrideEntries"), "not json")
    await wait_for_state(hass, V2, HVACMode.AUTO)


async def test_room_controller_v2_unknown_values(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    for state in ("tempTarget", "activeMode", "operatingMode", "frostProtectTemperature"):
        del miniserver.values[state_uuid(V2_NAME, state)]
    del miniserver.values[state_uuid(V2_NAME, "heatProtectTemperature")]
    del miniserver.texts[state_uuid(V2_NAME, "overrideEntries")]
    entry = await add_miniserver(hass, miniserver)
    attrs = attributes(hass, V2)
    assert hass.states.get(V2).state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert attrs["temperature"] is None
    assert attrs["preset_mode"] is None
    assert (attrs["min_temp"], attrs["max_temp"]) == (7, 35)  # Home Assistant's defaults
    await call(hass, "set_hvac_mode", V2, hvac_mode=HVACMode.HEAT_COOL)
    assert commands(miniserver, V2_NAME)[-1] == "override/1"
    miniserver.set_value(state_uuid(V2_NAME, "tempTarget"), 20.5)
    await wait_for_attribute(hass, V2, "temperature", 20.5)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_fahrenheit_format(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    for item in structure["controls"].values():
        if item["name"] in (V1_NAME, V2_NAME):
            item["details"]["format"] = "%.1f°F"
    async with MiniserverSimulator(
        structure=structure, initial_states=demo_initial_states()
    ) as simulator:
        entry = await add_miniserver(hass, simulator)
        simulator.set_value(state_uuid(V2_NAME, "tempActual"), 68.0)
        await wait_for_attribute(hass, V2, "current_temperature", 20.0)  # shown in °C
        await hass.config_entries.async_unload(entry.entry_id)


async def test_room_controller_v1(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    attrs = attributes(hass, V1)
    assert hass.states.get(V1).state == HVACMode.AUTO  # type: ignore[union-attr]
    assert attrs["current_temperature"] == 19.5
    assert attrs["temperature"] == 18.0
    assert attrs["hvac_modes"] == [HVACMode.AUTO, HVACMode.HEAT, HVACMode.COOL]
    assert "preset_modes" not in attrs

    # The set-point in use (0, economy) is an offset: write the comfort heating one.
    await call(hass, "set_temperature", V1, temperature=21)
    assert commands(miniserver, V1_NAME)[-1] == "settemp/1/21"
    # Events arrive in order: once the new target shows, the new index has arrived too.
    miniserver.set_value(state_uuid(V1_NAME, "currHeatTempIx"), 1.0)
    miniserver.set_value(state_uuid(V1_NAME, "tempTarget"), 21.0)
    await wait_for_attribute(hass, V1, "temperature", 21.0)
    await call(hass, "set_temperature", V1, temperature=21.5)
    assert commands(miniserver, V1_NAME)[-1] == "settemp/1/21.5"
    await wait_for_attribute(hass, V1, "temperature", 21.5)

    miniserver.set_value(state_uuid(V1_NAME, "currHeatTempIx"), 3.0)  # absolute: empty house
    miniserver.set_value(state_uuid(V1_NAME, "tempTarget"), 17.0)
    await wait_for_attribute(hass, V1, "temperature", 17.0)
    await call(hass, "set_hvac_mode", V1, hvac_mode=HVACMode.HEAT)
    assert commands(miniserver, V1_NAME)[-1] == "mode/5"
    await wait_for_state(hass, V1, HVACMode.HEAT)
    await call(hass, "set_temperature", V1, temperature=16)
    assert commands(miniserver, V1_NAME)[-1] == "settemp/3/16"

    await call(hass, "set_temperature", V1, temperature=24, hvac_mode=HVACMode.COOL)
    assert commands(miniserver, V1_NAME)[-2:] == ["mode/6", "settemp/2/24"]
    await wait_for_state(hass, V1, HVACMode.COOL)
    await call(hass, "set_hvac_mode", V1, hvac_mode=HVACMode.AUTO)
    assert commands(miniserver, V1_NAME)[-1] == "mode/0"
    await wait_for_state(hass, V1, HVACMode.AUTO)


async def test_room_controller_v1_unknown_values(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    for item in structure["controls"].values():
        if item["name"] == V1_NAME:
            del item["details"]["temperatures"]
    async with MiniserverSimulator(
        structure=structure, initial_states=demo_initial_states()
    ) as simulator:
        del simulator.values[state_uuid(V1_NAME, "mode")]
        del simulator.values[state_uuid(V1_NAME, "currHeatTempIx")]
        entry = await add_miniserver(hass, simulator)
        assert hass.states.get(V1).state == STATE_UNKNOWN  # type: ignore[union-attr]
        await call(hass, "set_temperature", V1, temperature=20)
        assert commands(simulator, V1_NAME)[-1] == "settemp/1/20"
        simulator.set_value(state_uuid(V1_NAME, "currHeatTempIx"), 3.0)
        simulator.set_value(state_uuid(V1_NAME, "tempTarget"), 17.0)
        await wait_for_attribute(hass, V1, "temperature", 17.0)
        await call(hass, "set_temperature", V1, temperature=20)
        assert commands(simulator, V1_NAME)[-1] == "settemp/1/20"  # no details: never absolute
        await hass.config_entries.async_unload(entry.entry_id)
