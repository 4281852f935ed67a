"""The MMS cloud simulator's own wire answers that the client library does not exercise."""

from __future__ import annotations

import aiohttp

from custom_components.hubrelay.protocols.mms import MmsClient
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import EZLO_RELAY, EZLO_SERIAL, ClientFactory


async def test_identity_headers_work_directly_on_the_account_server(
    cloud: MmsCloudSimulator, make_client: ClientFactory, http: aiohttp.ClientSession
) -> None:
    identity = await make_client().login()
    url = f"{cloud.url('account')}/device/device/device/{EZLO_SERIAL}"
    async with http.get(url, headers=identity.auth_headers) as response:
        assert response.status == 200
        assert (await response.json())["Server_Relay"] == EZLO_RELAY


async def test_refusals_look_like_the_real_ones(
    cloud: MmsCloudSimulator, make_client: ClientFactory, http: aiohttp.ClientSession
) -> None:
    identity = await make_client().login()
    devices = f"{cloud.url('account')}/account/account/account/{identity.pk_account}/devices"
    async with http.get(devices, headers={"MMSSession": "nope"}) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == 'MMSAuth error="invalid session"'
    other = f"{cloud.url('account')}/account/account/account/1/devices"
    async with http.get(other, headers=identity.auth_headers) as response:
        assert response.status == 403
    exchange = f"{cloud.cloud_url}/mca-router/token/exchange/legacy-to-cloud/"
    params = {"pk_user": str(identity.pk_user + 1)}
    async with http.get(exchange, headers=identity.auth_headers, params=params) as response:
        assert response.status == 401
    async with http.post(f"{cloud.api_cloud_url}/v1/request", json={}) as response:
        assert response.status == 401
        assert (await response.json())["data"]["error_text"]


async def test_unknown_cloud_call(
    cloud: MmsCloudSimulator, make_client: ClientFactory, http: aiohttp.ClientSession
) -> None:
    token = await make_client().cloud_token()
    headers = {"Authorization": f"Bearer {token.token}"}
    for body in ('{"call": "controller_list"}', "not json"):
        async with http.post(
            f"{cloud.api_cloud_url}/v1/request", data=body, headers=headers
        ) as response:
            answer = await response.json()
        assert answer["status"] == 0
        assert answer["data"]["error_text"] == "Unknown call"


async def test_tokens_from_another_simulator_are_refused(
    cloud: MmsCloudSimulator, http: aiohttp.ClientSession
) -> None:
    async with MmsCloudSimulator() as other:
        other.add_account("bob", "pw")
        identity = await MmsClient(http, "bob", "pw", **other.client_kwargs()).login()
        assert other.validate_identity(identity.token, identity.signature) == "bob"
    assert cloud.validate_identity(identity.token, identity.signature) is None
    assert cloud.validate_identity("not base64", identity.signature) is None
