"""The four event tables, decoded exactly as the seed's structs lay them out."""

from __future__ import annotations

import math
import struct

from hypothesis import given, strategies as st

from custom_components.hubrelay.protocols.loxone.events import (
    DaytimerEntry,
    DaytimerState,
    TextState,
    WeatherEntry,
    WeatherState,
    decode_daytimer_table,
    decode_text_table,
    decode_value_table,
    decode_weather_table,
)

# -- encoders written from the seed, independently of the decoders --------------------------------


def value_event(uuid: bytes, value: float) -> bytes:
    return uuid + struct.pack("<d", value)


def text_event(uuid: bytes, icon: bytes, text: bytes) -> bytes:
    padding = b"\xee" * ((4 - len(text) % 4) % 4)  # padding bytes are to be ignored, any value
    return uuid + icon + len(text).to_bytes(4, "little") + text + padding


def daytimer_event(
    uuid: bytes, default: float, entries: list[tuple[int, int, int, int, float]]
) -> bytes:
    out = uuid + struct.pack("<d", default) + len(entries).to_bytes(4, "little", signed=True)
    for mode, start, end, need, value in entries:
        out += b"".join(n.to_bytes(4, "little", signed=True) for n in (mode, start, end, need))
        out += struct.pack("<d", value)
    return out


def weather_event(
    uuid: bytes, last_update: int, entries: list[tuple[int, ...]], floats: list[tuple[float, ...]]
) -> bytes:
    out = uuid + last_update.to_bytes(4, "little") + len(entries).to_bytes(4, "little", signed=True)
    for ints, doubles in zip(entries, floats, strict=True):
        out += b"".join(n.to_bytes(4, "little", signed=True) for n in ints)
        out += b"".join(struct.pack("<d", d) for d in doubles)
    return out


uuids = st.binary(min_size=16, max_size=16)
doubles = st.floats(allow_nan=False)
int32 = st.integers(-(2**31), 2**31 - 1)


def same_float(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


# -- value table ----------------------------------------------------------------------------------

OPERATING_MODE = bytes.fromhex(
    "649a860f00029b0affffd4c75dbaf53c"
)  # 0f869a64-0200-0a9b-ffffd4c75dbaf53c


def test_value_event_known_bytes() -> None:
    payload = OPERATING_MODE + bytes.fromhex("0000000000001440")  # 5.0 as a little-endian double
    assert decode_value_table(payload) == ([(OPERATING_MODE, 5.0)], None)


@given(st.lists(st.tuples(uuids, st.floats()), max_size=50))
def test_value_table_round_trip(events: list[tuple[bytes, float]]) -> None:
    decoded, problem = decode_value_table(b"".join(value_event(u, v) for u, v in events))
    assert problem is None
    assert [u for u, _ in decoded] == [u for u, _ in events]
    assert all(same_float(a, b) for (_, a), (_, b) in zip(decoded, events, strict=True))


@given(st.lists(st.tuples(uuids, doubles), min_size=1, max_size=10), st.integers(1, 23))
def test_truncated_value_table_keeps_complete_events(
    events: list[tuple[bytes, float]], cut: int
) -> None:
    payload = b"".join(value_event(u, v) for u, v in events)[:-cut]
    decoded, problem = decode_value_table(payload)
    assert decoded == events[:-1]
    assert problem is not None
    assert "not a multiple of 24" in problem


# -- text table -----------------------------------------------------------------------------------


def test_text_events_with_odd_even_and_empty_texts() -> None:
    a, b, c, icon = (bytes([n]) * 16 for n in (1, 2, 3, 9))
    payload = text_event(a, icon, b"[") + text_event(b, icon, b"[]") + text_event(c, icon, b"")
    decoded, problem = decode_text_table(payload)
    assert problem is None
    assert decoded == [
        (a, TextState("[", icon)),
        (b, TextState("[]", icon)),
        (c, TextState("", icon)),
    ]


def test_text_event_with_invalid_utf8_is_replaced_not_dropped() -> None:
    decoded, problem = decode_text_table(text_event(b"\x01" * 16, b"\x00" * 16, b"ok\xff"))
    assert problem is None
    assert decoded[0][1].text == "ok\ufffd"


@given(st.lists(st.tuples(uuids, uuids, st.text(max_size=40)), max_size=20))
def test_text_table_round_trip(events: list[tuple[bytes, bytes, str]]) -> None:
    payload = b"".join(text_event(u, i, t.encode()) for u, i, t in events)
    decoded, problem = decode_text_table(payload)
    assert problem is None
    assert decoded == [(u, TextState(t, i)) for u, i, t in events]


def test_text_event_declaring_more_than_the_table_holds() -> None:
    # Like a captured Tracker log whose declared length runs past the end of the table.
    first = text_event(b"\x01" * 16, b"\x00" * 16, b"kept")
    broken = b"\x02" * 16 + b"\x00" * 16 + (2175).to_bytes(4, "little") + b"x" * 1683
    decoded, problem = decode_text_table(first + broken)
    assert decoded == [(b"\x01" * 16, TextState("kept", b"\x00" * 16))]
    assert problem is not None
    assert "2175" in problem


def test_text_table_ending_inside_an_event_head() -> None:
    decoded, problem = decode_text_table(
        text_event(b"\x01" * 16, b"\x00" * 16, b"abcd") + b"\x05" * 20
    )
    assert len(decoded) == 1
    assert problem is not None
    assert "ends inside an event" in problem


# -- daytimer table -------------------------------------------------------------------------------

daytimer_entries = st.lists(st.tuples(int32, int32, int32, int32, doubles), max_size=5)


@given(st.lists(st.tuples(uuids, doubles, daytimer_entries), max_size=8))
def test_daytimer_table_round_trip(
    events: list[tuple[bytes, float, list[tuple[int, int, int, int, float]]]],
) -> None:
    payload = b"".join(daytimer_event(u, d, e) for u, d, e in events)
    decoded, problem = decode_daytimer_table(payload)
    assert problem is None
    assert decoded == [
        (u, DaytimerState(d, tuple(DaytimerEntry(*entry) for entry in e))) for u, d, e in events
    ]


def test_daytimer_entry_is_24_bytes() -> None:
    payload = daytimer_event(b"\x07" * 16, 21.0, [(1, 360, 1320, 0, 22.5), (2, 0, 1440, 1, 0.0)])
    assert len(payload) == 16 + 8 + 4 + 2 * 24
    ((_uuid, state),), _ = decode_daytimer_table(payload)
    assert state.entries[0] == DaytimerEntry(
        mode=1, start=360, end=1320, need_activate=0, value=22.5
    )


def test_daytimer_with_negative_or_excessive_count_stops_there() -> None:
    good = daytimer_event(b"\x01" * 16, 1.0, [])
    negative = b"\x02" * 16 + struct.pack("<d", 0.0) + (-1).to_bytes(4, "little", signed=True)
    decoded, problem = decode_daytimer_table(good + negative)
    assert decoded == [(b"\x01" * 16, DaytimerState(1.0, ()))]
    assert problem is not None
    assert "-1 entries" in problem
    huge = b"\x03" * 16 + struct.pack("<d", 0.0) + (2**31 - 1).to_bytes(4, "little")
    decoded, problem = decode_daytimer_table(good + huge)
    assert len(decoded) == 1
    assert problem is not None


def test_daytimer_table_ending_inside_an_event_head() -> None:
    decoded, problem = decode_daytimer_table(b"\x01" * 27)
    assert decoded == []
    assert problem is not None


# -- weather table --------------------------------------------------------------------------------

weather_ints = st.tuples(int32, int32, int32, int32, int32)
weather_doubles = st.tuples(*(doubles,) * 6)


@given(
    st.lists(
        st.tuples(
            uuids,
            st.integers(0, 2**32 - 1),
            st.lists(st.tuples(weather_ints, weather_doubles), max_size=4),
        ),
        max_size=5,
    )
)
def test_weather_table_round_trip(
    events: list[tuple[bytes, int, list[tuple[tuple[int, ...], tuple[float, ...]]]]],
) -> None:
    payload = b"".join(
        weather_event(u, t, [i for i, _ in e], [d for _, d in e]) for u, t, e in events
    )
    decoded, problem = decode_weather_table(payload)
    assert problem is None
    assert decoded == [
        (u, WeatherState(t, tuple(WeatherEntry(*i, *d) for i, d in e))) for u, t, e in events
    ]


def test_weather_entry_is_68_bytes_in_seed_order() -> None:
    ints = (567000000, 3, 270, 450, 81)
    floats = (12.5, 10.0, 4.5, 0.2, 14.0, 1013.0)
    payload = weather_event(b"\x0a" * 16, 566999000, [ints], [floats])
    assert len(payload) == 16 + 4 + 4 + 68
    ((_, state),), problem = decode_weather_table(payload)
    assert problem is None
    entry = state.entries[0]
    assert (entry.timestamp, entry.weather_type, entry.wind_direction) == (567000000, 3, 270)
    assert (entry.solar_radiation, entry.relative_humidity) == (450, 81)
    assert (entry.temperature, entry.perceived_temperature, entry.dew_point) == (12.5, 10.0, 4.5)
    assert (entry.precipitation, entry.wind_speed, entry.barometric_pressure) == (0.2, 14.0, 1013.0)


def test_weather_event_with_missing_entries() -> None:
    payload = weather_event(b"\x0a" * 16, 1, [(1, 2, 3, 4, 5)], [(1.0,) * 6])[:-10]
    decoded, problem = decode_weather_table(payload)
    assert decoded == []
    assert problem is not None
    assert "1 entries" in problem


def test_weather_table_ending_inside_an_event_head() -> None:
    decoded, problem = decode_weather_table(b"\x01" * 10)
    assert decoded == []
    assert problem is not None


# -- robustness -----------------------------------------------------------------------------------


@given(st.binary(max_size=400))
def test_random_bytes_never_raise(payload: bytes) -> None:
    for decode in (
        decode_value_table,
        decode_text_table,
        decode_daytimer_table,
        decode_weather_table,
    ):
        events, problem = decode(payload)
        assert isinstance(events, list)
        assert problem is None or isinstance(problem, str)
