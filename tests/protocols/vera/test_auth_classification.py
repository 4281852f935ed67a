"""Only a real credential refusal is a ``VeraAuthError`` (issue 20), answer by answer.

The luup engine on the LAN has no credentials at all, so none of its HTTP statuses can be a
refusal of ours. Through the MMS relay, only the MMS login refusing the password is: a relay or
session server that keeps refusing after a fresh session, a unit missing from the account list
and a missing tunnel all mean "unavailable, try again".
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.hubrelay.protocols.vera import (
    RelayTransport,
    VeraAuthError,
    VeraConnectionError,
    VeraError,
    VeraHubOfflineError,
    VeraSession,
)
from tests.simulators.vera_luup import VeraLuupSimulator

from .conftest import FAST, Cloud, eventually

SDATA = {"id": "sdata", "output_format": "json"}
type Events = list[tuple[bool, VeraError | None]]


def _listen(session: VeraSession) -> Events:
    events: Events = []
    session.add_connection_listener(lambda up, error: events.append((up, error)))
    return events


@pytest.mark.parametrize("status", [401, 403, 404, 500, 503])
async def test_local_http_errors_are_not_credential_refusals(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession, status: int
) -> None:
    hub.fail_next(status, count=2)  # both URL forms
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    with pytest.raises(VeraConnectionError) as caught:
        await session.connect()
    assert not isinstance(caught.value, VeraAuthError)
    assert str(status) in str(caught.value)
    await session.connect()
    await session.close()


@pytest.mark.parametrize("status", [401, 403])
async def test_local_refusals_in_the_loop_are_an_outage_that_ends(
    hub: VeraLuupSimulator, connected: VeraSession, status: int
) -> None:
    events = _listen(connected)
    hub.fail_next(status, count=3)
    hub.set_device(10, status="1")
    await eventually(lambda: events[-1:] == [(True, None)])
    assert events[0][0] is False
    assert not any(isinstance(error, VeraAuthError) for _, error in events)
    await eventually(lambda: getattr(connected.devices[10], "is_on", None) is True)


@pytest.mark.parametrize("status", [401, 403])
async def test_relay_refusing_a_fresh_session_is_not_a_credential_refusal(
    remote: Cloud, status: int
) -> None:
    transport = RelayTransport(remote.http, remote.mms(), remote.hub.house.serial)
    remote.relay.reject_next(2, status=status)
    with pytest.raises(VeraConnectionError, match=f"HTTP {status}") as caught:
        await transport.get(SDATA, 2.0)
    assert not isinstance(caught.value, VeraAuthError)
    assert '"serial_number"' in await transport.get(SDATA, 2.0)


async def test_relay_refusing_every_identity_is_not_a_credential_refusal(remote: Cloud) -> None:
    remote.relay.identity_check = lambda _identity, _signature: None
    session = remote.session()
    with pytest.raises(VeraConnectionError) as caught:
        await session.connect()
    assert not isinstance(caught.value, VeraAuthError)
    logins = [path for role, _, path in remote.cloud.requests if role == "auth"]
    assert len(logins) == 2  # the identity was renewed once, with the accepted password


async def test_unit_missing_from_the_account_is_not_a_credential_refusal(remote: Cloud) -> None:
    other = VeraSession.remote(remote.http, remote.mms(), "99999999", timings=FAST)
    with pytest.raises(VeraConnectionError, match="not on this MMS account") as caught:
        await other.connect()
    assert not isinstance(caught.value, VeraAuthError)


async def test_relay_refusals_in_the_loop_never_end_it(remote: Cloud) -> None:
    session = remote.session()
    await session.connect()
    events = _listen(session)
    try:
        remote.relay.reject_next(6, status=403)
        remote.hub.set_device(10, status="1")
        await eventually(lambda: events[-1:] == [(True, None)])
        assert events[0][0] is False
        assert not any(isinstance(error, VeraAuthError) for _, error in events)
    finally:
        await session.close()


async def test_tunnel_down_is_offline_and_wrong_password_is_auth(remote: Cloud) -> None:
    remote.relay.tunnel_up = False
    with pytest.raises(VeraHubOfflineError):
        await remote.session().connect()
    with pytest.raises(VeraAuthError):
        await remote.session("wrong-password").connect()


async def test_password_refused_in_the_loop_ends_it(remote: Cloud) -> None:
    session = remote.session()
    await session.connect()
    events = _listen(session)
    try:
        remote.cloud.expire_identities()
        remote.cloud.fail_login_404 = True  # the account's password changed meanwhile
        remote.relay.revoke_sessions()
        remote.hub.set_device(10, status="1")
        await eventually(lambda: bool(events))
        assert events[0][0] is False
        assert isinstance(events[0][1], VeraAuthError)
        requests = len(remote.relay.requests)
        await asyncio.sleep(0.1)
        assert len(remote.relay.requests) == requests  # the loop stopped asking
    finally:
        await session.close()
