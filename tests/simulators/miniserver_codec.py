"""Byte-level encoding of the Miniserver's binary messages (message headers and event tables).

Kept apart from the server so that each struct from "Communicating with the Miniserver" can be read
and checked on its own: the 8-byte header, the 8-4-4-16 UUID in its little-endian layout, and the
four event tables (values, texts, daytimers, weather).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
import struct
import uuid as uuid_module

LOXONE_EPOCH = datetime(2009, 1, 1, tzinfo=UTC)
"""Token lifetimes and weather timestamps count seconds from this instant."""

ESTIMATED_FLAG_MSB = 0x80
"""The estimated bit as the official JS client reads it ("1st bit" = most significant)."""


class Identifier(IntEnum):
    """Second header byte: what kind of message follows."""

    TEXT = 0
    BINARY_FILE = 1
    VALUE_TABLE = 2
    TEXT_TABLE = 3
    DAYTIMER_TABLE = 4
    OUT_OF_SERVICE = 5
    KEEPALIVE = 6
    WEATHER_TABLE = 7


@dataclass(frozen=True, slots=True)
class DaytimerEntry:
    """One daytimer entry: mode, minutes since midnight from/to, needs-activation flag and value."""

    mode: int
    start: int
    end: int
    need_activate: int
    value: float


@dataclass(frozen=True, slots=True)
class WeatherEntry:
    """One weather entry (68 bytes on the wire); timestamps count seconds since 2009 UTC."""

    timestamp: int
    weather_type: int
    wind_direction: int
    solar_radiation: int
    relative_humidity: int
    temperature: float
    perceived_temperature: float
    dew_point: float
    precipitation: float
    wind_speed: float
    barometric_pressure: float


_HEADER = struct.Struct("<BBBBI")
_VALUE_EVENT = struct.Struct("<16sd")
_TEXT_EVENT_HEAD = struct.Struct("<16s16sI")
_DAYTIMER_HEAD = struct.Struct("<16sdi")
_DAYTIMER_ENTRY = struct.Struct("<iiiid")
_WEATHER_HEAD = struct.Struct("<16sIi")
_WEATHER_ENTRY = struct.Struct("<iiiiidddddd")


def loxone_seconds(moment: datetime | None = None) -> int:
    """Seconds since 2009-01-01 UTC for ``moment`` (now when omitted)."""
    current = moment if moment is not None else datetime.now(UTC)
    return int((current - LOXONE_EPOCH).total_seconds())


def uuid_to_bytes(text: str) -> bytes:
    """Encode an 8-4-4-16 UUID string as the Miniserver's 16 bytes (Data1-3 little endian)."""
    plain = text.replace("-", "")
    if len(plain) != 32:
        raise ValueError(f"not a Loxone UUID: {text!r}")
    return uuid_module.UUID(hex=plain).bytes_le


def uuid_from_bytes(raw: bytes) -> str:
    """Decode 16 wire bytes into the structure file's 8-4-4-16 string form."""
    value = uuid_module.UUID(bytes_le=raw).hex
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:]}"


def header(
    identifier: Identifier, length: int, *, estimated: bool = False, flag: int = ESTIMATED_FLAG_MSB
) -> bytes:
    """Build the 8-byte message header (0x03, identifier, info flags, reserved, uint32 length)."""
    return _HEADER.pack(0x03, int(identifier), flag if estimated else 0, 0, length)


def value_table(events: list[tuple[str, float]]) -> bytes:
    """Value-state table: 24 bytes per event (UUID + little-endian double)."""
    return b"".join(_VALUE_EVENT.pack(uuid_to_bytes(uuid), value) for uuid, value in events)


def text_table(events: list[tuple[str, str, str]]) -> bytes:
    """Text-state table: UUID, icon UUID, uint32 byte length, UTF-8 text padded to 4 bytes."""
    parts: list[bytes] = []
    for uuid, icon, text in events:
        encoded = text.encode("utf-8")
        padding = (-len(encoded)) % 4
        parts.append(_TEXT_EVENT_HEAD.pack(uuid_to_bytes(uuid), uuid_to_bytes(icon), len(encoded)))
        parts.append(encoded + b"\0" * padding)
    return b"".join(parts)


def daytimer_table(events: list[tuple[str, float, list[DaytimerEntry]]]) -> bytes:
    """Daytimer table: UUID, default value, int32 count, then 24-byte entries."""
    parts: list[bytes] = []
    for uuid, default, entries in events:
        parts.append(_DAYTIMER_HEAD.pack(uuid_to_bytes(uuid), default, len(entries)))
        parts.extend(
            _DAYTIMER_ENTRY.pack(
                entry.mode, entry.start, entry.end, entry.need_activate, entry.value
            )
            for entry in entries
        )
    return b"".join(parts)


def weather_table(events: list[tuple[str, int, list[WeatherEntry]]]) -> bytes:
    """Weather table: UUID, uint32 last update, int32 count, then 68-byte entries."""
    parts: list[bytes] = []
    for uuid, last_update, entries in events:
        parts.append(_WEATHER_HEAD.pack(uuid_to_bytes(uuid), last_update, len(entries)))
        parts.extend(
            _WEATHER_ENTRY.pack(
                entry.timestamp,
                entry.weather_type,
                entry.wind_direction,
                entry.solar_radiation,
                entry.relative_humidity,
                entry.temperature,
                entry.perceived_temperature,
                entry.dew_point,
                entry.precipitation,
                entry.wind_speed,
                entry.barometric_pressure,
            )
            for entry in entries
        )
    return b"".join(parts)


ZERO_UUID = "00000000-0000-0000-0000000000000000"
"""Icon UUID sent with text states that have no icon."""
