"""NFC Code Touch: access events, output buttons and last-access sensors against the simulator.

An access at the simulated code touch adds a history entry and moves `historyDate`; the
integration then asks the control's `history` and fires one event per new entry. No test waits
for "nothing happened": each one that expects no event makes one more access afterwards and
checks that only that one arrived.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.event import ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.diagnostics import async_get_config_entry_diagnostics
from custom_components.hubrelay.loxone import access
from custom_components.hubrelay.loxone.access import (
    MAX_ENTRIES,
    MAX_HISTORY_CHARS,
    MAX_NAME,
    Access,
    parse_history,
)
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator

from ..presses import Presses
from .conftest import add_miniserver, control, state_uuid, wait_for_state

ACTION = control("Front door code touch")["uuidAction"]
PREFIX = "hall_front_door_code_touch"
EVENT = f"event.{PREFIX}_access"
USER = f"sensor.{PREFIX}_last_access_user"
WHEN = f"sensor.{PREFIX}_last_access"
RESULT = f"sensor.{PREFIX}_last_access_result"
OPEN_FRONT = f"button.{PREFIX}_open_front_door"
OPEN_GARAGE = f"button.{PREFIX}_open_garage_door"
CODE = "80417"


def _state(hass: HomeAssistant, entity_id: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def test_entities_show_the_history_and_fire_nothing_at_set_up(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    event = registry.async_get(EVENT)
    assert event is not None
    assert event.capabilities == {ATTR_EVENT_TYPES: ["access_granted", "access_denied"]}
    assert _state(hass, EVENT).state == STATE_UNKNOWN
    await wait_for_state(hass, USER, "Anna")
    assert _state(hass, RESULT).state == "granted"
    assert _state(hass, WHEN).attributes["device_class"] == "timestamp"
    assert _state(hass, WHEN).state != STATE_UNKNOWN
    assert _state(hass, OPEN_FRONT).attributes["friendly_name"].endswith("Open Front door")
    assert hass.states.get(OPEN_GARAGE) is not None
    # The code and tag states are no entity of their own.
    assert not [e for e in registry.entities.values() if "lastcode" in e.unique_id]


async def test_a_granted_and_a_denied_access_are_two_events(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    miniserver.nfc_access(ACTION, "Carl", 2)
    await accesses.wait_for(hass, 1)
    miniserver.nfc_access(ACTION, "Dora", -1)
    await accesses.wait_for(hass, 2)
    assert accesses.seen[0][1] == "access_granted"
    assert accesses.seen[0][2]["user"] == "Carl"
    assert accesses.seen[0][2]["output"] == "Garage door"
    assert accesses.seen[1][1] == "access_denied"
    assert accesses.seen[1][2]["user"] == "Dora"
    assert accesses.seen[1][2]["output"] is None
    await wait_for_state(hass, USER, "Dora")
    assert _state(hass, RESULT).state == "denied"


async def test_accesses_in_one_second_are_each_an_event(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    for user in ("Eve", "Finn", "Eve"):
        miniserver.nfc_access(ACTION, user, 1)
        await accesses.wait_for(hass, len(accesses.seen) + 1)
    assert [attributes["user"] for _, _, attributes in accesses.seen] == ["Eve", "Finn", "Eve"]


async def test_a_code_never_reaches_states_logs_or_diagnostics(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    # A wrong code typed at the keypad; the Miniserver itself shows it in `lastcode`.
    miniserver.set_text(state_uuid("Front door code touch", "lastcode"), CODE)
    miniserver.nfc_access(ACTION, "Gus", -1, code=CODE)
    await accesses.wait_for(hass, 1)
    assert accesses.seen[0][1] == "access_denied"
    shown = [str(state.as_dict()) for state in hass.states.async_all()]
    assert not [text for text in shown if CODE in text]
    assert CODE not in caplog.text
    diagnostics = await async_get_config_entry_diagnostics(hass, loxone_entry)
    assert CODE not in json.dumps(diagnostics, default=str)


async def test_output_buttons_pulse_the_outputs(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    for entity_id in (OPEN_FRONT, OPEN_GARAGE):
        await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)
    assert [cmd for action, cmd in miniserver.commands if action == ACTION][-2:] == [
        "output/1",
        "output/2",
    ]


async def test_a_press_while_disconnected_is_refused(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await miniserver.stop()
    await wait_for_state(hass, OPEN_FRONT, STATE_UNAVAILABLE)
    # An automation that pressed just as the session dropped reaches the entity itself.
    button = hass.data["entity_components"]["button"].get_entity(OPEN_FRONT)
    assert button is not None
    with pytest.raises(HomeAssistantError) as err:
        await button.async_press()
    assert err.value.translation_key == "not_connected"
    assert [cmd for action, cmd in miniserver.commands if action == ACTION] == ["history"]
    await miniserver.start()
    await wait_for_state(hass, OPEN_FRONT, STATE_UNKNOWN)


async def test_reconnect_invents_no_access(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    await miniserver.stop()
    await wait_for_state(hass, EVENT, STATE_UNAVAILABLE)
    miniserver.nfc_access(ACTION, "Hanna", 1)  # while Home Assistant could not see it
    await miniserver.start()
    await wait_for_state(hass, USER, "Hanna")  # shown as the last access ...
    assert _state(hass, EVENT).state == STATE_UNKNOWN  # ... but no event
    miniserver.nfc_access(ACTION, "Ida", 2)
    await accesses.wait_for(hass, 1)
    assert [attributes["user"] for _, _, attributes in accesses.seen] == ["Ida"]


async def test_reload_fires_nothing_and_keeps_the_last_event(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    miniserver.nfc_access(ACTION, "Jan", 1)
    await accesses.wait_for(hass, 1)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await wait_for_state(hass, USER, "Jan")
    assert _state(hass, EVENT).state in accesses.stamps[EVENT]
    miniserver.nfc_access(ACTION, "Kim", 1)
    await accesses.wait_for(hass, 2)
    assert [attributes["user"] for _, _, attributes in accesses.seen] == ["Jan", "Kim"]
    coordinator = entry.runtime_data
    assert coordinator in access._LOGS
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert coordinator not in access._LOGS  # nothing keeps the unloaded session alive


async def _history_read(hass: HomeAssistant, miniserver: MiniserverSimulator, count: int) -> None:
    """Wait until the simulator has answered `count` history commands of the code touch."""
    async with asyncio.timeout(3.0):
        while [c for a, c in miniserver.commands if a == ACTION].count("history") < count:
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


async def test_an_unreadable_or_unknown_history_fires_nothing(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    date = state_uuid("Front door code touch", "historyDate")
    good = miniserver.store.histories[ACTION]
    miniserver.store.histories[ACTION] = {"not": "a list"}  # type: ignore[assignment]
    miniserver.set_value(date, 1.0)
    await _history_read(hass, miniserver, 2)
    miniserver.store.histories[ACTION] = good
    # The command fails too: the control asks for the visualisation password now.
    data = miniserver.control_data(ACTION)
    assert data is not None
    data["isSecured"] = True
    miniserver.set_value(date, 2.0)
    await _history_read(hass, miniserver, 3)
    data["isSecured"] = False
    # An entry whose result cannot be told is the last access, but no event.
    miniserver.nfc_access(ACTION, "Olga", 0)
    await wait_for_state(hass, USER, "Olga")
    assert _state(hass, RESULT).state == STATE_UNKNOWN
    miniserver.nfc_access(ACTION, "Lea", 1)
    await accesses.wait_for(hass, 1)
    assert [attributes["user"] for _, _, attributes in accesses.seen] == ["Lea"]


async def test_a_code_touch_without_outputs_or_history_date(hass: HomeAssistant) -> None:
    structure = json.loads(json.dumps(DEMO_HOUSE))
    data = structure["controls"][ACTION]
    del data["details"]["accessOutputs"]
    del data["states"]["historyDate"]
    async with MiniserverSimulator(structure=structure) as simulator:
        entry = await add_miniserver(hass, simulator)
        assert hass.states.get(OPEN_FRONT) is None
        assert _state(hass, USER).state == STATE_UNKNOWN
        assert _state(hass, EVENT).state == STATE_UNKNOWN
        assert "history" not in [c for a, c in simulator.commands if a == ACTION]
        await hass.config_entries.async_unload(entry.entry_id)


async def test_device_triggers_for_granted_and_denied(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = er.async_get(hass).async_get(EVENT)
    assert entity is not None
    assert entity.device_id is not None
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, entity.device_id
    )
    ours = [t for t in triggers if t["domain"] == DOMAIN]
    assert [(t["type"], t["subtype"]) for t in ours] == [
        ("access_granted", "access"),
        ("access_denied", "access"),
    ]
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": ours[1],
                "actions": {"action": "test.automation", "data": {"type": "{{ trigger.type }}"}},
            }
        },
    )
    await wait_for_state(hass, USER, "Anna")
    accesses = Presses(hass, EVENT)
    miniserver.nfc_access(ACTION, "Max", -1)
    await accesses.wait_for(hass, 1)
    miniserver.nfc_access(ACTION, "Nora", 1)
    await accesses.wait_for(hass, 2)
    assert [call.data["type"] for call in calls] == ["access_denied"]


# -- the history parser, with what a peer could send ----------------------------------------


def test_history_entries_in_every_known_shape() -> None:
    outputs = {1: "Front door"}
    answer = [
        {"ts": 1_700_000_100_000, "user": "Ms", "output": 1},  # milliseconds
        {"ts": "2023-11-14T22:13:00", "user": " Iso ", "output": "Side door"},
        {"ts": "1700000000", "user": "Digits", "output": 3, "isAuthorized": False},
        {"ts": None, "user": "", "output": 0},
        "not an entry",
    ]
    entries = parse_history(json.dumps(answer), outputs)
    assert entries is not None
    assert [(e.user, e.output, e.granted) for e in entries] == [
        (None, None, None),
        ("Iso", "Side door", None),
        ("Digits", None, False),
        ("Ms", "Front door", True),
    ]
    assert entries[-1].when is not None
    assert entries[-1].when.timestamp() == 1_700_000_100


@pytest.mark.parametrize(
    "answer",
    [
        {"an": "object"},
        "not json",
        "[" * 10,
        " " * (MAX_HISTORY_CHARS + 1),
        42,
    ],
)
def test_what_is_no_history(answer: Any) -> None:
    assert parse_history(answer, {}) is None


def test_history_sizes_are_bounded() -> None:
    assert parse_history("", {}) == []
    long = [{"ts": n + 1, "user": "x" * 1000, "output": True} for n in range(MAX_ENTRIES + 5)]
    entries = parse_history(long, {})
    assert entries is not None
    assert len(entries) == MAX_ENTRIES
    assert {len(e.user or "") for e in entries} == {MAX_NAME}
    assert {e.granted for e in entries} == {None}
    odd = [{"ts": value} for value in (True, -5, 1e20, "x" * 100, "2023-13-45")]
    assert {e.when for e in parse_history(odd, {}) or [Access(None, None, None, None)]} == {None}
