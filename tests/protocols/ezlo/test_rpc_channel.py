"""The JSON-RPC channel against a hub that misbehaves: garbage frames, a failing handler."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    EzloConnectionError,
    HubInfo,
    LocalHubTransport,
)
from custom_components.hubrelay.protocols.ezlo.broadcasts import Broadcast
from custom_components.hubrelay.protocols.ezlo.rpc import RpcChannel
from tests.simulators.ezlo_hub import EzloHubSimulator

from .conftest import KeyStore
from .helpers import wait_until


async def _open(
    hub: EzloHubSimulator, keys: KeyStore, http: aiohttp.ClientSession
) -> tuple[RpcChannel, HubInfo]:
    transport = LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys)
    return await transport.open(http, connect_timeout=2.0, request_timeout=1.0)


async def test_garbage_frames_and_a_failing_handler_keep_the_channel(
    hub: EzloHubSimulator,
    keys: KeyStore,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel, _ = await _open(hub, keys, http)
    seen: list[Broadcast] = []

    def failing(event: Broadcast) -> None:
        seen.append(event)
        raise RuntimeError("a bug in a subscriber")

    channel.set_handler(failing)
    for ws in list(hub.sockets):
        hub.send(ws, "this is not JSON")
        hub.send(ws, "[1, 2, 3]")
    hub.broadcast("hub.room.deleted", {"_id": "gone"})
    await wait_until(lambda: bool(seen))
    assert "broadcast handler failed" in caplog.text
    assert await channel.call("hub.room.list") == hub.house.rooms
    await channel.close()


async def test_call_after_the_end_raises_why_it_ended(
    hub: EzloHubSimulator, keys: KeyStore, http: aiohttp.ClientSession
) -> None:
    channel, _ = await _open(hub, keys, http)
    await channel.close(EzloConnectionError("done here"))
    with pytest.raises(EzloConnectionError, match="done here"):
        await channel.call("hub.room.list")


async def test_closing_fails_the_calls_still_waiting(
    hub: EzloHubSimulator, keys: KeyStore, http: aiohttp.ClientSession
) -> None:
    channel, _ = await _open(hub, keys, http)
    hub.response_delay = 0.5
    waiting = asyncio.create_task(channel.call("hub.room.list"))
    await wait_until(lambda: hub.requests[-1][0] == "hub.room.list")
    await channel.close()
    with pytest.raises(EzloConnectionError):
        await waiting
