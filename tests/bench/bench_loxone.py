"""Value-table decoding: the client's decoder against a naive per-event decoder, same run.

The naive decoder is what a straightforward port of the protocol does for every event: build a
`uuid.UUID`, format its text form, unpack the double. The client keys states by the raw 16 bytes
and decodes the whole table in one `struct.iter_unpack` pass.
"""

from __future__ import annotations

from collections.abc import Callable
import random
import struct
import time
import uuid

from custom_components.hubrelay.protocols.loxone.events import decode_value_table
from custom_components.hubrelay.protocols.loxone.uuids import uuid_to_bytes

EVENTS = 10_000
REPEATS = 30
TARGET_NS = 100.0
TARGET_RATIO = 25.0


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


if __name__ == "__main__":
    main()
