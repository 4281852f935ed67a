"""Loxone covers against the simulator: inversion, tilt only on blinds, every command, unknowns."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from homeassistant.components.cover import CoverEntityFeature, CoverState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import add_miniserver, control, state_uuid, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE, demo_initial_states
from tests.simulators.miniserver import MiniserverSimulator

BLIND = "cover.living_room_living_room_blind"
SHUTTER = "cover.bedroom_bedroom_shutter"
CENTRAL = "cover.whole_house_all_blinds"
GATE = "cover.garage_garage_door"
WINDOW = "cover.office_office_window"
TILT = (
    CoverEntityFeature.OPEN_TILT
    | CoverEntityFeature.CLOSE_TILT
    | CoverEntityFeature.STOP_TILT
    | CoverEntityFeature.SET_TILT_POSITION
)


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        "cover", service, {"entity_id": entity_id, **data}, blocking=True
    )


def last_command(simulator: MiniserverSimulator, name: str) -> str:
    action = control(name)["uuidAction"]
    return next(cmd for uuid, cmd in reversed(simulator.commands) if uuid == action)


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


def demo_with(**animations: int) -> dict[str, Any]:
    """The demo house with other `details.animation` values for the named controls."""
    structure = copy.deepcopy(DEMO_HOUSE)
    for item in structure["controls"].values():
        if item["name"] in animations:
            item["details"]["animation"] = animations[item["name"]]
    return structure


async def test_blind_inverts_position_and_tilt(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    attrs = attributes(hass, BLIND)
    assert hass.states.get(BLIND).state == CoverState.OPEN  # type: ignore[union-attr]
    assert attrs["device_class"] == "blind"
    assert attrs["current_position"] == 70  # Loxone 0.3 = 30 % down
    assert attrs["current_tilt_position"] == 100  # slats at 0 = open
    assert attrs["supported_features"] & TILT == TILT

    await call(hass, "close_cover", BLIND)
    assert last_command(miniserver, "Living room blind") == "FullDown"
    await wait_for_state(hass, BLIND, CoverState.CLOSED)
    assert attributes(hass, BLIND)["current_position"] == 0

    await call(hass, "open_cover", BLIND)
    assert last_command(miniserver, "Living room blind") == "FullUp"
    await wait_for_state(hass, BLIND, CoverState.OPEN)
    assert attributes(hass, BLIND)["current_position"] == 100

    await call(hass, "set_cover_position", BLIND, position=25)
    assert last_command(miniserver, "Living room blind") == "manualPosition/75"
    await wait_for_attribute(hass, BLIND, "current_position", 25)
    assert miniserver.values[state_uuid("Living room blind", "position")] == 0.75

    await call(hass, "stop_cover", BLIND)
    assert last_command(miniserver, "Living room blind") == "stop"

    await call(hass, "set_cover_tilt_position", BLIND, tilt_position=30)
    assert last_command(miniserver, "Living room blind") == "manualLamelle/70"
    await wait_for_attribute(hass, BLIND, "current_tilt_position", 30)
    await call(hass, "close_cover_tilt", BLIND)
    assert last_command(miniserver, "Living room blind") == "manualLamelle/100"
    await wait_for_attribute(hass, BLIND, "current_tilt_position", 0)
    await call(hass, "open_cover_tilt", BLIND)
    assert last_command(miniserver, "Living room blind") == "manualLamelle/0"
    await wait_for_attribute(hass, BLIND, "current_tilt_position", 100)
    await call(hass, "stop_cover_tilt", BLIND)
    assert last_command(miniserver, "Living room blind") == "stop"


async def test_blind_direction_flags(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.set_value(state_uuid("Living room blind", "up"), 1.0)
    await wait_for_state(hass, BLIND, CoverState.OPENING)
    miniserver.set_value(state_uuid("Living room blind", "up"), 0.0)
    miniserver.set_value(state_uuid("Living room blind", "down"), 1.0)
    await wait_for_state(hass, BLIND, CoverState.CLOSING)
    miniserver.set_value(state_uuid("Living room blind", "down"), 0.0)
    await wait_for_state(hass, BLIND, CoverState.OPEN)


async def test_shutter_has_no_tilt(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    attrs = attributes(hass, SHUTTER)
    assert hass.states.get(SHUTTER).state == CoverState.CLOSED  # type: ignore[union-attr]
    assert attrs["device_class"] == "shutter"
    assert attrs["current_position"] == 0
    assert "current_tilt_position" not in attrs
    assert attrs["supported_features"] & TILT == 0


async def test_central_jalousie_derives_its_state_from_its_blinds(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    attrs = attributes(hass, CENTRAL)
    assert hass.states.get(CENTRAL).state == CoverState.OPEN  # type: ignore[union-attr]
    assert attrs["current_position"] == 35  # blind 70, shutter 0
    assert "device_class" not in attrs  # a blind and a shutter

    await call(hass, "close_cover", CENTRAL)
    assert last_command(miniserver, "All blinds") == "FullDown"
    await wait_for_state(hass, CENTRAL, CoverState.CLOSED)
    assert attributes(hass, CENTRAL)["current_position"] == 0
    await wait_for_state(hass, BLIND, CoverState.CLOSED)

    await call(hass, "open_cover", CENTRAL)
    assert last_command(miniserver, "All blinds") == "FullUp"
    await wait_for_attribute(hass, CENTRAL, "current_position", 100)
    await wait_for_state(hass, SHUTTER, CoverState.OPEN)

    await call(hass, "stop_cover", CENTRAL)
    assert last_command(miniserver, "All blinds") == "stop"

    miniserver.set_value(state_uuid("Bedroom shutter", "down"), 1.0)
    await wait_for_state(hass, CENTRAL, CoverState.CLOSING)
    miniserver.set_value(state_uuid("Bedroom shutter", "down"), 0.0)
    miniserver.set_value(state_uuid("Living room blind", "up"), 1.0)
    await wait_for_state(hass, CENTRAL, CoverState.OPENING)


async def test_unknown_position_is_unknown_state(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    del miniserver.values[state_uuid("Living room blind", "position")]
    del miniserver.values[state_uuid("Garage door", "position")]
    del miniserver.values[state_uuid("Office window", "position")]
    entry = await add_miniserver(hass, miniserver)
    for entity_id in (BLIND, CENTRAL, GATE, WINDOW):
        assert hass.states.get(entity_id).state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert "current_position" not in attributes(hass, BLIND)
    miniserver.set_value(state_uuid("Living room blind", "position"), 0.0)
    await wait_for_state(hass, BLIND, CoverState.OPEN)
    await wait_for_state(hass, CENTRAL, CoverState.OPEN)
    assert attributes(hass, CENTRAL)["current_position"] == 50
    await hass.config_entries.async_unload(entry.entry_id)


async def test_awning_opens_by_extending(hass: HomeAssistant) -> None:
    structure = demo_with(**{"Living room blind": 6, "Bedroom shutter": 6})
    async with MiniserverSimulator(
        structure=structure, initial_states=demo_initial_states()
    ) as simulator:
        entry = await add_miniserver(hass, simulator)
        attrs = attributes(hass, BLIND)
        assert attrs["device_class"] == "awning"
        assert attrs["current_position"] == 30  # 30 % out
        assert attrs["supported_features"] & TILT == 0
        assert attributes(hass, CENTRAL)["device_class"] == "awning"
        assert attributes(hass, CENTRAL)["current_position"] == 65  # 30 and 100 % out

        await call(hass, "open_cover", BLIND)
        assert last_command(simulator, "Living room blind") == "FullDown"
        await wait_for_attribute(hass, BLIND, "current_position", 100)
        await call(hass, "close_cover", BLIND)
        assert last_command(simulator, "Living room blind") == "FullUp"
        await wait_for_state(hass, BLIND, CoverState.CLOSED)
        await call(hass, "set_cover_position", BLIND, position=40)
        assert last_command(simulator, "Living room blind") == "manualPosition/40"
        await wait_for_attribute(hass, BLIND, "current_position", 40)

        simulator.set_value(state_uuid("Living room blind", "down"), 1.0)
        await wait_for_state(hass, BLIND, CoverState.OPENING)
        await wait_for_state(hass, CENTRAL, CoverState.OPENING)
        simulator.set_value(state_uuid("Living room blind", "down"), 0.0)
        simulator.set_value(state_uuid("Living room blind", "up"), 1.0)
        await wait_for_state(hass, BLIND, CoverState.CLOSING)
        await wait_for_state(hass, CENTRAL, CoverState.CLOSING)
        simulator.set_value(state_uuid("Living room blind", "up"), 0.0)

        await call(hass, "close_cover", CENTRAL)
        assert last_command(simulator, "All blinds") == "FullUp"
        await wait_for_state(hass, CENTRAL, CoverState.CLOSED)
        await call(hass, "open_cover", CENTRAL)
        assert last_command(simulator, "All blinds") == "FullDown"
        await wait_for_attribute(hass, CENTRAL, "current_position", 100)
        await hass.config_entries.async_unload(entry.entry_id)


async def test_curtain_and_unsupported_animation(hass: HomeAssistant) -> None:
    structure = demo_with(**{"Living room blind": 3, "Bedroom shutter": 4, "Garage door": 1})
    async with MiniserverSimulator(
        structure=structure, initial_states=demo_initial_states()
    ) as simulator:
        entry = await add_miniserver(hass, simulator)
        assert attributes(hass, BLIND).get("device_class") is None
        assert attributes(hass, SHUTTER)["device_class"] == "curtain"
        assert attributes(hass, GATE)["device_class"] == "gate"
        await hass.config_entries.async_unload(entry.entry_id)


async def test_gate(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    attrs = attributes(hass, GATE)
    assert hass.states.get(GATE).state == CoverState.CLOSED  # type: ignore[union-attr]
    assert attrs["device_class"] == "garage"
    assert attrs["supported_features"] & CoverEntityFeature.SET_POSITION == 0
    await call(hass, "open_cover", GATE)
    assert last_command(miniserver, "Garage door") == "open"
    await wait_for_state(hass, GATE, CoverState.OPEN)
    assert attributes(hass, GATE)["current_position"] == 100
    await call(hass, "close_cover", GATE)
    assert last_command(miniserver, "Garage door") == "close"
    await wait_for_state(hass, GATE, CoverState.CLOSED)
    await call(hass, "stop_cover", GATE)
    assert last_command(miniserver, "Garage door") == "stop"
    miniserver.set_value(state_uuid("Garage door", "active"), 1.0)
    await wait_for_state(hass, GATE, CoverState.OPENING)
    miniserver.set_value(state_uuid("Garage door", "active"), -1.0)
    await wait_for_state(hass, GATE, CoverState.CLOSING)


async def test_window(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    assert hass.states.get(WINDOW).state == CoverState.CLOSED  # type: ignore[union-attr]
    assert attributes(hass, WINDOW)["device_class"] == "window"
    await call(hass, "open_cover", WINDOW)
    assert last_command(miniserver, "Office window") == "fullopen"
    await wait_for_state(hass, WINDOW, CoverState.OPEN)
    assert attributes(hass, WINDOW)["current_position"] == 100
    await call(hass, "set_cover_position", WINDOW, position=40)
    assert last_command(miniserver, "Office window") == "moveToPosition/40"
    await wait_for_attribute(hass, WINDOW, "current_position", 40)
    await call(hass, "close_cover", WINDOW)
    assert last_command(miniserver, "Office window") == "fullclose"
    await wait_for_state(hass, WINDOW, CoverState.CLOSED)
    await call(hass, "stop_cover", WINDOW)
    assert last_command(miniserver, "Office window") == "stop"
    miniserver.set_value(state_uuid("Office window", "direction"), 1.0)
    await wait_for_state(hass, WINDOW, CoverState.OPENING)
    miniserver.set_value(state_uuid("Office window", "direction"), -1.0)
    await wait_for_state(hass, WINDOW, CoverState.CLOSING)
