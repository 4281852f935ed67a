"""Garbage answers over the wire: protocol errors, and fail-over where there is an alternate."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsConnectionError,
    MmsProtocolError,
    MmsTimeoutError,
)
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import EZLO_SERIAL, VERA_SERIAL, ClientFactory


@pytest.mark.parametrize("body", ["<html>proxy error</html>", "[1, 2]", '{"Identity": 5}'])
async def test_garbage_login_answer_falls_back(
    cloud: MmsCloudSimulator, make_client: ClientFactory, body: str
) -> None:
    cloud.bodies["auth"] = body
    identity = await make_client().login()
    assert identity.server_account == cloud.host("account")
    cloud.bodies["auth_alt"] = body
    with pytest.raises(MmsProtocolError):
        await make_client().login()


async def test_empty_session_token_fails_over_to_the_alternate(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.bodies["device"] = ""
    info = await make_client().device_info(VERA_SERIAL)
    assert info.serial == VERA_SERIAL
    assert ("device_alt", "GET", f"/device/device/device/{VERA_SERIAL}") in cloud.requests


async def test_unit_unknown_to_the_primary_and_alternate_down(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.hub(EZLO_SERIAL).only_on_alt_device_server = True
    cloud.down.add("device_alt")
    with pytest.raises(MmsConnectionError):
        await make_client().device_info(EZLO_SERIAL)
    assert ("device", "GET", f"/device/device/device/{EZLO_SERIAL}") in cloud.requests


async def test_token_exchange_without_token(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.bodies["cloud"] = "{}"
    with pytest.raises(MmsProtocolError):
        await make_client().cloud_token()


async def test_access_keys_server_error(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    await client.cloud_token()
    cloud.errors["cloud"] = 503
    with pytest.raises(MmsConnectionError) as caught:
        await client.hub_local_keys(EZLO_SERIAL)
    assert caught.value.status == 503


async def test_concurrent_refusals_renew_the_identity_once(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    await client.login()
    cloud.expire_identities()
    cloud.response_delay = 0.05
    await asyncio.gather(
        client.session_token(cloud.host("account")), client.session_token(cloud.host("device"))
    )
    assert [role for role, _, _ in cloud.requests].count("auth") == 2


async def test_timeout_on_a_device_server_fails_over(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client(request_timeout=0.2)
    await client.account_devices()
    cloud.down.add("device_alt")
    cloud.response_delay = 0.5
    with pytest.raises(MmsConnectionError) as caught:
        await client.device_info(EZLO_SERIAL)
    assert not isinstance(caught.value, MmsTimeoutError)  # the alternate's error is raised
