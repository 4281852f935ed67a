"""A peer that never answers the WebSocket upgrade cannot hold a connect (issue 13, item 13)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import Endpoint, LoxoneTimeoutError, Timings
from custom_components.hubrelay.protocols.loxone.connection import MiniserverConnection
from tests.simulators.hostile_peer import SilentPeer

GUARD = 30.0  # far above the bound under test, far below aiohttp's 300 s session default


async def test_a_silent_websocket_upgrade_times_out_with_the_command_timeout(
    http: aiohttp.ClientSession,
) -> None:
    async with SilentPeer() as peer:
        with pytest.raises(LoxoneTimeoutError, match="handshake"):
            async with asyncio.timeout(GUARD):
                await MiniserverConnection.open(
                    http,
                    Endpoint(URL(peer.url)),
                    on_table=lambda kind, payload: None,
                    timings=Timings(command_timeout=0.2),
                )
        assert peer.connections == 1
