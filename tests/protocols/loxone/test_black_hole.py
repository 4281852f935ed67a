"""A silent black hole (no data, no FIN) is noticed by the keepalive and left without delay.

The dead peer never answers the WebSocket close handshake either, so once the keepalive timed out
the client must not wait for that answer (up to the command timeout) before reconnecting.
"""

from __future__ import annotations

from dataclasses import replace

from custom_components.hubrelay.protocols.loxone import ConnectionState, LoxoneTimeoutError
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import FAST, ClientFactory, wait_until

#: The keepalive notices within 0.1 + 0.5 s; a close handshake would wait 30 s.
TIMINGS = replace(FAST, keepalive_interval=0.1, keepalive_timeout=0.5, command_timeout=30.0)


async def test_black_hole_is_left_without_waiting_for_the_close_answer(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(timings=TIMINGS)
    seen: list[ConnectionState] = []
    client.add_connection_listener(seen.append)
    client.start()
    ms.black_hole()
    await wait_until(lambda: ConnectionState.DISCONNECTED in seen, seconds=10.0)
    assert isinstance(client.last_error, LoxoneTimeoutError)
    await wait_until(lambda: seen[-1:] == [ConnectionState.CONNECTED], seconds=10.0)
    assert client.connected
