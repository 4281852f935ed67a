"""The live-event path (issue 17): remembered table headers, one-event tables, the cache's bounds.

Everything runs against the Miniserver simulator; what is asserted is what a caller sees (states,
subscriber calls, logs) plus the bound on the headers a connection remembers.
"""

from __future__ import annotations

import copy
import logging
import sys
import uuid

import pytest

from custom_components.hubrelay.protocols.loxone import (
    LoxoneStructure,
    MiniserverClient,
    StateValue,
    TextState,
    uuid_to_bytes,
)
from custom_components.hubrelay.protocols.loxone.connection import TABLE_HEADERS
from custom_components.hubrelay.protocols.loxone.frames import Header, MessageType
from tests.simulators import miniserver_codec as codec
from tests.simulators.loxone_demo_house import DEMO_HOUSE, uid
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_session import Frame

from .conftest import ClientFactory, wait_until

KNOWN = uid("living.irc.tempActual")
STRANGER = "00000000-0000-0001-0000000000000017"  # no structure names it


def remembered(client: MiniserverClient) -> dict[bytes, Header]:
    connection = client._connection
    assert connection is not None
    return connection._table_headers


def send_frames(ms: MiniserverSimulator, *frames: bytes) -> None:
    for session in list(ms._sessions):
        for frame in frames:
            session.send_raw(Frame("bytes", frame))


async def test_live_events_reach_subscribers_in_order(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    got: list[StateValue] = []
    client.subscribe(KNOWN, lambda key, value: got.append(value))
    for value in range(5):
        ms.send_value_table([(KNOWN, float(value))])
    await wait_until(lambda: got == [0.0, 1.0, 2.0, 3.0, 4.0])
    assert client.get_state(KNOWN) == 4.0
    header = codec.header(codec.Identifier.VALUE_TABLE, 24)
    assert remembered(client)[header] == Header(MessageType.VALUE_TABLE, False, 24)


async def test_remembered_headers_are_bounded(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    sizes = range(1, TABLE_HEADERS + 10)
    for count in sizes:
        ms.send_value_table([(KNOWN, float(count))] * count)
    await wait_until(lambda: client.get_state(KNOWN) == float(sizes[-1]))
    assert len(remembered(client)) == TABLE_HEADERS
    ms.send_value_table([(KNOWN, 1.5)] * sizes[-1])  # a header past the bound still works
    await wait_until(lambda: client.get_state(KNOWN) == 1.5)


async def test_a_one_event_table_of_an_unnamed_state_is_dropped(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "custom_components.hubrelay.protocols.loxone.client")
    client = await make_client()
    ms.send_value_table([(STRANGER, 1.0)])
    ms.send_value_table([(KNOWN, 2.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 2.0)
    assert client.get_state(STRANGER) is None
    assert "Ignored 1 states the structure file does not name" in caplog.text


async def test_a_failing_subscriber_does_not_stop_the_next_one(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client()

    def broken(key: bytes, value: StateValue) -> None:
        raise RuntimeError("subscriber bug")

    got: list[StateValue] = []
    client.subscribe(KNOWN, broken)
    client.subscribe(KNOWN, lambda key, value: got.append(value))
    ms.send_value_table([(KNOWN, 3.0)])
    await wait_until(lambda: got == [3.0])
    assert "A Loxone state subscriber failed" in caplog.text


async def test_unsubscribing_forgets_an_unnamed_state_only(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    seen: list[StateValue] = []
    forget_stranger = client.subscribe(STRANGER, lambda key, value: seen.append(value))
    forget_known = client.subscribe(KNOWN, lambda key, value: seen.append(value))
    ms.send_value_table([(STRANGER, 7.0)])
    ms.send_value_table([(KNOWN, 8.0)])
    await wait_until(lambda: seen == [7.0, 8.0])
    forget_stranger()
    forget_known()
    assert client.get_state(STRANGER) is None
    assert client.get_state(KNOWN) == 8.0
    ms.send_value_table([(STRANGER, 9.0), (KNOWN, 10.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 10.0)
    assert client.get_state(STRANGER) is None
    assert seen == [7.0, 8.0]


async def test_a_new_structure_keeps_the_states_it_names_and_subscribed_ones(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    client.subscribe(STRANGER, lambda key, value: None)
    ms.send_value_table([(STRANGER, 1.0), (KNOWN, 2.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 2.0)
    smaller = copy.deepcopy(DEMO_HOUSE)
    del smaller["controls"][uid("living.irc")]
    structure = LoxoneStructure.from_json(smaller)
    assert uuid_to_bytes(KNOWN) not in structure.state_keys
    client._use_structure(structure)
    assert client.structure is structure
    assert client.get_state(KNOWN) is None
    assert client.get_state(STRANGER) == 1.0
    assert set(client.states) <= structure.state_keys | {uuid_to_bytes(STRANGER)}


async def test_an_exact_eight_byte_payload_is_not_taken_for_a_header(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client()
    header = codec.header(codec.Identifier.VALUE_TABLE, 8)
    looks_like_a_header = codec.header(codec.Identifier.VALUE_TABLE, 24)
    send_frames(ms, header, looks_like_a_header)
    ms.send_value_table([(KNOWN, 5.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 5.0)
    assert "value table of 8 bytes is not a multiple of 24" in caplog.text
    assert client.connected


async def test_a_text_table_goes_into_the_cache_and_to_subscribers(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    text_state = uid("living.presence.infoText")
    got: list[StateValue] = []
    client.subscribe(text_state, lambda key, value: got.append(value))
    icon = str(uuid.UUID(int=5))
    table = codec.text_table([(text_state, icon, "Anwesend"), (STRANGER, icon, "nobody's")])
    send_frames(ms, codec.header(codec.Identifier.TEXT_TABLE, len(table)), table)
    await wait_until(lambda: len(got) == 1)
    state = client.get_state(text_state)
    assert isinstance(state, TextState)
    assert state.text == "Anwesend"
    assert client.get_state(STRANGER) is None


async def test_a_flood_of_unnamed_states_leaves_no_slack_in_the_cache(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    ms.send_value_table([(KNOWN, 1.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 1.0)
    before = len(client.states), sys.getsizeof(client._states)
    strangers = [(f"{n:08x}-0000-0002-0000000000000000", float(n)) for n in range(20_000)]
    ms.send_value_table([*strangers, (KNOWN, 2.0)])
    await wait_until(lambda: client.get_state(KNOWN) == 2.0)
    assert len(client.states) == before[0]
    assert sys.getsizeof(client._states) <= 2 * before[1]
