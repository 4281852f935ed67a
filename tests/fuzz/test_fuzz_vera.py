"""Fuzzing the Vera library: luup answers (sdata, status, user_data, actions), models, state.

Oracle: the answer parsers return their result or raise `VeraProtocolError` (`VeraActionError`
for refused actions); the value readers and `parse_device` never raise (one odd plugin device must
not hide the hub). The hub state fed any sequence of full, partial and variable answers stays
consistent: every device is exactly the model of the record and variables it holds. Round trips
use the luup simulator's own sdata, user_data and status answers.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import aiohttp
from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.mms import MmsClient
from custom_components.hubrelay.protocols.mms.client import server_url
from custom_components.hubrelay.protocols.vera import (
    LocalTransport,
    RelayTransport,
    VeraActionError,
    VeraClient,
    VeraDevice,
    VeraError,
    VeraInvalidUrlError,
    VeraProtocolError,
    local_data_request_urls,
    relay_data_request_url,
)
from custom_components.hubrelay.protocols.vera.models import (
    EMPTY_VARIABLES,
    RgbColor,
    as_flag,
    as_float,
    as_int,
    as_text,
    parse_color,
    parse_device,
)
from custom_components.hubrelay.protocols.vera.responses import (
    ActionResult,
    parse_action,
    parse_sdata,
    parse_status,
    parse_user_data,
)
from custom_components.hubrelay.protocols.vera.services import COLOR, Category
from custom_components.hubrelay.protocols.vera.state import HubState
from custom_components.hubrelay.protocols.vera.transport import raise_for_status
from tests.fuzz.strategies import (
    any_text,
    as_json_text,
    huge_integers,
    json_objects,
    json_texts,
    json_values,
    nested_json,
    numeric_text,
    scalars,
)
from tests.simulators.mms_cloud import MmsCloudSimulator
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import SHORT_CODES, HouseData

FUZZ = settings.get_profile("hubrelay-fuzz")
HEAVY = settings.get_profile("hubrelay-fuzz-heavy")

lenient = scalars | numeric_text | huge_integers
ids = st.integers(-2, 40) | lenient
SHORT_CODE_KEYS = sorted(SHORT_CODES)
RECORD_KEYS = [
    "id", "name", "category", "subcategory", "room", "parent", "altid", "comment", "state",
    *SHORT_CODE_KEYS,
]  # fmt: skip
categories = st.sampled_from(Category) | st.integers(-1, 40) | lenient
device_records = st.fixed_dictionaries(
    {"id": ids},
    optional={
        "name": any_text | lenient,
        "category": categories,
        "subcategory": st.integers(-1, 8) | lenient,
        "room": ids,
        "parent": ids,
        **dict.fromkeys(SHORT_CODE_KEYS, lenient),
    },
)
room_records = st.fixed_dictionaries({"id": ids}, optional={"name": lenient, "section": ids})
scene_records = st.fixed_dictionaries(
    {"id": ids}, optional={"name": lenient, "room": ids, "active": lenient}
)
services = st.sampled_from(sorted({service for service, _ in SHORT_CODES.values()} | {COLOR}))
variable_names = st.sampled_from(
    sorted({name for _, name in SHORT_CODES.values()} | {"SupportedColors", "CurrentColor"})
)
state_lists = st.lists(
    st.fixed_dictionaries(
        {"service": services | lenient, "variable": variable_names | lenient},
        optional={"value": lenient},
    )
    | json_values(),
    max_size=6,
)
sdata_documents = st.fixed_dictionaries(
    {},
    optional={
        "full": st.sampled_from([0, 1, "1"]) | lenient,
        "loadtime": ids,
        "dataversion": ids,
        "serial_number": lenient,
        "devices": st.lists(device_records | json_values(RECORD_KEYS), max_size=6) | lenient,
        "rooms": st.lists(room_records, max_size=3),
        "scenes": st.lists(scene_records, max_size=3),
        "categories": st.lists(json_objects(["id", "name"], lenient), max_size=3),
        "fwd1": lenient,
        "temperature": lenient,
    },
)
status_documents = st.fixed_dictionaries(
    {},
    optional={
        "devices": st.lists(
            st.fixed_dictionaries({"id": ids}, optional={"states": state_lists}), max_size=4
        ),
        "LoadTime": ids,
        "DataVersion": ids,
    },
) | st.dictionaries(
    st.builds(lambda n: f"Device_Num_{n}", ids), st.fixed_dictionaries({"states": state_lists})
)
user_data_documents = st.fixed_dictionaries(
    {},
    optional={
        "PK_AccessPoint": lenient,
        "BuildVersion": lenient,
        "TemperatureFormat": lenient,
        "devices": st.lists(
            st.fixed_dictionaries(
                {"id": ids},
                optional={
                    "name": lenient,
                    "category_num": categories,
                    "room": ids,
                    "id_parent": ids,
                    "states": state_lists,
                },
            ),
            max_size=4,
        ),
    },
)
action_answers = st.dictionaries(
    st.sampled_from(["u:SetTargetResponse", "u:RunSceneResponse", "ERROR", "error"]) | any_text,
    st.fixed_dictionaries({}, optional={"JobID": lenient, "OK": lenient}) | lenient,
    max_size=2,
).map(as_json_text) | st.sampled_from(["OK", "ERROR: Device not found", " ok ", "error"])


# -- value readers and device models ----------------------------------------------------------


@FUZZ
@given(lenient | json_values())
@example(10**400).via("float() of a 400-digit integer raised OverflowError")
def test_value_readers_never_raise(value: Any) -> None:
    number, decimal = as_int(value), as_float(value)
    assert number is None or type(number) is int
    assert decimal is None or math.isfinite(decimal)
    assert as_flag(value) in {None, True, False}
    assert isinstance(as_text(value), str)


@FUZZ
@given(st.integers(), st.sampled_from(["", " ", "\t"]), st.booleans())
def test_integers_written_by_the_engine_read_back(number: int, pad: str, as_string: bool) -> None:
    assert as_int(f"{pad}{number}{pad}" if as_string else number) == number
    assert as_flag(str(number)) is (number != 0)


@FUZZ
@given(device_records, st.dictionaries(st.tuples(services, variable_names), any_text, max_size=4))
@example({"id": 1, "category": 21, "watts": 10**400}, {}).via(
    "float() of a 400-digit integer raised OverflowError"
)
def test_any_record_becomes_a_device_model(record: dict[str, Any], variables: Any) -> None:
    device_id = as_int(record["id"])
    if device_id is None:
        return  # the parsers skip records without an id before they build a model
    device = parse_device(record, variables)
    assert isinstance(device, VeraDevice)
    assert device.id == device_id
    for number in (device.watts, device.kwh):
        assert number is None or math.isfinite(number)


channels = st.lists(st.tuples(st.integers(-2, 8) | lenient, st.integers(-5, 300) | lenient))


@FUZZ
@given(
    st.lists(st.sampled_from(["R", "G", "B", "W", "D", " r", ""]) | any_text, max_size=6),
    channels,
)
def test_any_colour_variables_give_a_colour_or_none(names: list[str], levels: Any) -> None:
    variables = {
        (COLOR, "SupportedColors"): ",".join(names),
        (COLOR, "CurrentColor"): ",".join(f"{index}={level}" for index, level in levels),
    }
    color = parse_color(variables)
    assert color is None or (
        isinstance(color, RgbColor)
        and all(0 <= channel <= 255 for channel in (color.red, color.green, color.blue))
    )


# -- whole answers ------------------------------------------------------------------------------

SDATA_KEYS = ["full", "loadtime", "dataversion", "devices", "rooms", "scenes", "categories"]


@FUZZ
@given(sdata_documents.map(as_json_text) | json_texts([*SDATA_KEYS, *RECORD_KEYS]))
@example(nested_json(100_000)).via("edge: nesting deeper than the JSON decoder's stack")
def test_sdata_answers_parse_or_raise_protocol_error(text: str) -> None:
    try:
        answer = parse_sdata(text)
    except VeraProtocolError:
        return
    for device_id, record in answer.devices.items():
        assert as_int(record["id"]) == device_id
        assert parse_device(record).id == device_id
    assert all(room.id is not None for room in answer.rooms or ())
    assert all(scene.id is not None for scene in answer.scenes or ())


@FUZZ
@given(status_documents.map(as_json_text) | json_texts(["devices", "states", "Device_Num_1"]))
def test_status_answers_parse_or_raise_protocol_error(text: str) -> None:
    try:
        answer = parse_status(text)
    except VeraProtocolError:
        return
    for variables in answer.devices.values():
        assert all(isinstance(value, str) for value in variables.values())


@FUZZ
@given(user_data_documents.map(as_json_text) | json_texts(["devices", "PK_AccessPoint"]))
def test_user_data_answers_parse_or_raise_protocol_error(text: str) -> None:
    try:
        answer = parse_user_data(text)
    except VeraProtocolError:
        return
    assert answer.temperature_unit in {"C", "F"}
    for device_id, details in answer.devices.items():
        assert details.id == device_id
        assert device_id in answer.variables


@FUZZ
@given(action_answers | json_texts(["u:SetTargetResponse", "JobID", "ERROR"]))
def test_action_answers_parse_or_raise_documented_errors(text: str) -> None:
    try:
        result = parse_action(text, "fuzz action")
    except VeraActionError, VeraProtocolError:
        return
    assert isinstance(result, ActionResult)
    assert result.job_id is None or type(result.job_id) is int


# -- round trips with the simulator -------------------------------------------------------------

clean_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
house_devices = st.dictionaries(
    st.integers(1, 500),
    st.fixed_dictionaries(
        {
            "name": clean_text,
            "category": st.sampled_from(Category),
            "subcategory": st.integers(0, 8),
            "room": st.integers(0, 5),
        },
        optional={code: st.integers(-5, 300).map(str) for code in SHORT_CODE_KEYS},
    ),
    max_size=8,
)


@st.composite
def houses(draw: st.DrawFn) -> HouseData:
    devices = draw(house_devices)
    for device_id, record in devices.items():
        record["id"] = device_id
    rooms = [
        {"id": room, "name": draw(clean_text), "section": 1}
        for room in draw(st.lists(st.integers(1, 5), unique=True))
    ]
    scenes = {
        scene: {"id": scene, "name": draw(clean_text), "room": draw(st.integers(0, 5))}
        for scene in draw(st.lists(st.integers(1, 50), unique=True, max_size=4))
    }
    return HouseData(
        serial=str(draw(st.integers(10_000_000, 99_999_999))),
        model="Fuzz",
        firmware="1.7.0",
        temperature_unit=draw(st.sampled_from(["C", "F"])),
        devices=devices,
        rooms=rooms,
        scenes=scenes,
        categories=[{"id": int(c), "name": c.name} for c in Category],
    )


@FUZZ
@given(houses())
def test_answers_round_trip_with_the_simulator(house: HouseData) -> None:
    engine = VeraLuupSimulator(house)
    sdata = parse_sdata(json.dumps(engine._full_sdata()))
    assert sdata.full
    assert sdata.controller is not None
    assert sdata.controller.serial == house.serial
    assert sdata.devices.keys() == house.devices.keys()
    for device_id, record in house.devices.items():
        device = parse_device(sdata.devices[device_id])
        assert (device.name, device.category) == (record["name"], record["category"])
        assert device.room_id == (record["room"] or None)
    assert {(room.id, room.name) for room in sdata.rooms or ()} == {
        (room["id"], room["name"]) for room in house.rooms
    }
    assert {(scene.id, scene.name) for scene in sdata.scenes or ()} == {
        (scene["id"], scene["name"]) for scene in house.scenes.values()
    }
    user_data = parse_user_data(json.dumps(engine._user_data()))
    status = parse_status(json.dumps(engine._status({})))
    assert user_data.serial == house.serial
    assert user_data.temperature_unit == house.temperature_unit
    for device_id in house.devices:
        expected = {
            (state["service"], state["variable"]): state["value"]
            for state in engine._states(device_id)
        }
        assert user_data.variables[device_id] == expected
        assert status.devices[device_id] == expected
        one = parse_status(json.dumps(engine._status({"DeviceNum": str(device_id)})))
        assert one.devices == {device_id: expected}
        assert user_data.devices[device_id].name == house.devices[device_id]["name"]


# -- the hub state fed any answer sequence ------------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("full"), sdata_documents.map(as_json_text)),
        st.tuples(st.just("partial"), sdata_documents.map(as_json_text)),
        st.tuples(st.just("status"), status_documents.map(as_json_text)),
    ),
    max_size=8,
)


def _check_state(state: HubState) -> None:
    assert state.devices.keys() == state._records.keys()
    for device_id, device in state.devices.items():
        assert device.id == device_id
        variables = state._variables.get(device_id, EMPTY_VARIABLES)
        assert device == parse_device(state._records[device_id], variables)
    assert all(room.id == key for key, room in state.rooms.items())
    assert all(scene.id == key for key, scene in state.scenes.items())


@FUZZ
@given(operations)
def test_hub_state_stays_consistent_under_any_answer_sequence(
    sequence: list[tuple[str, str]],
) -> None:
    state = HubState()
    for kind, text in sequence:
        try:
            if kind == "status":
                changed = state.set_variables(parse_status(text).devices)
            else:
                answer = parse_sdata(text)
                change = state.replace(answer) if kind == "full" else state.merge(answer)
                changed = change.devices
                if kind == "full":
                    assert state.devices.keys() == answer.devices.keys()
        except VeraProtocolError:
            continue
        assert changed <= state.devices.keys()  # the session notifies these by looking them up
        _check_state(state)


# -- addresses and statuses ---------------------------------------------------------------------


@FUZZ
@given(any_text | st.sampled_from(["[", "host:99999", "[::1]:80", "vera-us-oem-relay41.mios.com"]))
@example("[").via("yarl refused the relay host with ValueError")
@example("h:99999").via("yarl refused the relay port with ValueError")
def test_relay_addresses_make_a_url_or_raise_protocol_error(relay: str) -> None:
    try:  # as RelayTransport builds it from MMS's Server_Relay
        url = relay_data_request_url(server_url(relay), "50000456")
    except VeraProtocolError:
        return
    assert isinstance(url, URL)
    assert url.path.endswith("/device/50000456/port_3480/data_request")


@FUZZ
@given(any_text | st.builds(lambda host, port: f"{host}:{port}", any_text, numeric_text))
def test_typed_hub_addresses_give_urls_or_raise_invalid_url(text: str) -> None:
    try:
        urls = local_data_request_urls(text)
    except VeraInvalidUrlError:
        return
    assert len(urls) == 2
    assert all(url.path.endswith("/data_request") for url in urls)


@FUZZ
@given(st.integers(-1000, 10_000))
def test_any_http_status_maps_to_nothing_or_a_vera_error(status: int) -> None:
    try:
        raise_for_status(status, "fuzz")
    except VeraError:
        assert status >= 400
    else:
        assert status < 400


async def test_relay_transport_with_an_invalid_relay_raises_protocol_error() -> None:
    """Regression: a Server_Relay no URL can be made of escaped as yarl's ValueError."""
    async with MmsCloudSimulator() as cloud, aiohttp.ClientSession() as http:
        cloud.add_account("fuzz", "password")
        cloud.add_hub("fuzz", "50000456", relay_url="[", kind="vera", name="Vera")
        mms = MmsClient(http, "fuzz", "password", **cloud.client_kwargs())
        transport = RelayTransport(http, mms, "50000456")
        with pytest.raises(VeraProtocolError):
            await transport.get({"id": "sdata"}, 2.0)


# -- the client against arbitrary answers ---------------------------------------------------------


@pytest.fixture
async def engine() -> Any:
    async with VeraLuupSimulator() as simulator:
        yield simulator


# The engine is started once per test, not per example: each example queues exactly one answer,
# consumed by its one request, so examples do not leak into each other.
@settings(HEAVY, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["sdata", "status", "user_data", "poll", "action", "scene"]),
    st.sampled_from([200, 200, 200, 401, 404, 500]) | st.integers(200, 599),
    sdata_documents.map(as_json_text)
    | status_documents.map(as_json_text)
    | user_data_documents.map(as_json_text)
    | action_answers
    | json_texts(["devices", "u:SetTargetResponse"])
    | st.just(""),
)
async def test_client_raises_only_vera_errors_whatever_the_engine_answers(
    engine: VeraLuupSimulator, call: str, status: int, body: str
) -> None:
    engine.fail_next(status, body)
    async with aiohttp.ClientSession() as http:
        client = VeraClient(LocalTransport(http, URL(engine.direct_url)), request_timeout=2.0)
        requests = {
            "sdata": client.sdata,
            "status": lambda: client.status(5),
            "user_data": client.user_data,
            "poll": lambda: client.poll(1, 1, hold=1.0, minimum_delay=0.0),
            "action": lambda: client.action(5, COLOR, "SetColor", {"newColorTarget": "0=0"}),
            "scene": lambda: client.run_scene(1),
        }
        with contextlib.suppress(VeraError):
            await requests[call]()
    assert not engine._failures  # the queued answer was used: nothing leaks into the next example
