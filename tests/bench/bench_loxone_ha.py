"""Loxone value events inside a real Home Assistant: throughput, latency, our share, fan-out.

Each part starts a fresh Home Assistant core (temporary config dir, real registries, real state
machine and event bus, the integration loaded from `custom_components/`), adds Miniserver
simulators serving N `InfoOnlyAnalog` controls through the real config flow, and pushes value
events with `MiniserverSimulator.set_value` over the real WebSocket on loopback.

Main part, 2 000 entities:

* share: one-event value tables as WebSocket frames into the connection's frame handler, with the
  real `async_write_ha_state` and with it stubbed on the entities, interleaved rounds of thread
  CPU time: our part of an event that changes one entity (see `run_share`);
* paced: 1 000 events/s (5 000 events), latency from just before `set_value` (which queues the
  frame for the simulator's writer at once) to the `state_changed` event of that entity;
* burst: events as fast as the loop takes them, in windows of 200 in flight, for the maximum rate
  and the CPU time per event (best of 3 runs of 10 000);
* dispatch: one-event value tables fed straight into the client's table handler (no socket, no
  simulator): decode, subscriber lookup, entity callback, `async_write_ha_state`, bus.

Fan-out part: ONE Home Assistant with two Miniservers, 100 and 5 000 entities, measured in
interleaved rounds (small, large, then large, small, ...): the checks are the exact counts
(subscribers per changed state and `state_changed` events per event: exactly 1 each), and the CPU
ratios large / small (burst and dispatch) are figures, the median of the per-round ratios with
their lowest and highest, so a busy machine moves the figures but cannot fail the bench. Both
entries share one state machine, so the ratios show what grows with the entity count in our
code and in the working set, not in Home Assistant's own registries. "Hot set of 100" dispatches
to only 100 of the 5 000 entities: it separates work that grows with the entity count from the
cost of touching a larger working set (CPU caches) when every event hits another entity.

Home Assistant, the client and the simulator share one event loop (one core), so latency and CPU
figures include the simulator's own work per event (a one-event table, two WebSocket frames).
The only stand-in is the DNS resolver: aiohttp's plain one instead of zeroconf's.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
import gc
import logging
import math
import os
from pathlib import Path
import statistics
import struct
import sys
import tempfile
import time
from typing import Any, cast

from aiohttp import ThreadedResolver
from homeassistant import loader
from homeassistant.bootstrap import async_load_base_functionality
from homeassistant.config_entries import SOURCE_USER, ConfigEntries
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    EVENT_STATE_CHANGED,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import aiohttp_client, entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_component import DATA_INSTANCES
from homeassistant.setup import async_setup_component

import custom_components
from custom_components.hubrelay.const import CONF_USE_TLS, CONF_VERIFY_TLS, DOMAIN
from custom_components.hubrelay.loxone.coordinator import LoxoneCoordinator
from custom_components.hubrelay.protocols.loxone import uuid_to_bytes
from custom_components.hubrelay.protocols.loxone.frames import MessageType
from tests.bench.figures import (
    Spread,
    cpu_ns,
    interleaved,
    ratios,
    stubbed_state_writes,
)
from tests.bench.loxone_structures import analog_initial_states, analog_structure, analog_uuid
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_codec import value_table

MAIN_ENTITIES = 2_000
FANOUT_SMALL = 100
FANOUT_LARGE = 5_000
PACED_RATE = 1_000.0
PACED_EVENTS = 5_000
BURST_EVENTS = 10_000
BURST_WINDOW = 200
BURST_REPEATS = 3
DISPATCH_EVENTS = 20_000
DISPATCH_REPEATS = 5
WARMUP_EVENTS = 500
FANOUT_ROUNDS = 6
FANOUT_BURST_EVENTS = 4_000
FANOUT_DISPATCH_EVENTS = 10_000
SERIALS = {
    FANOUT_SMALL: "504F94A0B100",
    MAIN_ENTITIES: "504F94A0B1C2",
    FANOUT_LARGE: "504F94A0B500",
}
SHARE_EVENTS = 2_000
SHARE_ROUNDS = 12
TARGET_SHARE = 0.10
TARGET_P99_MS = 5.0
TARGET_FANOUT = 1.2
SETTLE_TIMEOUT = 10.0


@dataclass(slots=True)
class Paced:
    """Latencies of a paced run."""

    latencies_ns: list[int]
    rate: float
    state_changes: int
    sent: int


@dataclass(slots=True)
class Burst:
    """A run as fast as possible."""

    rate: float
    cpu_ns_per_event: float
    wall_ns_per_event: float
    state_changes: int
    sent: int


@dataclass(slots=True)
class PhaseResult:
    """Everything measured with one entity count."""

    entities: int
    setup_s: float
    subscribers_per_state: float
    paced: Paced | None = None
    burst: Burst | None = None
    dispatch_ns: float = 0.0
    dispatch_changes: int = 0
    dispatch_sent: int = 0
    share: Share | None = None


@dataclass(slots=True)
class Share:
    """Our part of a one-event value table, frame to state write: stubbed write vs real one."""

    real_ns: Spread
    stubbed_ns: Spread
    share: Spread
    writes_per_event: float


@dataclass(slots=True)
class Tracker:
    """Matches `state_changed` events to the `set_value` that caused them."""

    uuid_by_entity: dict[str, str]
    sent_at: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    latencies_ns: list[int] = field(default_factory=list)
    changes: int = 0
    stray: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    waiting_for: int = 0

    @callback
    def on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        """Record the latency of a bench entity's new state (a plain callback, no task)."""
        now = time.perf_counter_ns()
        uuid = self.uuid_by_entity.get(event.data["entity_id"])
        if uuid is None:
            return
        self.changes += 1
        if self.changes >= self.waiting_for:
            self.arrived.set()
        if pending := self.sent_at.get(uuid):
            self.latencies_ns.append(now - pending.popleft())
        else:
            self.stray += 1

    def reset(self) -> None:
        """Forget the previous run."""
        self.sent_at.clear()
        self.latencies_ns = []
        self.changes = 0
        self.stray = 0
        self.arrived.clear()

    async def wait_for(self, count: int) -> None:
        """Wait until `count` state changes of this run were seen (or give up after a while)."""
        self.waiting_for = count
        if self.changes >= count:
            return
        self.arrived.clear()
        try:
            async with asyncio.timeout(SETTLE_TIMEOUT):
                while self.changes < count:
                    await self.arrived.wait()
                    self.arrived.clear()
        except TimeoutError:
            print(f"  !! only {self.changes} of {count} state changes arrived")


class ValueSource:
    """A new value for every event, so that every event really changes its entity."""

    def __init__(self, count: int) -> None:
        """Cycle over the first `count` controls."""
        self.uuids = [analog_uuid(index) for index in range(count)]
        self.sequence = 0

    def next(self) -> tuple[str, float]:
        """The next (state UUID, value): round robin over the controls, value never repeated."""
        self.sequence += 1
        uuid = self.uuids[self.sequence % len(self.uuids)]
        return uuid, 20.0 + self.sequence * 0.001


# -- Home Assistant --------------------------------------------------------------------------------
async def start_home_assistant(config_dir: Path) -> HomeAssistant:
    """A real Home Assistant core on `config_dir`, started, with the integration set up."""
    (config_dir / "custom_components").symlink_to(Path(custom_components.__path__[0]))
    hass = HomeAssistant(str(config_dir))
    hass.config.skip_pip = True
    loader.async_setup(hass)
    # The only stand-in: aiohttp's plain resolver instead of zeroconf's mDNS-aware one (which
    # needs the network integration and multicast sockets); the simulator is an IP literal anyway.
    hass.data[aiohttp_client.DATA_RESOLVER] = cast(Any, ThreadedResolver())
    hass.config_entries = ConfigEntries(hass, {})
    if not await async_load_base_functionality(hass):
        raise SystemExit("Home Assistant's registries did not load")
    await async_process_ha_core_config(hass, {"time_zone": "UTC", "unit_system": "metric"})
    await hass.async_start()
    if not await async_setup_component(hass, DOMAIN, {}):
        raise SystemExit("the integration did not set up")
    return hass


async def add_miniserver(hass: HomeAssistant, simulator: MiniserverSimulator) -> str:
    """Add the simulator through the config flow (as tests/components/loxone does); entry id."""
    flow = hass.config_entries.flow
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "loxone"})
    result = await flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_USE_TLS: False,
            CONF_VERIFY_TLS: True,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: "admin",
        },
    )
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise SystemExit(f"the config flow did not create an entry: {result}")
    await hass.async_block_till_done()
    entry_id: str = result["result"].entry_id
    return entry_id


def bench_entities(hass: HomeAssistant, entry_id: str, count: int) -> dict[str, str]:
    """Entity id -> value state UUID of the `count` analog sensors of the entry."""
    registry = er.async_get(hass)
    by_uuid = {
        entry.unique_id.partition("_")[2]: entry.entity_id
        for entry in er.async_entries_for_config_entry(registry, entry_id)
    }
    found: dict[str, str] = {}
    for index in range(count):
        uuid = analog_uuid(index)
        if (entity_id := by_uuid.get(uuid)) is None:
            raise SystemExit(f"no entity for control {index}")
        found[entity_id] = uuid
    return found


# -- runs ------------------------------------------------------------------------------------------
async def run_paced(
    simulator: MiniserverSimulator, tracker: Tracker, source: ValueSource, events: int
) -> Paced:
    """`events` events at PACED_RATE: a due event is sent at once, late ones catch up."""
    tracker.reset()
    interval_ns = int(1e9 / PACED_RATE)
    start = time.perf_counter_ns()
    for index in range(events):
        due = start + index * interval_ns
        now = time.perf_counter_ns()
        if due > now:
            await asyncio.sleep((due - now) / 1e9)
        uuid, value = source.next()
        tracker.sent_at[uuid].append(time.perf_counter_ns())
        simulator.set_value(uuid, value)
    last_sent = time.perf_counter_ns()
    await tracker.wait_for(events)
    return Paced(
        latencies_ns=tracker.latencies_ns,
        rate=events / ((last_sent - start) / 1e9) if events > 1 else 0.0,
        state_changes=tracker.changes,
        sent=events,
    )


async def run_burst(
    simulator: MiniserverSimulator, tracker: Tracker, source: ValueSource, events: int
) -> Burst:
    """Send windows of BURST_WINDOW events back to back, each after the previous one landed."""
    tracker.reset()
    wall_start = time.perf_counter_ns()
    cpu_start = time.process_time_ns()
    sent = 0
    while sent < events:
        window = min(BURST_WINDOW, events - sent)
        for _ in range(window):
            uuid, value = source.next()
            tracker.sent_at[uuid].append(time.perf_counter_ns())
            simulator.set_value(uuid, value)
        sent += window
        await tracker.wait_for(sent)
    wall = time.perf_counter_ns() - wall_start
    cpu = time.process_time_ns() - cpu_start
    return Burst(
        rate=events / (wall / 1e9),
        cpu_ns_per_event=cpu / events,
        wall_ns_per_event=wall / events,
        state_changes=tracker.changes,
        sent=events,
    )


def run_dispatch(
    coordinator: LoxoneCoordinator,
    tracker: Tracker,
    source: ValueSource,
    *,
    repeats: int = DISPATCH_REPEATS,
    events: int = DISPATCH_EVENTS,
) -> tuple[float, int, int]:
    """Best CPU ns/event of one-event value tables handed to the client's table handler."""
    client = coordinator.client
    handle: Callable[[MessageType, bytes], None] = client._on_table
    best = float("inf")
    changes = 0
    sent = 0

    def feed(tables: list[bytes]) -> None:
        for table in tables:
            handle(MessageType.VALUE_TABLE, table)

    for _ in range(repeats):
        tables = [value_table([source.next()]) for _ in range(events)]
        tracker.reset()
        best = min(best, cpu_ns(partial(feed, tables)) / events)
        changes += tracker.changes
        sent += events
    return best, changes, sent


def value_frames(source: ValueSource, count: int) -> list[tuple[bytes, bytes]]:
    """`count` (header, payload) WebSocket frame pairs of one-event value tables."""
    header = struct.pack("<BBBBI", 3, MessageType.VALUE_TABLE, 0, 0, 24)
    return [(header, value_table([source.next()])) for _ in range(count)]


def run_share(
    hass: HomeAssistant, coordinator: LoxoneCoordinator, entity_ids: list[str], source: ValueSource
) -> Share:
    """CPU per event from the WebSocket frames on, with the real and with a stubbed state write.

    Both variants feed the same kind of frames into the connection's frame handler (as its
    reader does) in interleaved rounds; the stubbed one replaces `async_write_ha_state` on the
    entity instances by a counter, so what remains is ours: frame handling, decoding, the state
    cache, the subscriber lookup and the entity's callback. No `state_changed` listener runs.
    """
    connection = coordinator.client._connection
    if connection is None:
        raise SystemExit("the Miniserver is not connected")
    receive = connection._receive
    component = hass.data[DATA_INSTANCES]["sensor"]
    entities = [cast(Entity, component.get_entity(entity_id)) for entity_id in entity_ids]
    writes: list[int] = []

    def feed(frames: list[tuple[bytes, bytes]]) -> None:
        for header, payload in frames:
            receive(header)
            receive(payload)

    def real() -> float:
        frames = value_frames(source, SHARE_EVENTS)
        return cpu_ns(lambda: feed(frames)) / SHARE_EVENTS / 1e3

    def stubbed() -> float:
        frames = value_frames(source, SHARE_EVENTS)
        with stubbed_state_writes(entities) as counter:
            elapsed = cpu_ns(lambda: feed(frames))
        writes.append(counter.calls)
        return elapsed / SHARE_EVENTS / 1e3

    interleaved({"real": real, "stubbed": stubbed}, 2)  # warm-up
    writes.clear()
    runs = interleaved({"real": real, "stubbed": stubbed}, SHARE_ROUNDS)
    return Share(
        real_ns=Spread.of(runs["real"]),
        stubbed_ns=Spread.of(runs["stubbed"]),
        share=ratios(runs["stubbed"], runs["real"]),
        writes_per_event=sum(writes) / (SHARE_EVENTS * len(writes)),
    )


async def run_main() -> PhaseResult:
    """Home Assistant + a simulator with 2 000 analog controls: share, paced, burst, dispatch."""
    count = MAIN_ENTITIES
    with tempfile.TemporaryDirectory(prefix="bench-loxone-ha-") as tmp:
        setup_start = time.perf_counter()
        hass = await start_home_assistant(Path(tmp))
        simulator = MiniserverSimulator(
            structure=analog_structure(count, serial=SERIALS[count]),
            initial_states=analog_initial_states(count),
            serial=SERIALS[count],
        )
        await simulator.start()
        try:
            entry_id = await add_miniserver(hass, simulator)
            setup_s = time.perf_counter() - setup_start
            entry = hass.config_entries.async_get_known_entry(entry_id)
            coordinator: LoxoneCoordinator = entry.runtime_data
            tracker = Tracker(bench_entities(hass, entry_id, count))
            source = ValueSource(count)
            result = PhaseResult(count, setup_s, subscribers_per_state(coordinator, tracker))
            gc.collect()
            gc.freeze()
            remove = None
            try:
                result.share = run_share(hass, coordinator, list(tracker.uuid_by_entity), source)
                remove = hass.bus.async_listen(EVENT_STATE_CHANGED, tracker.on_state_changed)
                await run_paced(simulator, tracker, source, WARMUP_EVENTS)
                result.paced = await run_paced(simulator, tracker, source, PACED_EVENTS)
                bursts = [
                    await run_burst(simulator, tracker, source, BURST_EVENTS)
                    for _ in range(BURST_REPEATS)
                ]
                result.burst = min(bursts, key=lambda run: run.cpu_ns_per_event)
                result.burst.state_changes = sum(run.state_changes for run in bursts)
                result.burst.sent = sum(run.sent for run in bursts)
                result.dispatch_ns, result.dispatch_changes, result.dispatch_sent = run_dispatch(
                    coordinator, tracker, source
                )
            finally:
                gc.unfreeze()
                if remove is not None:
                    remove()
            await hass.config_entries.async_unload(entry_id)
            await hass.async_block_till_done()
        finally:
            await simulator.stop()
            await hass.async_stop()
    return result


def subscribers_per_state(coordinator: LoxoneCoordinator, tracker: Tracker) -> float:
    """Mean number of subscribers of the bench controls' value states."""
    subscribers = coordinator.client._subscribers
    return statistics.fmean(
        len(subscribers.get(uuid_to_bytes(uuid), ())) for uuid in tracker.uuid_by_entity.values()
    )


@dataclass(slots=True)
class Side:
    """One Miniserver of the fan-out part."""

    count: int
    simulator: MiniserverSimulator
    coordinator: LoxoneCoordinator
    tracker: Tracker
    source: ValueSource
    subscribers_per_state: float
    burst_ns: list[float] = field(default_factory=list)
    dispatch_ns: list[float] = field(default_factory=list)
    hot_ns: list[float] = field(default_factory=list)
    sent: int = 0
    changes: int = 0


@dataclass(slots=True)
class FanOut:
    """The fan-out part: both sides' per-round figures."""

    small: Side
    large: Side
    setup_s: float


async def run_fanout() -> FanOut:
    """One Home Assistant, Miniservers of 100 and 5 000 controls, interleaved rounds."""
    with tempfile.TemporaryDirectory(prefix="bench-loxone-ha-fanout-") as tmp:
        setup_start = time.perf_counter()
        hass = await start_home_assistant(Path(tmp))
        simulators = {
            count: MiniserverSimulator(
                structure=analog_structure(count, serial=SERIALS[count]),
                initial_states=analog_initial_states(count),
                serial=SERIALS[count],
            )
            for count in (FANOUT_SMALL, FANOUT_LARGE)
        }
        for simulator in simulators.values():
            await simulator.start()
        entry_ids: list[str] = []
        removes: list[Callable[[], None]] = []
        try:
            sides: dict[int, Side] = {}
            for count, simulator in simulators.items():
                entry_id = await add_miniserver(hass, simulator)
                entry_ids.append(entry_id)
                coordinator: LoxoneCoordinator = hass.config_entries.async_get_known_entry(
                    entry_id
                ).runtime_data
                tracker = Tracker(bench_entities(hass, entry_id, count))
                sides[count] = Side(
                    count,
                    simulator,
                    coordinator,
                    tracker,
                    ValueSource(count),
                    subscribers_per_state(coordinator, tracker),
                )
            setup_s = time.perf_counter() - setup_start
            removes = [
                hass.bus.async_listen(EVENT_STATE_CHANGED, side.tracker.on_state_changed)
                for side in sides.values()
            ]
            gc.collect()
            gc.freeze()
            try:
                for side in sides.values():
                    await run_burst(side.simulator, side.tracker, side.source, WARMUP_EVENTS)
                hot = ValueSource(FANOUT_SMALL)
                for index in range(FANOUT_ROUNDS):
                    order = (FANOUT_SMALL, FANOUT_LARGE)
                    for count in order if index % 2 == 0 else reversed(order):
                        side = sides[count]
                        burst = await run_burst(
                            side.simulator, side.tracker, side.source, FANOUT_BURST_EVENTS
                        )
                        side.burst_ns.append(burst.cpu_ns_per_event)
                        side.sent += burst.sent
                        side.changes += burst.state_changes
                        dispatch, changes, sent = run_dispatch(
                            side.coordinator,
                            side.tracker,
                            side.source,
                            repeats=1,
                            events=FANOUT_DISPATCH_EVENTS,
                        )
                        side.dispatch_ns.append(dispatch)
                        side.sent += sent
                        side.changes += changes
                        if count == FANOUT_LARGE:
                            hot_ns, changes, sent = run_dispatch(
                                side.coordinator,
                                side.tracker,
                                hot,
                                repeats=1,
                                events=FANOUT_DISPATCH_EVENTS,
                            )
                            side.hot_ns.append(hot_ns)
                            side.sent += sent
                            side.changes += changes
            finally:
                gc.unfreeze()
            for entry_id in entry_ids:
                await hass.config_entries.async_unload(entry_id)
            await hass.async_block_till_done()
        finally:
            for remove in removes:
                remove()
            for simulator in simulators.values():
                await simulator.stop()
            await hass.async_stop()
    return FanOut(sides[FANOUT_SMALL], sides[FANOUT_LARGE], setup_s)


# -- report ----------------------------------------------------------------------------------------
def percentile(sorted_values: list[int], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, math.ceil(fraction * len(sorted_values)) - 1))
    return float(sorted_values[rank])


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


@dataclass(slots=True)
class Latency:
    """Summary of a paced run's latencies, in milliseconds."""

    p50: float
    p99: float
    worst: float
    mean: float

    @classmethod
    def of(cls, paced: Paced) -> Latency:
        """Summarise."""
        values = sorted(paced.latencies_ns)
        if not values:
            return cls(math.nan, math.nan, math.nan, math.nan)
        return cls(
            percentile(values, 0.50) / 1e6,
            percentile(values, 0.99) / 1e6,
            values[-1] / 1e6,
            statistics.fmean(values) / 1e6,
        )


def report(main: PhaseResult, fanout: FanOut) -> None:
    """Print the figures and the checks."""
    print(
        f"real Home Assistant core, Miniserver simulator on loopback (same event loop), "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print(
        f"setup (hass start + config flow + entities): {main.entities} in {main.setup_s:.1f} s; "
        f"{FANOUT_SMALL} + {FANOUT_LARGE} in {fanout.setup_s:.1f} s"
    )
    assert main.paced is not None
    assert main.burst is not None
    latency = Latency.of(main.paced)
    paced, burst = main.paced, main.burst
    print(
        f"\n{main.entities} entities, paced at {PACED_RATE:.0f} events/s, {PACED_EVENTS} events "
        f"(after {WARMUP_EVENTS} warm-up)"
    )
    print(f"  achieved rate                    {paced.rate:10.0f} events/s")
    print(
        f"  latency p50 / p99 / max / mean   {latency.p50:.3f} / {latency.p99:.3f} / "
        f"{latency.worst:.3f} / {latency.mean:.3f} ms"
    )
    print(f"  state_changed per set_value      {paced.state_changes / paced.sent:10.3f}")
    print(
        f"burst: {BURST_EVENTS} events, {BURST_WINDOW} in flight, best of {BURST_REPEATS} "
        "(by CPU per event)"
    )
    print(f"  max rate                         {burst.rate:10.0f} events/s")
    print(
        f"  CPU / wall per event             {burst.cpu_ns_per_event / 1e3:10.1f} / "
        f"{burst.wall_ns_per_event / 1e3:.1f} us"
    )
    print(f"  state_changed per set_value      {burst.state_changes / burst.sent:10.3f}")
    print(f"dispatch only: one-event tables into the client's handler, best of {DISPATCH_REPEATS}")
    print(f"  CPU per event                    {main.dispatch_ns / 1e3:10.1f} us")
    print(f"  state_changed per table          {main.dispatch_changes / main.dispatch_sent:10.3f}")

    share = main.share
    assert share is not None
    print(
        f"\nour share of a one-event value table, {MAIN_ENTITIES} entities: WebSocket frames "
        f"in, state written; interleaved rounds of {SHARE_EVENTS} events, thread CPU time, "
        "median (lowest-highest)"
    )
    print(f"  real state write (us/event)      {share.real_ns.format('.2f')}")
    print(
        f"  write stubbed (us/event)         {share.stubbed_ns.format('.2f')}"
        f"  [{share.writes_per_event:.3f} stubbed writes per event]"
    )
    print(f"  our share                        {share.share.format('.1%')}")

    small, large = fanout.small, fanout.large
    burst_ratio = ratios(large.burst_ns, small.burst_ns)
    dispatch_ratio = ratios(large.dispatch_ns, small.dispatch_ns)
    hot_ratio = ratios(large.hot_ns, small.dispatch_ns)
    callbacks = large.subscribers_per_state / small.subscribers_per_state
    print(
        f"\nfan-out, {FANOUT_LARGE} / {FANOUT_SMALL} entities in one Home Assistant, "
        f"{FANOUT_ROUNDS} interleaved rounds, median (lowest-highest)"
    )
    for label, a, b in (
        ("CPU per event, burst (us)", small.burst_ns, large.burst_ns),
        ("CPU per event, dispatch (us)", small.dispatch_ns, large.dispatch_ns),
    ):
        print(
            f"  {label:32} {small.count}: {Spread.of(n / 1e3 for n in a).format('.1f')}; "
            f"{large.count}: {Spread.of(n / 1e3 for n in b).format('.1f')}"
        )
    print(f"  callbacks per event              {callbacks:8.2f}x")
    print(f"  end-to-end CPU per event (burst) {burst_ratio.format('.2f', 'x')}")
    print(f"  dispatch only                    {dispatch_ratio.format('.2f', 'x')}")
    print(f"  dispatch only, hot set of 100    {hot_ratio.format('.2f', 'x')}")

    exact = (
        main.dispatch_changes == main.dispatch_sent
        and main.subscribers_per_state == 1.0
        and paced.state_changes == paced.sent
        and burst.state_changes == burst.sent
        and share.writes_per_event == 1.0
        and all(
            side.subscribers_per_state == 1.0 and side.changes == side.sent
            for side in (small, large)
        )
    )
    print()
    print(
        f"  {verdict(callbacks <= TARGET_FANOUT and exact)}  fan-out, callbacks per event "
        f"{callbacks:.2f} <= {TARGET_FANOUT}; exactly 1 subscriber and 1 state_changed per event "
        "in every run"
    )
    print(
        f"  {verdict(latency.p99 < TARGET_P99_MS)}  {MAIN_ENTITIES} entities: p99 "
        f"{latency.p99:.3f} ms < {TARGET_P99_MS:.0f} ms at {paced.rate:.0f} events/s"
    )
    print(
        f"  figure  our share of a value event {share.share.median:.1%} "
        f"(target <= {TARGET_SHARE:.0%}: {share.share.median <= TARGET_SHARE})"
    )
    print(
        f"  figure  fan-out, end-to-end CPU per event {burst_ratio.median:.2f}x, dispatch only "
        f"{dispatch_ratio.median:.2f}x (target <= {TARGET_FANOUT}: "
        f"{max(burst_ratio.median, dispatch_ratio.median) <= TARGET_FANOUT})"
    )


def main() -> None:
    """The main part (2 000 entities), then the fan-out part (100 + 5 000); then the report."""
    logging.basicConfig(level=logging.WARNING)
    # Expected chatter: the "custom integration not tested" notice, the simulator's weak password.
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("custom_components.hubrelay.protocols.loxone.client").setLevel(logging.ERROR)
    main_part = asyncio.run(run_main())
    gc.collect()
    fanout = asyncio.run(run_fanout())
    report(main_part, fanout)


if __name__ == "__main__":
    main()
