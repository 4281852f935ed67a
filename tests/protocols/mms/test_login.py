"""MMS login against the simulator: identity, wrong credentials, fallback host, renewal."""

from __future__ import annotations

import time

import pytest

from custom_components.hubrelay.protocols.mms import (
    MmsAuthError,
    MmsConnectionError,
    MmsPasswordRequiredError,
    StoredIdentity,
)
from tests.simulators.mms_cloud import MmsCloudSimulator

from .conftest import PASSWORD, USERNAME, ClientFactory


async def test_login_decodes_the_identity(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    identity = await client.login()
    account = cloud.account(USERNAME)
    assert identity.pk_account == account.pk_account
    assert identity.pk_user == account.pk_user
    assert identity.username == USERNAME
    assert identity.server_account == cloud.host("account")
    assert identity.server_account_alt == cloud.host("account_alt")
    assert identity.expires - identity.generated == 86_400
    assert abs(identity.generated - time.time()) < 5
    assert cloud.validate_identity(identity.token, identity.signature) == USERNAME
    assert client.identity is identity


async def test_username_is_case_insensitive(make_client: ClientFactory) -> None:
    identity = await make_client(username=USERNAME.upper()).login()
    assert identity.username == USERNAME


async def test_wrong_password_is_an_auth_error(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    with pytest.raises(MmsAuthError):
        await make_client(password=PASSWORD + "x").login()
    # A 404 is authoritative: the fallback host is not asked.
    assert [role for role, _, _ in cloud.requests] == ["auth"]


async def test_login_404_knob(cloud: MmsCloudSimulator, make_client: ClientFactory) -> None:
    cloud.fail_login_404 = True
    with pytest.raises(MmsAuthError):
        await make_client().login()


async def test_fallback_auth_host_when_primary_is_down(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.primary_auth_down = True
    assert cloud.primary_auth_down
    identity = await make_client().login()
    assert cloud.validate_identity(identity.token, identity.signature) == USERNAME
    assert [role for role, _, _ in cloud.requests] == ["auth_alt"]
    cloud.primary_auth_down = False
    assert not cloud.primary_auth_down


async def test_fallback_auth_host_on_server_error(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.errors["auth"] = 503
    await make_client().login()
    assert [role for role, _, _ in cloud.requests] == ["auth", "auth_alt"]


async def test_all_auth_hosts_failing_is_a_connection_error(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.errors["auth"] = 500
    cloud.down.add("auth_alt")
    with pytest.raises(MmsConnectionError) as caught:
        await make_client().login()
    assert not isinstance(caught.value, MmsAuthError)


async def test_stored_identity_is_reused_without_a_login(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    saved: list[StoredIdentity] = []
    first = make_client(on_identity=saved.append)
    await first.ensure_identity()
    assert len(saved) == 1
    stored = StoredIdentity.from_dict(saved[0].as_dict())
    cloud.requests.clear()
    second = make_client(password=None, identity=stored)
    identity = await second.ensure_identity()
    assert identity.pk_account == cloud.account(USERNAME).pk_account
    assert cloud.requests == []


async def test_identity_is_renewed_before_it_expires(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.identity_lifetime = 300
    client = make_client(renew_margin=600)
    first = await client.ensure_identity()
    second = await client.ensure_identity()
    assert second.token != first.token
    assert [role for role, _, _ in cloud.requests] == ["auth", "auth"]


async def test_expiring_stored_identity_without_password_needs_the_password(
    cloud: MmsCloudSimulator, make_client: ClientFactory
) -> None:
    cloud.identity_lifetime = 60
    stored = (await make_client().login()).to_stored()
    client = make_client(password=None, identity=stored, renew_margin=120)
    with pytest.raises(MmsPasswordRequiredError):
        await client.ensure_identity()


async def test_an_auth_host_is_required(make_client: ClientFactory) -> None:
    with pytest.raises(ValueError, match="auth host"):
        make_client(auth_hosts=())


@pytest.mark.parametrize("username", ["a/b", "we#ird?x=1", "sp ace+plus%", "jürgen@example.com"])
async def test_usernames_are_one_path_segment(
    cloud: MmsCloudSimulator, make_client: ClientFactory, username: str
) -> None:
    cloud.add_account(username, "pw")
    identity = await make_client(username=username, password="pw").login()
    assert identity.username == username
