"""Typed views of what a luup engine reports: controller info, devices by category, rooms, scenes.

The sdata summary gives every device a few "short codes" (``status``, ``level``, ``tripped``...)
as strings; the full UPnP variables come from ``status`` or ``user_data``. A device model is
built from both, so the layers on top never parse strings. Values that do not parse become
``None`` rather than an error: one odd plugin device must not hide the whole hub.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from types import MappingProxyType
from typing import Any

from .services import (
    COLOR,
    SCENE_CONTROLLER,
    Category,
    HvacMode,
    SecuritySensorType,
)

type Variables = Mapping[tuple[str, str], str]

EMPTY_VARIABLES: Variables = MappingProxyType({})


def as_int(value: object) -> int | None:
    """Read an integer the luup engine may send as a number or as a decimal string."""
    if type(value) is not str:  # a string, what the engine sends most, skips three checks
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            number = as_float(value)
            return int(number) if number is not None and number.is_integer() else None
    return None


def as_float(value: object) -> float | None:
    """Read a finite number sent as a number or a string (``"19.4"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            return None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def as_flag(value: object) -> bool | None:
    """Read the luup engine's ``"0"``/``"1"`` booleans."""
    number = as_int(value)
    if number is None:
        return None
    return number != 0


def as_text(value: object) -> str:
    """Read a string field; numbers are kept as their text, anything else is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


@dataclass(frozen=True, slots=True)
class RgbColor:
    """A colour as red, green, blue channels 0-255."""

    red: int
    green: int
    blue: int


@dataclass(frozen=True, slots=True)
class ControllerInfo:
    """Who the hub is: its serial (the MMS ``PK_Device``), model and firmware."""

    serial: str
    model: str
    firmware: str
    temperature_unit: str
    mode: int | None
    relay_servers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Room:
    """A room; devices and scenes point to it by id."""

    id: int
    name: str
    section: int | None


@dataclass(frozen=True, slots=True)
class Scene:
    """A scene that ``RunScene`` can start; ``active`` is the engine's own verdict."""

    id: int
    name: str
    room_id: int | None
    active: bool


@dataclass(frozen=True, slots=True)
class VeraDevice:
    """What every luup device has; subclasses add what their category means.

    ``raw`` is the merged sdata record and ``variables`` the UPnP state variables, both kept so
    that incremental updates can be merged and nothing the engine sent is lost.
    """

    id: int
    name: str
    category: int
    subcategory: int
    room_id: int | None
    parent_id: int | None
    altid: str
    comm_failure: bool
    battery_level: int | None
    watts: float | None
    kwh: float | None
    job_state: int | None
    comment: str
    raw: Mapping[str, Any] = field(repr=False)
    variables: Variables = field(repr=False, default=EMPTY_VARIABLES)

    @property
    def available(self) -> bool:
        """A device whose radio link failed (``commFailure``) cannot be trusted or controlled."""
        return not self.comm_failure

    def variable(self, service: str, name: str) -> str | None:
        """Return a UPnP state variable, when ``status`` or ``user_data`` reported it."""
        return self.variables.get((service, name))


@dataclass(frozen=True, slots=True)
class VeraSwitch(VeraDevice):
    """An on/off device driven by ``SwitchPower1`` (switches, sirens, garage doors)."""

    is_on: bool | None = None


@dataclass(frozen=True, slots=True)
class VeraDimmer(VeraSwitch):
    """A dimmable light; RGB bulbs also carry ``Color1`` variables."""

    level: int | None = None
    supports_color: bool = False
    color: RgbColor | None = None


@dataclass(frozen=True, slots=True)
class VeraLock(VeraDevice):
    """A door lock driven by ``DoorLock1``."""

    locked: bool | None = None


@dataclass(frozen=True, slots=True)
class VeraThermostat(VeraDevice):
    """An HVAC device; two-setpoint thermostats report ``heat`` and ``cool`` separately."""

    hvac_mode: str | None = None
    fan_mode: str | None = None
    hvac_state: str | None = None
    current_temperature: float | None = None
    setpoint: float | None = None
    heat_setpoint: float | None = None
    cool_setpoint: float | None = None

    @property
    def target_setpoint(self) -> float | None:
        """The setpoint the current mode acts on: heat when heating, cool when cooling."""
        if self.hvac_mode == HvacMode.HEAT and self.heat_setpoint is not None:
            return self.heat_setpoint
        if self.hvac_mode == HvacMode.COOL and self.cool_setpoint is not None:
            return self.cool_setpoint
        return self.setpoint if self.setpoint is not None else self.heat_setpoint


@dataclass(frozen=True, slots=True)
class VeraSecuritySensor(VeraDevice):
    """An armable binary sensor (door/window, motion, leak, smoke...)."""

    sensor_type: SecuritySensorType = SecuritySensorType.UNSPECIFIED
    tripped: bool | None = None
    armed: bool | None = None
    armed_tripped: bool | None = None
    last_trip: int | None = None


@dataclass(frozen=True, slots=True)
class VeraMeasurement(VeraDevice):
    """A sensor that reports one number: temperature, humidity, light, UV or power."""

    value: float | None = None


@dataclass(frozen=True, slots=True)
class VeraWindowCovering(VeraDevice):
    """A blind or curtain: position 0 (closed) to 100 (open) via ``Dimming1``."""

    level: int | None = None


@dataclass(frozen=True, slots=True)
class VeraSceneController(VeraDevice):
    """A wall controller or remote whose button presses report the last scene number."""

    last_scene_id: int | None = None
    last_scene_time: int | None = None


MEASUREMENT_KEYS: Mapping[int, str] = MappingProxyType(
    {
        Category.TEMPERATURE_SENSOR: "temperature",
        Category.HUMIDITY_SENSOR: "humidity",
        Category.LIGHT_SENSOR: "light",
        Category.UV_SENSOR: "light",
        Category.POWER_METER: "watts",
    }
)
SWITCH_CATEGORIES = frozenset({Category.SWITCH, Category.SIREN, Category.GARAGE_DOOR})
SENSOR_CATEGORIES = frozenset({Category.SECURITY_SENSOR, Category.GENERIC_SENSOR})
SCENE_CONTROLLER_CATEGORIES = frozenset({Category.SCENE_CONTROLLER, Category.REMOTE_CONTROL})
RGB_SUBCATEGORY = 4


def parse_color(variables: Variables) -> RgbColor | None:
    """Read ``Color1`` ``CurrentColor`` (``"0=0,1=0,2=255,..."``) using ``SupportedColors``."""
    supported = variables.get((COLOR, "SupportedColors"))
    current = variables.get((COLOR, "CurrentColor"))
    if supported is None or current is None:
        return None
    names = [name.strip().upper() for name in supported.split(",")]
    channels: dict[int, int] = {}
    for part in current.split(","):
        index, _, value = part.partition("=")
        index_number, level = as_int(index), as_int(value)
        if index_number is not None and level is not None:
            channels[index_number] = level
    levels = []
    for name in ("R", "G", "B"):
        if name not in names or names.index(name) not in channels:
            return None
        levels.append(min(255, max(0, channels[names.index(name)])))
    return RgbColor(*levels)


def _id_or_none(value: object) -> int | None:
    number = as_int(value)
    return number if number else None


def _optional_text(value: object) -> str | None:
    text = as_text(value)
    return text or None


def parse_device(record: Mapping[str, Any], variables: Variables = EMPTY_VARIABLES) -> VeraDevice:
    """Build the model for one sdata device record; ``None`` fields when values are missing.

    The caller guarantees ``record["id"]`` is an integer (see ``device_id``).
    """
    category = as_int(record.get("category")) or 0
    subcategory = as_int(record.get("subcategory"))
    common: dict[str, Any] = {
        "id": as_int(record.get("id")),
        "name": as_text(record.get("name")),
        "category": category,
        "subcategory": subcategory if subcategory is not None else -1,
        "room_id": _id_or_none(record.get("room")),
        "parent_id": _id_or_none(record.get("parent")),
        "altid": as_text(record.get("altid")),
        "comm_failure": bool(as_flag(record.get("commFailure"))),
        "battery_level": as_int(record.get("batterylevel")),
        "watts": as_float(record.get("watts")),
        "kwh": as_float(record.get("kwh")),
        "job_state": as_int(record.get("state")),
        "comment": as_text(record.get("comment")),
        "raw": MappingProxyType(dict(record)),
        "variables": variables,
    }
    if category == Category.DIMMABLE_LIGHT:
        color = parse_color(variables)
        return VeraDimmer(
            **common,
            is_on=as_flag(record.get("status")),
            level=as_int(record.get("level")),
            supports_color=subcategory == RGB_SUBCATEGORY
            or (COLOR, "SupportedColors") in variables,
            color=color,
        )
    if category in SWITCH_CATEGORIES:
        return VeraSwitch(**common, is_on=as_flag(record.get("status")))
    if category == Category.DOOR_LOCK:
        return VeraLock(**common, locked=as_flag(record.get("locked")))
    if category == Category.HVAC:
        return VeraThermostat(
            **common,
            hvac_mode=_optional_text(record.get("mode")),
            fan_mode=_optional_text(record.get("fanmode")),
            hvac_state=_optional_text(record.get("hvacstate")),
            current_temperature=as_float(record.get("temperature")),
            setpoint=as_float(record.get("setpoint")),
            heat_setpoint=as_float(record.get("heat")),
            cool_setpoint=as_float(record.get("cool")),
        )
    if category in SENSOR_CATEGORIES:
        sensor_type = SecuritySensorType.UNSPECIFIED
        if subcategory in set(SecuritySensorType):
            sensor_type = SecuritySensorType(subcategory)
        return VeraSecuritySensor(
            **common,
            sensor_type=sensor_type,
            tripped=as_flag(record.get("tripped")),
            armed=as_flag(record.get("armed")),
            armed_tripped=as_flag(record.get("armedtripped")),
            last_trip=as_int(record.get("lasttrip")),
        )
    if category in MEASUREMENT_KEYS:
        return VeraMeasurement(**common, value=as_float(record.get(MEASUREMENT_KEYS[category])))
    if category == Category.WINDOW_COVERING:
        return VeraWindowCovering(**common, level=as_int(record.get("level")))
    if category in SCENE_CONTROLLER_CATEGORIES:
        return VeraSceneController(
            **common,
            last_scene_id=as_int(variables.get((SCENE_CONTROLLER, "LastSceneID"))),
            last_scene_time=as_int(variables.get((SCENE_CONTROLLER, "LastSceneTime"))),
        )
    return VeraDevice(**common)


def parse_room(record: Mapping[str, Any]) -> Room | None:
    """Build a room, or ``None`` when the record has no id."""
    room_id = as_int(record.get("id"))
    if room_id is None:
        return None
    return Room(room_id, as_text(record.get("name")), as_int(record.get("section")))


def parse_scene(record: Mapping[str, Any]) -> Scene | None:
    """Build a scene, or ``None`` when the record has no id."""
    scene_id = as_int(record.get("id"))
    if scene_id is None:
        return None
    return Scene(
        scene_id,
        as_text(record.get("name")),
        _id_or_none(record.get("room")),
        bool(as_flag(record.get("active"))),
    )


def parse_controller(record: Mapping[str, Any]) -> ControllerInfo:
    """Read the controller fields at the top of an sdata or user_data answer."""
    relays = tuple(text for key in ("fwd1", "fwd2") if (text := as_text(record.get(key)).strip()))
    return ControllerInfo(
        serial=as_text(record.get("serial_number")),
        model=as_text(record.get("model")),
        firmware=as_text(record.get("version")).strip("*"),
        temperature_unit="F" if as_text(record.get("temperature")).upper() == "F" else "C",
        mode=as_int(record.get("mode")),
        relay_servers=relays,
    )
