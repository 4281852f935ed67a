"""Edges of one WebSocket session: a handshake that never comes, a request after the end.

A Miniserver that accepts the TCP connection and then says nothing (a silent black hole for new
connections) must cost the command timeout, not the HTTP session's own default of 5 minutes.
"""

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


@pytest.fixture
async def mute_port() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never says a word (no HTTP upgrade answer)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_handshake_that_never_comes_times_out(
    http: aiohttp.ClientSession, mute_port: int
) -> None:
    endpoint = Endpoint(URL(f"http://127.0.0.1:{mute_port}"))
    timings = replace(FAST, command_timeout=0.3)
    with pytest.raises(LoxoneTimeoutError, match="handshake"):
        # Not aiohttp's session default (5 minutes): the command timeout bounds the handshake.
        async with asyncio.timeout(5.0):
            await MiniserverConnection.open(
                http, endpoint, on_table=lambda _k, _p: None, timings=timings
            )


async def test_request_after_the_end_raises_why_it_ended(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    connection = await MiniserverConnection.open(
        http, Endpoint(URL(ms.base_url)), on_table=lambda _k, _p: None, timings=FAST
    )
    await connection.close(LoxoneConnectionError("done here"))
    with pytest.raises(LoxoneConnectionError, match="done here"):
        await connection.request("jdev/cfg/api")


async def test_tls_to_a_plain_port_is_a_connection_error(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    endpoint = Endpoint(URL(f"https://127.0.0.1:{ms.port}"), ssl=False)
    with pytest.raises(LoxoneConnectionError, match="TLS failed"):
        await MiniserverConnection.open(http, endpoint, on_table=lambda _k, _p: None, timings=FAST)
