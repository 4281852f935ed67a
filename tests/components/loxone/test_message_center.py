"""Message Center entries as Repairs issues and the count sensor, against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import copy
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.entity_component import DATA_INSTANCES
import pytest

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone.repairs import system_message_kind
from custom_components.hubrelay.loxone.sensor_system import LoxoneSystemMessages
from custom_components.hubrelay.protocols.loxone.system import MAX_ENTRIES
from tests.components.loxone.conftest import add_miniserver, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_system import MessageCenter

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "loxone"
DEMO_ENTRY = "00000001-0000-0000-0000000000000000"


def center(simulator: MiniserverSimulator) -> MessageCenter:
    """The simulator's Message Center (the demo house has one)."""
    assert simulator.message_center is not None
    return simulator.message_center


def issues_of(hass: HomeAssistant, entry: HubRelayConfigEntry) -> dict[str, ir.IssueEntry]:
    """The entry's Message Center issues by issue id."""
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
        and issue_id.startswith("system_message_")
        and issue_id.endswith(entry.entry_id)
    }


def placeholders(issue: ir.IssueEntry) -> dict[str, str]:
    """An issue's translation placeholders."""
    assert issue.translation_placeholders is not None
    return issue.translation_placeholders


def issue_id(entry: HubRelayConfigEntry, entry_uuid: str) -> str:
    """The issue id of one Message Center entry."""
    return f"{system_message_kind(entry_uuid)}_{entry.entry_id}"


def count_sensor(hass: HomeAssistant, entry: HubRelayConfigEntry) -> str:
    """The entity id of the entry's "Active system messages" sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.data['serial']}_system_messages"
    )
    assert entity_id is not None
    return entity_id


def fetches(simulator: MiniserverSimulator) -> int:
    """How often the simulator was asked for the Message Center's entries."""
    return center(simulator).fetches


async def wait_until(hass: HomeAssistant, condition: Callable[[], bool]) -> None:
    """Wait (3 s at most) for a fetch that travels over a real socket."""
    async with asyncio.timeout(3.0):
        while not condition():
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


async def test_demo_message_is_an_issue_and_counted(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    await wait_until(hass, lambda: issue_id(entry, DEMO_ENTRY) in issues_of(hass, entry))
    issue = issues_of(hass, entry)[issue_id(entry, DEMO_ENTRY)]
    assert issue.severity is ir.IssueSeverity.ERROR
    assert not issue.is_fixable
    assert issue.translation_key == "system_message"
    assert issue.learn_more_url is None
    assert issue.translation_placeholders == {
        "title": entry.title,
        "message": "Device offline",
        "affected": "Presence sensor",
        "room": "Garage",
        "details": "The Tree device 'Presence sensor' does not answer.\nCheck its cabling.",
    }
    await wait_for_state(hass, count_sensor(hass, entry), "1")
    assert fetches(miniserver) >= 1
    assert not [c for c in miniserver.commands if c[0] == center(miniserver).action]


async def test_entries_raise_update_and_clear(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    sensor = count_sensor(hass, entry)
    await wait_for_state(hass, sensor, "1")
    messages = center(miniserver)
    new = messages.add(
        "No internet connection",
        affected_name="Miniserver",
        severity=1,
        help_link="https://www.loxone.com/help/internet",
    )
    await wait_for_state(hass, sensor, "2")
    issue = issues_of(hass, entry)[issue_id(entry, new)]
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.learn_more_url == "https://www.loxone.com/help/internet"
    assert placeholders(issue)["room"] == "-"
    assert placeholders(issue)["details"] == "-"

    messages.solve(new)  # solved: no longer active, gone from the count and from Repairs
    await wait_for_state(hass, sensor, "1")
    assert set(issues_of(hass, entry)) == {issue_id(entry, DEMO_ENTRY)}

    messages.confirm(DEMO_ENTRY)  # confirmed: still active on the Miniserver, no longer a repair
    await wait_until(hass, lambda: not issues_of(hass, entry))
    assert hass.states.get(sensor).state == "1"  # type: ignore[union-attr]


async def test_changes_during_a_fetch_cause_one_more_fetch(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    sensor = count_sensor(hass, loxone_entry)
    await wait_for_state(hass, sensor, "1")
    before = fetches(miniserver)
    miniserver.response_delay = 0.3  # the first fetch is still out when the next changes come
    messages = center(miniserver)
    for number in range(3):
        messages.add(f"Message {number}")
        await asyncio.sleep(0.05)
    await wait_for_state(hass, sensor, "4")
    await asyncio.sleep(0.5)
    assert fetches(miniserver) == before + 2  # not one per change


async def test_foreign_help_links_and_odd_severities(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    await wait_for_state(hass, count_sensor(hass, entry), "1")
    odd = center(miniserver).add(
        "<b>Look</b> here",
        severity=7,
        help_link="https://evil.example/www.loxone.com/",
        desc="line one<br>line&nbsp;two <script>x</script>",
    )
    await wait_until(hass, lambda: issue_id(entry, odd) in issues_of(hass, entry))
    issue = issues_of(hass, entry)[issue_id(entry, odd)]
    assert issue.learn_more_url is None
    assert issue.severity is ir.IssueSeverity.ERROR  # above "error" is at least an error
    assert placeholders(issue)["message"] == "Look here"
    assert placeholders(issue)["details"] == "line one\nline\xa0two x"


async def test_answers_are_bounded(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    sensor = count_sensor(hass, entry)
    await wait_for_state(hass, sensor, "1")
    messages = center(miniserver)
    messages.raw_answer = "x" * (600 * 1024)  # too long: refused, the last entries stay
    messages.touch()
    await wait_until(hass, lambda: fetches(miniserver) >= 2)
    messages.raw_answer = "{not json"
    messages.touch()
    await wait_until(hass, lambda: fetches(miniserver) >= 3)
    assert hass.states.get(sensor).state == "1"  # type: ignore[union-attr]
    assert set(issues_of(hass, entry)) == {issue_id(entry, DEMO_ENTRY)}

    messages.raw_answer = None
    for number in range(MAX_ENTRIES + 20):
        messages.add("T" * 1000, affected_name=f"Device {number}", notify=False)
    messages.entries.append({"entryUuid": "../../etc", "title": "bad uid", "isHistoric": False})
    messages.touch()
    await wait_for_state(hass, sensor, str(MAX_ENTRIES))
    raised = issues_of(hass, entry)
    assert len(raised) == MAX_ENTRIES
    assert all(len(placeholders(issue)["message"]) <= 200 for issue in raised.values())


async def test_solved_while_unloaded_and_removal_clear_issues(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    messages = center(miniserver)
    extra = messages.add("Battery low", affected_name="Window contact")
    await wait_until(hass, lambda: len(issues_of(hass, entry)) == 2)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(issues_of(hass, entry)) == 2  # unloading is not solving
    messages.solve(extra)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_until(hass, lambda: set(issues_of(hass, entry)) == {issue_id(entry, DEMO_ENTRY)})
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not issues_of(hass, entry)


@pytest.mark.parametrize("block", [None, {"x": {"name": "no uuidAction"}}])
async def test_no_message_center_no_sensor_no_fetch(
    hass: HomeAssistant, block: dict[str, Any] | None
) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    structure["messageCenter"] = block
    async with MiniserverSimulator(structure=structure) as simulator:
        entry = await add_miniserver(hass, simulator)
        registry = er.async_get(hass)
        assert not [
            e
            for e in er.async_entries_for_config_entry(registry, entry.entry_id)
            if e.unique_id.endswith("_system_messages")
        ]
        assert simulator.message_center is None or not simulator.message_center.fetches
        await hass.config_entries.async_unload(entry.entry_id)


async def test_no_fetch_while_disconnected(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    sensor_id = count_sensor(hass, entry)
    await wait_for_state(hass, sensor_id, "1")
    sensor = hass.data[DATA_INSTANCES]["sensor"].get_entity(sensor_id)
    assert isinstance(sensor, LoxoneSystemMessages)
    before = fetches(miniserver)
    await miniserver.stop()
    await wait_for_state(hass, sensor_id, "unavailable")
    sensor._center.refresh()  # a change that raced the disconnection asks nothing
    await hass.async_block_till_done()
    assert fetches(miniserver) == before
    await miniserver.start()  # the reconnection sends `changed` again: one fresh fetch
    await wait_for_state(hass, sensor_id, "1")
    await wait_until(
        hass,
        lambda: fetches(miniserver) == before + 1,
    )
    await asyncio.sleep(0.1)
    await hass.async_block_till_done()
    assert fetches(miniserver) == before + 1


@pytest.mark.parametrize("fixture", ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"])
async def test_real_structure_files_message_center(hass: HomeAssistant, fixture: str) -> None:
    path = FIXTURES / fixture
    if not path.is_file():
        pytest.skip("shared fixtures not present")
    structure = json.loads(path.read_text(encoding="utf-8"))
    serial = structure["msInfo"]["serialNr"].replace(":", "")
    async with MiniserverSimulator(structure=structure, serial=serial) as simulator:
        messages = center(simulator)
        assert messages.action in structure["messageCenter"]
        entry = await add_miniserver(hass, simulator)
        sensor = count_sensor(hass, entry)
        await wait_for_state(hass, sensor, "0")
        room = next(iter(structure["rooms"].values()))
        new = messages.add("Device offline", affected_name="Sensor", room_uuid=room["uuid"])
        await wait_for_state(hass, sensor, "1")
        issue = issues_of(hass, entry)[issue_id(entry, new)]
        assert placeholders(issue)["room"] == room["name"]
        await hass.config_entries.async_unload(entry.entry_id)
