"""Local hub transport: hub cipher TLS, hub.info.get before login, key or anonymous login."""

from __future__ import annotations

import aiohttp
from cryptography import x509
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    ConnectionState,
    EzloAuthError,
    EzloConnectionError,
    EzloRpcError,
    LocalHubTransport,
    LocalKey,
    RpcChannel,
    hub_ssl_context,
)
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import demo_house

from .conftest import TOKEN, USER, KeyStore, SessionFactory


async def test_login_with_local_key_loads_everything(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys))
    assert session.state is ConnectionState.CONNECTED
    assert session.hub_info.serial == hub.house.serial
    assert session.hub_info.offline_anonymous_access is False
    assert set(session.devices) == set(hub.house.devices)
    assert set(session.items) == set(hub.house.items)
    assert {room.name for room in session.rooms.values()} == {"Living room", "Kitchen", "Bedroom"}
    assert {scene.name for scene in session.scenes.values()} == {"Good night", "Leaving home"}
    assert session.modes is not None
    assert session.modes.current == "1"
    methods = [method for method, _ in hub.requests]
    assert methods[:2] == ["hub.info.get", "hub.offline.login.ui"]
    assert hub.requests[1][1] == {"user": USER, "token": TOKEN}
    assert keys.calls == [(hub.house.serial, False)]


async def test_anonymous_access_needs_no_login(
    http: aiohttp.ClientSession, make_session: SessionFactory
) -> None:
    async with EzloHubSimulator(demo_house(anonymous=True)) as hub:
        session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port))
        assert session.hub_info.offline_anonymous_access
        assert "hub.offline.login.ui" not in [method for method, _ in hub.requests]
        assert len(session.devices) == len(hub.house.devices)
        await session.close()


async def test_no_key_and_no_anonymous_access_is_an_auth_error(
    hub: EzloHubSimulator, make_session: SessionFactory
) -> None:
    session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port), connect=False)
    with pytest.raises(EzloAuthError, match="no local key"):
        await session.connect()
    assert session.state is ConnectionState.DISCONNECTED


async def test_bad_cached_key_is_refreshed_once(
    hub: EzloHubSimulator, make_session: SessionFactory
) -> None:
    keys = KeyStore(cached=LocalKey(USER, "stale"), fresh=LocalKey(USER, TOKEN))
    session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys))
    assert session.connected
    assert [refresh for _, refresh in keys.calls] == [False, True]


async def test_bad_fresh_key_is_an_auth_error_without_secrets(
    hub: EzloHubSimulator, make_session: SessionFactory
) -> None:
    keys = KeyStore(
        cached=LocalKey(USER, "stale-secret"), fresh=LocalKey(USER, "also-wrong-secret")
    )
    session = await make_session(
        LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys), connect=False
    )
    with pytest.raises(EzloAuthError) as caught:
        await session.connect()
    assert "secret" not in str(caught.value)
    assert "Bad password" in str(caught.value)
    assert "secret" not in repr(keys.cached)


async def test_login_refused_for_other_reasons_is_not_retried(
    hub: EzloHubSimulator, make_session: SessionFactory
) -> None:
    keys = KeyStore(cached=LocalKey("", TOKEN), fresh=LocalKey(USER, TOKEN))
    hub.local_keys[""] = TOKEN
    await hub.drop_connections()
    session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys))
    assert session.connected
    assert keys.calls == [(hub.house.serial, False)]


async def test_already_logged_in_counts_as_success(
    hub: EzloHubSimulator, http: aiohttp.ClientSession
) -> None:
    ws = await http.ws_connect(f"wss://127.0.0.1:{hub.port}", ssl=hub_ssl_context())
    channel = RpcChannel(ws, request_timeout=1.0)
    channel.start()
    with pytest.raises(EzloRpcError) as before_login:
        await channel.call("hub.devices.list")
    assert before_login.value.data == "rpc.params.notfound"
    assert before_login.value.code == -32600
    await channel.call("hub.offline.login.ui", {"user": USER, "token": TOKEN})
    with pytest.raises(EzloRpcError) as again:
        await channel.call("hub.offline.login.ui", {"user": USER, "token": TOKEN})
    assert again.value.data == "user.login.alreadylogged"
    await channel.close()
    assert channel.closed


async def test_login_tolerates_the_already_logged_in_answer(
    hub: EzloHubSimulator, http: aiohttp.ClientSession, keys: KeyStore
) -> None:
    transport = LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys)
    channel, info = await transport.open(http, connect_timeout=2.0, request_timeout=1.0)
    await transport._login(channel, info)  # second login on the same socket
    assert [method for method, _ in hub.requests].count("hub.offline.login.ui") == 2
    await channel.close()


async def test_hub_requires_the_aes256_sha256_cipher(
    hub: EzloHubSimulator, http: aiohttp.ClientSession
) -> None:
    context = hub_ssl_context()
    ws = await http.ws_connect(f"wss://127.0.0.1:{hub.port}", ssl=context)
    transport = ws.get_extra_info("ssl_object")
    assert transport.cipher()[0] == "AES256-SHA256"
    assert transport.version() == "TLSv1.2"
    certificate = x509.load_der_x509_certificate(transport.getpeercert(binary_form=True))
    assert certificate.subject.rfc4514_string() == f"CN={hub.house.serial}"
    await ws.close()


async def test_unreachable_hub_is_a_connection_error(
    http: aiohttp.ClientSession, hub: EzloHubSimulator
) -> None:
    port = hub.port
    await hub.stop()
    with pytest.raises(EzloConnectionError, match="cannot connect"):
        await LocalHubTransport("127.0.0.1", port=port).open(
            http, connect_timeout=2.0, request_timeout=1.0
        )
