"""TLS mode: the simulator as a Gen 2 on its HTTPS/WSS port, signed into by the real client.

The certificate names the Gen 2 dyndns name, never the IP, and is issued by a throw-away
authority, so the client verifies chain and host name for real. The fault knobs the soak uses
must reach TLS sessions as they reach plain ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import ssl

import aiohttp
import pytest

from custom_components.hubrelay.protocols.loxone import (
    ConnectionState,
    Endpoint,
    LoxoneConnectionError,
    MiniserverClient,
    Timings,
    dyndns_hostname,
    new_client_uuid,
    sign_in,
)
from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator, dyndns_name
from tests.simulators.tls_authority import TestAuthority

SERIAL = "504F94A0B1C3"
NAME = "127-0-0-1.504F94A0B1C3.dyndns.loxonecloud.com"
#: Short delays; the keepalive notices a silent peer within 0.1 + 0.5 s.
TIMINGS = Timings(
    http_timeout=3.0,
    command_timeout=3.0,
    keepalive_interval=0.1,
    keepalive_timeout=0.5,
    reconnect_min=0.01,
    reconnect_max=0.05,
    long_backoff=0.3,
    out_of_service_delay=0.1,
)


@dataclass
class Gen2:
    """A TLS simulator, the authority that issued its certificate, and a client session."""

    ms: MiniserverSimulator
    authority: TestAuthority
    http: aiohttp.ClientSession

    def endpoint(
        self, trust: ssl.SSLContext | None = None, *, serial: str | None = SERIAL
    ) -> Endpoint:
        """What HubRelay builds for the IP and TLS port, trusting the simulator's authority."""
        return Endpoint.build(
            "127.0.0.1",
            self.ms.port,
            use_tls=True,
            serial=serial,
            ssl_context=trust or self.authority.client_context(),
        )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """No Home Assistant here: its loop handler fails a test on any reported exception, and
    asyncio's debug mode reports every TLS handshake a client refuses, which these tests make."""


@pytest.fixture
async def gen2() -> AsyncIterator[Gen2]:
    authority = TestAuthority("Test Loxone Root")
    tls = authority.server_context(dyndns_name("127.0.0.1", SERIAL))
    async with (
        MiniserverSimulator(serial=SERIAL, tls=tls) as ms,
        aiohttp.ClientSession() as http,
    ):
        yield Gen2(ms, authority, http)


async def _peer_certificate(gen2: Gen2) -> tuple[dict[str, object], bytes]:
    """The certificate the simulator presents, verified over a bare TLS connection."""
    _, writer = await asyncio.open_connection(
        "127.0.0.1", gen2.ms.port, ssl=gen2.authority.client_context(), server_hostname=NAME
    )
    try:
        tls = writer.get_extra_info("ssl_object")
        return writer.get_extra_info("peercert"), tls.getpeercert(binary_form=True)
    finally:
        writer.close()
        await writer.wait_closed()


def test_the_dyndns_name_is_the_one_the_client_checks() -> None:
    assert dyndns_name("127.0.0.1", SERIAL.lower()) == NAME == dyndns_hostname("127.0.0.1", SERIAL)
    assert dyndns_name("[2001:db8::1]", SERIAL) == dyndns_hostname("[2001:db8::1]", SERIAL)


async def test_signs_in_over_wss_and_runs_end_to_end(gen2: Gen2) -> None:
    endpoint = gen2.endpoint()
    assert endpoint.server_hostname == NAME
    assert str(endpoint.url) == gen2.ms.base_url == f"https://127.0.0.1:{gen2.ms.port}"
    assert str(endpoint.websocket_url) == gen2.ms.ws_url

    identity = await sign_in(
        gen2.http,
        endpoint,
        username="admin",
        password="admin",
        client_uuid=new_client_uuid(),
        timings=TIMINGS,
    )
    assert identity.serial == SERIAL
    assert identity.api_info.https_status == 1  # a Gen 2 with TLS says so in jdev/cfg/apiKey

    client = MiniserverClient(
        gen2.http,
        endpoint,
        username="admin",
        client_uuid=new_client_uuid(),
        token=identity.token,
        timings=TIMINGS,
        expected_serial=identity.serial,
        expected_public_key=identity.public_key,
    )
    try:
        await client.connect()
        seen: list[object] = []
        client.subscribe(uid("hall.switch"), lambda _, value: seen.append(value))
        gen2.ms.set_value(uid("hall.switch"), 1.0)
        async with asyncio.timeout(3):
            while 1.0 not in seen:
                await asyncio.sleep(0.01)
        assert (await client.send_command(uid("hall.switch"), "off")).ok
        assert gen2.ms.commands[-1] == (uid("hall.switch"), "off")
    finally:
        await client.close()


async def test_the_certificate_names_the_dyndns_name_not_the_ip(gen2: Gen2) -> None:
    certificate, _ = await _peer_certificate(gen2)
    assert certificate["subjectAltName"] == (("DNS", NAME),)
    by_ip = gen2.endpoint(serial=None)  # a verifying client checking the IP it dialled
    assert by_ip.server_hostname is None
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await sign_in(gen2.http, by_ip, username="admin", password="admin", client_uuid="c")


async def test_a_client_trusting_another_authority_is_refused(gen2: Gen2) -> None:
    gen2.ms.received.clear()
    stranger = gen2.endpoint(TestAuthority("Another Root").client_context())
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await sign_in(gen2.http, stranger, username="admin", password="admin", client_uuid="c")
    assert gen2.ms.received == []


async def test_plain_http_is_not_served(gen2: Gen2) -> None:
    with pytest.raises(aiohttp.ClientError):
        async with gen2.http.get(f"http://127.0.0.1:{gen2.ms.port}/jdev/cfg/api"):
            pass
    assert gen2.ms.received == []


async def _black_hole(ms: MiniserverSimulator) -> None:
    ms.black_hole()


#: The connection faults the soak injects, each of which must end a TLS session.
FAULTS: dict[str, Callable[[MiniserverSimulator], Awaitable[None]]] = {
    "drop": lambda ms: ms.drop_connections(),
    "close 4006": lambda ms: ms.close_connections(4006),
    "black hole": _black_hole,
    "restart": lambda ms: ms.restart(downtime=0.1),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
async def test_faults_reach_tls_sessions(
    gen2: Gen2, fault: Callable[[MiniserverSimulator], Awaitable[None]]
) -> None:
    """Each fault ends the TLS session; the client comes back over TLS, same certificate."""
    _, before = await _peer_certificate(gen2)
    client = MiniserverClient(
        gen2.http,
        gen2.endpoint(),
        username="admin",
        password="admin",
        client_uuid=new_client_uuid(),
        timings=TIMINGS,
    )
    seen: list[ConnectionState] = []
    client.add_connection_listener(seen.append)
    try:
        await client.connect()
        client.start()
        await fault(gen2.ms)
        async with asyncio.timeout(10):
            while seen[-2:] != [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED]:
                await asyncio.sleep(0.01)
        assert gen2.ms.sessions == 1
        assert (await client.send_command(uid("hall.switch"), "on")).ok
    finally:
        await client.close()
    _, after = await _peer_certificate(gen2)
    assert after == before
