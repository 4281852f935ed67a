"""A silent black hole (no data, no FIN) is noticed by the keepalive probe and left at once.

The dead peer never answers the WebSocket close handshake either, so once the probe timed out
the session must not wait for that answer (aiohttp waits 10 s by default) before reconnecting.
"""

from __future__ import annotations

from typing import Any

from custom_components.hubrelay.protocols.ezlo import (
    ConnectionState,
    EzloHubSession,
    LocalHubTransport,
    RelayTransport,
)
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator

from .conftest import KeyStore, SessionFactory
from .helpers import wait_until

#: The probe notices within 0.2 + 0.5 s; a close handshake would wait 10 s.
QUICK_PROBE: dict[str, Any] = {"keepalive_interval": 0.2, "request_timeout": 0.5}


async def _left_and_back(session: EzloHubSession, states: list[ConnectionState]) -> None:
    await wait_until(lambda: ConnectionState.DISCONNECTED in states, seconds=5.0)
    await wait_until(lambda: session.connected, seconds=5.0)
    assert session.reconnects == 1


async def test_local_black_hole_is_left_at_once(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    transport = LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys)
    session = await make_session(transport, **QUICK_PROBE)
    states: list[ConnectionState] = []
    session.on_connection_state(states.append)
    hub.black_hole()
    await _left_and_back(session, states)


async def test_relay_black_hole_is_left_at_once(
    hub: EzloHubSimulator,
    relay: tuple[NmaRelaySimulator, Any],
    relay_tls: Any,
    make_session: SessionFactory,
) -> None:
    transport = RelayTransport(hub.house.serial, relay[1], ssl_context=relay_tls)
    session = await make_session(transport, **QUICK_PROBE)
    states: list[ConnectionState] = []
    session.on_connection_state(states.append)
    relay[0].black_hole()
    await _left_and_back(session, states)
