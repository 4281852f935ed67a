"""The WebSocket layer at its edges: sockets that never upgrade, TLS spoken to plain HTTP,
garbage frames from the Miniserver, and commands on a connection that has ended."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneConnectionError,
    LoxoneTimeoutError,
)
from custom_components.hubrelay.protocols.loxone.connection import MiniserverConnection
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import FAST


def no_tables(kind: object, payload: bytes) -> None:
    raise AssertionError("no tables expected")


@pytest.fixture
async def silent() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers (a hung Miniserver)."""
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_websocket_that_never_upgrades_is_a_timeout(silent: int) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as http:
        with pytest.raises(LoxoneTimeoutError, match="no WebSocket handshake"):
            await MiniserverConnection.open(
                http, Endpoint(URL(f"http://127.0.0.1:{silent}")), on_table=no_tables, timings=FAST
            )


async def test_tls_to_a_plain_http_miniserver_is_a_connection_error(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    endpoint = Endpoint(URL(f"https://127.0.0.1:{ms.port}"), ssl=False)
    with pytest.raises(LoxoneConnectionError, match="TLS failed"):
        await MiniserverConnection.open(http, endpoint, on_table=no_tables, timings=FAST)


async def test_malformed_frames_are_dropped_and_the_connection_goes_on(
    ms: MiniserverSimulator, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    connection = await MiniserverConnection.open(
        http, Endpoint(URL(ms.base_url)), on_table=no_tables, timings=FAST
    )
    ms.send_malformed_frame("bad_header")
    answer = await connection.request("jdev/cfg/api")
    assert answer.ok
    assert "Dropped a malformed Miniserver frame" in caplog.text
    await connection.close()


async def test_a_command_on_an_ended_connection_fails_with_why_it_ended(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    connection = await MiniserverConnection.open(
        http, Endpoint(URL(ms.base_url)), on_table=no_tables, timings=FAST
    )
    assert (await connection.request("jdev/cfg/api")).ok
    await connection.close()
    with pytest.raises(LoxoneConnectionError, match="closed by the client"):
        await connection.request("jdev/cfg/api")
    assert connection.closed
    assert connection.reason is not None


async def test_a_keepalive_answered_too_late_times_out_and_its_answer_is_ignored(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    connection = await MiniserverConnection.open(
        http,
        Endpoint(URL(ms.base_url)),
        on_table=no_tables,
        timings=replace(FAST, keepalive_timeout=0.1),
    )
    ms.response_delay = 0.3
    with pytest.raises(LoxoneTimeoutError, match="keepalive not answered"):
        await connection.keepalive()
    ms.response_delay = 0.0
    # The late keepalive header arrives before this answer; nothing is waiting for it.
    assert (await connection.request("jdev/cfg/api")).ok
    assert not connection.closed
    await connection.close()


async def test_an_idle_unauthenticated_connection_ends_with_the_auth_timeout(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    ms.auth_timeout = 0.1
    connection = await MiniserverConnection.open(
        http, Endpoint(URL(ms.base_url)), on_table=no_tables, timings=FAST
    )
    reason = await connection.wait_closed()
    assert isinstance(reason, LoxoneTimeoutError)
    assert "420" in str(reason)
