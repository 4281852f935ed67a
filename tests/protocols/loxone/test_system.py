"""The Miniserver about itself: Message Center entries and load figures, bounded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any

import pytest

from custom_components.hubrelay.protocols.loxone import (
    LoxoneCommandError,
    LoxoneConnectionError,
    LoxoneProtocolError,
    MiniserverClient,
)
from custom_components.hubrelay.protocols.loxone.system import (
    MAX_ENTRIES,
    MAX_ENTRIES_CHARS,
    SEVERITY_WARNING,
    parse_count,
    parse_heap,
    parse_message_center,
    parse_percent,
    plain_text,
)
from tests.protocols.loxone.conftest import fixture_json
from tests.simulators.miniserver import MiniserverSimulator

type ClientFactory = Callable[..., Awaitable[MiniserverClient]]


def entry(**fields: Any) -> dict[str, Any]:
    """A Message Center entry as the Miniserver sends it, with `fields` changed."""
    return {
        "entryUuid": "1c8b2764-0053-364c-fffffd5438c1b69c",
        "eventId": 1121,
        "severity": 3,
        "affectedName": "Router offline",
        "title": "System message",
        "roomUuid": None,
        "isHistoric": False,
        "confirmedAt": None,
        "timestamps": [1761425459],
        "desc": "1",
        "helpLink": None,
    } | fields


def test_entries_are_read_active_first_and_deduplicated() -> None:
    document = {
        "entries": [
            entry(entryUuid="a", isHistoric=True),
            entry(entryUuid="b"),
            entry(entryUuid="b", title="a duplicate is ignored"),
            entry(entryUuid="c", confirmedAt=1761430351),
            "not an entry",
            entry(entryUuid="no spaces allowed"),
            entry(entryUuid=7),
        ]
    }
    messages = parse_message_center(json.dumps(document))
    assert [m.uid for m in messages] == ["b", "c", "a"]
    assert [m.active for m in messages] == [True, False, False]
    assert messages[0].title == "System message"
    assert messages[0].since is not None
    assert messages[0].since.year == 2025


def test_odd_fields_get_safe_defaults() -> None:
    (message,) = parse_message_center(
        {
            "entries": [
                entry(
                    severity="high",
                    roomUuid="r" * 100,
                    helpLink="h" * 600,
                    timestamps=["yesterday"],
                    title=None,
                )
            ]
        }
    )
    assert message.severity == SEVERITY_WARNING
    assert message.room_uuid is None
    assert message.help_link is None
    assert message.since is None
    assert message.title == ""
    (message,) = parse_message_center({"entries": [entry(timestamps=[10**20])]})
    assert message.since is None
    (message,) = parse_message_center({"entries": [entry(timestamps=[])]})
    assert message.since is None


@pytest.mark.parametrize(
    "value",
    ["{broken", "[]", json.dumps({"entries": "none"}), 42, "x" * (MAX_ENTRIES_CHARS + 1)],
)
def test_malformed_answers_are_refused(value: Any) -> None:
    with pytest.raises(LoxoneProtocolError):
        parse_message_center(value)


def test_entries_and_texts_are_bounded() -> None:
    document = {"entries": [entry(entryUuid=f"e{n}", title="T" * 900) for n in range(500)]}
    messages = parse_message_center(document)
    assert len(messages) == MAX_ENTRIES
    assert all(len(m.title) <= 200 for m in messages)
    assert plain_text("a<br/>b &amp; <i>c</i>\n\n  d  ") == "a\nb & c\nd"
    assert plain_text(None) == ""


def test_figures() -> None:
    assert parse_percent("14%") == 14.0
    assert parse_percent("CPU:12 SPS:23 Cycles:99") == 12.0
    assert parse_percent("101%") is None
    assert parse_percent("busy") is None
    assert parse_percent("9" * 100) is None
    assert parse_percent(True) is None
    assert parse_percent(None) is None
    assert parse_heap("478956/1016404kB") == (478956.0, 1016404.0)
    assert parse_heap("x/1kB") == (None, 1.0)
    assert parse_heap("12kB") == (None, None)
    assert parse_heap("1/2KB") == (1.0, 2.0)
    assert parse_heap("1/-5kB") == (1.0, None)
    assert parse_count("64") == 64
    assert parse_count(64) == 64
    assert parse_count("6.5") is None
    assert parse_count("-1") is None
    assert parse_count("many") is None
    assert parse_count("1" * 100) is None


async def test_client_fetches_entries_and_figures(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    assert ms.message_center is not None
    uid = ms.message_center.add("Battery low", affected_name="Window contact", severity=1)
    messages = await client.message_center_entries(ms.message_center.action)
    assert [(m.uid, m.severity, m.affected_name) for m in messages][-1] == (
        uid,
        1,
        "Window contact",
    )
    ms.message_center.raw_answer = json.dumps(
        {"entries": [entry(entryUuid=f"e{n}", desc="d" * 3000) for n in range(90)]}
    )
    assert len(await client.message_center_entries(ms.message_center.action)) == 90  # off loop
    assert await client.system_figure("numtasks") == "64"
    ms.system_figures.heap = None
    with pytest.raises(LoxoneCommandError):
        await client.system_figure("heap")
    with pytest.raises(ValueError, match="not a system figure"):
        await client.system_figure("reboot")
    await client.close()
    with pytest.raises(LoxoneConnectionError):
        await client.system_figure("cpu")


@pytest.mark.parametrize("name", ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"])
async def test_real_structure_files_name_a_message_center(name: str) -> None:
    structure = fixture_json(name)
    (block,) = structure["messageCenter"].values()
    async with MiniserverSimulator(structure=structure) as simulator:
        assert simulator.message_center is not None
        assert simulator.message_center.action == block["uuidAction"]
        assert simulator.message_center.changed_state == block["states"]["changed"]
        assert simulator.message_center.entries == []
