"""Only a real credential refusal is an ``MmsAuthError`` (issue 20), status by status.

A real refusal is the ``autha`` login answering 404, or a refused identity that needs a password
the client does not have. A server that keeps refusing a fresh identity or session after the
login accepted the password has its own trouble: ``MmsConnectionError`` with the status kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsAuthError,
    MmsClient,
    MmsConnectionError,
    MmsPasswordRequiredError,
)
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import EZLO_SERIAL, ClientFactory

type Call = Callable[[MmsClient], Awaitable[Any]]

#: What each MMS server serves, and which simulator roles answer it.
SERVERS: dict[str, tuple[tuple[str, ...], Call]] = {
    "account": (("account", "account_alt"), lambda client: client.account_devices()),
    "device": (("device", "device_alt"), lambda client: client.device_info(EZLO_SERIAL)),
    "cloud": (("cloud",), lambda client: client.hub_local_keys(EZLO_SERIAL)),
}


async def test_login_404_is_a_credential_refusal(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.fail_login_404 = True
    with pytest.raises(MmsAuthError):
        await make_client().login()


@pytest.mark.parametrize("status", [401, 403, 429, 500, 502, 503])
async def test_other_login_statuses_are_not_credential_refusals(
    cloud: MmsCloudSimulator, make_client: ClientFactory, status: int
) -> None:
    cloud.errors.update({"auth": status, "auth_alt": status})
    with pytest.raises(MmsConnectionError) as caught:
        await make_client().login()
    assert not isinstance(caught.value, MmsAuthError)
    assert caught.value.status == status


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("server", sorted(SERVERS))
async def test_a_server_refusing_a_fresh_identity_is_not_a_credential_refusal(
    cloud: MmsCloudSimulator, make_client: ClientFactory, server: str, status: int
) -> None:
    roles, call = SERVERS[server]
    client = make_client()
    await client.login()
    cloud.errors.update(dict.fromkeys(roles, status))
    with pytest.raises(MmsConnectionError) as caught:
        await call(client)
    assert not isinstance(caught.value, MmsAuthError)
    assert caught.value.status == status
    cloud.errors.clear()
    assert await call(client)  # the same client works again once the server does


async def test_refused_identity_without_a_password_needs_the_password(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    stored = (await make_client().login()).to_stored()
    cloud.expire_identities()
    client = make_client(password=None, identity=stored)
    with pytest.raises(MmsPasswordRequiredError) as caught:
        await client.account_devices()
    assert isinstance(caught.value, MmsAuthError)


async def test_refused_identity_with_a_changed_password_is_a_credential_refusal(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    await client.login()
    cloud.expire_identities()
    cloud.fail_login_404 = True  # the account's password changed meanwhile
    with pytest.raises(MmsAuthError):
        await client.device_info(EZLO_SERIAL)
