"""A cloud that names its servers with a plain-text scheme gets no identity or session token."""

from __future__ import annotations

import pytest

from custom_components.hubrelay.protocols.mms import MmsProtocolError, cloud_server_url
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import VERA_SERIAL, ClientFactory


@pytest.mark.parametrize("scheme", ["http", "HTTP", "ws", "ftp"])
async def test_plain_account_server_gets_no_identity(
    cloud: MmsCloudSimulator, make_client: ClientFactory, scheme: str
) -> None:
    for role in ("account", "account_alt"):
        cloud.names[role] = f"{scheme}://{cloud.host(role)}"
    client = make_client()
    with pytest.raises(MmsProtocolError, match="plain-text") as caught:
        await client.account_devices()
    assert client.identity is not None
    assert client.identity.token not in str(caught.value)
    assert [role for role, _, _ in cloud.requests] == ["auth"]


async def test_plain_device_server_gets_no_identity(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    for role in ("device", "device_alt"):
        cloud.names[role] = f"http://{cloud.host(role)}/"
    with pytest.raises(MmsProtocolError, match="plain-text"):
        await make_client().device_info(VERA_SERIAL)
    assert not {role for role, _, _ in cloud.requests} & {"device", "device_alt"}


def test_cloud_server_url() -> None:
    assert (
        cloud_server_url("vera-us-oem-relay11.mios.com") == "https://vera-us-oem-relay11.mios.com"
    )
    assert cloud_server_url(" https://relay.mios.com:443/ ") == "https://relay.mios.com:443"
    assert cloud_server_url("127.0.0.1:8", "http") == "http://127.0.0.1:8"
    with pytest.raises(MmsProtocolError):
        cloud_server_url("http://127.0.0.1:8", "http")
