"""Fault knobs: auth timeout, blocking, forced failures, drops, out of service, bad frames."""

from __future__ import annotations

import asyncio
import struct
import time

import aiohttp

from tests.simulators.miniserver import MiniserverSimulator

from .wire import HEADER, authenticated, connect


async def _closed_with(client_ws: aiohttp.ClientWebSocketResponse) -> int | None:
    while True:
        frame = await client_ws.receive(timeout=3)
        if frame.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.ERROR,
        ):
            return client_ws.close_code


async def test_auth_timeout_sends_420_then_closes(ms: MiniserverSimulator) -> None:
    ms.auth_timeout = 0.2
    client = await connect(ms.base_url)
    try:
        message = await client.answer()
        assert message.json()["Code"] == "420"
        assert await _closed_with(client.ws) is not None
    finally:
        await client.close()


async def test_block_after_failures_closes_with_4003(ms: MiniserverSimulator) -> None:
    ms.block_after_failures = 2
    client = await connect(ms.base_url)
    try:
        assert (await client.get_token(password="x"))["code"] == 401
        assert (await client.get_token(password="y"))["code"] == 401
        assert await _closed_with(client.ws) == 4003
    finally:
        await client.close()
    assert ms.is_blocked()
    again = await connect(ms.base_url, keyexchange=False)
    try:
        assert await _closed_with(again.ws) == 4003
    finally:
        await again.close()
    ms.unblock()
    assert not ms.is_blocked()


async def test_fail_next_auth_overrides_good_credentials(ms: MiniserverSimulator) -> None:
    ms.fail_next_auth(401)
    ms.fail_next_auth(400)
    client = await connect(ms.base_url)
    try:
        assert (await client.get_token())["code"] == 401
        assert (await client.get_token())["code"] == 400
        assert (await client.get_token())["code"] == 200
        assert ms.failed_auths == 1
    finally:
        await client.close()


async def test_drop_connections_plain_and_mid_table(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        await ms.drop_connections()
        assert ms.sessions == 0
        assert (await client.ws.receive(timeout=3)).type in (
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.ERROR,
            aiohttp.WSMsgType.CLOSE,
        )
    finally:
        await client.close()
    client = await authenticated(ms.base_url)
    try:
        await client.enc("jdev/sps/enablebinstatusupdate")
        for _ in range(4):
            await client.recv_message()
        await ms.drop_connections(mid_table=True)
        frame = await client.ws.receive(timeout=3)
        assert frame.type == aiohttp.WSMsgType.BINARY
        _magic, identifier, _info, _r, length = HEADER.unpack(frame.data)
        assert (identifier, length) == (2, 24 * len(ms.values))
        assert (await client.ws.receive(timeout=3)).type != aiohttp.WSMsgType.BINARY
    finally:
        await client.close()


async def test_out_of_service_header_close_and_503(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        ms.set_out_of_service(0.3)
        message = await client.recv_message()
        assert message.identifier == 5
        assert await _closed_with(client.ws) is not None
    finally:
        await client.close()
    async with aiohttp.ClientSession() as http, http.get(f"{ms.base_url}/jdev/cfg/api") as r:
        assert r.status == 503
    await asyncio.sleep(0.35)
    client = await authenticated(ms.base_url)
    await client.close()


async def test_restart_keeps_tokens(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    port = ms.port
    [token] = ms.tokens.issued
    await ms.restart()
    try:
        assert await _closed_with(client.ws) is not None
    finally:
        await client.close()
    assert ms.port == port
    client = await connect(ms.base_url)
    try:
        assert (await client.token_command("authwithtoken", token.token))["code"] == 200
    finally:
        await client.close()


async def test_malformed_and_truncated_frames(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        ms.send_malformed_frame()
        frame = await client.ws.receive(timeout=3)
        assert frame.data[0] != 0x03
        ms.send_malformed_frame("short_header")
        assert len((await client.ws.receive(timeout=3)).data) == 5
        ms.send_malformed_frame("bad_json")
        await client.ws.receive(timeout=3)
        text = (await client.ws.receive(timeout=3)).data
        assert isinstance(text, str)
        assert not text.endswith("}")
        ms.send_truncated_table()
        header = (await client.ws.receive(timeout=3)).data
        payload = (await client.ws.receive(timeout=3)).data
        assert HEADER.unpack(header)[4] == len(payload) + 10
    finally:
        await client.close()


async def test_estimated_headers_keepalive_and_delay(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        ms.estimated_headers = True
        await client.ws.send_str("jdev/cfg/version")
        estimated = HEADER.unpack((await client.ws.receive(timeout=3)).data)
        exact = HEADER.unpack((await client.ws.receive(timeout=3)).data)
        payload = (await client.ws.receive(timeout=3)).data
        assert estimated[2] == 0x80
        assert exact[2] == 0
        assert estimated[1] == exact[1] == 0
        assert exact[4] == len(payload.encode()) <= estimated[4]
        ms.estimated_headers = False
        await client.ws.send_str("keepalive")
        keepalive = (await client.ws.receive(timeout=3)).data
        assert keepalive == struct.pack("<BBBBI", 3, 6, 0, 0, 0)
        ms.response_delay = 0.2
        started = time.monotonic()
        await client.enc("jdev/cfg/version")
        assert time.monotonic() - started >= 0.2
    finally:
        await client.close()


async def test_no_event_slots_closes_with_4008(ms: MiniserverSimulator) -> None:
    ms.event_slots = False
    client = await authenticated(ms.base_url)
    try:
        await client.ws.send_str("jdev/sps/enablebinstatusupdate")
        assert await _closed_with(client.ws) == 4008
    finally:
        await client.close()
