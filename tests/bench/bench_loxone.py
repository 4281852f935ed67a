"""Event-table decoding: the client against a naive decoder and against CPython's floor.

The naive decoder is what a straightforward port of the protocol does for every event: build a
`uuid.UUID`, format its text form, unpack the double. The client keys states by the raw 16 bytes
and decodes the whole table in one `struct.iter_unpack` pass.

The floor is the least CPython can do with a value table: `dict(struct.iter_unpack('<16sd', t))`.
The client's table handler (decode, keep only the states the structure names, update the state
cache) is measured against it in interleaved rounds of thread CPU time, for a value table of
10 000 states into a warm cache (the steady state) and into an empty one (the first table after
connecting), and a text table of the same states per byte. Ratios: median (lowest-highest).
"""

from __future__ import annotations

from collections.abc import Callable
import random
import struct
import time
from typing import Any, cast
import uuid

from yarl import URL

from custom_components.hubrelay.protocols.loxone import Endpoint, LoxoneStructure, MiniserverClient
from custom_components.hubrelay.protocols.loxone.events import decode_value_table
from custom_components.hubrelay.protocols.loxone.frames import MessageType
from custom_components.hubrelay.protocols.loxone.uuids import uuid_to_bytes
from tests.bench.figures import cpu_ns, interleaved, ratios
from tests.bench.loxone_structures import analog_structure, analog_uuid
from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver_codec import text_table, value_table

EVENTS = 10_000
REPEATS = 30
TARGET_NS = 100.0
TARGET_RATIO = 25.0
FLOOR_ROUNDS = 40
TARGET_FLOOR = 1.0
TARGET_TEXT_PER_BYTE = 3.0
#: Text states as Loxone controls send them: empty, on/off words, values with units, status
#: lines, small JSON documents.
TEXTS = (
    "",
    "Aus",
    "Ein",
    "21.5°C",
    "Automatik",
    "Fenster offen",
    "Anwesenheit erkannt",
    '{"mode":2,"until":"2026-01-15 10:20"}',
)


def build_table(count: int, seed: int = 2009) -> bytes:
    """A value table of `count` events with random UUIDs and values."""
    rng = random.Random(seed)
    return b"".join(
        rng.randbytes(16) + struct.pack("<d", rng.uniform(-1000.0, 1000.0)) for _ in range(count)
    )


def naive_decode(payload: bytes) -> list[tuple[str, float]]:
    """Per event: uuid.UUID from the little-endian bytes, 8-4-4-16 text, struct.unpack."""
    events: list[tuple[str, float]] = []
    for offset in range(0, len(payload), 24):
        event_uuid = uuid.UUID(bytes_le=payload[offset : offset + 16])
        fields = event_uuid.urn.replace("urn:uuid:", "").split("-")
        text = f"{fields[0]}-{fields[1]}-{fields[2]}-{fields[3]}{fields[4]}"
        events.append((text, struct.unpack("<d", payload[offset + 16 : offset + 24])[0]))
    return events


def client_decode(payload: bytes) -> list[tuple[bytes, float]]:
    """The client's decoder: events keyed by the raw 16 UUID bytes."""
    return decode_value_table(payload).events


def naive_cached(payload: bytes) -> dict[str, float]:
    """Naive decoding into a fresh state cache keyed by UUID text."""
    return dict(naive_decode(payload))


def client_cached(payload: bytes) -> dict[bytes, float]:
    """The client's table handling minus dispatch: decode into a fresh cache by raw UUID."""
    states: dict[bytes, float] = {}
    states.update(decode_value_table(payload).events)
    return states


def best_ns(function: Callable[[bytes], object], payload: bytes) -> int:
    """Fastest of `REPEATS` runs, in nanoseconds."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        function(payload)
        timings.append(time.perf_counter_ns() - start)
    return min(timings)


def bench_client(count: int) -> MiniserverClient:
    """A client (never connected) holding a structure of `count` analog controls."""
    structure = LoxoneStructure.from_json(analog_structure(count))
    return MiniserverClient(
        cast(Any, None),
        Endpoint(URL("http://127.0.0.1")),
        username="bench",
        client_uuid="bench",
        structure=structure,
    )


def floor_figures() -> None:
    """The client's table handler against CPython's floor, interleaved rounds."""
    rng = random.Random(2026)
    values = value_table([(analog_uuid(i), rng.uniform(-50.0, 50.0)) for i in range(EVENTS)])
    texts = text_table(
        [
            (uid(f"bench.analog.{i}.error"), uid("bench.icon"), TEXTS[i % len(TEXTS)])
            for i in range(EVENTS)
        ]
    )
    client = bench_client(EVENTS)
    client._on_table(MessageType.VALUE_TABLE, values)
    client._on_table(MessageType.TEXT_TABLE, texts)
    if len(client.states) != 2 * EVENTS:
        raise SystemExit(f"the client cached {len(client.states)} states, not {2 * EVENTS}")
    handle = client._on_table
    unpack = struct.Struct("<16sd").iter_unpack

    def floor() -> float:
        return cpu_ns(lambda: dict(unpack(values))) / EVENTS

    def warm() -> float:
        return cpu_ns(lambda: handle(MessageType.VALUE_TABLE, values)) / EVENTS

    def cold() -> float:
        fresh = bench_client(EVENTS)
        return cpu_ns(lambda: fresh._on_table(MessageType.VALUE_TABLE, values)) / EVENTS

    def text() -> float:
        return cpu_ns(lambda: handle(MessageType.TEXT_TABLE, texts)) / EVENTS

    runs = interleaved({"floor": floor, "warm": warm, "cold": cold, "text": text}, FLOOR_ROUNDS)
    per_byte = len(texts) / len(values)  # text bytes per value-table byte
    warm_ratio = ratios(runs["warm"], runs["floor"])
    cold_ratio = ratios(runs["cold"], runs["floor"])
    text_ratio = ratios([t / per_byte for t in runs["text"]], runs["floor"])
    floor_ns = min(runs["floor"])
    print(
        f"\nthe client's table handler against dict(struct.iter_unpack('<16sd', table)), "
        f"{EVENTS} states, {FLOOR_ROUNDS} interleaved rounds, thread CPU time"
    )
    print(f"  floor                           {floor_ns:8.1f} ns/event (fastest round)")
    print(
        f"  value table, warm cache         {min(runs['warm']):8.1f} ns/event, "
        f"{warm_ratio.format('.2f', 'x')} of the floor (target <= {TARGET_FLOOR:.1f}x)"
    )
    print(
        f"  value table, empty cache        {min(runs['cold']):8.1f} ns/event, "
        f"{cold_ratio.format('.2f', 'x')} of the floor"
    )
    print(
        f"  text table ({len(texts) / EVENTS:.1f} bytes/event)   "
        f"{min(runs['text']):8.1f} ns/event, per byte "
        f"{text_ratio.format('.2f', 'x')} of the floor's (target <= {TARGET_TEXT_PER_BYTE:.0f}x)"
    )
    print(
        f"  within target (median)          value {warm_ratio.median <= TARGET_FLOOR}, "
        f"text {text_ratio.median <= TARGET_TEXT_PER_BYTE}"
    )


def main() -> None:
    """Print ns/event of both decoders and their ratio for a 10 000-event table."""
    payload = build_table(EVENTS)
    if [(uuid_to_bytes(text), value) for text, value in naive_decode(payload)] != client_decode(
        payload
    ):
        raise SystemExit("the decoders disagree")
    ours_ns = best_ns(client_decode, payload) / EVENTS
    naive_ns = best_ns(naive_decode, payload) / EVENTS
    ours_cached_ns = best_ns(client_cached, payload) / EVENTS
    naive_cached_ns = best_ns(naive_cached, payload) / EVENTS
    print(f"value table, {EVENTS} events, best of {REPEATS} runs")
    print(f"  decoder, raw UUID keys (ours)   {ours_ns:8.1f} ns/event (target <= {TARGET_NS:.0f})")
    print(f"  decoder, uuid.UUID + str        {naive_ns:8.1f} ns/event")
    ratio = naive_ns / ours_ns
    print(f"  decoder speed-up                {ratio:8.1f}x (target >= {TARGET_RATIO:.0f}x)")
    print(f"  decode into a fresh state cache {ours_cached_ns:8.1f} ns/event (ours)")
    print(f"  decode into a fresh state cache {naive_cached_ns:8.1f} ns/event (naive)")
    print(f"  speed-up with the cache         {naive_cached_ns / ours_cached_ns:8.1f}x")
    floor_figures()


if __name__ == "__main__":
    main()
