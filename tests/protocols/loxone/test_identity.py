"""Pinning a Miniserver's serial and RSA key: an impostor gets no credential exchange."""

from __future__ import annotations

import hashlib

import aiohttp
from cryptography.hazmat.primitives import serialization
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    ConnectionState,
    Endpoint,
    LoxoneIdentityError,
    MiniserverClient,
    sign_in,
)
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_crypto import server_private_key

from .conftest import FAST, ClientFactory, wait_until

PREFLIGHT = {"jdev/cfg/apiKey", "jdev/cfg/api", "jdev/sys/getPublicKey"}
CREDENTIAL_COMMANDS = (
    "jdev/sys/keyexchange",
    "jdev/sys/getkey",
    "jdev/sys/getjwt",
    "jdev/sys/gettoken",
    "authwithtoken",
    "jdev/sys/refresh",
    "jdev/sys/checktoken",
)


def fingerprint(label: str = "") -> str:
    """SHA-256 of the simulator key's DER SubjectPublicKeyInfo, computed here independently."""
    der = (
        server_private_key(label)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return hashlib.sha256(der).hexdigest()


def credential_exchanges(ms: MiniserverSimulator) -> list[str]:
    return [path for path in ms.received if path.startswith(CREDENTIAL_COMMANDS)]


async def test_sign_in_returns_what_to_pin(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    identity = await sign_in(
        http, Endpoint(URL(ms.base_url)), username="admin", password="admin", client_uuid="c"
    )
    assert identity.serial == ms.serial
    assert identity.public_key == fingerprint()


async def test_pinned_client_connects(ms: MiniserverSimulator, make_client: ClientFactory) -> None:
    client = await make_client(expected_serial=ms.serial, expected_public_key=fingerprint())
    assert client.connected
    assert client.public_key == fingerprint()


async def test_a_changed_key_gets_no_credential(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    first = await make_client(connect=True)
    token = first.token
    await first.close()
    ms.key_label = "impostor"
    ms.received.clear()
    client = await make_client(
        connect=False,
        token=token,
        expected_serial=ms.serial,
        expected_public_key=fingerprint(),
    )
    with pytest.raises(LoxoneIdentityError, match="public key") as caught:
        await client.connect()
    assert caught.value.serial == ms.serial
    assert caught.value.public_key == fingerprint("impostor")
    assert set(ms.received) <= PREFLIGHT
    assert credential_exchanges(ms) == []
    assert "admin" not in str(caught.value)
    assert token is not None
    assert token.token not in str(caught.value)


async def test_a_changed_serial_gets_no_credential(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(
        connect=False, expected_serial="504F94000001", expected_public_key=fingerprint()
    )
    with pytest.raises(LoxoneIdentityError, match="serial") as caught:
        await client.connect()
    assert caught.value.serial == ms.serial
    assert credential_exchanges(ms) == []


async def test_sign_in_refuses_an_impostor(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    ms.key_label = "impostor"
    with pytest.raises(LoxoneIdentityError):
        await sign_in(
            http,
            Endpoint(URL(ms.base_url)),
            username="admin",
            password="admin",
            client_uuid="c",
            timings=FAST,
            expected_serial=ms.serial,
            expected_public_key=fingerprint(),
        )
    assert credential_exchanges(ms) == []


async def test_a_key_changed_between_sessions_is_refused_on_reconnect(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    """The key is asked on every connection: a changed one is refused before any exchange."""
    client = await make_client(expected_serial=ms.serial, expected_public_key=fingerprint())
    client.start()
    ms.key_label = "impostor"
    ms.received.clear()
    await ms.drop_connections()
    await wait_until(lambda: isinstance(client.last_error, LoxoneIdentityError))
    assert client.connection_state is ConnectionState.IDENTITY_REFUSED
    assert credential_exchanges(ms) == []
    ms.key_label = ""
    await wait_until(lambda: client.connected)


async def test_unpinned_client_learns_the_key(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    client = MiniserverClient(
        http, Endpoint(URL(ms.base_url)), username="admin", password="admin", client_uuid="c"
    )
    assert client.public_key is None
    await client.connect()
    assert client.public_key == fingerprint()
    await client.close()
