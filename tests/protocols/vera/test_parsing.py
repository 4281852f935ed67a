"""Parsers against the real UI7 sdata fixture, the simulator's answers, and random JSON."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import aiohttp
from hypothesis import given, settings, strategies as st
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.vera import (
    Category,
    LocalTransport,
    SecuritySensorType,
    VeraActionError,
    VeraClient,
    VeraDimmer,
    VeraError,
    VeraLock,
    VeraMeasurement,
    VeraProtocolError,
    VeraSecuritySensor,
    VeraSwitch,
    VeraThermostat,
)
from custom_components.hubrelay.protocols.vera.models import parse_color, parse_device
from custom_components.hubrelay.protocols.vera.responses import (
    parse_action,
    parse_sdata,
    parse_status,
    parse_user_data,
)
from custom_components.hubrelay.protocols.vera.services import COLOR, SCENE_CONTROLLER
from custom_components.hubrelay.protocols.vera.state import HubState
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import recorded_house

from .conftest import fixture_file


def _fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture_file("vera/vera-ui7-sdata.json").read_text("utf-8"))
    return data


def test_real_ui7_sdata() -> None:
    raw = _fixture()
    sdata = parse_sdata(json.dumps(raw))
    assert sdata.full
    assert (sdata.loadtime, sdata.dataversion) == (raw["loadtime"], raw["dataversion"])
    assert sdata.controller is not None
    assert sdata.controller.serial == raw["serial_number"]
    assert sdata.controller.firmware == raw["version"].strip("*")
    assert sdata.controller.relay_servers == (raw["fwd1"], raw["fwd2"])
    assert {room.id: room.name for room in sdata.rooms or ()} == {
        room["id"]: room["name"] for room in raw["rooms"]
    }
    assert {scene.id: scene.active for scene in sdata.scenes or ()} == {
        scene["id"]: bool(scene["active"]) for scene in raw["scenes"]
    }
    assert sdata.categories == {item["id"]: item["name"] for item in raw["categories"]}
    state = HubState()
    state.replace(sdata)
    assert set(state.devices) == {record["id"] for record in raw["devices"]}
    for record in raw["devices"]:
        device = state.devices[record["id"]]
        assert device.name == record["name"]
        assert device.available == (record.get("commFailure", "0") != "1")
        category = record["category"]
        if category == Category.DIMMABLE_LIGHT:
            assert isinstance(device, VeraDimmer)
            assert device.level == int(record["level"])
            assert device.watts == float(record["watts"])
            assert device.kwh == float(record["kwh"])
        elif category == Category.SWITCH:
            assert isinstance(device, VeraSwitch)
            assert device.is_on == (record["status"] == "1")
        elif category == Category.DOOR_LOCK:
            assert isinstance(device, VeraLock)
            assert device.locked == (record["locked"] == "1")
            assert device.battery_level == int(record["batterylevel"])
        elif category == Category.HVAC:
            assert isinstance(device, VeraThermostat)
            assert device.hvac_mode == record["mode"]
            assert device.fan_mode == record["fanmode"]
            assert device.current_temperature == float(record["temperature"])
            assert device.target_setpoint == float(record["setpoint"])
        elif category == Category.SECURITY_SENSOR:
            assert isinstance(device, VeraSecuritySensor)
            assert device.sensor_type is SecuritySensorType(record["subcategory"])
            assert device.last_trip == int(record["lasttrip"])
        elif category in {Category.TEMPERATURE_SENSOR, Category.LIGHT_SENSOR}:
            assert isinstance(device, VeraMeasurement)
            key = "temperature" if category == Category.TEMPERATURE_SENSOR else "light"
            assert device.value == float(record[key])
        else:
            assert type(device).__name__ == "VeraDevice"


async def test_fixture_served_by_simulator(http: aiohttp.ClientSession) -> None:
    raw = _fixture()
    async with VeraLuupSimulator(recorded_house(raw)) as hub:
        client = VeraClient(LocalTransport(http, URL(hub.direct_url)))
        sdata = await client.sdata()
        status = await client.status()
        user = await client.user_data()
    assert set(sdata.devices) == {record["id"] for record in raw["devices"]}
    assert sdata.controller is not None
    assert sdata.controller.serial == user.serial == raw["serial_number"]
    assert status.devices[4][("urn:upnp-org:serviceId:Dimming1", "LoadLevelStatus")] == "100"
    assert user.devices[26].category == Category.DOOR_LOCK
    assert user.devices[26].room_id == 1


async def test_status_and_user_data(hub: VeraLuupSimulator, http: aiohttp.ClientSession) -> None:
    client = VeraClient(LocalTransport(http, URL(hub.direct_url)))
    status = await client.status()
    assert status.loadtime == hub.loadtime
    assert status.dataversion == hub.dataversion
    assert status.devices[13][("urn:micasaverde-com:serviceId:DoorLock1", "Status")] == "1"
    one = await client.status(12)
    assert set(one.devices) == {12}
    assert one.devices[12][(COLOR, "SupportedColors")] == "W,D,R,G,B"
    assert (await client.status(999)).devices == {}
    user = await client.user_data()
    assert user.serial == hub.house.serial
    assert user.firmware == hub.house.firmware
    assert user.model == hub.house.model
    assert user.temperature_unit == "C"
    assert user.devices[14].device_type.endswith("HVAC_ZoneThermostat:1")
    assert user.devices[10].parent_id == 1
    assert user.variables[25][(SCENE_CONTROLLER, "LastSceneID")] == ""
    assert hub.requests[-1]["ns"] == "1"


def test_sdata_partial_and_odd_records() -> None:
    sdata = parse_sdata(
        json.dumps(
            {
                "full": 0,
                "loadtime": 5,
                "dataversion": "7",
                "devices": [{"id": "3", "status": "1"}, {"name": "no id"}, "junk"],
                "scenes": [{"id": 1, "active": "1"}, {"name": "no id"}],
                "rooms": [{"id": 2, "name": "Hall"}, {"name": "no id"}],
                "categories": [{"id": 2, "name": "Dimmer"}, {"name": "no id"}],
            }
        )
    )
    assert not sdata.full
    assert sdata.controller is None
    assert list(sdata.devices) == [3]
    assert [scene.id for scene in sdata.scenes or ()] == [1]
    assert [room.id for room in sdata.rooms or ()] == [2]
    assert sdata.categories == {2: "Dimmer"}
    assert sdata.dataversion == 7


@pytest.mark.parametrize("body", ["", "[]", "{bad", '{"devices": {}}', '{"rooms": 3}'])
def test_sdata_rejects_malformed(body: str) -> None:
    with pytest.raises(VeraProtocolError):
        parse_sdata(body)


def test_action_answers() -> None:
    assert parse_action('{"u:SetTargetResponse": {"JobID": "12"}}', "x").job_id == 12
    assert parse_action('{"u:RunSceneResponse": {"OK": "OK"}}', "x").job_id is None
    assert parse_action("OK", "x").job_id is None
    with pytest.raises(VeraActionError, match="Invalid Device"):
        parse_action("ERROR: Invalid Device", "x")
    with pytest.raises(VeraActionError, match="bad"):
        parse_action('{"ERROR": "bad"}', "x")
    with pytest.raises(VeraProtocolError):
        parse_action('{"other": 1}', "x")


def test_device_values_that_do_not_parse_become_none() -> None:
    device = parse_device(
        {
            "id": 4,
            "category": "5",
            "temperature": "n/a",
            "setpoint": "inf",
            "heat": 21.5,
            "cool": True,
            "batterylevel": "7.0",
            "mode": 3,
            "state": 1.5,
        }
    )
    assert isinstance(device, VeraThermostat)
    assert device.current_temperature is None
    assert device.setpoint is None
    assert device.heat_setpoint == 21.5
    assert device.cool_setpoint is None
    assert device.battery_level == 7
    assert device.hvac_mode == "3"
    assert device.job_state is None
    assert device.target_setpoint == 21.5
    sensor = parse_device({"id": 5, "category": 4, "subcategory": 99, "tripped": "yes"})
    assert isinstance(sensor, VeraSecuritySensor)
    assert sensor.sensor_type is SecuritySensorType.UNSPECIFIED
    assert sensor.tripped is None


def _target(record: dict[str, Any]) -> float | None:
    device = parse_device(record)
    assert isinstance(device, VeraThermostat)
    return device.target_setpoint


def test_thermostat_target_follows_mode() -> None:
    base = {"id": 1, "category": 5, "setpoint": "20", "heat": "19", "cool": "26"}
    assert _target({**base, "mode": "HeatOn"}) == 19
    assert _target({**base, "mode": "CoolOn"}) == 26
    assert _target({**base, "mode": "AutoChangeOver"}) == 20
    assert _target({"id": 1, "category": 5, "mode": "CoolOn", "heat": "19"}) == 19


def test_color_parsing() -> None:
    assert parse_color({}) is None
    assert (
        parse_color({(COLOR, "SupportedColors"): "R,G,B", (COLOR, "CurrentColor"): "0=9,1=300,2=x"})
        is None
    )
    color = parse_color(
        {
            (COLOR, "SupportedColors"): "W,D,R,G,B",
            (COLOR, "CurrentColor"): "0=0,1=0,2=300,3=5,bad,4=6",
        }
    )
    assert color is not None
    assert (color.red, color.green, color.blue) == (255, 5, 6)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            [
                "id",
                "devices",
                "states",
                "service",
                "variable",
                "value",
                "category",
                "full",
                "loadtime",
                "rooms",
                "scenes",
                "categories",
                "serial_number",
                "Device_Num_1",
                "level",
                "status",
                "u:SetTargetResponse",
                "JobID",
                "ERROR",
                "subcategory",
                "mode",
            ]
        )
        | st.text(max_size=5),
        children,
        max_size=5,
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_random_json_only_raises_our_errors(value: object) -> None:
    body = json.dumps(value)
    for parse in (parse_sdata, parse_status, parse_user_data, lambda text: parse_action(text, "x")):
        with contextlib.suppress(VeraError):
            parse(body)
    try:
        state = HubState()
        sdata = parse_sdata(body)
        state.replace(sdata)
        state.merge(sdata)
    except VeraError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=8), st.integers(0, 40))
def test_random_device_records_always_build_a_model(record: dict[str, Any], category: int) -> None:
    device = parse_device({**record, "id": 1, "category": category})
    assert device.id == 1
    assert isinstance(device.available, bool)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_random_text_only_raises_our_errors(text: str) -> None:
    for parse in (parse_sdata, parse_status, parse_user_data, lambda body: parse_action(body, "x")):
        with contextlib.suppress(VeraError):
            parse(text)
