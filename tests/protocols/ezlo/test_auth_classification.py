"""Only a real credential refusal is an ``EzloAuthError`` (issue 20): every other answer waits.

Each answer of ``loginUserMios``, ``register`` and ``hub.offline.login.ui`` is sent by the relay or
hub simulator over real TLS WebSockets; the test checks the class the library gives it.
"""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.hubrelay.protocols.ezlo import (
    ConnectionState,
    EzloAuthError,
    EzloConnectionError,
    EzloHubOfflineError,
    LocalHubTransport,
    RelayTransport,
)
from tests.simulators.ezlo_hub import (
    CONTROLLER_OFFLINE,
    NMA_NOT_CONNECTED,
    EzloHubSimulator,
    NmaRelaySimulator,
)

from .conftest import KeyStore, SessionFactory
from .helpers import wait_until

type Relay = tuple[NmaRelaySimulator, Any]

LOGIN = "loginUserMios"
REGISTER = "register"
LOCAL_LOGIN = "hub.offline.login.ui"

#: ``register`` refusals: after ``loginUserMios`` accepted the identity none is about credentials.
OFFLINE_ANSWERS = [
    (-32500, "Controller is offline", "register.device.offline"),
    (-32500, "Hub not connected", "nma.ezlo.notconnected"),
    (-32500, "Failed to send to Hub", "nma.ezlo.unavailable"),
]
OTHER_REGISTER_ANSWERS = [
    (-32500, "Hub not found", "nma.ezlo.notfound"),
    (-32500, "Hub not linked", "nma.ezlo.notlinked"),
    (-32500, "User not logged", "nma.user.notlogged"),
    (-32500, "User does not have permission", "user.permission.doesnothave"),
    (-32603, "Internal error", None),
]
#: ``loginUserMios`` answers that refuse the MMS identity itself.
IDENTITY_REFUSALS = [
    (-32500, "Bad login or password", "nma.user.badloginorpassword"),
    (-32500, "Bad login or password", "user.login.badpassword"),
    (-32500, "User not found", "nma.user.notfound"),
]
#: ``loginUserMios`` answers about the relay's own state, not the identity.
RELAY_TROUBLE = [
    (-32500, "DB internal error", "nma.db.error"),
    (-32500, "User blocked", "nma.user.blocked"),
    (-32500, "Cannot generate token", "nma.token.failed.generate"),
    (-32603, "Internal error", None),
]
#: ``hub.offline.login.ui`` answers other than a refused key (Ezlo_Pi's error table).
LOCAL_NON_KEY_ANSWERS = [
    (-32600, "Bad request", "rpc.params.notfound"),
    (-32602, "Wrong params: user/token", "rpc.params.invalid"),
    (-32500, "UId system is entered shutdown mode", "ezlo.uid.shutdown.mode"),
]


def _relay_transport(hub: EzloHubSimulator, relay: Relay, tls: Any) -> RelayTransport:
    return RelayTransport(hub.house.serial, relay[1], ssl_context=tls)


@pytest.mark.parametrize(("code", "message", "data"), OFFLINE_ANSWERS)
async def test_register_refused_while_the_hub_is_offline(
    hub: EzloHubSimulator,
    relay: Relay,
    relay_tls: Any,
    make_session: SessionFactory,
    code: int,
    message: str,
    data: str,
) -> None:
    relay[0].fail_next(REGISTER, code, message, data)
    session = await make_session(_relay_transport(hub, relay, relay_tls), connect=False)
    with pytest.raises(EzloHubOfflineError):
        await session.connect()
    await session.connect()  # the hub is back: the same session connects, no new credentials
    assert session.connected
    assert relay[1].calls == [False, False]


@pytest.mark.parametrize(("code", "message", "data"), OTHER_REGISTER_ANSWERS)
async def test_other_register_refusals_are_not_credential_problems(
    hub: EzloHubSimulator,
    relay: Relay,
    relay_tls: Any,
    make_session: SessionFactory,
    code: int,
    message: str,
    data: str | None,
) -> None:
    relay[0].fail_next(REGISTER, code, message, data)
    session = await make_session(_relay_transport(hub, relay, relay_tls), connect=False)
    with pytest.raises(EzloConnectionError) as caught:
        await session.connect()
    assert not isinstance(caught.value, EzloAuthError)
    assert message in str(caught.value)


@pytest.mark.parametrize("offline_error", [CONTROLLER_OFFLINE, NMA_NOT_CONNECTED])
async def test_hub_leaving_the_cloud_never_fails_auth(
    hub: EzloHubSimulator,
    relay: Relay,
    relay_tls: Any,
    make_session: SessionFactory,
    offline_error: dict[str, Any],
) -> None:
    simulator, store = relay
    simulator.offline_error = dict(offline_error)
    session = await make_session(_relay_transport(hub, relay, relay_tls))
    states: list[ConnectionState] = []
    session.on_connection_state(states.append)
    await simulator.disconnect_hub()
    await wait_until(lambda: states.count(ConnectionState.CONNECTING) >= 3)
    assert ConnectionState.AUTH_FAILED not in states
    simulator.reconnect_hub()
    await wait_until(lambda: session.connected)
    assert ConnectionState.AUTH_FAILED not in states
    assert session.reconnects == 1
    assert True not in store.calls  # the identity was never thought refused


@pytest.mark.parametrize(("code", "message", "data"), IDENTITY_REFUSALS)
async def test_refused_identity_is_renewed_once_then_an_auth_error(
    hub: EzloHubSimulator,
    relay: Relay,
    relay_tls: Any,
    make_session: SessionFactory,
    code: int,
    message: str,
    data: str,
) -> None:
    simulator, store = relay
    simulator.fail_next(LOGIN, code, message, data)
    session = await make_session(_relay_transport(hub, relay, relay_tls))
    assert store.calls == [False, True]
    await session.close()
    simulator.fail_next(LOGIN, code, message, data)
    simulator.fail_next(LOGIN, code, message, data)
    again = await make_session(_relay_transport(hub, relay, relay_tls), connect=False)
    with pytest.raises(EzloAuthError):
        await again.connect()


@pytest.mark.parametrize(("code", "message", "data"), RELAY_TROUBLE)
async def test_relay_trouble_at_login_is_not_a_credential_problem(
    hub: EzloHubSimulator,
    relay: Relay,
    relay_tls: Any,
    make_session: SessionFactory,
    code: int,
    message: str,
    data: str | None,
) -> None:
    simulator, store = relay
    simulator.fail_next(LOGIN, code, message, data)
    session = await make_session(_relay_transport(hub, relay, relay_tls), connect=False)
    with pytest.raises(EzloConnectionError) as caught:
        await session.connect()
    assert not isinstance(caught.value, EzloAuthError)
    assert store.calls == [False]  # no identity renewal for the relay's own trouble
    await session.connect()
    assert session.connected


async def test_refused_local_key_is_renewed_once_then_an_auth_error(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    hub.house.recorded_errors[LOCAL_LOGIN] = {
        "code": -32500,
        "message": "Bad password",
        "data": "user.login.badpassword",
    }
    session = await make_session(
        LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys), connect=False
    )
    with pytest.raises(EzloAuthError):
        await session.connect()
    assert [refresh for _, refresh in keys.calls] == [False, True]


@pytest.mark.parametrize(("code", "message", "data"), LOCAL_NON_KEY_ANSWERS)
async def test_local_login_trouble_is_not_a_credential_problem(
    hub: EzloHubSimulator,
    keys: KeyStore,
    make_session: SessionFactory,
    code: int,
    message: str,
    data: str,
) -> None:
    hub.house.recorded_errors[LOCAL_LOGIN] = {"code": code, "message": message, "data": data}
    session = await make_session(
        LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys), connect=False
    )
    with pytest.raises(EzloConnectionError) as caught:
        await session.connect()
    assert not isinstance(caught.value, EzloAuthError)
    assert [refresh for _, refresh in keys.calls] == [False]
    del hub.house.recorded_errors[LOCAL_LOGIN]
    await session.connect()
    assert session.connected
