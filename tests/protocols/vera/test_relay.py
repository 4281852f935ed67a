"""Remote access through the simulated MMS cloud and Vera relay: login, tunnel, faults, secrets."""

from __future__ import annotations

import logging

import pytest

from custom_components.hubrelay.protocols.mms import MmsClient
from custom_components.hubrelay.protocols.vera import (
    RelayTransport,
    VeraAuthError,
    VeraConnectionError,
    VeraDevice,
    VeraError,
    VeraHubOfflineError,
    VeraProtocolError,
    VeraSession,
    VeraTimeoutError,
)
from tests.simulators.mms_cloud import ROLES

from .conftest import FAST, PASSWORD, USER, Cloud, eventually


async def test_remote_connect_poll_and_act(remote: Cloud) -> None:
    session = remote.session()
    await session.connect()
    try:
        assert session.serial == remote.hub.house.serial
        assert session.transport.label == f"MMS relay to unit {remote.hub.house.serial}"
        assert set(session.devices) == set(remote.hub.house.devices)
        seen: list[VeraDevice] = []
        session.subscribe(13, seen.append)
        await session.set_locked(13, False)
        await eventually(lambda: bool(seen) and getattr(seen[-1], "locked", None) is False)
        assert remote.hub.house.devices[13]["locked"] == "0"
        assert remote.relay.sessions_issued == 1
        assert all(
            path.startswith(("/info/", "/relay/relay/relay/device/"))
            for path in remote.relay.requests
        )
    finally:
        await session.close()


async def test_refused_relay_session_is_renewed_once(remote: Cloud) -> None:
    transport = RelayTransport(remote.http, remote.mms(), remote.hub.house.serial)
    await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    remote.relay.revoke_sessions()
    body = await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    assert '"serial_number"' in body
    assert remote.relay.sessions_issued == 2
    remote.relay.reject_next(2)
    with pytest.raises(VeraConnectionError, match="HTTP 401"):
        await transport.get({"id": "sdata", "output_format": "json"}, 2.0)


async def test_401_in_the_loop_recovers_without_an_outage(remote: Cloud) -> None:
    session = remote.session()
    await session.connect()
    events: list[tuple[bool, VeraError | None]] = []
    session.add_connection_listener(lambda up, err: events.append((up, err)))
    try:
        remote.relay.revoke_sessions()
        remote.hub.set_device(10, status="1")
        await eventually(lambda: getattr(session.devices[10], "is_on", None) is True)
        await eventually(lambda: remote.relay.sessions_issued == 2)
        assert events == []
    finally:
        await session.close()


async def test_offline_unit(remote: Cloud) -> None:
    remote.relay.tunnel_up = False
    session = remote.session()
    with pytest.raises(VeraHubOfflineError, match="offline"):
        await session.connect()
    remote.relay.tunnel_up = True
    await session.connect()
    events: list[tuple[bool, VeraError | None]] = []
    session.add_connection_listener(lambda up, err: events.append((up, err)))
    try:
        remote.relay.tunnel_up = False
        remote.hub.set_device(10, status="1")
        await eventually(lambda: bool(events))
        assert events[0][0] is False
        assert isinstance(events[0][1], VeraHubOfflineError)
        remote.relay.tunnel_up = True
        await eventually(lambda: events[-1] == (True, None))
    finally:
        await session.close()


async def test_wrong_password_and_unknown_unit(
    remote: Cloud, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(VeraAuthError) as info:
            await remote.session("wrong-password").connect()
        assert "wrong-password" not in str(info.value)
        other = VeraSession.remote(remote.http, remote.mms(), "99999999", timings=FAST)
        with pytest.raises(VeraConnectionError, match="not on this MMS account"):
            await other.connect()
        session = remote.session()
        await session.connect()
        await session.close()
    identity = remote.mms()
    await identity.ensure_identity()
    assert identity.identity is not None
    secrets = [PASSWORD, "wrong-password", identity.identity.token, identity.identity.signature]
    for secret in secrets:
        assert secret not in caplog.text


async def test_cloud_faults(remote: Cloud) -> None:
    remote.cloud.errors = {"device": 500, "device_alt": 500}
    with pytest.raises(VeraConnectionError):
        await remote.session().connect()
    remote.cloud.errors = {}
    remote.cloud.bodies = {"device": "<html>", "device_alt": "<html>"}
    with pytest.raises(VeraProtocolError):
        await remote.session().connect()
    remote.cloud.bodies = {}
    remote.cloud.response_delay = 0.5
    mms = MmsClient(
        remote.http, USER, PASSWORD, request_timeout=0.1, **remote.cloud.client_kwargs()
    )
    with pytest.raises(VeraTimeoutError):
        await VeraSession.remote(remote.http, mms, remote.hub.house.serial, timings=FAST).connect()


async def test_relay_unreachable_looks_the_relay_up_again(remote: Cloud) -> None:
    transport = RelayTransport(remote.http, remote.mms(), remote.hub.house.serial)
    await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    assert transport.relay == remote.relay.host
    await remote.relay.stop()
    with pytest.raises(VeraConnectionError, match="cannot reach"):
        await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    assert transport.relay is None


async def test_plain_relay_name_gets_no_session_token(remote: Cloud) -> None:
    """A ``Server_Relay`` with ``http://`` would carry the identity and MMSSession in clear."""
    remote.cloud.hub(remote.hub.house.serial).relay_url = f"http://{remote.relay.host}"
    session = remote.session()
    with pytest.raises(VeraProtocolError, match="plain-text"):
        await session.connect()
    assert remote.relay.requests == []
    await session.close()


async def test_cloud_outage_keeps_the_last_relay(remote: Cloud) -> None:
    """Device servers answering 503 cut no unit off the relay that served it; a new one waits."""
    transport = RelayTransport(remote.http, remote.mms(), remote.hub.house.serial)
    await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    remote.cloud.errors = dict.fromkeys(ROLES, 503)
    remote.relay.reject_next(2)
    with pytest.raises(VeraConnectionError, match="HTTP 401"):
        await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    assert transport.relay is None
    asked = len(remote.cloud.requests)
    body = await transport.get({"id": "sdata", "output_format": "json"}, 2.0)
    assert '"serial_number"' in body
    assert transport.relay == remote.relay.host
    assert [role for role, _method, _path in remote.cloud.requests[asked:]] == [
        "device",
        "device_alt",
    ]
    fresh = RelayTransport(remote.http, remote.mms(), remote.hub.house.serial)
    with pytest.raises(VeraConnectionError, match="HTTP 503"):
        await fresh.get({"id": "sdata", "output_format": "json"}, 2.0)
