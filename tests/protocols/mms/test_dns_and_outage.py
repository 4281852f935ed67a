"""Cloud names that stop resolving and a cloud answering 503: connection errors, never auth."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib

import aiohttp
import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsAuthError,
    MmsClient,
    MmsConnectionError,
)
from tests.simulators.dns_server import DnsServer, Failure
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import PASSWORD, USERNAME, VERA_RELAY, VERA_SERIAL


@contextlib.asynccontextmanager
async def resolving(dns: DnsServer) -> AsyncIterator[aiohttp.ClientSession]:
    """A session resolving through `dns` only, with nothing cached from an earlier lookup."""
    resolver = aiohttp.AsyncResolver(
        nameservers=["127.0.0.1"], udp_port=dns.port, tcp_port=dns.port, timeout=0.3, tries=1
    )
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    async with aiohttp.ClientSession(connector=connector) as http:
        yield http


@pytest.fixture
async def named_cloud() -> AsyncIterator[tuple[MmsCloudSimulator, DnsServer]]:
    async with MmsCloudSimulator(domain="mios.test") as cloud, DnsServer(cloud.hostnames) as dns:
        cloud.add_account(USERNAME, PASSWORD)
        cloud.add_hub(USERNAME, VERA_SERIAL, relay_url=VERA_RELAY, kind="vera", name="Vera")
        yield cloud, dns


async def test_servers_are_reached_by_name(
    named_cloud: tuple[MmsCloudSimulator, DnsServer],
) -> None:
    cloud, dns = named_cloud
    assert cloud.host("auth_alt").startswith("auth-alt.mios.test:")
    async with resolving(dns) as http:
        client = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        info = await client.device_info(VERA_SERIAL)
    assert info.server_relay == VERA_RELAY
    asked = {name for name, _type in dns.queries}
    assert {"auth.mios.test", "account.mios.test", "device.mios.test"} <= asked


@pytest.mark.parametrize("failure", ["servfail", "nxdomain", "silent"])
async def test_names_not_resolving_are_a_connection_error(
    named_cloud: tuple[MmsCloudSimulator, DnsServer], failure: Failure
) -> None:
    cloud, dns = named_cloud
    dns.failure = failure
    async with resolving(dns) as http:
        client = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        with pytest.raises(MmsConnectionError) as caught:
            await client.login()
        assert not isinstance(caught.value, MmsAuthError)
        assert cloud.requests == []
    dns.failure = None
    async with resolving(dns) as http:
        client = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        assert (await client.login()).pk_account == cloud.account(USERNAME).pk_account


async def test_an_outage_is_a_connection_error_until_it_ends(
    named_cloud: tuple[MmsCloudSimulator, DnsServer],
) -> None:
    cloud, dns = named_cloud
    cloud.outage = 503
    cloud.errors.clear()  # what a short fault's end does: the outage stays
    async with resolving(dns) as http:
        client = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        with pytest.raises(MmsConnectionError, match="503") as caught:
            await client.login()
        assert not isinstance(caught.value, MmsAuthError)
        cloud.outage = None
        assert (await client.login()).pk_account == cloud.account(USERNAME).pk_account


async def test_the_last_relay_is_kept_while_the_device_servers_fail(
    named_cloud: tuple[MmsCloudSimulator, DnsServer],
) -> None:
    cloud, dns = named_cloud
    async with resolving(dns) as http:
        client = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        assert await client.server_relay(VERA_SERIAL) == VERA_RELAY
        cloud.outage = 503
        assert await client.server_relay(VERA_SERIAL) == VERA_RELAY
        never_looked_up = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        with pytest.raises(MmsConnectionError, match="503"):
            await never_looked_up.server_relay(VERA_SERIAL)
