"""Paths of one WebSocket session that the simulator reaches only by timing, driven by a script.

A scripted peer answers exactly what each test tells it, so the paths that a busy machine
reaches only now and then (a refused key exchange, an owner whose table handler fails, a
keepalive left waiting when the connection ends, a WebSocket error frame) run every time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import json
import struct

import aiohttp
from aiohttp import WSMsgType, web
from cryptography.hazmat.primitives.asymmetric import rsa
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneConnectionError,
    LoxoneProtocolError,
    LoxoneTimeoutError,
)
from custom_components.hubrelay.protocols.loxone.connection import MiniserverConnection
from custom_components.hubrelay.protocols.loxone.frames import MessageType
from tests.simulators.miniserver_codec import Identifier, header

from .conftest import FAST

type Script = Callable[[web.WebSocketResponse], Awaitable[None]]


class ScriptedPeer:
    """A WebSocket server that runs the test's script on each connection."""

    def __init__(self) -> None:
        self.script: Script | None = None
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.transport: asyncio.Transport | None = None

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(protocols=("remotecontrol",))
        await ws.prepare(request)
        self.transport = request.transport
        assert self.script is not None
        await self.script(ws)
        return ws

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ws/rfc6455", self._websocket)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture
async def peer() -> AsyncIterator[ScriptedPeer]:
    server = ScriptedPeer()
    await server.start()
    yield server
    assert server.runner is not None
    await server.runner.cleanup()


async def connect(
    peer: ScriptedPeer,
    http: aiohttp.ClientSession,
    on_table: Callable[[MessageType, bytes], None] = lambda _k, _p: None,
) -> MiniserverConnection:
    return await MiniserverConnection.open(
        http, Endpoint(URL(peer.url)), on_table=on_table, timings=FAST
    )


def ll_answer(command: str, code: int) -> str:
    answer = {"control": command.removeprefix("j"), "code": str(code), "value": ""}
    return json.dumps({"LL": answer})


async def answer_with(ws: web.WebSocketResponse, code: int) -> None:
    """Answer every command with an LL of `code`, echoing it as a Miniserver does."""
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            answer = ll_answer(message.data, code)
            await ws.send_bytes(header(Identifier.TEXT, len(answer)))
            await ws.send_str(answer)


async def test_a_refused_key_exchange_is_a_protocol_error(
    peer: ScriptedPeer, http: aiohttp.ClientSession
) -> None:
    async def script(ws: web.WebSocketResponse) -> None:
        await answer_with(ws, 500)

    peer.script = script
    connection = await connect(peer, http)
    public_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(LoxoneProtocolError, match=r"refused the key exchange \(500\)"):
        await connection.key_exchange(public_key)
    await connection.close()


async def test_an_owner_failing_on_a_table_ends_the_connection_with_a_reason(
    peer: ScriptedPeer, http: aiohttp.ClientSession
) -> None:
    table = b"\x00" * 16 + struct.pack("<d", 1.0)

    async def script(ws: web.WebSocketResponse) -> None:
        await ws.send_bytes(header(Identifier.VALUE_TABLE, len(table)))
        await ws.send_bytes(table)
        async for _message in ws:
            pass

    def failing_owner(_kind: MessageType, _payload: bytes) -> None:
        raise RuntimeError("owner bug")

    peer.script = script
    connection = await connect(peer, http, failing_owner)
    reason = await asyncio.wait_for(connection.wait_closed(), 5)
    assert isinstance(reason, LoxoneConnectionError)
    assert "owner bug" in str(reason)
    with pytest.raises(LoxoneConnectionError, match="owner bug"):
        await connection.request("jdev/cfg/api")


async def test_a_keepalive_waiting_when_the_peer_closes_fails_with_the_close(
    peer: ScriptedPeer, http: aiohttp.ClientSession
) -> None:
    async def script(ws: web.WebSocketResponse) -> None:
        async for message in ws:
            if message.type is WSMsgType.TEXT and message.data == "keepalive":
                await ws.close(code=1001)

    peer.script = script
    connection = await connect(peer, http)
    with pytest.raises(LoxoneConnectionError, match="code 1001"):
        await asyncio.wait_for(connection.keepalive(), 5)


async def test_a_keepalive_waiting_when_the_owner_times_the_connection_out(
    peer: ScriptedPeer, http: aiohttp.ClientSession
) -> None:
    """The owner ends the connection with its own timeout: the keepalive reports that one."""

    async def script(ws: web.WebSocketResponse) -> None:
        async for _message in ws:
            pass  # never answers the keepalive

    peer.script = script
    connection = await connect(peer, http)
    probe = asyncio.create_task(connection.keepalive())
    await asyncio.sleep(0.05)
    await connection.close(LoxoneTimeoutError("the owner gave up"))
    with pytest.raises(LoxoneTimeoutError, match="the owner gave up"):
        await asyncio.wait_for(probe, 5)


async def test_a_command_waiting_when_the_owner_times_the_connection_out(
    peer: ScriptedPeer, http: aiohttp.ClientSession
) -> None:
    async def script(ws: web.WebSocketResponse) -> None:
        async for _message in ws:
            pass  # never answers

    peer.script = script
    connection = await connect(peer, http)
    command = asyncio.create_task(connection.request("jdev/cfg/api"))
    await asyncio.sleep(0.05)
    await connection.close(LoxoneTimeoutError("the owner gave up"))
    with pytest.raises(LoxoneTimeoutError, match="the owner gave up"):
        await asyncio.wait_for(command, 5)


async def test_a_websocket_error_frame_ends_the_connection_without_a_crash(
    peer: ScriptedPeer, http: aiohttp.ClientSession
) -> None:
    """A frame with reserved bits set is a WebSocket protocol error, not a Loxone message."""

    async def script(ws: web.WebSocketResponse) -> None:
        assert peer.transport is not None
        peer.transport.write(b"\xf1\x01x")  # FIN + RSV1-3 set: invalid without an extension
        await asyncio.sleep(0.5)

    peer.script = script
    connection = await connect(peer, http)
    reason = await asyncio.wait_for(connection.wait_closed(), 5)
    assert isinstance(reason, LoxoneConnectionError)


async def test_a_send_on_a_broken_socket_is_a_connection_error(
    peer: ScriptedPeer, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket breaks between the check for an ended connection and the write."""

    async def script(ws: web.WebSocketResponse) -> None:
        async for _message in ws:
            pass

    peer.script = script
    connection = await connect(peer, http)

    async def broken(_data: str, compress: int | None = None) -> None:
        raise ConnectionResetError("Cannot write to closing transport")

    monkeypatch.setattr(connection._ws, "send_str", broken)
    with pytest.raises(LoxoneConnectionError, match="the connection broke"):
        await connection.request("jdev/cfg/api")
    with pytest.raises(LoxoneConnectionError, match="the connection broke"):
        await connection.keepalive()
    await connection.close()
