"""Every fault knob of the simulator: what the client did, and that it recovered."""

from __future__ import annotations

import asyncio
from dataclasses import replace
import logging

from cryptography.hazmat.primitives.asymmetric import rsa
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    ConnectionState,
    Endpoint,
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneConnectionError,
    LoxoneOutOfServiceError,
    LoxoneTimeoutError,
    MiniserverClient,
    uuid_to_bytes,
)
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import FAST, ClientFactory, wait_until


def switch_action(ms: MiniserverSimulator) -> str:
    return next(c for c in ms.structure["controls"].values() if c["type"] == "Switch")["uuidAction"]


def record_states(client: MiniserverClient) -> list[ConnectionState]:
    seen: list[ConnectionState] = []
    client.add_connection_listener(seen.append)
    return seen


async def test_reconnects_in_place_and_refreshes_every_state(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    seen = record_states(client)
    client.start()
    uuid = next(iter(ms.values))
    got: list[float] = []
    client.subscribe(uuid, lambda _, value: got.append(value))  # type: ignore[arg-type]
    await ms.drop_connections()
    await wait_until(lambda: seen == [ConnectionState.DISCONNECTED])
    assert isinstance(client.last_error, LoxoneConnectionError)
    ms.store.values[uuid] = 77.0  # changed while nobody was connected
    await wait_until(lambda: seen[-1] is ConnectionState.CONNECTED)
    await wait_until(lambda: 77.0 in got)
    assert client.get_state(uuid) == 77.0
    assert len(ms.tokens.issued) == 1  # the session came back with the token, not the password
    assert (await client.send_command(switch_action(ms), "on")).ok


async def test_drop_in_the_middle_of_a_table(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    seen = record_states(client)
    client.start()
    await ms.drop_connections(mid_table=True)
    await wait_until(lambda: seen[-2:] == [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED])
    assert (await client.send_command(switch_action(ms), "on")).ok


async def test_restart_of_the_miniserver(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    seen = record_states(client)
    client.start()
    await ms.restart(downtime=0.1)
    await wait_until(lambda: seen[-2:] == [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED])
    assert client.connected


async def test_out_of_service_waits_then_reconnects(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    seen = record_states(client)
    client.start()
    ms.set_out_of_service(0.3)
    await wait_until(lambda: seen == [ConnectionState.DISCONNECTED])
    assert isinstance(client.last_error, LoxoneOutOfServiceError)
    await wait_until(lambda: seen[-1] is ConnectionState.CONNECTED)
    assert not ms.out_of_service


async def test_connect_while_out_of_service(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.set_out_of_service(5.0)
    client = await make_client(connect=False)
    with pytest.raises(LoxoneOutOfServiceError):
        await client.connect()


async def test_transient_401_on_reconnect_is_retried(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    first = await make_client()
    client = await make_client(password=None, token=first.token)
    seen = record_states(client)
    client.start()
    ms.fail_next_auth(401)
    await ms.drop_connections()
    await wait_until(lambda: seen[-2:] == [ConnectionState.DISCONNECTED, ConnectionState.CONNECTED])


async def test_lasting_401_ends_in_auth_failed(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    first = await make_client()
    client = await make_client(password=None, token=first.token)
    seen = record_states(client)
    client.start()
    ms.fail_next_auth(401)
    ms.fail_next_auth(401)
    await ms.drop_connections()
    await wait_until(lambda: seen[-1:] == [ConnectionState.AUTH_FAILED])
    assert client.connection_state is ConnectionState.AUTH_FAILED
    assert isinstance(client.last_error, LoxoneAuthenticationError)


async def test_400_during_authentication(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.fail_next_auth(400)
    client = await make_client(connect=False)
    with pytest.raises(LoxoneConnectionError, match="400"):
        await client.connect()
    seen = record_states(client)
    client.start()
    await wait_until(lambda: seen == [ConnectionState.CONNECTED])


async def test_blocked_after_failed_logins(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.block_after_failures = 2
    wrong = await make_client(connect=False, password="wrong")
    for _ in range(2):
        with pytest.raises(LoxoneAuthenticationError):
            await wrong.connect()
    right = await make_client(connect=False)
    with pytest.raises(LoxoneBlockedError):
        await right.connect()
    seen = record_states(right)
    loop = asyncio.get_running_loop()
    started = loop.time()
    before = right.last_error
    right.start()
    await wait_until(lambda: right.last_error is not before)  # the supervisor's own attempt
    assert isinstance(right.last_error, LoxoneBlockedError)
    ms.unblock()
    await wait_until(lambda: seen == [ConnectionState.CONNECTED])
    assert loop.time() - started >= FAST.long_backoff  # the long backoff, not the short one


async def test_slow_authentication_gets_420(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.auth_timeout = 0.0
    client = await make_client(connect=False)
    with pytest.raises(LoxoneTimeoutError, match="420"):
        await client.connect()
    ms.auth_timeout = 10.0
    await client.connect()
    assert client.connected


@pytest.mark.parametrize("kind", ["bad_header", "short_header", "bad_json"])
async def test_malformed_frame_is_logged_once_and_the_stream_goes_on(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    client = await make_client()
    uuid = next(iter(ms.values))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ms.send_malformed_frame(kind)  # type: ignore[arg-type]
        ms.set_value(uuid, 12.5)
        await wait_until(lambda: client.get_state(uuid) == 12.5)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Miniserver" in warnings[0].getMessage()
    assert client.connected
    assert (await client.send_command(switch_action(ms), "on")).ok


async def test_truncated_table_keeps_complete_events(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client()
    await wait_until(lambda: len(client.states) >= len(ms.values))
    first_four = list(ms.values)[:4]
    got: list[bytes] = []
    for uuid in first_four:
        client.subscribe(uuid, lambda u, _: got.append(u))
    with caplog.at_level(logging.WARNING):
        ms.send_truncated_table()
        await wait_until(lambda: len(got) == 3)
    assert got == [uuid_to_bytes(u) for u in first_four[:3]]
    assert "value table" in caplog.text
    ms.set_value(first_four[3], 3.0)
    await wait_until(lambda: client.get_state(first_four[3]) == 3.0)
    assert client.connected


async def test_slow_answer_times_out_and_the_late_answer_is_not_misread(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(timings=replace(FAST, command_timeout=0.2, keepalive_interval=60))
    switch = switch_action(ms)
    ms.response_delay = 0.3
    with pytest.raises(LoxoneTimeoutError):
        await client.send_command(switch, "on")
    ms.response_delay = 0.0
    answer = await client.send_command(switch, "off")
    assert answer.ok
    assert answer.value == "0"  # the answer to "off", not the late one to "on"
    assert client.connected
    assert ms.commands[-2:] == [(switch, "on"), (switch, "off")]


async def test_keepalive_measures_latency(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    await wait_until(lambda: client.latency is not None)
    assert client.latency is not None
    assert 0 <= client.latency < FAST.keepalive_timeout


async def test_unanswered_keepalive_triggers_reconnect(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client(timings=replace(FAST, keepalive_timeout=0.1))
    seen = record_states(client)
    client.start()
    ms.response_delay = 0.5
    await wait_until(lambda: seen == [ConnectionState.DISCONNECTED])
    assert "keepalive" in caplog.text
    ms.response_delay = 0.0
    await wait_until(lambda: seen[-1] is ConnectionState.CONNECTED)


async def test_token_killed_elsewhere_is_replaced_with_the_password(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.token_lifetime = 2.0
    client = await make_client()
    seen = record_states(client)
    client.start()
    ms.tokens.issued[0].killed = True  # e.g. revoked in Loxone Config: the next refresh fails
    await wait_until(lambda: len(ms.tokens.issued) >= 2)
    await wait_until(lambda: seen[-1:] == [ConnectionState.CONNECTED])
    assert client.token is not None
    assert client.token.token == ms.tokens.issued[-1].token


async def test_unreachable_miniserver(http, make_client: ClientFactory) -> None:
    async with MiniserverSimulator() as gone:
        port = gone.port
    client = await make_client(connect=False, endpoint=Endpoint(URL(f"http://127.0.0.1:{port}")))
    with pytest.raises(LoxoneConnectionError):
        await client.connect()
    client.start()
    await wait_until(lambda: isinstance(client.last_error, LoxoneConnectionError))
    await client.close()
    assert not client.connected


async def test_close_during_reconnect_leaves_nothing_running(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    client.start()
    await ms.stop()
    await wait_until(lambda: not client.connected)
    await client.close()
    await ms.start()


async def test_connect_again_without_the_supervisor(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    client.start()
    client.start()  # a second start keeps the one supervisor
    await client.close()
    await client.connect()
    assert client.connected
    await ms.drop_connections()
    await wait_until(lambda: not client.connected)
    await client.connect()
    assert client.connected
    assert ms.sessions == 1


async def test_replaced_miniserver_key_is_fetched_again(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(connect=False)
    # as if a cached key belonged to a Miniserver that has since been replaced: every connection
    # asks for the key again, so the stale one is never used for the key exchange
    stale = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    client._public_key = stale
    await client.connect()
    assert client.connected
    assert client._public_key is not stale


async def test_failing_connection_listener_is_logged(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client(connect=False)

    def broken(state: ConnectionState) -> None:
        raise RuntimeError("listener bug")

    remove = client.add_connection_listener(broken)
    seen = record_states(client)
    await client.connect()
    assert seen == [ConnectionState.CONNECTED]
    assert "A Loxone connection listener failed" in caplog.text
    remove()
    client.start()
    await ms.drop_connections()
    await wait_until(lambda: seen[-1:] == [ConnectionState.CONNECTED] and len(seen) == 3)
    assert caplog.text.count("A Loxone connection listener failed") == 1
