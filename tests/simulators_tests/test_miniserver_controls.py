"""Control commands change the states Home Assistant entities read; quirks; the generator."""

from __future__ import annotations

import json
import random

import pytest

from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator, Quirks

from .wire import authenticated, connect

LICO = uid("living.lico")
CASES: list[tuple[str, str, str, float | str]] = [
    ("hall.switch", "on", "hall.switch", 1.0),
    ("hall.switch", "pulse", "hall.switch", 0.0),
    ("garage.bell", "pulse", "garage.bell", 0.0),
    ("hall.stairs", "pulse", "hall.stairs", 180.0),
    ("hall.stairs", "on", "hall.stairs", -1.0),
    ("kitchen.dimmer", "42", "kitchen.dimmer.position", 42.0),
    ("kitchen.dimmer", "plus", "kitchen.dimmer.position", 52.0),
    ("kitchen.dimmer", "off", "kitchen.dimmer.position", 0.0),
    ("office.eib", "on", "office.eib.position", 100.0),
    ("bedroom.color", "hsv(120,100,50)", "bedroom.color.color", "hsv(120,100,50)"),
    ("bedroom.color", "setBrightness/20", "bedroom.color.color", "hsv(120,100,20)"),
    ("living.lico", "changeTo/777", "living.lico.activeMoods", "[777]"),
    ("living.lico", "changeTo/1", "living.lico.activeMoods", "[1]"),
    ("living.lico", "addMood/2", "living.lico.activeMoods", "[1, 2]"),
    ("living.blind", "FullDown", "living.blind.position", 1.0),
    ("living.blind", "manualPosition/25", "living.blind.position", 0.25),
    ("living.blind", "fullup", "living.blind.position", 0.0),
    ("central.blinds", "FullDown", "bedroom.shutter.position", 1.0),
    ("garage.gate", "open", "garage.gate.position", 1.0),
    ("office.window", "moveToPosition/40", "office.window.position", 0.4),
    ("living.irc", "setComfortTemperature/23.5", "living.irc.tempTarget", 23.5),
    ("living.irc", "override/1/3600/19", "living.irc.tempTarget", 19.0),
    ("living.irc", "stopOverride", "living.irc.tempTarget", 23.5),
    ("bedroom.irc", "settemp/0/20.5", "bedroom.irc.tempTarget", 20.5),
    ("bedroom.irc", "mode/2", "bedroom.irc.mode", 2.0),
    ("living.radio", "2", "living.radio.activeOutput", 2.0),
    ("living.radio", "reset", "living.radio.activeOutput", 0.0),
    ("bedroom.slider", "55", "bedroom.slider", 55.0),
    ("bedroom.slider", "500", "bedroom.slider", 100.0),
    ("office.selector", "plus", "office.selector.value", 2.0),
    ("living.updown", "12.5", "living.updown", 12.5),
    ("living.leftright", "-3", "living.leftright", -3.0),
    ("office.textinput", "Hi%20there", "office.textinput.text", "Hi there"),
    ("garden.daytimer", "startOverride/1/600", "garden.daytimer.value", 1.0),
    ("hall.smoke", "mute", "hall.smoke.level", 0.0),
]


async def test_commands_change_states(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        for control, command, state, expected in CASES:
            answer = await client.enc(f"jdev/sps/io/{uid(control)}/{command}")
            assert answer["Code"] == "200", (control, command, answer)
            actual = ms.texts[uid(state)] if isinstance(expected, str) else ms.values[uid(state)]
            assert actual == expected, (control, command)
        assert ms.values[uid("living.lico/AI2.active")] == 1.0  # mood 777 switched the circuits on
        assert (await client.enc(f"jdev/sps/io/{uid('living.scene_updown')}/PulseUp"))[
            "Code"
        ] == "200"
        assert (await client.enc(f"jdev/sps/io/{uid('hall.switch')}/dance"))["Code"] == "400"
        unknown = "00000000-0000-0000-0000000000000001"
        assert (await client.enc(f"jdev/sps/io/{unknown}/on"))["Code"] == "404"
        assert ms.commands[0] == (uid("hall.switch"), "on")
        assert len(ms.commands) == len(CASES) + 3
    finally:
        await client.close()


async def test_light_controller_subcontrol_and_off(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        assert (await client.enc(f"jdev/sps/io/{LICO}/AI1/60"))["Code"] == "200"
        assert ms.values[uid("living.lico/AI1.position")] == 60.0
        assert (await client.enc(f"jdev/sps/io/{LICO}/off"))["Code"] == "200"
        assert json.loads(ms.texts[uid("living.lico.activeMoods")]) == [778]
        assert ms.values[uid("living.lico/AI1.position")] == 0.0
    finally:
        await client.close()


async def test_nfc_code_touch_history_outputs_and_accesses(ms: MiniserverSimulator) -> None:
    touch = uid("hall.codetouch")
    client = await authenticated(ms.base_url)
    try:
        history = json.loads((await client.enc(f"jdev/sps/io/{touch}/history"))["value"])
        assert [(entry["user"], entry["output"]) for entry in history] == [("Ben", -1), ("Anna", 1)]
        assert (await client.enc(f"jdev/sps/io/{touch}/output/2"))["Code"] == "200"
        assert (await client.enc(f"jdev/sps/io/{touch}/output/3"))["Code"] == "400"  # unnamed
        date = ms.values[uid("hall.codetouch.historyDate")]
        first = ms.nfc_access(touch, "Carl", 2)
        second = ms.nfc_access(touch, "Dora", -1, code="1234")
        assert ms.values[uid("hall.codetouch.historyDate")] >= date + 2  # moved twice
        assert ms.texts[uid("hall.codetouch.lastuser")] == "Dora"
        history = json.loads((await client.enc(f"jdev/sps/io/{touch}/history"))["value"])
        assert history[-2:] == [first, second]
        assert second["code"] == "1234"
        for n in range(60):
            ms.nfc_access(touch, f"user {n}", 1)
        assert len(ms.store.histories[touch]) == 50  # the oldest dropped
        with pytest.raises(KeyError):
            ms.nfc_access(uid("hall.switch"), "Eve", 1)
    finally:
        await client.close()


async def test_seed_quirks_status_field_structure_and_table_order() -> None:
    quirks = Quirks(
        status_field="code",
        structure_as_binary_file=False,
        keyexchange_encrypted_answer=False,
        tables_before_answer=True,
        getkey2_without_hash_alg=True,
        lenient_token_hash=False,
    )
    async with MiniserverSimulator(quirks=quirks) as ms:
        client = await connect(ms.base_url)
        try:
            assert client.one_time_key is None
            keys = (await client.enc("jdev/sys/getkey2/admin"))["value"]
            assert "hashAlg" not in keys
            assert (await client.get_token())["code"] == 200
            await client.ws.send_str("data/LoxAPP3.json")
            assert (await client.recv_message()).identifier == 0
            enable = client.encrypt("jdev/sps/enablebinstatusupdate")
            await client.ws.send_str(f"jdev/sys/enc/{enable}")
            assert [(await client.recv_message()).identifier for _ in range(5)] == [2, 3, 4, 7, 0]
            token = ms.tokens.issued[0].token
            assert (await client.token_command("checktoken", token, alg="SHA256"))["code"] == 401
            assert (await client.token_command("checktoken", token, alg="SHA1"))["code"] == 200
        finally:
            await client.close()


def test_generator_changes_temperatures_meters_and_weather() -> None:
    ms = MiniserverSimulator()
    changed: list[str] = []
    ms.store.listener = lambda _kind, uuid: changed.append(uuid)
    before_total = ms.values[uid("garage.meter.total")]
    before_weather = ms.store.weathers[uid("weather.forecast")].entries[0].temperature
    ms.generate_once(random.Random(1), 3600.0)
    assert uid("living.irc.tempActual") in changed
    assert uid("garden.temp") in changed
    assert ms.values[uid("garage.meter.total")] > before_total
    assert uid("weather.forecast") in changed
    after_weather = ms.store.weathers[uid("weather.forecast")].entries[0].temperature
    assert after_weather != before_weather


async def test_generator_task_pushes_events(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        await client.enc("jdev/sps/enablebinstatusupdate")
        for _ in range(4):
            await client.recv_message()
        ms.enable_generator(0.05)
        message = await client.recv_message()
        assert message.identifier in (2, 7)
        ms.disable_generator()
    finally:
        await client.close()
