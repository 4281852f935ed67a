"""Ezlo cloud: the legacy-to-cloud token exchange and the hub's local keys (access_keys_sync)."""

from __future__ import annotations

import time

import pytest

from custom_components.hubrelay.protocols.mms import (
    HubLocalKeys,
    MmsConnectionError,
    MmsDeviceNotFoundError,
)
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import EZLO_SERIAL, USERNAME, VERA_SERIAL, ClientFactory


async def test_token_exchange_gives_a_jwt_with_expiry(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.cloud_token_lifetime = 1800
    client = make_client()
    token = await client.cloud_token()
    assert token.token.count(".") == 2
    assert token.expires_ts is not None
    assert abs(token.expires_ts - (time.time() + 1800)) < 5
    assert await client.cloud_token() is token
    paths = [path for role, _, path in cloud.requests if role == "cloud"]
    assert paths == ["/mca-router/token/exchange/legacy-to-cloud/"]


async def test_short_lived_cloud_token_is_exchanged_again(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.cloud_token_lifetime = 60
    client = make_client(renew_margin=120)
    first = await client.cloud_token()
    second = await client.cloud_token()
    assert first.token != second.token


async def test_hub_local_keys_match_what_the_simulator_hands_out(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    keys = await make_client().hub_local_keys(EZLO_SERIAL)
    expected = cloud.local_keys(EZLO_SERIAL)
    assert (keys.serial, keys.controller_uuid, keys.user, keys.token) == (
        expected.serial,
        expected.controller_uuid,
        expected.user,
        expected.token,
    )
    assert HubLocalKeys.from_dict(keys.as_dict()) == keys


async def test_hub_local_keys_by_hub_uuid(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    second = cloud.add_hub(
        USERNAME, "92001809", relay_url="ws://127.0.0.1:9", kind="ezlo", name="Secure"
    )
    keys = await make_client().hub_local_keys("92001809", hub_uuid=second.controller_uuid)
    assert keys.user == second.local_user
    assert keys.token == second.local_token
    assert keys.user != cloud.hub(EZLO_SERIAL).local_user


async def test_no_keys_for_a_vera_unit(make_client: ClientFactory) -> None:
    with pytest.raises(MmsDeviceNotFoundError):
        await make_client().hub_local_keys(VERA_SERIAL)


async def test_no_user_key_for_an_unknown_hub_uuid(make_client: ClientFactory) -> None:
    with pytest.raises(MmsDeviceNotFoundError):
        await make_client().hub_local_keys(EZLO_SERIAL, hub_uuid="not-a-controller")


async def test_refused_identity_is_renewed_for_the_exchange(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    old = await client.login()
    cloud.expire_identities()
    token = await client.cloud_token()
    assert token.expires_ts is not None
    assert client.identity is not None
    assert client.identity.token != old.token


async def test_refused_cloud_token_is_exchanged_again(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    first = await client.cloud_token()
    cloud.revoke_cloud_tokens()
    keys = await client.hub_local_keys(EZLO_SERIAL)
    assert keys.token == cloud.local_keys(EZLO_SERIAL).token
    assert (await client.cloud_token()).token != first.token
    exchanges = [p for r, _, p in cloud.requests if r == "cloud" and p.startswith("/mca")]
    assert len(exchanges) == 2


async def test_cloud_server_error(cloud: MmsCloudSimulator, make_client: ClientFactory) -> None:
    cloud.errors["cloud"] = 500
    with pytest.raises(MmsConnectionError):
        await make_client().hub_local_keys(EZLO_SERIAL)
