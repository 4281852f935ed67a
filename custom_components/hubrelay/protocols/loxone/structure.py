"""Typed models of the structure file (LoxAPP3.json).

The structure file says which control, room and category each UUID belongs to and which state UUIDs
a control publishes. Only what the integration reads is typed; the whole document stays available
as `raw` (e.g. to be cached by the caller and handed back on the next start, so an unchanged
structure is not downloaded again).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
import json
import re
from typing import Any

from .errors import LoxoneProtocolError
from .uuids import uuid_to_bytes

type StateRef = str | tuple[str, ...]

_NUMBER = re.compile(r"-?\d+")
_STATE_BLOCKS = frozenset({"states", "globalStates"})


def _text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return value if isinstance(value, str) else default


def _opt_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _opt_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _numbered(data: Mapping[str, Any], key: str, kind: type) -> dict[int, Any]:
    """Read an object keyed by numbers ("1", "-1"); entries with other keys are skipped."""
    numbered: dict[int, Any] = {}
    for name, value in _dict(data, key).items():
        if isinstance(value, kind) and _NUMBER.fullmatch(name):
            try:
                numbered[int(name)] = value
            except ValueError:  # thousands of digits: more than `int` reads from text
                continue
    return numbered


@dataclass(frozen=True, slots=True)
class MsInfo:
    """The Miniserver's identity and locale (`msInfo`)."""

    serial: str
    name: str
    project_name: str
    local_url: str
    remote_url: str
    miniserver_type: int | None
    temp_unit: int | None
    language_code: str | None
    location: str | None
    current_user: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MsInfo:
        """Read `msInfo`; the serial is required."""
        serial = _text(data, "serialNr")
        if not serial:
            raise LoxoneProtocolError("the structure file's msInfo has no serialNr")
        user = _dict(data, "currentUser")
        return cls(
            serial=serial,
            name=_text(data, "msName"),
            project_name=_text(data, "projectName"),
            local_url=_text(data, "localUrl"),
            remote_url=_text(data, "remoteUrl"),
            miniserver_type=_opt_int(data, "miniserverType"),
            temp_unit=_opt_int(data, "tempUnit"),
            language_code=_opt_text(data, "languageCode"),
            location=_opt_text(data, "location"),
            current_user=_opt_text(user, "name"),
        )


@dataclass(frozen=True, slots=True)
class Room:
    """A room (`rooms`)."""

    uuid: str
    name: str
    image: str | None
    default_rating: int
    is_favorite: bool
    type: int | None

    @classmethod
    def from_json(cls, uuid: str, data: Mapping[str, Any]) -> Room:
        """Read one room."""
        return cls(
            uuid=_text(data, "uuid", uuid),
            name=_text(data, "name"),
            image=_opt_text(data, "image"),
            default_rating=_opt_int(data, "defaultRating") or 0,
            is_favorite=bool(data.get("isFavorite", False)),
            type=_opt_int(data, "type"),
        )


@dataclass(frozen=True, slots=True)
class Category:
    """A category (`cats`); its `type` is a word such as "lights" or "shading"."""

    uuid: str
    name: str
    image: str | None
    default_rating: int
    is_favorite: bool
    type: str | None
    color: str | None

    @classmethod
    def from_json(cls, uuid: str, data: Mapping[str, Any]) -> Category:
        """Read one category."""
        return cls(
            uuid=_text(data, "uuid", uuid),
            name=_text(data, "name"),
            image=_opt_text(data, "image"),
            default_rating=_opt_int(data, "defaultRating") or 0,
            is_favorite=bool(data.get("isFavorite", False)),
            type=_opt_text(data, "type"),
            color=_opt_text(data, "color"),
        )


def _state_texts(states: Mapping[str, Any]) -> Iterator[str]:
    """Yield the UUID texts of a `states` block (a few controls list several under one name)."""
    for ref in states.values():
        if isinstance(ref, str):
            yield ref
        elif isinstance(ref, list):
            yield from (item for item in ref if isinstance(item, str))


def _state_keys(data: Mapping[str, Any]) -> frozenset[bytes]:
    """Raw keys of every state UUID the file names: any block's `states` and `globalStates`.

    Controls, sub-controls, the weather server and blocks this library does not type (message
    centre, autopilot, ...) all list their states under "states", so the whole document is walked.
    """
    keys: set[bytes] = set()
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for name, value in node.items():
                if name in _STATE_BLOCKS and isinstance(value, dict):
                    for text in _state_texts(value):
                        try:
                            keys.add(uuid_to_bytes(text))
                        except ValueError:
                            continue
                elif isinstance(value, (dict, list)):
                    stack.append(value)
    return frozenset(keys)


def _states(data: Mapping[str, Any]) -> dict[str, StateRef]:
    states: dict[str, StateRef] = {}
    for name, ref in _dict(data, "states").items():
        if isinstance(ref, str):
            states[name] = ref
        elif isinstance(ref, list):
            states[name] = tuple(item for item in ref if isinstance(item, str))
    return states


@dataclass(frozen=True, slots=True)
class Control:
    """A control or sub-control: its type, placement, details, states and sub-controls.

    `uuid_action` is the target of `jdev/sps/io/{uuidAction}/{cmd}`; a sub-control's may carry a
    suffix such as "/AI1". State values are state UUIDs in the 8-4-4-16 form (a few controls list
    several UUIDs under one name).
    """

    uuid: str
    uuid_action: str
    name: str
    type: str
    room: str | None
    cat: str | None
    is_secured: bool
    is_favorite: bool
    default_rating: int
    details: Mapping[str, Any]
    states: Mapping[str, StateRef]
    sub_controls: Mapping[str, Control]
    parent: str | None = None
    #: The control answers `securedDetails` (an intercom's video and audio access, for example).
    has_secured_details: bool = False

    @classmethod
    def from_json(
        cls,
        uuid: str,
        data: Mapping[str, Any],
        parent: tuple[str, str | None, str | None] | None = None,
    ) -> Control:
        """Read a control and, recursively, its sub-controls.

        `parent` is (uuid, room, cat) of the owning control: sub-controls inherit its placement.
        """
        parent_uuid, parent_room, parent_cat = parent or (None, None, None)
        room = _opt_text(data, "room") or parent_room
        cat = _opt_text(data, "cat") or parent_cat
        return cls(
            uuid=uuid,
            uuid_action=_text(data, "uuidAction", uuid),
            name=_text(data, "name"),
            type=_text(data, "type"),
            room=room,
            cat=cat,
            is_secured=bool(data.get("isSecured", False)),
            is_favorite=bool(data.get("isFavorite", False)),
            default_rating=_opt_int(data, "defaultRating") or 0,
            details=_dict(data, "details"),
            states=_states(data),
            sub_controls={
                sub_uuid: cls.from_json(sub_uuid, sub, (uuid, room, cat))
                for sub_uuid, sub in _dict(data, "subControls").items()
                if isinstance(sub, dict)
            },
            parent=parent_uuid,
            has_secured_details=data.get("securedDetails") is True,
        )

    def state_uuids(self) -> Iterator[str]:
        """Every state UUID this control (not its sub-controls) publishes."""
        for ref in self.states.values():
            if isinstance(ref, str):
                yield ref
            else:
                yield from ref


@dataclass(frozen=True, slots=True)
class WeatherServer:
    """The weather service block: state UUIDs, value formats and weather type names."""

    states: Mapping[str, str]
    formats: Mapping[str, str]
    weather_type_texts: Mapping[int, str]
    field_types: Mapping[int, Mapping[str, Any]]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WeatherServer:
        """Read `weatherServer`."""
        return cls(
            states={k: v for k, v in _dict(data, "states").items() if isinstance(v, str)},
            formats={k: v for k, v in _dict(data, "format").items() if isinstance(v, str)},
            weather_type_texts=_numbered(data, "weatherTypeTexts", str),
            field_types=_numbered(data, "weatherFieldTypes", dict),
        )


@dataclass(frozen=True, slots=True)
class LoxoneStructure:
    """A parsed LoxAPP3.json."""

    last_modified: str
    ms_info: MsInfo
    rooms: Mapping[str, Room]
    cats: Mapping[str, Category]
    controls: Mapping[str, Control]
    global_states: Mapping[str, str]
    operating_modes: Mapping[int, str]
    weather_server: WeatherServer | None
    raw: Mapping[str, Any] = field(repr=False)
    state_keys: frozenset[bytes] = field(default=frozenset(), repr=False, compare=False)
    """Raw keys of every state the file names; the client caches only these (and subscribed)."""

    @classmethod
    def from_json(cls, data: Any) -> LoxoneStructure:
        """Read a decoded structure file; raise `LoxoneProtocolError` if it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("msInfo"), dict):
            raise LoxoneProtocolError("not a structure file (no msInfo)")
        weather = data.get("weatherServer")
        try:
            controls = {
                uuid: Control.from_json(uuid, control)
                for uuid, control in _dict(data, "controls").items()
                if isinstance(control, dict)
            }
        except RecursionError as err:
            raise LoxoneProtocolError("the structure file nests sub-controls too deeply") from err
        return cls(
            last_modified=_text(data, "lastModified"),
            ms_info=MsInfo.from_json(data["msInfo"]),
            rooms={
                uuid: Room.from_json(uuid, room)
                for uuid, room in _dict(data, "rooms").items()
                if isinstance(room, dict)
            },
            cats={
                uuid: Category.from_json(uuid, cat)
                for uuid, cat in _dict(data, "cats").items()
                if isinstance(cat, dict)
            },
            controls=controls,
            global_states={
                k: v for k, v in _dict(data, "globalStates").items() if isinstance(v, str)
            },
            operating_modes=_numbered(data, "operatingModes", str),
            weather_server=WeatherServer.from_json(weather) if isinstance(weather, dict) else None,
            raw=data,
            state_keys=_state_keys(data),
        )

    @classmethod
    def parse(cls, text: str | bytes) -> LoxoneStructure:
        """Decode and read the structure file's JSON text."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as err:
            raise LoxoneProtocolError("the structure file is not JSON") from err
        return cls.from_json(data)

    def all_controls(self) -> Iterator[Control]:
        """Every control and sub-control, parents first."""
        stack = list(reversed(list(self.controls.values())))
        while stack:
            control = stack.pop()
            yield control
            stack.extend(reversed(list(control.sub_controls.values())))
