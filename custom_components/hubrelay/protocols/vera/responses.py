"""Parsers for whole ``data_request`` answers: sdata / lu_sdata, status, user_data and actions.

Each parser takes the body text and raises ``VeraProtocolError`` (never anything else) when it is
not what a luup engine sends. Records inside an answer that lack an id are skipped, so one odd
plugin device does not make the whole hub unavailable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import json
from types import MappingProxyType
from typing import Any

from .errors import VeraActionError, VeraProtocolError
from .models import (
    ControllerInfo,
    Room,
    Scene,
    Variables,
    as_int,
    as_text,
    parse_controller,
    parse_room,
    parse_scene,
)

MAX_ERROR_TEXT = 200


@dataclass(frozen=True, slots=True)
class SData:
    """An sdata answer: everything (``full``) or, from a long poll, only what changed."""

    full: bool
    loadtime: int | None
    dataversion: int | None
    controller: ControllerInfo | None
    devices: Mapping[int, Mapping[str, Any]]
    rooms: tuple[Room, ...] | None
    scenes: tuple[Scene, ...] | None
    categories: Mapping[int, str] | None


@dataclass(frozen=True, slots=True)
class StatusData:
    """A ``status`` (lu_status) answer: the UPnP state variables per device."""

    loadtime: int | None
    dataversion: int | None
    devices: Mapping[int, Variables]


@dataclass(frozen=True, slots=True)
class DeviceDetails:
    """Static facts about a device from ``user_data``, for a device registry."""

    id: int
    name: str
    device_type: str
    manufacturer: str
    model: str
    category: int | None
    subcategory: int | None
    room_id: int | None
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class UserData:
    """The parts of ``user_data`` we use: controller identity, device details and variables."""

    serial: str
    firmware: str
    model: str
    temperature_unit: str
    loadtime: int | None
    dataversion: int | None
    devices: Mapping[int, DeviceDetails]
    variables: Mapping[int, Variables]


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The engine accepted an action; ``job_id`` names the job it queued, when it says."""

    job_id: int | None


def decode_object(text: str, what: str) -> Mapping[str, Any]:
    """Decode a JSON object body."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise VeraProtocolError(f"{what} answer is not JSON") from err
    if not isinstance(data, dict):
        raise VeraProtocolError(f"{what} answer is not a JSON object")
    return data


def _records(data: Mapping[str, Any], key: str, what: str) -> list[Mapping[str, Any]] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise VeraProtocolError(f"{what} {key!r} is not a list")
    return [item for item in value if isinstance(item, dict)]


def _flag(value: object) -> bool:
    return as_int(value) == 1


def parse_sdata(text: str) -> SData:
    """Parse an sdata or lu_sdata answer."""
    data = decode_object(text, "sdata")
    devices: dict[int, Mapping[str, Any]] = {}
    for record in _records(data, "devices", "sdata") or ():
        device_id = as_int(record.get("id"))
        if device_id is not None:
            devices[device_id] = MappingProxyType(dict(record))
    room_records = _records(data, "rooms", "sdata")
    scene_records = _records(data, "scenes", "sdata")
    category_records = _records(data, "categories", "sdata")
    rooms = (
        None
        if room_records is None
        else tuple(room for record in room_records if (room := parse_room(record)))
    )
    scenes = (
        None
        if scene_records is None
        else tuple(scene for record in scene_records if (scene := parse_scene(record)))
    )
    categories = None
    if category_records is not None:
        categories = MappingProxyType(
            {
                number: as_text(record.get("name"))
                for record in category_records
                if (number := as_int(record.get("id"))) is not None
            }
        )
    return SData(
        full=_flag(data.get("full")),
        loadtime=as_int(data.get("loadtime")),
        dataversion=as_int(data.get("dataversion")),
        controller=parse_controller(data) if "serial_number" in data else None,
        devices=MappingProxyType(devices),
        rooms=rooms,
        scenes=scenes,
        categories=categories,
    )


def parse_states(states: object) -> Variables:
    """Read a ``states`` list of ``{service, variable, value}`` into a variable map."""
    variables: dict[tuple[str, str], str] = {}
    if isinstance(states, list):
        for state in states:
            if not isinstance(state, dict):
                continue
            service, name = state.get("service"), state.get("variable")
            if isinstance(service, str) and isinstance(name, str):
                variables[service, name] = as_text(state.get("value"))
    return MappingProxyType(variables)


def parse_status(text: str) -> StatusData:
    """Parse a ``status`` answer, whole (``devices`` list) or for one ``DeviceNum``."""
    data = decode_object(text, "status")
    devices: dict[int, Variables] = {}
    for record in _records(data, "devices", "status") or ():
        device_id = as_int(record.get("id"))
        if device_id is not None:
            devices[device_id] = parse_states(record.get("states"))
    for key, record in data.items():
        if key.startswith("Device_Num_") and isinstance(record, dict):
            device_id = as_int(key.removeprefix("Device_Num_"))
            if device_id is not None:
                devices[device_id] = parse_states(record.get("states"))
    return StatusData(
        loadtime=as_int(data.get("LoadTime")),
        dataversion=as_int(data.get("DataVersion")),
        devices=MappingProxyType(devices),
    )


def parse_user_data(text: str) -> UserData:
    """Parse a ``user_data`` answer."""
    data = decode_object(text, "user_data")
    details: dict[int, DeviceDetails] = {}
    variables: dict[int, Variables] = {}
    for record in _records(data, "devices", "user_data") or ():
        device_id = as_int(record.get("id"))
        if device_id is None:
            continue
        room, parent = as_int(record.get("room")), as_int(record.get("id_parent"))
        details[device_id] = DeviceDetails(
            id=device_id,
            name=as_text(record.get("name")),
            device_type=as_text(record.get("device_type")),
            manufacturer=as_text(record.get("manufacturer")),
            model=as_text(record.get("model")),
            category=as_int(record.get("category_num")),
            subcategory=as_int(record.get("subcategory_num")),
            room_id=room or None,
            parent_id=parent or None,
        )
        variables[device_id] = parse_states(record.get("states"))
    return UserData(
        serial=as_text(data.get("PK_AccessPoint")),
        firmware=as_text(data.get("BuildVersion")).strip("*"),
        model=as_text(data.get("model")),
        temperature_unit="F" if as_text(data.get("TemperatureFormat")).upper() == "F" else "C",
        loadtime=as_int(data.get("LoadTime")),
        dataversion=as_int(data.get("DataVersion")),
        devices=MappingProxyType(details),
        variables=MappingProxyType(variables),
    )


def parse_action(text: str, what: str) -> ActionResult:
    """Parse an ``lu_action`` answer: a ``u:<Action>Response`` object, ``OK`` or ``ERROR...``."""
    body = text.strip()
    if body.upper().startswith("ERROR"):
        raise VeraActionError(f"{what} refused: {body[:MAX_ERROR_TEXT]}")
    if body == "OK":
        return ActionResult(None)
    data = decode_object(body, what)
    for key, value in data.items():
        if key.upper() == "ERROR":
            raise VeraActionError(f"{what} refused: {as_text(value)[:MAX_ERROR_TEXT]}")
        if key.startswith("u:") and key.endswith("Response"):
            job = value.get("JobID") if isinstance(value, dict) else None
            return ActionResult(as_int(job))
    raise VeraProtocolError(f"{what} answer has no action response")
