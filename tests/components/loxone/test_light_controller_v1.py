"""The first-generation LightController with its Dimmer and ColorPicker circuits."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import control, state_uuid, wait_for_state
from tests.simulators.miniserver import MiniserverSimulator

LIGHT = "light.office_office_scenes"
NAME = "Office scenes"


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        "light", service, {"entity_id": entity_id, **data}, blocking=True
    )


def commands(simulator: MiniserverSimulator, action: str) -> list[str]:
    return [cmd for uuid, cmd in simulator.commands if uuid == action]


async def test_scenes_as_effects(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    action = control(NAME)["uuidAction"]
    await wait_for_state(hass, LIGHT, STATE_OFF)
    state = hass.states.get(LIGHT)
    assert state is not None
    assert state.attributes["effect_list"] == ["Work", "Meeting", "All on"]
    await call(hass, "turn_on", LIGHT, effect="Meeting")
    assert commands(miniserver, action)[-1] == "2"
    await wait_for_state(hass, LIGHT, STATE_ON)
    assert hass.states.get(LIGHT).attributes["effect"] == "Meeting"  # type: ignore[union-attr]
    await call(hass, "turn_off", LIGHT)
    assert commands(miniserver, action)[-1] == "off"
    await wait_for_state(hass, LIGHT, STATE_OFF)
    await call(hass, "turn_on", LIGHT)
    assert commands(miniserver, action)[-1] == "on"
    await wait_for_state(hass, LIGHT, STATE_ON)
    assert hass.states.get(LIGHT).attributes["effect"] == "All on"  # type: ignore[union-attr]


async def test_circuits_are_lights_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    circuits = {
        e.original_name: e
        for e in er.async_entries_for_config_entry(entity_registry, loxone_entry.entry_id)
        if e.unique_id.split("_", 1)[1].startswith(control(NAME)["uuidAction"] + "/")
    }
    assert set(circuits) == {"Desk spots", "Shelf LED"}
    assert all(e.disabled_by is er.RegistryEntryDisabler.INTEGRATION for e in circuits.values())
    for entry in circuits.values():
        entity_registry.async_update_entity(entry.entity_id, disabled_by=None)
    await hass.config_entries.async_reload(loxone_entry.entry_id)
    await hass.async_block_till_done()

    shelf = circuits["Shelf LED"].entity_id
    await wait_for_state(hass, shelf, STATE_OFF)
    await call(hass, "turn_on", shelf, color_temp_kelvin=3000, brightness=128)
    picker = f"{control(NAME)['uuidAction']}/AI2"
    assert commands(miniserver, picker)[-1] == "lumitech(50,3000)"  # V1 spells temp lumitech
    await wait_for_state(hass, shelf, STATE_ON)
    await call(hass, "turn_on", shelf, hs_color=(120, 100))
    assert commands(miniserver, picker)[-1] == "hsv(120,100,50)"
    async with asyncio.timeout(3.0):
        while hass.states.get(shelf).attributes.get("color_mode") != "hs":  # type: ignore[union-attr]
            await asyncio.sleep(0.01)

    desk = circuits["Desk spots"].entity_id
    await call(hass, "turn_on", desk, brightness=255)
    assert commands(miniserver, f"{control(NAME)['uuidAction']}/AI1")[-1] == "100"
    miniserver.set_value(state_uuid(NAME, "activeScene"), 1.0)
    await wait_for_state(hass, LIGHT, STATE_ON)
