"""Parsing: recorded hub answers into models, value typing, broadcasts, and random JSON."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    CloudStateChanged,
    Device,
    EzloError,
    EzloProtocolError,
    EzloValueError,
    HouseModes,
    HubInfo,
    Item,
    ModesSwitched,
    OtherBroadcast,
    RgbColor,
    Room,
    Scene,
    encode_item_value,
    parse_broadcast,
)
from custom_components.hubrelay.protocols.ezlo.api import parse_records
from custom_components.hubrelay.protocols.ezlo.rpc import rpc_error

FIXTURE = (
    Path(__file__).parents[3]
    / ".."
    / "shared"
    / "fixtures"
    / "ezlo"
    / "ezlopi-recorded-responses.json"
)


@pytest.fixture
def recorded() -> dict[str, Any]:
    if not FIXTURE.exists():
        pytest.skip("shared fixtures not available")
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def test_recorded_ezlopi_answers_parse(recorded: dict[str, Any]) -> None:
    info = HubInfo.from_json(recorded["hub.info.get"]["result"])
    assert info.serial == "105200113"
    assert info.offline_anonymous_access
    assert info.uuid == "623d3d65-0795-47df-b954-6e5f3baf13fc"
    devices = parse_records(recorded["hub.devices.list"]["result"], "devices", Device.from_json)
    assert [d.category for d in devices] == ["switch", "dimmable_light", "temperature", "humidity"]
    assert devices[3].parent_id == "10676002"
    assert devices[0].available
    items = {
        i.name + i.device_id: i
        for i in parse_records(recorded["hub.items.list"]["result"], "items", Item.from_json)
    }
    assert items["switch10676000"].value is False
    assert items["switch10676000"].has_setter
    dimmer = items["dimmer10676001"]
    assert (dimmer.value, dimmer.min_value, dimmer.max_value) == (0, 0.0, 100.0)
    temp = items["temp10676002"]
    assert (temp.value_type, temp.scale, temp.value, temp.has_setter) == (
        "temperature",
        "celsius",
        0.0,
        False,
    )
    assert isinstance(temp.value, float)
    assert parse_records(recorded["hub.room.list"]["result"], "rooms", Room.from_json) == []
    error = rpc_error("hub.scenes.list", recorded["hub.scenes.list"]["error"])
    assert (error.code, error.data, error.message) == (
        -32602,
        "rpc.method.notfound",
        "Unknown method",
    )


async def test_simulator_serves_a_recorded_file(
    recorded: dict[str, Any], make_session: Any
) -> None:
    from custom_components.hubrelay.protocols.ezlo import LocalHubTransport
    from tests.simulators.ezlo_hub import EzloHubSimulator
    from tests.simulators.ezlo_hub_house import recorded_house

    async with EzloHubSimulator(recorded_house(FIXTURE)) as hub:
        session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port))
        assert session.hub_info.serial == "105200113"
        assert len(session.devices) == 4
        assert len(session.items) == 8
        assert session.scenes == {}
        assert session.modes is None
        await session.close()


def test_item_value_typing() -> None:
    base = {"_id": "i", "deviceId": "d", "name": "n"}
    assert Item.from_json({**base, "valueType": "int", "value": 3.0}).value == 3
    assert Item.from_json({**base, "valueType": "int", "value": 3.5}).value is None
    assert Item.from_json({**base, "valueType": "bool", "value": 1}).value is None
    assert (
        Item.from_json({**base, "valueType": "humidity", "value": 40, "scale": "percent"}).value
        == 40.0
    )
    assert Item.from_json({**base, "valueType": "token", "value": 2, "enum": ["a", 3]}).enum == (
        "a",
    )
    rgb = Item.from_json(
        {**base, "valueType": "rgb", "value": {"red": 1, "green": 2, "blue": 3, "cwhite": 9}}
    )
    assert rgb.value == RgbColor(1, 2, 3, {"cwhite": 9})
    assert Item.from_json({**base, "valueType": "rgb", "value": {"red": 300}}).value is None
    assert Item.from_json(
        {**base, "valueType": "dictionary", "value": {"1": {"code": "x"}}}
    ).value == {"1": {"code": "x"}}
    assert Item.from_json({**base, "valueType": "array", "value": [1]}).value == [1]
    assert Item.from_json({**base, "valueType": "userCode", "value": "x"}).value == "x"
    assert Item.from_json({**base, "valueType": "float", "value": float("nan")}).value is None
    merged = Item.from_json({**base, "valueType": "int", "value": 1}).merge(
        {"value": 2, "name": "other"}
    )
    assert (merged.value, merged.name) == (2, "n")
    assert list(merged.raw) == [*base, "valueType", "value"]  # the record's order is kept
    # An item built by hand with a plain dict merges the same way.
    plain = dataclasses.replace(merged, raw={**merged.raw})
    assert plain.merge({"value": 3}) == dataclasses.replace(merged, value=3)
    with pytest.raises(EzloProtocolError):
        merged.merge({1: "not a JSON key"})  # type: ignore[dict-item]
    with pytest.raises(EzloProtocolError):
        Item.from_json({**base})
    with pytest.raises(EzloProtocolError):
        RgbColor.from_json({"red": 1})


def test_other_models() -> None:
    modes = HouseModes.from_json({"current": "1", "modes": [{"_id": "1", "name": "Home"}]})
    assert modes.mode_name("1") == "Home"
    assert modes.mode_name("2") is None
    with pytest.raises(EzloProtocolError):
        HouseModes.from_json({"current": "1"})
    scene = Scene.from_json({"_id": "s", "name": "Night", "is_group": True})
    assert scene.enabled
    assert scene.is_group
    device = Device.from_json({"_id": "d", "status": "broken"})
    assert not device.available
    assert device.merge({"status": "idle"}).available
    with pytest.raises(EzloProtocolError):
        parse_records({"devices": "nope"}, "devices", Device.from_json)
    assert (
        parse_records({"devices": [{"_id": "ok"}, {"no": "id"}]}, "devices", Device.from_json)[0].id
        == "ok"
    )
    error = rpc_error("m", "flat text")
    assert error.code is None
    assert error.data is None


def test_broadcast_parsing() -> None:
    assert parse_broadcast(
        {"msg_subclass": "hub.modes.switched", "result": {"to": "2"}}
    ) == ModesSwitched("", "2", "")
    assert parse_broadcast(
        {"msg_subclass": "ezlostatechanged", "result": {"connected": True}}
    ) == CloudStateChanged(True)
    assert isinstance(
        parse_broadcast({"msg_subclass": "hub.gateway.updated", "result": []}), OtherBroadcast
    )
    for bad in (
        {"msg_subclass": "ezlostatechanged", "result": {}},
        {"msg_subclass": "hub.item.updated", "result": []},
        {"msg_subclass": "hub.device.removed", "result": {"_id": ""}},
        {"msg_subclass": 5},
    ):
        with pytest.raises(EzloProtocolError):
            parse_broadcast(bad)


def _item(value_type: str, **extra: Any) -> Item:
    return Item.from_json(
        {
            "_id": "i",
            "deviceId": "d",
            "name": "n",
            "valueType": value_type,
            "hasSetter": True,
            "value": None,
            **extra,
        }
    )


def test_encode_values() -> None:
    assert encode_item_value(_item("bool"), 1) is True
    assert encode_item_value(_item("int", minValue=0, maxValue=10), 4.0) == 4
    assert encode_item_value(_item("float"), 2) == 2.0
    assert encode_item_value(_item("string"), "x") == "x"
    assert encode_item_value(_item("rgb"), (1, 2, 3)) == {"red": 1, "green": 2, "blue": 3}
    rgbw = {"red": 1, "green": 2, "blue": 3, "wwhite": 4}
    assert encode_item_value(_item("rgb"), rgbw) == rgbw

    assert encode_item_value(_item("dictionary"), {"a": [1, 2.5, None]}) == {"a": [1, 2.5, None]}
    assert encode_item_value(_item("array"), (1,)) == [1]
    assert encode_item_value(_item("token"), "any") == "any"
    bad: list[tuple[Item, object]] = [
        (_item("bool"), "true"),
        (_item("int"), 1.5),
        (_item("int"), True),
        (_item("float"), float("inf")),
        (_item("token"), 1),
        (_item("string"), 1),
        (_item("rgb"), "red"),
        (_item("rgb"), {"red": 1, "green": 2}),
        (_item("rgb"), {"red": 1, "green": 2, "blue": 256}),
        (_item("dictionary"), [1]),
        (_item("dictionary"), {1: 2}),
        (_item("dictionary"), {"a": object()}),
        (_item("array"), [float("nan")]),
        (_item("cameraStream"), "x"),
        (Item.from_json({"_id": "i", "deviceId": "d", "name": "n", "valueType": "bool"}), True),
    ]
    for item, value in bad:
        with pytest.raises(EzloValueError):
            encode_item_value(item, value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(
    [
        "_id",
        "deviceId",
        "name",
        "valueType",
        "value",
        "scale",
        "enum",
        "minValue",
        "maxValue",
        "result",
        "msg_subclass",
        "connected",
        "to",
        "modes",
        "current",
        "serial",
        "devices",
        "items",
        "red",
        "green",
        "blue",
    ]
)
records = st.dictionaries(field_names, json_values, max_size=8) | json_values
subclasses = st.sampled_from(
    [
        "hub.item.updated",
        "hub.item.added",
        "hub.item.removed",
        "hub.device.added",
        "hub.device.removed",
        "hub.device.updated",
        "hub.modes.switched",
        "hub.scene.added",
        "hub.scene.changed",
        "hub.scene.deleted",
        "hub.scene.run.progress",
        "hub.room.created",
        "hub.room.edited",
        "hub.room.deleted",
        "hub.room.x",
        "ezlostatechanged",
        "hub.other",
    ]
)


@settings(max_examples=300, deadline=None)
@given(records)
def test_random_json_only_raises_our_error(data: Any) -> None:
    for parser in (
        HubInfo.from_json,
        Device.from_json,
        Item.from_json,
        Room.from_json,
        Scene.from_json,
        HouseModes.from_json,
        RgbColor.from_json,
    ):
        with contextlib.suppress(EzloError):
            parser(data)
    for key in ("devices", "items", "rooms"):
        with contextlib.suppress(EzloError):
            parse_records(data, key, Item.from_json)


@settings(max_examples=300, deadline=None)
@given(subclasses, records)
def test_random_broadcasts_only_raise_our_error(subclass: str, result: Any) -> None:
    with contextlib.suppress(EzloError):
        parse_broadcast({"id": "ui_broadcast", "msg_subclass": subclass, "result": result})


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        ["bool", "int", "float", "token", "string", "rgb", "dictionary", "array", "temperature"]
    ),
    json_values,
)
def test_random_values_only_raise_our_error(value_type: str, value: Any) -> None:
    with contextlib.suppress(EzloError):
        encode_item_value(_item(value_type, minValue=0, maxValue=10, enum=["a"]), value)
