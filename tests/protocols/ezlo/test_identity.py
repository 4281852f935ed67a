"""Pinning the local hub: certificate key and serial are checked before the local key is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
import hashlib

import aiohttp
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import serialization
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    EzloIdentityError,
    EzloProtocolError,
    HubIdentity,
    LocalHubTransport,
)
from custom_components.hubrelay.protocols.ezlo.identity import peer_fingerprint
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import demo_house

from .conftest import TOKEN, USER, KeyStore, SessionFactory
from .helpers import wait_until

TIMEOUTS = {"connect_timeout": 2.0, "request_timeout": 1.0}


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 of the certificate's DER SubjectPublicKeyInfo, computed here independently."""
    key = x509.load_pem_x509_certificate(cert_pem).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


@pytest.fixture
async def impostor(hub: EzloHubSimulator) -> AsyncIterator[EzloHubSimulator]:
    """The same serial and key store as `hub`, but its own TLS key (any self-signed certificate)."""
    async with EzloHubSimulator(
        demo_house(hub.house.serial), local_keys={USER: TOKEN}, key_label="impostor"
    ) as simulator:
        yield simulator


async def test_probe_reads_the_identity_without_a_secret(
    hub: EzloHubSimulator, http: aiohttp.ClientSession
) -> None:
    identity = await LocalHubTransport("127.0.0.1", port=hub.port).probe(http, **TIMEOUTS)
    assert identity == HubIdentity(hub.house.serial, fingerprint(hub.cert_pem))
    assert [method for method, _ in hub.requests] == ["hub.info.get"]


async def test_pinned_transport_logs_in(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    transport = LocalHubTransport(
        "127.0.0.1",
        port=hub.port,
        key_provider=keys,
        expected_fingerprint=fingerprint(hub.cert_pem).upper(),
        expected_serial=hub.house.serial,
    )
    session = await make_session(transport)
    assert session.connected
    assert transport.identity == HubIdentity(hub.house.serial, fingerprint(hub.cert_pem))


async def test_another_certificate_gets_nothing(
    hub: EzloHubSimulator,
    impostor: EzloHubSimulator,
    keys: KeyStore,
    make_session: SessionFactory,
) -> None:
    """The discovery hijack: same serial, any self-signed certificate; the key stays here."""
    transport = LocalHubTransport(
        "127.0.0.1",
        port=impostor.port,
        key_provider=keys,
        expected_fingerprint=fingerprint(hub.cert_pem),
        expected_serial=hub.house.serial,
    )
    session = await make_session(transport, connect=False)
    with pytest.raises(EzloIdentityError, match="certificate") as caught:
        await session.connect()
    assert caught.value.fingerprint == fingerprint(impostor.cert_pem)
    assert impostor.requests == []
    assert keys.calls == []
    assert TOKEN not in str(caught.value)


async def test_another_serial_gets_no_key(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    transport = LocalHubTransport(
        "127.0.0.1", port=hub.port, key_provider=keys, expected_serial="90000999"
    )
    session = await make_session(transport, connect=False)
    with pytest.raises(EzloIdentityError, match="serial") as caught:
        await session.connect()
    assert caught.value.serial == hub.house.serial
    assert [method for method, _ in hub.requests] == ["hub.info.get"]
    assert keys.calls == []


async def test_probe_of_a_new_address_checks_the_pins(
    hub: EzloHubSimulator, impostor: EzloHubSimulator, http: aiohttp.ClientSession
) -> None:
    """A discovered address may take over the entry only when it presents the pinned identity."""

    def transport(port: int) -> LocalHubTransport:
        return LocalHubTransport(
            "127.0.0.1",
            port=port,
            expected_fingerprint=fingerprint(hub.cert_pem),
            expected_serial=hub.house.serial,
        )

    genuine = await transport(hub.port).probe(http, **TIMEOUTS)
    assert genuine.serial == hub.house.serial
    with pytest.raises(EzloIdentityError):
        await transport(impostor.port).probe(http, **TIMEOUTS)
    assert impostor.requests == []


async def test_a_socket_without_a_certificate_has_no_fingerprint(
    http: aiohttp.ClientSession,
) -> None:
    async def accept(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.receive()
        return ws

    app = web.Application()
    app.router.add_get("/", accept)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        ws = await http.ws_connect(f"ws://127.0.0.1:{runner.addresses[0][1]}/")
        with pytest.raises(EzloProtocolError, match="certificate"):
            peer_fingerprint(ws)
        await ws.close()
    finally:
        await runner.cleanup()


async def test_an_impostor_at_the_address_during_reconnect_gets_nothing(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    """The hub goes away and another answers at its address: the session keeps its key."""
    pinned = LocalHubTransport(
        "127.0.0.1",
        port=hub.port,
        key_provider=keys,
        expected_fingerprint=fingerprint(hub.cert_pem),
        expected_serial=hub.house.serial,
    )
    session = await make_session(pinned)
    await hub.stop()
    async with EzloHubSimulator(
        demo_house(hub.house.serial), port=hub.port, key_label="impostor"
    ) as impostor:
        await wait_until(lambda: isinstance(session.last_error, EzloIdentityError))
        assert impostor.requests == []
    assert not session.connected
    await hub.start()
    await wait_until(lambda: session.connected)
    assert session.last_error is None
    assert [refresh for _, refresh in keys.calls] == [False, False]
