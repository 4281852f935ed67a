"""Fuzzing the Ezlo library: JSON-RPC answers and broadcasts, the models, values, the session cache.

Oracle: the model parsers return their model or raise `EzloProtocolError`, value encoding returns
JSON or raises `EzloValueError`, `parse_item_value` never raises (a value that does not fit is
None), and the session fed any frame over a real socket keeps a consistent cache that a refresh
brings back to exactly what the hub holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
from typing import Any

import aiohttp
from hypothesis import example, given, settings, strategies as st

from custom_components.hubrelay.protocols.ezlo import (
    Backoff,
    Broadcast,
    CloudStateChanged,
    Device,
    DeviceAdded,
    DeviceRemoved,
    DeviceUpdated,
    EzloError,
    EzloHubSession,
    EzloProtocolError,
    EzloRpcError,
    EzloValueError,
    HouseMode,
    HouseModes,
    HubInfo,
    Item,
    ItemAdded,
    ItemRemoved,
    ItemUpdated,
    LocalHubTransport,
    ModesSwitched,
    OtherBroadcast,
    RgbColor,
    Room,
    RoomChanged,
    RoomDeleted,
    RoomsReset,
    Scene,
    SceneChanged,
    SceneDeleted,
    SceneRunProgress,
    encode_item_value,
    parse_broadcast,
)
from custom_components.hubrelay.protocols.ezlo.api import parse_records
from custom_components.hubrelay.protocols.ezlo.models import (
    INTEGER_VALUE_TYPES,
    SCALABLE_VALUE_TYPES,
    parse_item_value,
)
from custom_components.hubrelay.protocols.ezlo.rpc import rpc_error
from tests.fuzz.strategies import (
    any_text,
    as_json_text,
    huge_integers,
    json_objects,
    json_texts,
    json_values,
    scalars,
)
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import HubHouse, demo_house

FUZZ = settings.get_profile("hubrelay-fuzz")
HEAVY = settings.get_profile("hubrelay-fuzz-heavy")

VALUE_TYPES = sorted(
    {"bool", "float", "token", "string", "rgb", "dictionary", "array", "other"}
    | INTEGER_VALUE_TYPES
    | SCALABLE_VALUE_TYPES
)
value_types = st.sampled_from(VALUE_TYPES) | any_text
RECORD_KEYS = [
    "_id", "deviceId", "name", "valueType", "value", "valueFormatted", "scale", "enum",
    "minValue", "maxValue", "elementType", "hasGetter", "hasSetter", "show", "status",
    "category", "subcategory", "type", "deviceTypeId", "parentDeviceId", "gatewayId", "roomId",
    "batteryPowered", "reachable", "ready", "armed", "serial", "uuid", "model", "firmware",
    "offlineAnonymousAccess", "offlineInsecureAccess", "current", "switchTo", "modes",
    "description", "enabled", "is_group", "parent_id", "red", "green", "blue", "wwhite",
    "cwhite", "amber", "cyan", "purple", "indexed", "from", "to", "scene_id", "connected",
]  # fmt: skip
records = json_values(RECORD_KEYS)
ids = st.sampled_from(["a", "b", "c"]) | any_text | st.integers()
channels = st.integers(-2, 258) | scalars
rgb_values = st.fixed_dictionaries(
    {"red": channels, "green": channels, "blue": channels},
    optional={"wwhite": channels, "cwhite": channels, "amber": channels},
)
item_values = rgb_values | json_values(["red", "green", "blue"]) | huge_integers
item_records = st.fixed_dictionaries(
    {"_id": ids, "deviceId": ids, "name": ids, "valueType": value_types},
    optional={
        "value": item_values,
        "scale": any_text | scalars,
        "enum": st.lists(any_text | scalars, max_size=4) | scalars,
        "minValue": scalars,
        "maxValue": scalars,
        "hasSetter": scalars,
        "hasGetter": scalars,
        "show": scalars,
    },
)
device_records = st.fixed_dictionaries(
    {"_id": ids},
    optional=dict.fromkeys(
        ["name", "category", "subcategory", "roomId", "reachable", "ready", "armed"], scalars
    ),
)
scene_records = st.fixed_dictionaries(
    {"_id": ids}, optional={"name": scalars, "enabled": scalars, "is_group": scalars}
)
room_records = st.fixed_dictionaries({"_id": ids}, optional={"name": scalars})
mode_records = st.fixed_dictionaries(
    {"current": ids},
    optional={
        "switchTo": scalars,
        "modes": st.lists(st.fixed_dictionaries({"_id": ids}, optional={"name": scalars})),
    },
)
structured = item_records | device_records | scene_records | room_records | mode_records


# -- models -------------------------------------------------------------------------------------

PARSERS = [HubInfo, Device, Item, Room, Scene, HouseMode, HouseModes, RgbColor]


@FUZZ
@given(records | structured | rgb_values)
@example({"_id": "a", "deviceId": "d", "name": "n", "valueType": "int", "value": 10**400}).via(
    "float() of a 400-digit integer raised OverflowError"
)
@example(
    {"_id": "a", "deviceId": "d", "name": "n", "valueType": "int", "minValue": -(10**400)}
).via("float() of a 400-digit minValue raised OverflowError")
def test_records_parse_into_models_or_raise_protocol_error(record: Any) -> None:
    for model in PARSERS:
        try:
            parsed = model.from_json(record)
        except EzloProtocolError:
            continue
        assert isinstance(parsed, model)
        if isinstance(parsed, Item):
            _check_item(parsed)


def _check_item(item: Item) -> None:
    assert all(isinstance(text, str) for text in (item.id, item.device_id, item.name))
    for bound in (item.min_value, item.max_value):
        assert bound is None or math.isfinite(bound)
    _check_value(item.value_type, item.value)


def _check_value(value_type: str, value: Any) -> None:
    if value is None:
        return
    if value_type == "bool":
        assert isinstance(value, bool)
    elif value_type in INTEGER_VALUE_TYPES:
        assert type(value) is int
    elif value_type == "float" or value_type in SCALABLE_VALUE_TYPES:
        assert isinstance(value, float)
        assert math.isfinite(value)
    elif value_type in {"token", "string"}:
        assert isinstance(value, str)
    elif value_type == "rgb":
        assert isinstance(value, RgbColor)


@FUZZ
@given(value_types, item_values | records)
@example("int", 10**400).via("float() of a 400-digit integer raised OverflowError")
@example("temperature", -(10**400)).via("float() of a 400-digit integer raised OverflowError")
def test_item_values_never_raise_and_fit_their_type(value_type: str, value: Any) -> None:
    _check_value(value_type, parse_item_value(value_type, value))


@FUZZ
@given(item_records | device_records, json_objects(RECORD_KEYS) | structured)
def test_merging_partial_updates_keeps_the_id(record: Any, changes: dict[str, Any]) -> None:
    for model in (Item, Device):
        try:
            current = model.from_json(record)
            merged = current.merge(changes)
        except EzloProtocolError:
            continue
        assert merged.id == current.id
        if isinstance(merged, Item):
            _check_item(merged)


@FUZZ
@given(records | st.lists(structured) | st.dictionaries(st.sampled_from(["items", "x"]), records))
def test_record_lists_parse_or_raise_protocol_error(result: Any) -> None:
    for key, model in (("items", Item), ("devices", Device), ("rooms", Room), ("scenes", Scene)):
        with contextlib.suppress(EzloProtocolError):
            parsed = parse_records(result, key, model.from_json)
            assert all(isinstance(record, model) for record in parsed)


@FUZZ
@given(any_text, records | json_objects(["code", "message", "data"], scalars))
def test_any_error_object_becomes_an_rpc_error(method: str, error: Any) -> None:
    err = rpc_error(method, error)
    assert isinstance(err, EzloRpcError)
    assert err.code is None or type(err.code) is int
    assert isinstance(err.message, str)
    assert err.data is None or isinstance(err.data, str)


# -- values sent to the hub ------------------------------------------------------------------------

settable_items = st.builds(
    lambda value_type, minimum, maximum, enum: Item.from_json(
        {
            "_id": "item",
            "deviceId": "device",
            "name": "fuzzed",
            "valueType": value_type,
            "hasSetter": True,
            "minValue": minimum,
            "maxValue": maximum,
            "enum": enum,
        }
    ),
    st.sampled_from(VALUE_TYPES),
    st.none() | st.integers(-50, 50) | scalars,
    st.none() | st.integers(-50, 50) | scalars,
    st.lists(st.sampled_from(["home", "away"]) | any_text, max_size=3),
)
plain_values = (
    st.booleans()
    | st.integers(-100, 100)
    | st.floats(-1e6, 1e6)
    | st.sampled_from(["home", "away"])
    | st.dictionaries(any_text, json_values(), max_size=3)
    | st.lists(json_values(), max_size=3)
)


@FUZZ
@given(
    settable_items,
    plain_values | item_values | records | st.tuples(channels, channels, channels),
)
@example(
    Item.from_json(
        {"_id": "i", "deviceId": "d", "name": "n", "valueType": "int", "hasSetter": True}
    ),
    10**400,
).via("math.isfinite() of a 400-digit integer raised OverflowError")
def test_values_encode_or_raise_value_error_and_read_back(item: Item, value: Any) -> None:
    try:
        encoded = encode_item_value(item, value)
    except EzloValueError:
        return
    json.dumps(encoded, allow_nan=False)  # what goes on the wire is plain JSON
    decoded = parse_item_value(item.value_type, encoded)
    if isinstance(decoded, RgbColor):
        assert decoded.to_json() == encoded
    else:
        assert decoded == encoded


# -- broadcasts ---------------------------------------------------------------------------------

EVENT_TYPES: dict[str, type[Broadcast] | tuple[type[Broadcast], ...]] = {
    "hub.item.updated": ItemUpdated,
    "hub.item.added": ItemAdded,
    "hub.item.removed": ItemRemoved,
    "hub.device.added": DeviceAdded,
    "hub.device.removed": DeviceRemoved,
    "hub.device.updated": DeviceUpdated,
    "hub.modes.switched": ModesSwitched,
    "hub.scene.added": SceneChanged,
    "hub.scene.changed": SceneChanged,
    "hub.scene.deleted": SceneDeleted,
    "hub.scene.run.progress": SceneRunProgress,
    "hub.room.created": RoomChanged,
    "hub.room.edited": RoomChanged,
    "hub.room.deleted": RoomDeleted,
    "hub.room.order.changed": RoomsReset,
    "ezlostatechanged": CloudStateChanged,
    "hub.network.changed": OtherBroadcast,
    "hub.info.changed": OtherBroadcast,
}
subclasses = st.sampled_from(sorted(EVENT_TYPES)) | any_text
results = (
    structured
    | records
    | st.fixed_dictionaries({"connected": scalars})
    | st.fixed_dictionaries({"to": ids}, optional={"from": ids, "status": scalars})
    | st.fixed_dictionaries({"scene_id": ids}, optional={"status": scalars})
)


@FUZZ
@given(st.fixed_dictionaries({"msg_subclass": subclasses | scalars}, optional={"result": results}))
def test_broadcasts_parse_into_their_event_or_raise_protocol_error(
    message: dict[str, Any],
) -> None:
    try:
        event = parse_broadcast(message)
    except EzloProtocolError:
        return
    subclass = message["msg_subclass"]
    expected = EVENT_TYPES.get(subclass, OtherBroadcast)
    if subclass.startswith("hub.room.") and subclass not in EVENT_TYPES:
        expected = RoomsReset
    assert isinstance(event, expected)


# -- the session over a real socket ------------------------------------------------------------


house_refs = st.builds(
    lambda kind, index: f"@{kind}:{index}",
    st.sampled_from(["device", "item", "scene"]),
    st.integers(0, 2) | st.integers(0, 40),
)
"""Stand-ins for the demo hub's own ids, which exist only once the hub runs."""
known_ids = house_refs | ids
about_house = st.one_of(
    st.fixed_dictionaries({"_id": known_ids}),
    st.fixed_dictionaries(
        {"_id": known_ids, "deviceId": known_ids, "name": ids, "valueType": value_types},
        optional={"value": item_values},
    ),
    device_records,
    st.fixed_dictionaries({"to": known_ids}, optional={"status": scalars}),
)


def broadcast(subclass: str, result: Any, key: str = "id") -> str:
    """A ``ui_broadcast`` frame (over the relay the ``id`` may be missing)."""
    return as_json_text({key: "ui_broadcast", "msg_subclass": subclass, "result": result})


hub_frames = (
    st.builds(
        broadcast,
        st.sampled_from(sorted(EVENT_TYPES)) | subclasses,
        about_house | results,
        st.sampled_from(["id", "msg_id"]),
    )
    | st.fixed_dictionaries(
        {"id": st.sampled_from([f"hubrelay-{n}" for n in range(1, 12)]) | ids},
        optional={"result": records, "error": records},
    ).map(as_json_text)
    | json_texts(["id", "msg_subclass", "result"])
)
"""Frames as the hub could send them: broadcasts about its own ids, answers, any JSON or text."""


def _resolve(frame: str, house: HubHouse) -> str:
    """Put the running hub's ids in place of the ``@kind:index`` stand-ins."""
    known = {
        "device": sorted(house.devices),
        "item": sorted(house.items),
        "scene": sorted(house.scenes),
    }
    return re.sub(
        r"@(device|item|scene):(\d+)",
        lambda match: known[match[1]][int(match[2]) % len(known[match[1]])],
        frame,
    )


async def _settle(session: EzloHubSession) -> None:
    """Wait until the frames are handled: one answered request, the spawned reloads done."""
    for _ in range(400):
        with contextlib.suppress(EzloError):
            await session._require_api().channel.call("hub.room.list")
            if session.connected and not session._tasks:
                return
        await asyncio.sleep(0.005)
    raise AssertionError("the session did not settle")


def _removed_last(frames: list[str], device_id: str) -> bool:
    """Tell whether the last frame naming a device is a well-formed ``hub.device.removed``."""
    naming = [frame for frame in frames if device_id in frame]
    if not naming:
        return False
    try:
        message = json.loads(naming[-1])
    except ValueError:
        return False
    return (
        isinstance(message, dict)
        and message.get("msg_subclass") == "hub.device.removed"
        and isinstance(message.get("result"), dict)
        and message["result"].get("_id") == device_id
    )


def _check_cache(session: EzloHubSession) -> None:
    for cache, model in (
        (session.devices, Device),
        (session.items, Item),
        (session.scenes, Scene),
        (session.rooms, Room),
    ):
        for key, record in cache.items():
            assert isinstance(record, model)
            assert record.id == key


@HEAVY
@given(st.lists(hub_frames, max_size=8))
@example(
    [
        broadcast("hub.device.added", {"_id": "@device:0"}),
        broadcast("hub.device.removed", {"_id": "@device:0"}),
    ]
).via("items loaded for a device removed meanwhile stayed in the cache")
async def test_session_cache_survives_any_frames_from_the_hub(drawn: list[str]) -> None:
    house = demo_house(anonymous=True)
    backoff = Backoff(initial=0.001, maximum=0.005, jitter=0.0)
    async with EzloHubSimulator(house) as hub, aiohttp.ClientSession() as http:
        session = EzloHubSession(
            http,
            LocalHubTransport("127.0.0.1", port=hub.port),
            request_timeout=2.0,
            backoff=backoff,
        )
        await session.connect()
        try:
            item_events: dict[str, list[str]] = {}
            for item_id in list(session.items)[:3]:
                session.subscribe_item(
                    item_id,
                    lambda item, key=item_id: item_events.setdefault(key, []).append(item.id),
                )
            frames = [_resolve(frame, house) for frame in drawn]
            for frame in frames:
                for ws in list(hub.sockets):
                    hub.send(ws, frame)
            await _settle(session)
            _check_cache(session)
            for key, seen in item_events.items():
                assert set(seen) <= {key}
            if not session.reconnects:  # a reconnect reloads what the hub still holds
                for device_id in house.devices:
                    if _removed_last(frames, device_id):
                        assert device_id not in session.devices
                        assert not session.device_items(device_id)
            await session.refresh()
            _check_cache(session)
            assert session.devices.keys() == house.devices.keys()
            assert session.items == {key: Item.from_json(item) for key, item in house.items.items()}
            assert session.scenes.keys() == house.scenes.keys()
            assert session.rooms.keys() == {room["_id"] for room in house.rooms}
        finally:
            await session.close()
