"""Typed views of what an Ezlo hub reports: hub info, devices, items, rooms, scenes, modes.

Parsers take decoded JSON and raise ``EzloProtocolError`` (never anything else) when a record lacks
what the hub API documents. Values are kept in the type the item declares (``valueType``), so the
layers on top never guess: scalable types (temperature, humidity, ...) come with their ``scale``,
tokens with their ``enum``, ``rgb`` as ``RgbColor``. Each model keeps its raw record so partial
updates can be merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat
import math
from types import MappingProxyType
from typing import Any

from .errors import EzloProtocolError

type JsonValue = None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]
type JsonObject = Mapping[str, Any]

INTEGER_VALUE_TYPES = frozenset({"int", "int64"})
SCALABLE_VALUE_TYPES = frozenset(
    {
        "temperature",
        "humidity",
        "illuminance",
        "pressure",
        "power",
        "energy",
        "substance_amount",
        "velocity",
        "electric_potential",
        "electric_current",
        "rf_signal_strength",
        "ultraviolet",
        "acceleration",
        "amount_of_useful_energy",
        "angle",
        "frequency",
        "length",
        "mass_flow",
        "volume_flow",
        "weight",
        "volume",
        "moisture",
        "loudness",
        "seismic_magnitude",
        "sound_pressure",
        "reactive_power_instant",
        "reactive_power_consumption",
        "blood_pressure",
        "water_flow",
        "water_pressure",
        "power_factor",
    }
)
RGB_CHANNELS = ("red", "green", "blue", "wwhite", "cwhite", "amber", "cyan", "purple", "indexed")


def _object(data: object, what: str) -> JsonObject:
    # Runs for every item update: a dict skips the ABC check, and the keys are checked in C.
    if not (type(data) is dict or isinstance(data, Mapping)) or not all(
        map(isinstance, data, repeat(str))
    ):
        raise EzloProtocolError(f"{what} is not a JSON object")
    return data


def _text(data: JsonObject, key: str, what: str) -> str:
    value = data.get(key)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise EzloProtocolError(f"{what} has no valid {key!r}")


def _optional_text(data: JsonObject, key: str) -> str:
    value = data.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _flag(data: JsonObject, key: str, default: bool = False) -> bool:
    value = data.get(key)
    return value if isinstance(value, bool) else default


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float, e.g. 400 digits of JSON
        return None
    return number if math.isfinite(number) else None


def _frozen(data: JsonObject) -> Mapping[str, Any]:
    return MappingProxyType(dict(data))


def _copy(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Copy a record into a dict (`_frozen`'s in C, without a walk over its keys)."""
    return raw.copy() if type(raw) is MappingProxyType else dict(raw)


@dataclass(frozen=True, slots=True)
class RgbColor:
    """An ``rgb`` item value: red, green, blue plus the optional extra channels a bulb has."""

    red: int
    green: int
    blue: int
    extra: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_json(cls, data: object) -> RgbColor:
        """Read ``{red, green, blue, wwhite?, cwhite?, ...}``; every channel 0-255."""
        record = _object(data, "rgb value")
        channels: dict[str, int] = {}
        for name in RGB_CHANNELS:
            if name not in record:
                continue
            value = record[name]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
                raise EzloProtocolError(f"rgb channel {name!r} is not an integer 0-255")
            channels[name] = value
        if not {"red", "green", "blue"} <= channels.keys():
            raise EzloProtocolError("rgb value lacks red, green or blue")
        red, green, blue = channels.pop("red"), channels.pop("green"), channels.pop("blue")
        return cls(red, green, blue, MappingProxyType(channels))

    def to_json(self) -> dict[str, JsonValue]:
        """Return the hub's JSON form."""
        return {"red": self.red, "green": self.green, "blue": self.blue, **self.extra}


type ItemValue = bool | int | float | str | RgbColor | JsonValue


def parse_item_value(value_type: str, value: object) -> ItemValue:
    """Convert a raw value to the type its ``valueType`` declares; ``None`` if it does not fit."""
    if value_type == "bool":
        return value if isinstance(value, bool) else None
    if value_type in INTEGER_VALUE_TYPES:
        number = _number(value)
        return int(number) if number is not None and number.is_integer() else None
    if value_type == "float" or value_type in SCALABLE_VALUE_TYPES:
        return _number(value)
    if value_type in {"token", "string"}:
        return value if isinstance(value, str) else None
    if value_type == "rgb":
        try:
            return RgbColor.from_json(value)
        except EzloProtocolError:
            return None
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):
        return list(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return None


@dataclass(frozen=True, slots=True)
class HubInfo:
    """What ``hub.info.get`` reports; answered before login, so it tells how to log in."""

    serial: str
    uuid: str
    model: str
    architecture: str
    firmware: str
    offline_anonymous_access: bool
    offline_insecure_access: bool
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: object) -> HubInfo:
        """Parse a ``hub.info.get`` result (the ezloPi firmware sends the serial as a number)."""
        record = _object(data, "hub.info.get result")
        return cls(
            serial=_text(record, "serial", "hub info"),
            uuid=_optional_text(record, "uuid"),
            model=_optional_text(record, "model"),
            architecture=_optional_text(record, "architecture"),
            firmware=_optional_text(record, "firmware"),
            offline_anonymous_access=_flag(record, "offlineAnonymousAccess"),
            offline_insecure_access=_flag(record, "offlineInsecureAccess"),
            raw=_frozen(record),
        )


@dataclass(frozen=True, slots=True)
class Device:
    """One ``hub.devices.list`` entry; ``merge`` applies a partial ``hub.device.updated``."""

    id: str
    name: str
    category: str
    subcategory: str
    type: str
    device_type_id: str
    parent_id: str
    gateway_id: str
    room_id: str
    battery_powered: bool
    reachable: bool
    ready: bool
    status: str
    armed: bool
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: object) -> Device:
        """Parse a device record; only ``_id`` is mandatory."""
        record = _object(data, "device")
        return cls(
            id=_text(record, "_id", "device"),
            name=_optional_text(record, "name"),
            category=_optional_text(record, "category"),
            subcategory=_optional_text(record, "subcategory"),
            type=_optional_text(record, "type"),
            device_type_id=_optional_text(record, "deviceTypeId"),
            parent_id=_optional_text(record, "parentDeviceId"),
            gateway_id=_optional_text(record, "gatewayId"),
            room_id=_optional_text(record, "roomId"),
            battery_powered=_flag(record, "batteryPowered"),
            reachable=_flag(record, "reachable", default=True),
            ready=_flag(record, "ready", default=True),
            status=_optional_text(record, "status"),
            armed=_flag(record, "armed"),
            raw=_frozen(record),
        )

    @property
    def available(self) -> bool:
        """Whether the hub can talk to the device (reachable and not marked broken)."""
        return self.reachable and self.status != "broken"

    def merge(self, changes: JsonObject) -> Device:
        """Return the device with the changed fields of a partial update applied."""
        record = _copy(self.raw)
        record.update(changes)
        record["_id"] = self.id
        return Device.from_json(record)


@dataclass(frozen=True, slots=True)
class Item:
    """One ``hub.items.list`` entry: a readable and/or settable value of a device."""

    id: str
    device_id: str
    name: str
    value_type: str
    value: ItemValue
    value_formatted: str
    scale: str | None
    enum: tuple[str, ...]
    min_value: float | None
    max_value: float | None
    element_type: str | None
    has_getter: bool
    has_setter: bool
    show: bool
    status: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: object) -> Item:
        """Parse an item record; ``_id``, ``deviceId``, ``name`` and ``valueType`` are mandatory."""
        record = _object(data, "item")
        value_type = _text(record, "valueType", "item")
        enum_raw = record.get("enum")
        enum_list = enum_raw if isinstance(enum_raw, list) else []
        enum = tuple(token for token in enum_list if isinstance(token, str))
        scale = record.get("scale")
        element_type = record.get("elementType")
        return cls(
            id=_text(record, "_id", "item"),
            device_id=_text(record, "deviceId", "item"),
            name=_text(record, "name", "item"),
            value_type=value_type,
            value=parse_item_value(value_type, record.get("value")),
            value_formatted=_optional_text(record, "valueFormatted"),
            scale=scale if isinstance(scale, str) else None,
            enum=enum,
            min_value=_number(record.get("minValue")),
            max_value=_number(record.get("maxValue")),
            element_type=element_type if isinstance(element_type, str) else None,
            has_getter=_flag(record, "hasGetter", default=True),
            has_setter=_flag(record, "hasSetter"),
            show=_flag(record, "show", default=True),
            status=_optional_text(record, "status"),
            raw=_frozen(record),
        )

    def merge(self, changes: JsonObject) -> Item:
        """Return the item with the fields of a ``hub.item.updated`` broadcast applied."""
        record = _copy(self.raw)
        record.update(changes)
        record.update(_id=self.id, deviceId=self.device_id, name=self.name)
        return Item.from_json(record)


@dataclass(frozen=True, slots=True)
class Room:
    """A room from ``hub.room.list``."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: object) -> Room:
        """Parse ``{_id, name}``."""
        record = _object(data, "room")
        return cls(id=_text(record, "_id", "room"), name=_optional_text(record, "name"))


@dataclass(frozen=True, slots=True)
class Scene:
    """A scene from ``hub.scenes.list`` (or a ``hub.scene.added/changed`` broadcast)."""

    id: str
    name: str
    enabled: bool
    is_group: bool
    parent_id: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: object) -> Scene:
        """Parse a scene record; only ``_id`` is mandatory."""
        record = _object(data, "scene")
        return cls(
            id=_text(record, "_id", "scene"),
            name=_optional_text(record, "name"),
            enabled=_flag(record, "enabled", default=True),
            is_group=_flag(record, "is_group"),
            parent_id=_optional_text(record, "parent_id"),
            raw=_frozen(record),
        )


@dataclass(frozen=True, slots=True)
class HouseMode:
    """One house mode (Home, Away, Night, Vacation, or a custom one)."""

    id: str
    name: str
    description: str

    @classmethod
    def from_json(cls, data: object) -> HouseMode:
        """Parse ``{_id, name, description?}``."""
        record = _object(data, "house mode")
        return cls(
            id=_text(record, "_id", "house mode"),
            name=_optional_text(record, "name"),
            description=_optional_text(record, "description"),
        )


@dataclass(frozen=True, slots=True)
class HouseModes:
    """``hub.modes.get``: the current mode, a pending switch, and the modes to choose from."""

    current: str
    switch_to: str
    modes: tuple[HouseMode, ...]

    @classmethod
    def from_json(cls, data: object) -> HouseModes:
        """Parse ``{current, switchTo, modes: [...]}``."""
        record = _object(data, "hub.modes.get result")
        raw_modes = record.get("modes")
        if not isinstance(raw_modes, list):
            raise EzloProtocolError("hub.modes.get result has no modes list")
        return cls(
            current=_text(record, "current", "hub.modes.get result"),
            switch_to=_optional_text(record, "switchTo"),
            modes=tuple(HouseMode.from_json(mode) for mode in raw_modes),
        )

    def mode_name(self, mode_id: str) -> str | None:
        """Return the name of a mode id, ``None`` when the hub has no such mode."""
        return next((mode.name for mode in self.modes if mode.id == mode_id), None)
