"""Event-table bytes, UUID layout, and serving the real fixture structure files."""

from __future__ import annotations

import json
from pathlib import Path
import struct

import pytest

from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import DaytimerEntry, MiniserverSimulator, WeatherEntry
from tests.simulators.miniserver_codec import uuid_from_bytes, uuid_to_bytes

from .wire import authenticated

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "loxone"


def test_uuid_layout_matches_the_documented_example() -> None:
    raw = bytes.fromhex("34128e0f6e03ade9ffffed57184a04d2")
    assert uuid_to_bytes("0f8e1234-036e-e9ad-ffffed57184a04d2") == raw
    assert uuid_from_bytes(raw) == "0f8e1234-036e-e9ad-ffffed57184a04d2"


async def test_text_daytimer_weather_change_bytes(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        await client.enc("jdev/sps/enablebinstatusupdate")
        for _ in range(4):
            await client.recv_message()
        text_uuid, icon = uid("hall.textstate"), uid("icon.sun")
        ms.set_text(text_uuid, "Grüß", icon)
        message = await client.recv_message()
        assert message.identifier == 3
        payload = message.payload
        assert isinstance(payload, bytes)
        raw, raw_icon, length = struct.unpack_from("<16s16sI", payload)
        assert (uuid_from_bytes(raw), uuid_from_bytes(raw_icon)) == (text_uuid, icon)
        assert length == len("Grüß".encode())
        assert payload[36 : 36 + length].decode() == "Grüß"
        assert len(payload) == 36 + 8  # six bytes padded to eight

        entries = [DaytimerEntry(1, 360, 480, 0, 21.5), DaytimerEntry(2, 1000, 1100, 1, 18.0)]
        ms.set_daytimer(uid("garden.daytimer"), 5.0, entries)
        message = await client.recv_message()
        assert message.identifier == 4
        assert len(message.payload) == 16 + 8 + 4 + 2 * 24
        raw, default, count = struct.unpack_from("<16sdi", message.payload)  # type: ignore[arg-type]
        assert (uuid_from_bytes(raw), default, count) == (uid("garden.daytimer"), 5.0, 2)
        assert struct.unpack_from("<iiiid", message.payload, 28) == (1, 360, 480, 0, 21.5)  # type: ignore[arg-type]

        weather = WeatherEntry(100, 3, 180, 250, 55, 12.5, 11.0, 5.5, 0.2, 14.0, 1012.0)
        ms.set_weather(uid("weather.actual"), 99, [weather])
        message = await client.recv_message()
        assert message.identifier == 7
        assert len(message.payload) == 16 + 4 + 4 + 68
        raw, last, count = struct.unpack_from("<16sIi", message.payload)  # type: ignore[arg-type]
        assert (uuid_from_bytes(raw), last, count) == (uid("weather.actual"), 99, 1)
        fields = struct.unpack_from("<iiiiidddddd", message.payload, 24)  # type: ignore[arg-type]
        assert fields == (100, 3, 180, 250, 55, 12.5, 11.0, 5.5, 0.2, 14.0, 1012.0)
    finally:
        await client.close()


@pytest.mark.parametrize("name", ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"])
async def test_serves_real_structure_files(name: str) -> None:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip("shared fixtures are absent")
    structure = json.loads(path.read_text("utf-8"))
    async with MiniserverSimulator(structure=structure) as ms:
        client = await authenticated(ms.base_url)
        try:
            await client.ws.send_str("data/LoxAPP3.json")
            message = await client.recv_message()
            assert message.identifier == 1
            assert json.loads(message.payload) == structure
            await client.enc("jdev/sps/enablebinstatusupdate")
            values = await client.recv_message()
            assert values.identifier == 2
            assert len(values.payload) == 24 * len(ms.values)
            texts = await client.recv_message()
            assert texts.identifier == 3
            controls = structure["controls"].values()
            switch = next(c for c in controls if c["type"] == "Switch" and not c["isSecured"])
            answer = await client.enc(f"jdev/sps/io/{switch['uuidAction']}/on")
            assert answer["Code"] == "200"
            assert ms.values[switch["states"]["active"]] == 1.0
        finally:
            await client.close()


async def test_subcontrol_actions_with_a_slash() -> None:
    path = FIXTURES / "openhab-LoxAPP3.json"
    if not path.exists():
        pytest.skip("shared fixtures are absent")
    async with MiniserverSimulator(structure=json.loads(path.read_text("utf-8"))) as ms:
        client = await authenticated(ms.base_url)
        try:
            action = "1076668f-0101-7076-ffff403fb0c34b9e/AI2"
            assert (await client.enc(f"jdev/sps/io/{action}/on"))["Code"] == "200"
            assert ms.commands[-1] == (action, "on")
            assert ms.values["1076668f-0101-7060-ffffe94fed106136"] == 1.0
        finally:
            await client.close()
