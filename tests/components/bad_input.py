"""Shared by the bad-input config-flow tests: servers that are not hubs, and the checks.

The servers are what a mistyped address or port answers with: a printer's web page, a 404, some
other API's JSON, a WebSocket that speaks another protocol, a port that accepts and hangs up, one
that accepts and never answers, and one where nothing listens. Each flow test points a field at
one of them and expects a clear form error within a bounded time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
import json
from pathlib import Path
import socket
import ssl
from typing import Any

import aiohttp
from aiohttp import web
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest

from custom_components.hubrelay.const import DOMAIN

EN_JSON = Path(__file__).resolve().parents[2] / "custom_components/hubrelay/translations/en.json"
#: The most one submit may take against the shortened timeouts the tests set.
SUBMIT_LIMIT = 5.0

#: Servers that answer HTTP (and WebSocket upgrades) with something no hub sends.
HTTP_KINDS = ("html", "not_found", "wrong_json", "json_list", "garbage_ws", "json_rpc_ws")
#: Raw TCP servers: accept and hang up at once, or accept and never say a word.
TCP_KINDS = ("closes", "silent")
#: Every kind, and a port where nothing listens (the connection is refused).
KINDS = (*HTTP_KINDS, *TCP_KINDS, "nothing_listens")

HTML = "<!doctype html><html><head><title>Router</title></head><body>Log in</body></html>"
WRONG_JSON = {"status": "ok", "data": {"devices": [1, 2, 3]}, "LL": "no"}
GARBAGE_TEXT = "\x00\x01 not the protocol you expected {"
GARBAGE_BINARY = bytes(range(256))[::-1] * 4


def closed_port() -> int:
    """A loopback port where nothing listens: bound once for a free number, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _rpc_answer(text: str) -> str:
    """Answer a JSON-RPC request by its id, with a result of a shape no hub uses."""
    try:
        request = json.loads(text)
    except ValueError:
        return GARBAGE_TEXT
    request_id = request.get("id") if isinstance(request, dict) else None
    return json.dumps({"id": request_id, "method": "x", "result": [1, 2, 3], "error": None})


class _HttpImpostor:
    """One aiohttp server answering every path (and every WebSocket upgrade) the same wrong way."""

    def __init__(self, kind: str, upstream: str | None) -> None:
        self.kind = kind
        self.upstream = upstream
        self.sockets: set[web.WebSocketResponse] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        wants_ws = request.headers.get("Upgrade", "").lower() == "websocket"
        if self.kind in {"garbage_ws", "json_rpc_ws"}:
            if wants_ws:
                return await self._websocket(request)
            if self.upstream is not None:
                return await self._proxy(request, self.upstream)
        if self.kind == "not_found":
            return web.Response(status=404, text="404 page not found")
        if self.kind == "wrong_json":
            return web.json_response(WRONG_JSON)
        if self.kind == "json_list":
            return web.json_response([1, 2, 3])
        return web.Response(text=HTML, content_type="text/html")

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.add(ws)
        try:
            if self.kind == "garbage_ws":
                await ws.send_str(GARBAGE_TEXT)
                await ws.send_bytes(GARBAGE_BINARY)
            async for message in ws:
                if message.type is aiohttp.WSMsgType.TEXT and self.kind == "json_rpc_ws":
                    await ws.send_str(_rpc_answer(message.data))
                else:
                    await ws.send_bytes(GARBAGE_BINARY)
        finally:
            self.sockets.discard(ws)
        return ws

    @staticmethod
    async def _proxy(request: web.Request, upstream: str) -> web.Response:
        """Pass plain HTTP on to a real simulator, so only the WebSocket is wrong."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(upstream + request.path_qs) as answer,
        ):
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                content_type=answer.content_type,
            )


@asynccontextmanager
async def impostor(
    kind: str, *, ssl_context: ssl.SSLContext | None = None, upstream: str | None = None
) -> AsyncIterator[int]:
    """Run a server of one kind on a free loopback port and yield the port.

    `ssl_context` serves HTTP kinds over TLS (a hub that is reached with wss); `upstream` is a
    base URL that the WebSocket kinds pass plain HTTP requests on to.
    """
    if kind == "nothing_listens":
        yield closed_port()
        return
    if kind in TCP_KINDS:
        async with _tcp_impostor(kind) as port:
            yield port
        return
    server = _HttpImpostor(kind, upstream)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        for ws in list(server.sockets):
            await ws.close()
        await runner.cleanup()


@asynccontextmanager
async def _tcp_impostor(kind: str) -> AsyncIterator[int]:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    async def say_nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.read(4096):
                pass
        except ConnectionError:
            pass
        finally:
            writer.close()

    handler = hang_up if kind == "closes" else say_nothing
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        server.close_clients()
        await server.wait_closed()


#: Stands for a field left out of the submitted form.
MISSING = object()


def case(change: Mapping[str, Any], outcome: str | Mapping[str, str]) -> Any:
    """One parametrized case, named after its change (``host=''``, ``port=missing``).

    `outcome` is the field the schema refuses (a string) or the form errors expected.
    """
    name = ",".join(
        f"{key}={'missing' if value is MISSING else repr(value)}" for key, value in change.items()
    )
    return pytest.param(change, outcome, id=name)


def with_changes(data: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """Apply a test case's change to a correct form: new values, or `MISSING` to drop a field."""
    merged = {**data, **change}
    return {key: value for key, value in merged.items() if value is not MISSING}


async def submit(hass: HomeAssistant, flow_id: str, data: Mapping[str, Any]) -> ConfigFlowResult:
    """Submit a form as the frontend does; a hang fails the test instead of stalling the run."""
    async with asyncio.timeout(SUBMIT_LIMIT):
        return await hass.config_entries.flow.async_configure(flow_id, dict(data))


async def assert_schema_rejects(
    hass: HomeAssistant, flow_id: str, data: Mapping[str, Any], field: str
) -> None:
    """The form's schema refuses the input (the frontend shows it under `field`)."""
    with pytest.raises(InvalidData) as caught:
        await submit(hass, flow_id, data)
    assert field in caught.value.schema_errors, caught.value.schema_errors


def assert_form_errors(result: ConfigFlowResult, step_id: str, errors: Mapping[str, str]) -> None:
    """The same form again with exactly these errors, each with text in en.json."""
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == step_id
    assert result["errors"] == errors
    texts = json.loads(EN_JSON.read_text(encoding="utf-8"))["config"]["error"]
    assert all(key in texts for key in errors.values()), errors


def assert_nothing_stored(hass: HomeAssistant) -> None:
    """A failed submit left no config entry behind."""
    assert hass.config_entries.async_entries(DOMAIN) == []
