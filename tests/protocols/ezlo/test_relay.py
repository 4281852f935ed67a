"""NMA relay transport: loginUserMios, register, proxied calls, identity renewal, faults."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    ConnectionState,
    EzloAuthError,
    EzloConnectionError,
    EzloHubOfflineError,
    EzloProtocolError,
    RelayTransport,
)
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator

from .conftest import IDENTITY, SIGNATURE, IdentityStore, SessionFactory
from .helpers import wait_until

type Relay = tuple[NmaRelaySimulator, IdentityStore]


def transport(hub: EzloHubSimulator, relay: Relay, tls: Any) -> RelayTransport:
    return RelayTransport(hub.house.serial, relay[1], ssl_context=tls)


async def test_login_register_and_proxied_calls(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    session = await make_session(transport(hub, relay, relay_tls))
    assert session.hub_info.serial == hub.house.serial
    assert set(session.items) == set(hub.house.items)
    assert relay[0].logins == [True]
    assert relay[1].calls == [False]
    switch = hub.house.item_by_name("Lamp switch", "switch")
    await session.set_item_value(switch["_id"], True)
    await wait_until(lambda: session.items[switch["_id"]].value is True)


async def test_already_logged_in_is_success(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    relay[0].answer_already_logged_in = True
    session = await make_session(transport(hub, relay, relay_tls))
    assert session.connected
    assert relay[0].logins == [True]


async def test_expired_identity_is_renewed_once(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    simulator, store = relay
    store.current = ("expired-identity", "expired-signature")
    session = await make_session(transport(hub, relay, relay_tls))
    assert session.connected
    assert store.calls == [False, True]
    assert simulator.logins == [False, True]


async def test_identity_refused_twice_is_an_auth_error(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    _, store = relay
    store.current = store.renewed = ("bad-identity-secret", "bad-signature-secret")
    session = await make_session(transport(hub, relay, relay_tls), connect=False)
    with pytest.raises(EzloAuthError) as caught:
        await session.connect()
    assert "secret" not in str(caught.value)
    assert "secret" not in repr(await store(False))


async def test_unknown_serial_is_not_an_auth_error(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    session = await make_session(
        RelayTransport("99999999", relay[1], ssl_context=relay_tls), connect=False
    )
    with pytest.raises(EzloConnectionError, match="Hub not found"):
        await session.connect()


async def test_hub_off_the_cloud_at_connect(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    await relay[0].disconnect_hub()
    session = await make_session(transport(hub, relay, relay_tls), connect=False)
    with pytest.raises(EzloHubOfflineError):
        await session.connect()


async def test_hub_disconnected_from_cloud_then_back(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    session = await make_session(transport(hub, relay, relay_tls))
    states: list[ConnectionState] = []
    session.on_connection_state(states.append)
    dimmer = hub.house.item_by_name("Ceiling dimmer", "dimmer")
    seen: list[Any] = []
    session.subscribe_item(dimmer["_id"], lambda item: seen.append(item.value))
    await relay[0].disconnect_hub()
    await wait_until(lambda: session.state is not ConnectionState.CONNECTED)
    hub.house.items[dimmer["_id"]]["value"] = 77  # changes while the hub is unreachable
    await wait_until(lambda: states.count(ConnectionState.DISCONNECTED) >= 2)
    relay[0].reconnect_hub()
    await wait_until(lambda: session.connected)
    assert seen == [77]  # delivered by the full refresh after reconnecting
    assert session.reconnects == 1


async def test_relay_drop_recovers_with_full_refresh(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    session = await make_session(transport(hub, relay, relay_tls))
    await relay[0].drop_connections()
    await wait_until(lambda: session.reconnects == 1 and session.connected)
    assert relay[0].logins == [True, True]
    assert [method for method, _ in hub.requests].count("hub.items.list") == 2


async def test_expired_identity_during_reconnect_is_renewed(
    hub: EzloHubSimulator, relay: Relay, relay_tls: Any, make_session: SessionFactory
) -> None:
    simulator, store = relay
    session = await make_session(transport(hub, relay, relay_tls))
    store.valid = {("renewed", "renewed-sig")}
    store.renewed = ("renewed", "renewed-sig")
    await simulator.drop_connections()
    await wait_until(lambda: session.reconnects == 1 and session.connected)
    assert store.calls == [False, False, True]
    assert store.current != (IDENTITY, SIGNATURE)


async def test_plain_ws_relay_gets_no_identity(http: aiohttp.ClientSession) -> None:
    """A ``ws://`` relay URL from the cloud would carry ``loginUserMios`` in clear: refused."""
    frames: list[str] = []

    async def listen(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        frames.extend(str(message.data) async for message in ws)
        return ws

    app = web.Application()
    app.router.add_get("/", listen)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"ws://127.0.0.1:{runner.addresses[0][1]}/"
    store = IdentityStore(url=url, valid=set())
    try:
        with pytest.raises(EzloProtocolError, match="wss"):
            await RelayTransport("90000123", store).open(
                http, connect_timeout=2.0, request_timeout=0.5
            )
    finally:
        await runner.cleanup()
    assert frames == []
