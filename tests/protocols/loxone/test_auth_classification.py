"""Only a real credential refusal is a ``LoxoneAuthenticationError`` (issue 20), code by code.

A refusal is a 401 answer to the commands that carry a credential: getkey2 (unknown user),
getjwt/gettoken (password) and authwithtoken/refresh (token). A 401 to any other encrypted
command means the Miniserver could not decrypt it (seed: "invalid public key, unexpected salt
change"); close codes (4003 blocked, 4004/4005 a user changed, 4006 user disabled, 4007 update,
4008 no event slot) end a connection but refuse nothing: the next login attempt decides.
"""

from __future__ import annotations

import pytest

from custom_components.hubrelay.protocols.loxone import (
    ConnectionState,
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneConnectionError,
    LoxoneError,
    MiniserverClient,
)
from custom_components.hubrelay.protocols.loxone.connection import closed_error
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import ClientFactory, wait_until

NOT_REFUSALS = [400, 403, 404, 500, 503]


def _states(client: MiniserverClient) -> list[ConnectionState]:
    seen: list[ConnectionState] = []
    client.add_connection_listener(seen.append)
    return seen


async def _token_client(make_client: ClientFactory) -> MiniserverClient:
    """A client holding a token and no password, as Home Assistant runs it."""
    first = await make_client()
    return await make_client(connect=False, password=None, token=first.token)


async def test_401_to_the_token_request_is_a_refusal(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.fail_next_auth(401)
    client = await make_client(connect=False)
    with pytest.raises(LoxoneAuthenticationError):
        await client.connect()


@pytest.mark.parametrize("code", NOT_REFUSALS)
async def test_other_codes_to_the_token_request_are_not_refusals(
    ms: MiniserverSimulator, make_client: ClientFactory, code: int
) -> None:
    ms.fail_next_auth(code)
    client = await make_client(connect=False)
    with pytest.raises(LoxoneConnectionError, match=str(code)):
        await client.connect()
    await client.connect()
    assert client.connected


async def test_401_to_authwithtoken_is_a_refusal(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await _token_client(make_client)
    ms.fail_next_auth(401)
    with pytest.raises(LoxoneAuthenticationError):
        await client.connect()


@pytest.mark.parametrize("code", NOT_REFUSALS)
async def test_other_codes_to_authwithtoken_are_not_refusals(
    ms: MiniserverSimulator, make_client: ClientFactory, code: int
) -> None:
    client = await _token_client(make_client)
    ms.fail_next_auth(code)
    with pytest.raises(LoxoneConnectionError, match=str(code)):
        await client.connect()
    await client.connect()
    assert client.connected


async def test_unknown_user_is_a_refusal(make_client: ClientFactory) -> None:
    client = await make_client(connect=False, username="nobody")
    with pytest.raises(LoxoneAuthenticationError):
        await client.connect()


async def test_undecryptable_command_is_not_a_refusal(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await _token_client(make_client)
    ms.fail_next_decrypt()  # the one-time key request (getkey) comes back 401
    with pytest.raises(LoxoneConnectionError, match="401") as caught:
        await client.connect()
    assert not isinstance(caught.value, LoxoneAuthenticationError)
    await client.connect()
    assert client.connected


async def test_undecryptable_commands_never_end_in_auth_failed(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await _token_client(make_client)
    await client.connect()
    seen = _states(client)
    client.start()
    ms.fail_next_decrypt(3)  # more than the retries allowed for a refused token
    await ms.drop_connections()
    await wait_until(lambda: seen[-1:] == [ConnectionState.CONNECTED] and len(seen) > 1)
    assert ConnectionState.AUTH_FAILED not in seen


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (4003, LoxoneBlockedError),
        (4004, LoxoneConnectionError),
        (4005, LoxoneConnectionError),
        (4006, LoxoneConnectionError),
        (4007, LoxoneConnectionError),
        (4008, LoxoneConnectionError),
    ],
)
def test_no_close_code_is_a_refusal(code: int, kind: type[LoxoneError]) -> None:
    reason = closed_error(code)
    assert isinstance(reason, kind)
    assert not isinstance(reason, LoxoneAuthenticationError)


@pytest.mark.parametrize("code", [4004, 4005, 4006, 4007, 4008])
async def test_close_codes_while_connected_are_ridden_out(
    ms: MiniserverSimulator, make_client: ClientFactory, code: int
) -> None:
    client = await _token_client(make_client)
    await client.connect()
    seen = _states(client)
    client.start()
    await ms.close_connections(code)
    await wait_until(lambda: seen[-2:] == [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED])
    assert ConnectionState.AUTH_FAILED not in seen


@pytest.mark.parametrize("code", [4004, 4005, 4006])
async def test_close_codes_while_connecting_never_end_in_auth_failed(
    ms: MiniserverSimulator, make_client: ClientFactory, code: int
) -> None:
    client = await _token_client(make_client)
    await client.connect()
    seen = _states(client)
    client.start()
    ms.close_new_connections(code, count=3)
    await ms.drop_connections()
    await wait_until(lambda: seen[-2:] == [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED])
    assert ConnectionState.AUTH_FAILED not in seen
