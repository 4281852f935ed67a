"""The state cache holds what the structure names; oversized messages end the connection
(issue 13, item 10)."""

from __future__ import annotations

import asyncio
import copy
from typing import Any
import uuid

import pytest
from yarl import URL

from custom_components.hubrelay.protocols.bounded import OFF_LOOP_BYTES
from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneResponseTooLargeError,
    LoxoneStructure,
    MiniserverClient,
    StateValue,
    uuid_to_bytes,
)
from custom_components.hubrelay.protocols.loxone.connection import (
    MAX_ANSWER_SIZE,
    MAX_TABLE_SIZE,
)
from tests.simulators.loxone_demo_house import DEMO_HOUSE, uid
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import ClientFactory, wait_until

KNOWN = uid("living.irc.tempActual")


def strangers(count: int) -> list[str]:
    """UUIDs (8-4-4-16) that no structure names."""
    texts = (uuid.UUID(int=n + 1).hex for n in range(count))
    return [f"{t[:8]}-{t[8:12]}-{t[12:16]}-{t[16:]}" for t in texts]


async def reason_of(client: MiniserverClient) -> BaseException:
    connection = client._connection
    assert connection is not None
    async with asyncio.timeout(10):
        return await connection.wait_closed()


async def test_states_the_structure_does_not_name_are_not_cached(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    assert client.structure is not None
    before = len(client.states)
    ms.send_value_table([(text, 1.0) for text in strangers(1000)] + [(KNOWN, 42.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 42.0)
    assert set(client.states) <= client.structure.state_keys
    assert len(client.states) == before
    assert client.connected


async def test_a_subscribed_state_is_kept_even_if_unnamed(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    (extra,) = strangers(1)
    seen: list[StateValue] = []
    client.subscribe(extra, lambda key, value: seen.append(value))
    ms.send_value_table([(extra, 7.0)])
    await wait_until(lambda: seen == [7.0])
    assert client.get_state(extra) == 7.0


async def test_a_table_above_the_limit_ends_the_connection(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client()
    before = len(client.states)
    ms.send_value_table([(KNOWN, 1.0)] * (MAX_TABLE_SIZE // 24 + 1))
    reason = await reason_of(client)
    assert isinstance(reason, LoxoneResponseTooLargeError)
    assert "VALUE_TABLE" in str(reason)
    assert len(client.states) == before
    assert "Closing the Miniserver connection" in caplog.text


async def test_a_huge_text_answer_ends_the_connection(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    ms.send_text_answer(" " * (MAX_ANSWER_SIZE + 1))
    reason = await reason_of(client)
    assert isinstance(reason, LoxoneResponseTooLargeError)
    assert "TEXT" in str(reason)


def big_structure() -> dict[str, Any]:
    """The demo house plus enough extra switches to pass the off-loop threshold."""
    structure = copy.deepcopy(DEMO_HOUSE)
    template = next(c for c in structure["controls"].values() if c["type"] == "Switch")
    for key in strangers(OFF_LOOP_BYTES // 300):
        control = copy.deepcopy(template)
        control["uuidAction"] = key
        control["states"] = {"active": key}
        structure["controls"][key] = control
    return structure


async def test_a_large_structure_is_read_and_names_its_states(
    make_client: ClientFactory,
) -> None:
    async with MiniserverSimulator(structure=big_structure()) as big:
        client = await make_client(endpoint=Endpoint(URL(big.base_url)))
        assert client.structure is not None
        assert uuid_to_bytes(strangers(1)[0]) in client.structure.state_keys


def test_state_keys_cover_every_states_block() -> None:
    glob, message, control, weather, listed = strangers(5)
    structure = LoxoneStructure.from_json(
        {
            "msInfo": {"serialNr": "504F94A0B1C2"},
            "globalStates": {"operatingMode": glob},
            "messageCenter": {"states": {"changed": message}},
            "controls": {control: {"type": "X", "states": {"many": [control, listed, 5, "no"]}}},
            "weatherServer": {"states": {"actual": weather}},
            "other": [{"states": {"value": "not a uuid"}}, 3],
        }
    )
    texts = (glob, message, control, weather, listed)
    assert structure.state_keys == {uuid_to_bytes(text) for text in texts}
