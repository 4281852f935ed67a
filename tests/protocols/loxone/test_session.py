"""The client against the simulated Miniserver: connect, states, commands, tokens, structure."""

from __future__ import annotations

from dataclasses import replace
import logging
from typing import Any

import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    ConnectionState,
    Endpoint,
    LoxoneAuthenticationError,
    LoxoneCommandError,
    LoxoneConnectionError,
    LoxoneNoEventSlotsError,
    LoxoneStructure,
    LoxoneVisuPasswordError,
    TextState,
    Token,
    TokenPermission,
    uuid_to_bytes,
)
from custom_components.hubrelay.protocols.loxone.crypto import HashAlg
from tests.simulators.miniserver import DaytimerEntry, MiniserverSimulator, UserSpec, WeatherEntry

from .conftest import FAST, ClientFactory, wait_until


def first_control(ms: MiniserverSimulator, kind: str) -> dict[str, Any]:
    return next(c for c in ms.structure["controls"].values() if c["type"] == kind)


async def test_connect_acquires_an_app_token_and_reads_the_miniserver(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    tokens: list[Token] = []
    structures: list[LoxoneStructure] = []
    client = await make_client(
        on_token_refreshed=tokens.append, on_structure_changed=structures.append
    )
    assert client.connected
    assert client.connection_state is ConnectionState.CONNECTED
    assert client._live_connection()._ws.protocol == "remotecontrol"  # offered and accepted
    assert client.serial == ms.serial
    assert client.api_info is not None
    assert client.api_info.version == ms.firmware
    assert client.structure is not None
    assert client.structure.ms_info.serial == ms.serial
    assert structures == [client.structure]
    (issued,) = ms.tokens.issued
    assert tokens == [client.token]
    assert client.token is not None
    assert client.token.token == issued.token
    assert issued.permission == TokenPermission.APP
    assert issued.jwt
    assert client.token.valid_until == issued.valid_until


async def test_initial_tables_fill_the_state_cache(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    await wait_until(lambda: len(client.states) >= len(ms.values) + len(ms.texts))
    for uuid, value in ms.values.items():
        assert client.get_state(uuid) == value
    for uuid, text in ms.texts.items():
        state = client.get_state(uuid)
        assert isinstance(state, TextState)
        assert state.text == text


async def test_daytimer_and_weather_tables(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    daytimer = next(iter(ms.store.daytimers))
    weather = next(iter(ms.store.weathers))
    await wait_until(
        lambda: client.get_state(daytimer) is not None and client.get_state(weather) is not None
    )
    seen: list[tuple[bytes, object]] = []
    client.subscribe(daytimer, lambda uuid, value: seen.append((uuid, value)))
    client.subscribe(uuid_to_bytes(weather), lambda uuid, value: seen.append((uuid, value)))
    ms.set_daytimer(daytimer, 19.5, [DaytimerEntry(3, 360, 1320, 0, 22.5)])
    entry = WeatherEntry(567000000, 3, 270, 450, 81, 12.5, 10.0, 4.5, 0.2, 14.0, 1013.0)
    ms.set_weather(weather, 566999000, [entry])
    await wait_until(lambda: len(seen) == 2)
    (day_uuid, day_state), (weather_uuid, weather_state) = seen
    assert day_uuid == uuid_to_bytes(daytimer)
    assert weather_uuid == uuid_to_bytes(weather)
    assert day_state.default_value == 19.5
    assert tuple(day_state.entries[0]) == (3, 360, 1320, 0, 22.5)
    assert weather_state.last_update == 566999000
    assert tuple(weather_state.entries[0]) == (
        567000000,
        3,
        270,
        450,
        81,
        12.5,
        10.0,
        4.5,
        0.2,
        14.0,
        1013.0,
    )


async def test_subscribers_get_only_their_states(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client()
    first, second = list(ms.values)[:2]
    text_uuid = next(iter(ms.texts))
    await wait_until(lambda: client.get_state(first) is not None)
    got: list[tuple[bytes, object]] = []
    other: list[object] = []

    def broken(uuid: bytes, value: object) -> None:
        raise RuntimeError("subscriber bug")

    client.subscribe(first, broken)
    unsubscribe = client.subscribe(first, lambda uuid, value: got.append((uuid, value)))
    client.subscribe(second, lambda uuid, value: other.append(value))
    client.subscribe(text_uuid, lambda uuid, value: got.append((uuid, value)))
    ms.set_value(first, 42.25)
    ms.set_text(text_uuid, "Grüße", icon="00000000-0000-0020-2000000000000000")
    await wait_until(lambda: len(got) == 2)
    assert got[0] == (uuid_to_bytes(first), 42.25)
    assert got[1] == (
        uuid_to_bytes(text_uuid),
        TextState("Grüße", uuid_to_bytes("00000000-0000-0020-2000000000000000")),
    )
    assert other == []
    assert "A Loxone state subscriber failed" in caplog.text
    unsubscribe()
    unsubscribe()  # harmless twice
    client.subscribe(list(ms.values)[2], broken)()  # the only subscriber of a state leaves
    ms.set_value(first, 1.0)
    ms.set_value(second, 2.0)
    await wait_until(lambda: other == [2.0])
    assert len(got) == 2
    assert client.get_state(first) == 1.0


async def test_control_command_reaches_the_miniserver(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    switch = first_control(ms, "Switch")
    answer = await client.send_command(switch["uuidAction"], "on")
    assert answer.ok
    assert answer.code == 200
    assert ms.commands[-1] == (switch["uuidAction"], "on")
    active = uuid_to_bytes(switch["states"]["active"])
    await wait_until(lambda: client.get_state(active) == 1.0)


async def test_command_failures_are_typed(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    with pytest.raises(LoxoneCommandError) as caught:
        await client.send_command("0f000000-0000-0000-ffff000000000000", "on")
    assert caught.value.code == 404


async def test_secured_command_with_visualisation_password(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    secured = next(
        action
        for action in ms.actions_longest_first()
        if (ms.control_data(action) or {}).get("isSecured")
    )
    with pytest.raises(LoxoneCommandError) as plain:
        await client.send_command(secured, "on")
    assert plain.value.code == 500
    with pytest.raises(LoxoneVisuPasswordError):
        await client.send_secured_command(secured, "on", "wrong")
    with pytest.raises(LoxoneCommandError) as unknown:
        await client.send_secured_command("0f000000-0000-0000-ffff000000000000", "on", "1234")
    assert unknown.value.code == 404
    answer = await client.send_secured_command(secured, "on", "1234")
    assert answer.ok
    assert ms.commands[-1] == (secured, "on")


async def test_stored_token_is_used_instead_of_the_password(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    first = await make_client()
    assert first.token is not None
    stored = Token.from_dict(first.token.as_dict())
    refreshed: list[Token] = []
    second = await make_client(password=None, token=stored, on_token_refreshed=refreshed.append)
    assert second.connected
    assert len(ms.tokens.issued) == 1
    assert refreshed == []
    assert second.token is not None
    assert second.token.token == stored.token


async def test_rejected_token_falls_back_to_the_password(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    bogus = Token("not-a-token", 10**9, 4, False, ms_hash_alg(ms))
    refreshed: list[Token] = []
    client = await make_client(token=bogus, on_token_refreshed=refreshed.append)
    assert client.connected
    assert len(ms.tokens.issued) == 1
    assert refreshed == [client.token]


def ms_hash_alg(ms: MiniserverSimulator) -> HashAlg:
    return HashAlg(ms.users["admin"].hash_alg)


async def test_rejected_token_without_password(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    bogus = Token("not-a-token", 10**9, 4, False, ms_hash_alg(ms))
    client = await make_client(connect=False, password=None, token=bogus)
    with pytest.raises(LoxoneAuthenticationError):
        await client.connect()
    assert not client.connected
    assert isinstance(client.last_error, LoxoneAuthenticationError)
    nothing = await make_client(connect=False, password=None)
    with pytest.raises(LoxoneAuthenticationError, match="no usable token"):
        await nothing.connect()


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong"), ("nobody", "admin")])
async def test_wrong_credentials(
    ms: MiniserverSimulator, make_client: ClientFactory, username: str, password: str
) -> None:
    client = await make_client(connect=False, username=username, password=password)
    with pytest.raises(LoxoneAuthenticationError):
        await client.connect()
    assert ms.tokens.issued == []


async def test_token_is_refreshed_before_it_expires(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    ms.token_lifetime = 2.0
    refreshed: list[Token] = []
    client = await make_client(on_token_refreshed=refreshed.append)
    await wait_until(lambda: len(refreshed) >= 2)
    first, second = ms.tokens.issued[:2]
    assert first.replaced
    assert second.valid
    assert refreshed[0].token == first.token
    assert refreshed[1].token == second.token
    assert client.connected


async def test_explicit_refresh_check_and_kill(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    refreshed: list[Token] = []
    client = await make_client(on_token_refreshed=refreshed.append)
    renewed = await client.refresh_token()
    assert refreshed[-1] is renewed
    assert ms.tokens.issued[-1].token == renewed.token
    checked = await client.check_token()
    assert checked.token == renewed.token
    assert checked.valid_until == ms.tokens.issued[-1].valid_until
    await client.kill_token()
    assert client.token is None
    assert ms.tokens.issued[-1].killed
    with pytest.raises(LoxoneAuthenticationError, match="no token"):
        await client.check_token()


async def test_unchanged_structure_is_not_downloaded_again(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    cached = LoxoneStructure.from_json(ms.structure)
    structures: list[LoxoneStructure] = []
    client = await make_client(
        connect=False, structure=cached, on_structure_changed=structures.append
    )
    assert client.serial == ms.serial  # known from the cached structure before connecting
    await client.connect()
    assert client.structure is cached
    assert structures == []
    ms.structure["lastModified"] = "2030-01-01 00:00:00"
    changed = await make_client(structure=cached, on_structure_changed=structures.append)
    assert changed.structure is not cached
    assert structures == [changed.structure]
    assert changed.structure is not None
    assert changed.structure.last_modified == "2030-01-01 00:00:00"


async def test_no_status_updates_means_no_tables(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(status_updates=False)
    assert client.connected
    await client.send_command(first_control(ms, "Switch")["uuidAction"], "on")
    assert client.states == {}


async def test_no_event_slots(ms: MiniserverSimulator, make_client: ClientFactory) -> None:
    ms.event_slots = False
    client = await make_client(connect=False)
    with pytest.raises(LoxoneNoEventSlotsError):
        await client.connect()
    assert ms.sessions == 0


async def test_plain_commands_when_encryption_is_off(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(encrypt_commands=False)
    switch = first_control(ms, "Switch")
    assert (await client.send_command(switch["uuidAction"], "off")).ok
    assert ms.commands[-1] == (switch["uuidAction"], "off")


async def test_commands_need_a_connection(make_client: ClientFactory) -> None:
    client = await make_client()
    await client.close()
    assert not client.connected
    with pytest.raises(LoxoneConnectionError, match="not connected"):
        await client.send_command("x", "on")


async def test_connect_twice_is_harmless(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    await client.connect()
    assert ms.sessions == 1
    assert len(ms.tokens.issued) == 1


async def test_many_commands_rotate_the_salt(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(timings=replace(FAST, salt_max_uses=2))
    switch = first_control(ms, "Switch")["uuidAction"]
    for index in range(7):
        assert (await client.send_command(switch, "on" if index % 2 else "off")).ok
    assert len(ms.commands) == 7


async def test_weak_password_is_reported(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        client = await make_client()
    assert client.token is not None
    assert client.token.unsecure_pass
    assert "weak password" in caplog.text
    assert "admin:" not in caplog.text


async def test_sha256_user(make_client: ClientFactory) -> None:
    async with MiniserverSimulator(users={"admin": UserSpec("s3cret", "SHA256")}) as sha:
        client = await make_client(endpoint=Endpoint(URL(sha.base_url)), password="s3cret")
        assert client.token is not None
        assert client.token.hash_alg.value == "SHA256"
        await client.close()
        again = await make_client(
            endpoint=Endpoint(URL(sha.base_url)), password=None, token=client.token
        )
        assert again.connected
        await again.close()


async def test_failing_token_and_structure_callbacks_do_not_break_the_session(
    ms: MiniserverSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(value: object) -> None:
        raise RuntimeError("callback bug")

    client = await make_client(on_token_refreshed=broken, on_structure_changed=broken)
    assert client.connected
    assert client.token is not None
    assert client.structure is not None
    assert "The token callback failed" in caplog.text
    assert "The structure callback failed" in caplog.text
    assert (await client.refresh_token()).token == ms.tokens.issued[-1].token
