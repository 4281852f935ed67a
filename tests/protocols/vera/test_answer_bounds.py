"""A hub or relay cannot make the Vera client read an endless answer (issue 13, item 8)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.bounded import OFF_LOOP_BYTES
from custom_components.hubrelay.protocols.vera import VeraConnectionError, VeraResponseTooLargeError
from custom_components.hubrelay.protocols.vera.client import VeraClient
from custom_components.hubrelay.protocols.vera.transport import (
    MAX_ACTION_BYTES,
    MAX_DATA_BYTES,
    LocalTransport,
)
from tests.simulators.hostile_peer import FloodPeer, Reply
from tests.simulators.vera_luup import VeraLuupSimulator


@pytest.fixture
async def peer() -> AsyncIterator[FloodPeer]:
    async with FloodPeer() as flood:
        yield flood


def client(http: aiohttp.ClientSession, base: str) -> VeraClient:
    return VeraClient(LocalTransport(http, URL(base + "/data_request")), request_timeout=3.0)


async def test_an_announced_sdata_flood_is_refused_unread(
    http: aiohttp.ClientSession, peer: FloodPeer
) -> None:
    peer.default = Reply(size=MAX_DATA_BYTES + 1)
    with pytest.raises(VeraResponseTooLargeError, match="announced") as caught:
        await client(http, peer.url).sdata()
    assert isinstance(caught.value, VeraConnectionError)  # "retry later" for the integration


async def test_an_action_answer_is_held_to_kilobytes(
    http: aiohttp.ClientSession, peer: FloodPeer
) -> None:
    peer.default = Reply(size=MAX_ACTION_BYTES + 1, chunked=True)
    with pytest.raises(VeraResponseTooLargeError, match="more bytes"):
        await client(http, peer.url).run_scene(1)


async def test_a_large_real_sdata_is_still_read(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> None:
    template = hub.house.devices[10]
    for number in range(1000, 1000 + OFF_LOOP_BYTES // 200):
        hub.add_device({**template, "id": number, "altid": str(number), "comment": "x" * 200})
    answer = await client(http, hub.base_url).sdata()
    assert len(answer.devices) == len(hub.house.devices)
