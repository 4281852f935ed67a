"""The JSON-RPC channel on a real socket to the hub simulator: frames it must ignore, a broadcast
callback that fails, and requests still waiting when the hub drops the connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import logging

import aiohttp
import pytest

from custom_components.hubrelay.protocols.ezlo import Broadcast, EzloConnectionError
from custom_components.hubrelay.protocols.ezlo.rpc import RpcChannel
from tests.simulators.ezlo_hub import EzloHubSimulator, client_context

from .helpers import wait_until


@pytest.fixture
async def socket(
    hub: EzloHubSimulator, http: aiohttp.ClientSession
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with http.ws_connect(hub.url, ssl=client_context(hub.cert_pem)) as ws:
        yield ws


async def test_frames_that_are_no_answer_and_no_broadcast_are_ignored(
    hub: EzloHubSimulator,
    socket: aiohttp.ClientWebSocketResponse,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.hubrelay.protocols.ezlo.rpc")
    events: list[Broadcast] = []
    channel = RpcChannel(socket, request_timeout=2.0)
    channel.start(events.append)
    for text in (
        "not json",
        "[1, 2]",
        json.dumps({"id": "hubrelay-999", "result": {}}),  # an answer nobody waits for
        json.dumps({"id": "ui_broadcast", "msg_subclass": "hub.item.updated", "result": 7}),
    ):
        hub.send_raw(text)
    info = await channel.call("hub.info.get")
    assert info["serial"] == hub.house.serial
    assert events == []
    assert not channel.closed
    for reason in ("not JSON", "not an object", "no pending request", "malformed broadcast"):
        assert reason in caplog.text
    await channel.close()


async def test_a_failing_broadcast_callback_does_not_stop_the_channel(
    hub: EzloHubSimulator,
    socket: aiohttp.ClientWebSocketResponse,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Broadcast] = []

    def fail(event: Broadcast) -> None:
        seen.append(event)
        raise RuntimeError("callback bug")

    channel = RpcChannel(socket, request_timeout=2.0)
    channel.start(fail)
    hub.send_raw(
        json.dumps(
            {"id": "ui_broadcast", "msg_subclass": "hub.item.removed", "result": {"_id": "x"}}
        )
    )
    await wait_until(lambda: len(seen) == 1)
    assert "broadcast handler failed" in caplog.text
    assert (await channel.call("hub.info.get"))["serial"] == hub.house.serial
    await channel.close()


async def test_requests_waiting_when_the_hub_drops_fail_with_the_reason(
    hub: EzloHubSimulator, socket: aiohttp.ClientWebSocketResponse
) -> None:
    channel = RpcChannel(socket, request_timeout=5.0)
    channel.start()
    hub.response_delay = 1.0
    waiting = asyncio.create_task(channel.call("hub.info.get"))
    await wait_until(lambda: len(hub.requests) == 1)
    await hub.drop_connections()
    with pytest.raises(EzloConnectionError, match="closed by the peer"):
        await waiting
    reason = await channel.wait_closed()
    assert "closed by the peer" in str(reason)
    with pytest.raises(EzloConnectionError, match="closed by the peer"):
        await channel.call("hub.info.get")  # nothing is sent on a closed channel
    assert len(hub.requests) == 1
    await channel.close()


async def test_a_channel_never_started_closes_its_socket(
    socket: aiohttp.ClientWebSocketResponse,
) -> None:
    channel = RpcChannel(socket, request_timeout=1.0)
    await channel.close()
    assert socket.closed
