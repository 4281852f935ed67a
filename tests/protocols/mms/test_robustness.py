"""Slow answers and timeouts; no secret ever reaches a log record, an exception or a repr."""

from __future__ import annotations

import logging
import traceback

import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsAuthError,
    MmsConnectionError,
    MmsError,
    MmsTimeoutError,
    password_hash,
)
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import EZLO_SERIAL, PASSWORD, USERNAME, VERA_SERIAL, ClientFactory


async def test_slow_answers_within_the_timeout(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.response_delay = 0.05
    info = await make_client(request_timeout=2.0).device_info(VERA_SERIAL)
    assert info.serial == VERA_SERIAL


async def test_slow_answers_time_out(cloud: MmsCloudSimulator, make_client: ClientFactory) -> None:
    cloud.response_delay = 1.0
    with pytest.raises(MmsTimeoutError) as caught:
        await make_client(request_timeout=0.1).login()
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, MmsConnectionError)
    assert caught.value.status is None


async def test_unreachable_server_is_a_connection_error(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.down.update({"auth", "auth_alt"})
    with pytest.raises(MmsConnectionError):
        await make_client().login()


def _texts(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)) + repr(error)


async def test_secrets_never_logged_nor_in_errors(
    cloud: MmsCloudSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[MmsError] = []
    client = make_client()

    cloud.primary_auth_down = True
    identity = await client.login()
    cloud.primary_auth_down = False
    sessions = [await client.session_token(cloud.host(role)) for role in ("account", "device")]
    cloud.revoke_sessions()
    cloud.errors["device"] = 500
    info = await client.device_info(EZLO_SERIAL)
    cloud.errors.clear()
    cloud.expire_identities()
    cloud.revoke_sessions()
    await client.account_devices()
    keys = await client.hub_local_keys(EZLO_SERIAL)
    cloud_token = await client.cloud_token()
    renewed = client.identity
    assert renewed is not None
    sessions += [await client.session_token(cloud.host(role)) for role in ("account", "device")]

    with pytest.raises(MmsAuthError) as wrong:
        await make_client(password=PASSWORD + "!").login()
    errors.append(wrong.value)
    cloud.errors["cloud"] = 401
    with pytest.raises(MmsConnectionError) as refused:
        await make_client().hub_local_keys(EZLO_SERIAL)
    errors.append(refused.value)
    cloud.errors.clear()
    cloud.response_delay = 0.5
    with pytest.raises(MmsTimeoutError) as slow:
        await make_client(request_timeout=0.05).login()
    errors.append(slow.value)

    secrets = [
        PASSWORD,
        password_hash(USERNAME, PASSWORD),
        password_hash(USERNAME, PASSWORD + "!"),
        identity.token,
        identity.signature,
        renewed.token,
        renewed.signature,
        cloud_token.token,
        keys.token,
        *sessions,
    ]
    visible = [record.getMessage() for record in caplog.records]
    visible += [_texts(error) for error in errors]
    visible += [repr(item) for item in (identity, identity.to_stored(), keys, cloud_token, info)]
    assert any("login" in text for text in visible)  # the flow above was really logged
    for secret in secrets:
        assert len(secret) >= 8
        assert not [text for text in visible if secret in text]
