"""Session tokens per server, the account's devices and device lookup with fail-over."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsConnectionError,
    MmsDeviceNotFoundError,
    MmsPasswordRequiredError,
)
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import EZLO_RELAY, EZLO_SERIAL, VERA_RELAY, VERA_SERIAL, ClientFactory


def _paths(cloud: MmsCloudSimulator, role: str) -> list[str]:
    return [path for seen, _, path in cloud.requests if seen == role]


async def test_session_token_is_cached_per_server(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    account = await client.session_token(cloud.host("account"))
    device = await client.session_token(cloud.host("device"))
    assert account != device
    assert await client.session_token(cloud.host("account")) == account
    assert await client.session_token(cloud.host("account") + "/") == account
    assert _paths(cloud, "account") == ["/info/session/token"]
    assert _paths(cloud, "device") == ["/info/session/token"]


async def test_concurrent_callers_share_one_login_and_one_session(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    tokens = await asyncio.gather(*(client.session_token(cloud.host("device")) for _ in range(5)))
    assert len(set(tokens)) == 1
    assert _paths(cloud, "auth") == [f"/autha/auth/username/{client.username}"]
    assert _paths(cloud, "device") == ["/info/session/token"]


async def test_account_devices(cloud: MmsCloudSimulator, make_client: ClientFactory) -> None:
    devices = await make_client().account_devices()
    assert [device.serial for device in devices] == [EZLO_SERIAL, VERA_SERIAL]
    ezlo = devices[0]
    assert ezlo.pk_device == int(EZLO_SERIAL)
    assert ezlo.name == "Ezlo Plus"
    assert ezlo.device_servers == (cloud.host("device"), cloud.host("device_alt"))
    assert ezlo.mac_address == cloud.hub(EZLO_SERIAL).mac_address
    assert ezlo.device_assigned is not None
    assert not ezlo.blocked
    assert ezlo.pk_installation is not None


async def test_device_info_for_an_ezlo_hub_and_a_vera_unit(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    ezlo = await client.device_info(EZLO_SERIAL)
    assert ezlo.server_relay == EZLO_RELAY
    assert ezlo.is_ezlo
    assert ezlo.serial == EZLO_SERIAL
    assert ezlo.internal_ip == "192.168.1.20"
    assert ezlo.nma_uuid == cloud.hub(EZLO_SERIAL).controller_uuid
    assert ezlo.nma_controller_status == 1
    vera = await client.device_info(int(VERA_SERIAL))
    assert vera.server_relay == VERA_RELAY
    assert not vera.is_ezlo
    assert vera.internal_ip is None
    assert vera.ui == 7
    # The device list was fetched once, one session token per server used.
    assert _paths(cloud, "account").count("/info/session/token") == 1
    assert _paths(cloud, "device").count("/info/session/token") == 1


async def test_device_info_accepts_an_account_device(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    devices = await client.account_devices()
    info = await client.device_info(devices[1])
    assert info.pk_device == devices[1].pk_device


async def test_unknown_device(make_client: ClientFactory) -> None:
    with pytest.raises(MmsDeviceNotFoundError):
        await make_client().device_info("12345678")


async def test_device_failover_when_the_primary_does_not_know_the_unit(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.hub(EZLO_SERIAL).only_on_alt_device_server = True
    info = await make_client().device_info(EZLO_SERIAL)
    assert info.server_relay == EZLO_RELAY
    assert f"/device/device/device/{EZLO_SERIAL}" in _paths(cloud, "device")
    assert f"/device/device/device/{EZLO_SERIAL}" in _paths(cloud, "device_alt")


async def test_device_failover_when_the_primary_is_down(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.down.add("device")
    info = await make_client().device_info(VERA_SERIAL)
    assert info.server_relay == VERA_RELAY


async def test_account_failover_on_server_error(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.errors["account"] = 500
    devices = await make_client().account_devices()
    assert len(devices) == 2
    assert _paths(cloud, "account_alt")[-1].endswith("/devices")


async def test_both_device_servers_failing(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    await client.account_devices()
    cloud.errors.update(device=500, device_alt=502)
    with pytest.raises(MmsConnectionError) as caught:
        await client.device_info(EZLO_SERIAL)
    assert caught.value.status == 502


async def test_revoked_session_is_fetched_again(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    first = await client.session_token(cloud.host("account"))
    cloud.revoke_sessions()
    await client.account_devices()
    second = await client.session_token(cloud.host("account"))
    assert second != first
    assert _paths(cloud, "auth") == [f"/autha/auth/username/{client.username}"]


async def test_identity_refused_by_a_server_is_renewed(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    old = await client.login()
    cloud.expire_identities()
    cloud.revoke_sessions()
    assert cloud.validate_identity(old.token, old.signature) is None
    devices = await client.account_devices()
    assert len(devices) == 2
    new = client.identity
    assert new is not None
    assert new.token != old.token
    assert cloud.validate_identity(new.token, new.signature) is not None


async def test_refused_identity_without_password(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    stored = (await make_client().login()).to_stored()
    cloud.expire_identities()
    client = make_client(password=None, identity=stored)
    with pytest.raises(MmsPasswordRequiredError):
        await client.account_devices()


async def test_invalidate_session_only_drops_the_given_token(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    server = cloud.host("device")
    token = await client.session_token(server)
    client.invalidate_session(server, "some-other-token")
    assert await client.session_token(server) == token
    client.invalidate_session(server)
    assert await client.session_token(server) != token


async def test_server_error_on_session_token(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    await client.login()
    cloud.errors["device"] = 500
    with pytest.raises(MmsConnectionError) as caught:
        await client.session_token(cloud.host("device"))
    assert caught.value.status == 500
