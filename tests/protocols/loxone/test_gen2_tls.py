"""First TLS sign-in by IP to a Gen 2: the serial is learnt under chain verification first."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneConnectionError,
    dyndns_hostname,
    sign_in,
    tls_endpoint_by_ip,
)
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.tls_authority import TestAuthority

from .conftest import FAST
from .test_tls import TlsFront, _trusting, tls_front

__all__ = ["tls_front"]  # the fixture, shared with the TLS tests


async def test_first_sign_in_by_ip_verifies_the_dyndns_name(
    ms: MiniserverSimulator, tls_front: TlsFront, http: aiohttp.ClientSession
) -> None:
    unknown_serial = Endpoint.build(
        "127.0.0.1", tls_front.port, use_tls=True, ssl_context=_trusting(tls_front.ca_pem)
    )
    with pytest.raises(LoxoneConnectionError, match="TLS"):  # what users hit before
        await sign_in(http, unknown_serial, username="admin", password="admin", client_uuid="c")
    endpoint = await tls_endpoint_by_ip(
        http, "127.0.0.1", tls_front.port, ssl_context=_trusting(tls_front.ca_pem)
    )
    assert endpoint.server_hostname == dyndns_hostname("127.0.0.1", ms.serial)
    assert endpoint.ssl is not False
    identity = await sign_in(
        http, endpoint, username="admin", password="admin", client_uuid="c", timings=FAST
    )
    assert identity.serial == ms.serial


async def test_an_untrusted_chain_is_refused_before_the_serial_is_read(
    ms: MiniserverSimulator, tls_front: TlsFront, http: aiohttp.ClientSession
) -> None:
    ms.received.clear()
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await tls_endpoint_by_ip(
            http, "127.0.0.1", tls_front.port, ssl_context=TestAuthority().client_context()
        )
    assert ms.received == []


async def test_a_peer_lying_about_its_serial_gets_no_password(
    ms: MiniserverSimulator, tls_front: TlsFront, http: aiohttp.ClientSession
) -> None:
    """The certificate names the real serial; an answer claiming another fails the name check."""
    ms.serial = "504F94000001"
    endpoint = await tls_endpoint_by_ip(
        http, "127.0.0.1", tls_front.port, ssl_context=_trusting(tls_front.ca_pem)
    )
    ms.received.clear()
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await sign_in(
            http, endpoint, username="admin", password="admin", client_uuid="c", timings=FAST
        )
    assert ms.received == []


async def test_system_roots_by_default(tls_front: TlsFront, http: aiohttp.ClientSession) -> None:
    """Without a trust argument the system roots apply: the test root is not among them."""
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await tls_endpoint_by_ip(http, "127.0.0.1", tls_front.port)
