"""Both transports with credentials from the MMS cloud simulator through the MMS client."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass

import aiohttp
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    EzloAuthError,
    EzloConnectionError,
    EzloIdentityError,
    HubInfo,
    LocalHubTransport,
    RelayTransport,
)
from custom_components.hubrelay.protocols.ezlo.mms_credentials import MmsCredentials
from custom_components.hubrelay.protocols.mms import HubLocalKeys, MmsClient
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator, client_context
from tests.simulators.ezlo_hub_house import demo_house
from tests.simulators.mms_cloud import ROLES, MmsCloudSimulator

from .conftest import SessionFactory
from .helpers import wait_until


@dataclass
class RelayedHub:
    """A hub behind its NMA relay, on an MMS account, and a client signed in to the account."""

    cloud: MmsCloudSimulator
    hub: EzloHubSimulator
    relay: NmaRelaySimulator
    client: MmsClient

    def transport(self, credentials: MmsCredentials) -> RelayTransport:
        return RelayTransport(
            self.hub.house.serial,
            credentials.relay,
            ssl_context=client_context(self.relay.cert_pem),
        )


@contextlib.asynccontextmanager
async def relayed_hub(http: aiohttp.ClientSession) -> AsyncIterator[RelayedHub]:
    async with MmsCloudSimulator() as cloud, EzloHubSimulator() as hub:
        cloud.add_account("owner", "secret-password")

        def valid(identity: str, signature: str) -> bool:
            return cloud.validate_identity(identity, signature) is not None

        async with NmaRelaySimulator(hub, identity_check=valid) as relay:
            serial = hub.house.serial
            cloud.add_hub("owner", serial, relay_url=relay.url, kind="ezlo", name="Ezlo Plus")
            client = MmsClient(http, "owner", "secret-password", **cloud.client_kwargs())
            yield RelayedHub(cloud, hub, relay, client)


async def test_relay_and_local_through_mms(
    http: aiohttp.ClientSession, make_session: SessionFactory
) -> None:
    async with relayed_hub(http) as relayed:
        cloud, hub, relay = relayed.cloud, relayed.hub, relayed.relay
        serial = hub.house.serial
        keys = cloud.local_keys(serial)
        hub.local_keys = {keys.user: keys.token}
        stored: list[HubLocalKeys] = []
        credentials = MmsCredentials(relayed.client, serial, on_local_keys=stored.append)

        remote = await make_session(relayed.transport(credentials))
        assert remote.hub_info.serial == serial
        cloud.expire_identities()
        await relay.drop_connections()
        await wait_until(lambda: remote.reconnects == 1 and remote.connected)
        assert relay.logins == [True, False, True]

        local = await make_session(
            LocalHubTransport("127.0.0.1", port=hub.port, key_provider=credentials.local_key)
        )
        assert local.connected
        assert [key.user for key in stored] == [keys.user]
        await remote.close()
        await local.close()


async def test_wrong_password_is_an_auth_error(
    http: aiohttp.ClientSession, make_session: SessionFactory
) -> None:
    async with MmsCloudSimulator() as cloud, EzloHubSimulator() as hub:
        cloud.add_account("owner", "secret-password")
        client = MmsClient(http, "owner", "wrong-password", **cloud.client_kwargs())
        credentials = MmsCredentials(client, hub.house.serial)
        session = await make_session(
            LocalHubTransport("127.0.0.1", port=hub.port, key_provider=credentials.local_key),
            connect=False,
        )
        with pytest.raises(EzloAuthError) as caught:
            await session.connect()
        assert "wrong-password" not in str(caught.value)


async def test_impostor_reporting_another_serial_gets_no_keys(
    http: aiohttp.ClientSession, make_session: SessionFactory
) -> None:
    """A hub at the entry's address that reports another account hub's serial gets no key."""
    async with MmsCloudSimulator() as cloud, EzloHubSimulator(demo_house("90000999")) as impostor:
        cloud.add_account("owner", "secret-password")
        cloud.add_hub("owner", "90000123", relay_url="wss://127.0.0.1:1", kind="ezlo", name="Mine")
        cloud.add_hub("owner", "90000999", relay_url="wss://127.0.0.1:1", kind="ezlo", name="Other")
        other_token = cloud.local_keys("90000999").token
        client = MmsClient(http, "owner", "secret-password", **cloud.client_kwargs())
        stored: list[HubLocalKeys] = []
        credentials = MmsCredentials(client, "90000123", on_local_keys=stored.append)
        session = await make_session(
            LocalHubTransport("127.0.0.1", port=impostor.port, key_provider=credentials.local_key),
            connect=False,
        )
        with pytest.raises(EzloIdentityError, match="90000999"):
            await session.connect()
        assert [method for method, _ in impostor.requests] == ["hub.info.get"]
        assert all(other_token not in str(params) for _, params in impostor.requests)
        assert all(keys.serial == "90000123" for keys in stored)


async def test_refused_keys_are_fetched_again_for_the_entry_serial(
    http: aiohttp.ClientSession, make_session: SessionFactory
) -> None:
    async with MmsCloudSimulator() as cloud, EzloHubSimulator() as hub:
        serial = hub.house.serial
        cloud.add_account("owner", "secret-password")
        cloud.add_hub("owner", serial, relay_url="wss://127.0.0.1:1", kind="ezlo", name="Mine")
        keys = cloud.local_keys(serial)
        hub.local_keys = {keys.user: keys.token}
        client = MmsClient(http, "owner", "secret-password", **cloud.client_kwargs())
        stale = HubLocalKeys(serial, keys.controller_uuid, keys.user, "stale-token")
        stored: list[HubLocalKeys] = []
        credentials = MmsCredentials(client, serial, local_keys=stale, on_local_keys=stored.append)
        session = await make_session(
            LocalHubTransport("127.0.0.1", port=hub.port, key_provider=credentials.local_key)
        )
        assert session.connected
        assert [(key.serial, key.token) for key in stored] == [(serial, keys.token)]


async def test_cloud_outage_is_a_connection_error(http: aiohttp.ClientSession) -> None:
    async with MmsCloudSimulator() as cloud:
        cloud.add_account("owner", "secret-password")
        cloud.add_hub("owner", "90000123", relay_url="wss://127.0.0.1:1", kind="ezlo", name="Mine")
        client = MmsClient(http, "owner", "secret-password", **cloud.client_kwargs())
        credentials = MmsCredentials(client, "90000123")
        cloud.down |= {"device", "device_alt", "cloud"}
        with pytest.raises(EzloConnectionError, match="MMS cloud unavailable"):
            await credentials.relay(False)
        info = HubInfo.from_json({"serial": "90000123"})
        with pytest.raises(EzloConnectionError, match="local keys"):
            await credentials.local_key(info, False)


async def test_cloud_errors_become_ezlo_errors_and_auth_stays_auth(
    http: aiohttp.ClientSession,
) -> None:
    async with MmsCloudSimulator() as cloud:
        cloud.add_account("owner", "secret-password")
        cloud.add_hub("owner", "45006642", relay_url="127.0.0.1:9", kind="ezlo", name="Ezlo")
        refused = MmsCredentials(
            MmsClient(http, "owner", "wrong-password", **cloud.client_kwargs()), "45006642"
        )
        with pytest.raises(EzloAuthError, match="MMS refused the login"):
            await refused.relay(refresh=False)

        client = MmsClient(http, "owner", "secret-password", **cloud.client_kwargs())
        credentials = MmsCredentials(client, "45006642")
        first = await credentials.relay(refresh=False)
        cloud.down = {"auth", "auth_alt"}
        with pytest.raises(EzloConnectionError, match="MMS cloud unavailable"):
            await credentials.relay(refresh=True)
        cloud.down = {"device", "device_alt"}
        assert (await credentials.relay(refresh=True)).url == first.url  # the last relay
        cloud.down = {"account", "account_alt", "device", "device_alt", "cloud"}
        info = HubInfo.from_json({"serial": "45006642"})
        with pytest.raises(EzloConnectionError, match="cannot fetch the hub's local keys"):
            await credentials.local_key(info, refresh=True)
        cloud.down = set()
        renewed = await credentials.relay(refresh=True)
        assert renewed.url == first.url
        # Without a listener the fetched keys are simply used.
        key = await credentials.local_key(info, refresh=False)
        assert key.user == cloud.local_keys("45006642").user


async def test_relay_rides_out_a_cloud_outage(
    http: aiohttp.ClientSession, make_session: SessionFactory
) -> None:
    """Device servers answering 503 keep no hub off the relay it was on; a new hub must wait."""
    async with relayed_hub(http) as relayed:
        cloud, relay, serial = relayed.cloud, relayed.relay, relayed.hub.house.serial
        remote = await make_session(relayed.transport(MmsCredentials(relayed.client, serial)))
        cloud.errors.update(dict.fromkeys(ROLES, 503))
        asked = len(cloud.requests)
        await relay.drop_connections()
        await wait_until(lambda: remote.reconnects == 1 and remote.connected)
        assert {role for role, _method, _path in cloud.requests[asked:]} >= {"device"}
        assert relay.logins == [True, True]

        # A client that never looked the hub up has no relay to fall back on.
        fresh = MmsClient(http, "owner", "secret-password", **cloud.client_kwargs())
        with pytest.raises(EzloConnectionError, match="MMS cloud unavailable"):
            await MmsCredentials(fresh, serial).relay(refresh=False)
        await remote.close()
