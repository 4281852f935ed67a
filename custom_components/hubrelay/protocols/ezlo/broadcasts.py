"""Typed ``ui_broadcast`` events, routed by ``msg_subclass``, so the session can update its cache.

The hub pushes every change as ``{"id": "ui_broadcast", "msg_subclass": ..., "result": {...}}``;
over the NMA relay the ``id`` may differ, so a message is a broadcast when it has a
``msg_subclass`` and is not the answer to one of our requests. The relay adds its own
``ezlostatechanged`` subclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import EzloProtocolError
from .models import Device, JsonObject, Room, Scene


@dataclass(frozen=True, slots=True)
class ItemUpdated:
    """``hub.item.updated``: new value (and formatting) of one item; merge into the cached item."""

    item_id: str
    changes: JsonObject


@dataclass(frozen=True, slots=True)
class DeviceAdded:
    """``hub.device.added``: a new device (its items follow via ``hub.item.added`` or a refresh)."""

    device: Device


@dataclass(frozen=True, slots=True)
class DeviceRemoved:
    """``hub.device.removed``."""

    device_id: str


@dataclass(frozen=True, slots=True)
class DeviceUpdated:
    """``hub.device.updated``: only the changed fields, to merge into the cached device."""

    device_id: str
    changes: JsonObject


@dataclass(frozen=True, slots=True)
class ItemAdded:
    """``hub.item.added``: a new item record."""

    item: JsonObject


@dataclass(frozen=True, slots=True)
class ItemRemoved:
    """``hub.item.removed``."""

    item_id: str


@dataclass(frozen=True, slots=True)
class ModesSwitched:
    """``hub.modes.switched``: status ``begin`` (with a delay), ``done`` or ``cancel``."""

    from_mode: str
    to_mode: str
    status: str


@dataclass(frozen=True, slots=True)
class SceneChanged:
    """``hub.scene.added`` / ``hub.scene.changed``: the full scene."""

    scene: Scene


@dataclass(frozen=True, slots=True)
class SceneDeleted:
    """``hub.scene.deleted``."""

    scene_id: str


@dataclass(frozen=True, slots=True)
class SceneRunProgress:
    """``hub.scene.run.progress``: a scene ``started`` or ``finished``."""

    scene_id: str
    status: str


@dataclass(frozen=True, slots=True)
class RoomChanged:
    """``hub.room.created`` / ``hub.room.edited``: the room's id and name."""

    room: Room


@dataclass(frozen=True, slots=True)
class RoomDeleted:
    """``hub.room.deleted``."""

    room_id: str


@dataclass(frozen=True, slots=True)
class RoomsReset:
    """Any other ``hub.room.*`` (order changed, all deleted): reload the room list."""

    subclass: str


@dataclass(frozen=True, slots=True)
class CloudStateChanged:
    """Relay-only ``ezlostatechanged``: the hub connected to or disconnected from the cloud."""

    connected: bool


@dataclass(frozen=True, slots=True)
class OtherBroadcast:
    """A broadcast the library does not model (``hub.network.changed``, ``hub.info.changed``)."""

    subclass: str
    result: object


type Broadcast = (
    ItemUpdated
    | ItemAdded
    | ItemRemoved
    | DeviceAdded
    | DeviceRemoved
    | DeviceUpdated
    | ModesSwitched
    | SceneChanged
    | SceneDeleted
    | SceneRunProgress
    | RoomChanged
    | RoomDeleted
    | RoomsReset
    | CloudStateChanged
    | OtherBroadcast
)


def _result(message: JsonObject) -> JsonObject:
    result = message.get("result")
    if not (type(result) is dict or isinstance(result, Mapping)):  # a dict skips the ABC check
        raise EzloProtocolError(f"broadcast {message.get('msg_subclass')!r} has no result object")
    return result


def _id(result: JsonObject, *keys: str) -> str:
    for key in keys:
        value = result.get(key)
        if isinstance(value, str) and value:
            return value
    raise EzloProtocolError(f"broadcast result has no {keys[0]!r}")


def _text(result: JsonObject, key: str) -> str:
    value = result.get(key)
    return value if isinstance(value, str) else ""


def parse_broadcast(message: Mapping[str, Any]) -> Broadcast:
    """Return the typed event of a broadcast message; ``EzloProtocolError`` if it is malformed."""
    subclass = message.get("msg_subclass")
    if not isinstance(subclass, str):
        raise EzloProtocolError("broadcast has no msg_subclass")
    match subclass:
        case "hub.item.updated":
            result = _result(message)
            return ItemUpdated(_id(result, "_id"), result)
        case "hub.item.added":
            result = _result(message)
            _id(result, "_id")
            return ItemAdded(result)
        case "hub.item.removed":
            return ItemRemoved(_id(_result(message), "_id"))
        case "hub.device.added":
            return DeviceAdded(Device.from_json(_result(message)))
        case "hub.device.removed":
            return DeviceRemoved(_id(_result(message), "_id"))
        case "hub.device.updated":
            result = _result(message)
            return DeviceUpdated(_id(result, "_id"), result)
        case "hub.modes.switched":
            result = _result(message)
            return ModesSwitched(_text(result, "from"), _id(result, "to"), _text(result, "status"))
        case "hub.scene.added" | "hub.scene.changed":
            return SceneChanged(Scene.from_json(_result(message)))
        case "hub.scene.deleted":
            return SceneDeleted(_id(_result(message), "_id"))
        case "hub.scene.run.progress":
            result = _result(message)
            return SceneRunProgress(_id(result, "scene_id", "_id"), _text(result, "status"))
        case "hub.room.created" | "hub.room.edited":
            return RoomChanged(Room.from_json(_result(message)))
        case "hub.room.deleted":
            return RoomDeleted(_id(_result(message), "_id"))
        case "ezlostatechanged":
            connected = _result(message).get("connected")
            if not isinstance(connected, bool):
                raise EzloProtocolError("ezlostatechanged has no connected flag")
            return CloudStateChanged(connected)
    if subclass.startswith("hub.room."):
        return RoomsReset(subclass)
    return OtherBroadcast(subclass, message.get("result"))
