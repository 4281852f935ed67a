"""Decoders for the four event tables (value, text, daytimer, weather) as the seed lays them out.

Every decoder returns the events it could read completely, keyed by the raw 16-byte UUID, and at
most one problem description for the rest of the table. They never raise: a truncated or malformed
table costs its broken tail, never the connection. The value table is the hot path (thousands of
events at connect time), so it is decoded with one `struct.iter_unpack` pass and no per-event
string formatting.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

_VALUE_EVENT = struct.Struct("<16sd")
_TEXT_HEAD = struct.Struct("<16s16sI")
_DAYTIMER_HEAD = struct.Struct("<16sdi")
_DAYTIMER_ENTRY = struct.Struct("<iiiid")
_WEATHER_HEAD = struct.Struct("<16sIi")
_WEATHER_ENTRY = struct.Struct("<iiiiidddddd")

#: Builds a NamedTuple from a ready tuple without its Python-level `__new__` (hot loops only).
_new_tuple = tuple.__new__

VALUE_EVENT_SIZE = _VALUE_EVENT.size  # 24
DAYTIMER_ENTRY_SIZE = _DAYTIMER_ENTRY.size  # 24
WEATHER_ENTRY_SIZE = _WEATHER_ENTRY.size  # 68


class TextState(NamedTuple):
    """A text state and the icon UUID the "Status" control shows with it."""

    text: str
    icon: bytes


class DaytimerEntry(NamedTuple):
    """One daytimer entry: mode, from/to in minutes since midnight, trigger flag, value."""

    mode: int
    start: int
    end: int
    need_activate: int
    value: float


class DaytimerState(NamedTuple):
    """A daytimer's default value and its entries."""

    default_value: float
    entries: tuple[DaytimerEntry, ...]


class WeatherEntry(NamedTuple):
    """One forecast entry of the weather service."""

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


class WeatherState(NamedTuple):
    """The weather service's last update time (seconds since 2009) and its entries."""

    last_update: int
    entries: tuple[WeatherEntry, ...]


type StateValue = float | TextState | DaytimerState | WeatherState


class DecodedTable[T](NamedTuple):
    """The complete events of a table and, if the table was damaged, what was wrong."""

    events: list[tuple[bytes, T]]
    problem: str | None


def decode_value_table(payload: bytes) -> DecodedTable[float]:
    """Decode a value table: 24-byte events of UUID + little-endian double."""
    size = len(payload)
    lost = size % VALUE_EVENT_SIZE
    if not lost:
        return DecodedTable(list(_VALUE_EVENT.iter_unpack(payload)), None)
    usable = size - lost
    events = list(_VALUE_EVENT.iter_unpack(memoryview(payload)[:usable]))
    return DecodedTable(
        events, f"value table of {size} bytes is not a multiple of 24; {lost} bytes lost"
    )


class TextColumns(NamedTuple):
    """A decoded text table as two columns (UUIDs, states), and what was wrong if damaged."""

    uuids: list[bytes]
    states: list[TextState]
    problem: str | None


def decode_text_table(payload: bytes) -> DecodedTable[TextState]:
    """Decode a text table: UUID, icon UUID, length, UTF-8 text padded to 4 bytes."""
    uuids, states, problem = decode_text_columns(payload, {})
    return DecodedTable(list(zip(uuids, states, strict=True)), problem)


def decode_text_columns(payload: bytes, cache: dict[bytes, StateValue]) -> TextColumns:
    """Decode a text table into columns, storing each state into `cache` as it is read.

    The client passes its state cache (no second pass over the table to fill it);
    `decode_text_table` pairs the columns.

    The loop is kept to the bare per-event work (one unpack, one slice and decode, one state, one
    store, two appends, no pair): it runs once per text state at connect time. A table ending
    inside an event head makes the unpack raise, which is cheaper than checking the room left
    before every event.
    """
    uuids: list[bytes] = []
    states: list[TextState] = []
    add_uuid = uuids.append
    add_state = states.append
    unpack_head = _TEXT_HEAD.unpack_from
    size = len(payload)
    offset = 0
    try:
        while offset < size:
            uuid, icon, length = unpack_head(payload, offset)
            end = offset + 36 + length  # the head is 36 bytes
            if end > size:
                return TextColumns(
                    uuids,
                    states,
                    f"text event at byte {offset} declares {length} bytes; the table is short",
                )
            cache[uuid] = state = _new_tuple(
                TextState, (payload[end - length : end].decode("utf-8", "replace"), icon)
            )
            add_uuid(uuid)
            add_state(state)
            offset = (end + 3) & -4  # events start 4-aligned and the head is 36 bytes: pad to 4
    except struct.error:
        return TextColumns(uuids, states, f"text table ends inside an event at byte {offset}")
    return TextColumns(uuids, states, None)


def decode_daytimer_table(payload: bytes) -> DecodedTable[DaytimerState]:
    """Decode a daytimer table: UUID, default value, entry count, 24-byte entries."""
    events: list[tuple[bytes, DaytimerState]] = []
    size = len(payload)
    offset = 0
    while offset < size:
        if size - offset < _DAYTIMER_HEAD.size:
            return DecodedTable(events, f"daytimer table ends inside an event at byte {offset}")
        uuid, default, count = _DAYTIMER_HEAD.unpack_from(payload, offset)
        start = offset + _DAYTIMER_HEAD.size
        end = start + count * DAYTIMER_ENTRY_SIZE
        if count < 0 or end > size:
            return DecodedTable(
                events, f"daytimer event at byte {offset} declares {count} entries; not there"
            )
        entries = tuple(
            DaytimerEntry._make(fields)
            for fields in _DAYTIMER_ENTRY.iter_unpack(memoryview(payload)[start:end])
        )
        events.append((uuid, DaytimerState(default, entries)))
        offset = end
    return DecodedTable(events, None)


def decode_weather_table(payload: bytes) -> DecodedTable[WeatherState]:
    """Decode a weather table: UUID, last update, entry count, 68-byte entries."""
    events: list[tuple[bytes, WeatherState]] = []
    size = len(payload)
    offset = 0
    while offset < size:
        if size - offset < _WEATHER_HEAD.size:
            return DecodedTable(events, f"weather table ends inside an event at byte {offset}")
        uuid, last_update, count = _WEATHER_HEAD.unpack_from(payload, offset)
        start = offset + _WEATHER_HEAD.size
        end = start + count * WEATHER_ENTRY_SIZE
        if count < 0 or end > size:
            return DecodedTable(
                events, f"weather event at byte {offset} declares {count} entries; not there"
            )
        entries = tuple(
            WeatherEntry._make(fields)
            for fields in _WEATHER_ENTRY.iter_unpack(memoryview(payload)[start:end])
        )
        events.append((uuid, WeatherState(last_update, entries)))
        offset = end
    return DecodedTable(events, None)
