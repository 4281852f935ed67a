"""Loxone value events inside a real Home Assistant: throughput, latency and fan-out flatness.

Each phase starts a fresh Home Assistant core (temporary config dir, real registries, real state
machine and event bus, the integration loaded from `custom_components/`), adds a Miniserver
simulator serving N `InfoOnlyAnalog` controls through the real config flow, and pushes value
events with `MiniserverSimulator.set_value` over the real WebSocket on loopback:

* paced: 1 000 events/s (5 000 events), latency from just before `set_value` (which queues the
  frame for the simulator's writer at once) to the `state_changed` event of that entity;
* burst: events as fast as the loop takes them, in windows of 200 in flight, for the maximum rate
  and the CPU time per event (best of 3 runs of 10 000);
* dispatch: one-event value tables fed straight into the client's table handler (no socket, no
  simulator): decode, subscriber lookup, entity callback, `async_write_ha_state`, bus.

Fan-out flatness: callbacks per event (subscribers of the changed state, `state_changed` events
per `set_value`: both must be exactly 1) and the per-event cost, with 100 and with 5 000 entities
in the same run (each entity count gets its own Home Assistant and event loop). "Hot set of 100"
dispatches to only 100 of the 5 000 entities: it separates work that grows with the entity count
from the cost of touching a larger working set (CPU caches) when every event hits another entity.

Home Assistant, the client and the simulator share one event loop (one core), so latency and CPU
figures include the simulator's own work per event (a one-event table, two WebSocket frames).
The only stand-in is the DNS resolver: aiohttp's plain one instead of zeroconf's.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
import gc
import logging
import math
import os
from pathlib import Path
import statistics
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
from homeassistant.setup import async_setup_component

import custom_components
from custom_components.hubrelay.const import CONF_USE_TLS, CONF_VERIFY_TLS, DOMAIN
from custom_components.hubrelay.loxone.coordinator import LoxoneCoordinator
from custom_components.hubrelay.protocols.loxone import uuid_to_bytes
from custom_components.hubrelay.protocols.loxone.frames import MessageType
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
    dispatch_hot_ns: float = 0.0


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
    coordinator: LoxoneCoordinator, tracker: Tracker, source: ValueSource
) -> tuple[float, int, int]:
    """Best ns/event of one-event value tables handed to the client's table handler."""
    client = coordinator.client
    handle: Callable[[MessageType, bytes], None] = client._on_table
    best = float("inf")
    changes = 0
    sent = 0
    for _ in range(DISPATCH_REPEATS):
        tables = [value_table([source.next()]) for _ in range(DISPATCH_EVENTS)]
        tracker.reset()
        start = time.perf_counter_ns()
        for table in tables:
            handle(MessageType.VALUE_TABLE, table)
        elapsed = time.perf_counter_ns() - start
        best = min(best, elapsed / DISPATCH_EVENTS)
        changes += tracker.changes
        sent += DISPATCH_EVENTS
    return best, changes, sent


async def run_phase(count: int) -> PhaseResult:
    """Home Assistant + a simulator with `count` analog controls: paced, burst and dispatch runs."""
    with tempfile.TemporaryDirectory(prefix="bench-loxone-ha-") as tmp:
        setup_start = time.perf_counter()
        hass = await start_home_assistant(Path(tmp))
        simulator = MiniserverSimulator(
            structure=analog_structure(count), initial_states=analog_initial_states(count)
        )
        await simulator.start()
        try:
            entry_id = await add_miniserver(hass, simulator)
            setup_s = time.perf_counter() - setup_start
            entry = hass.config_entries.async_get_known_entry(entry_id)
            coordinator: LoxoneCoordinator = entry.runtime_data
            tracker = Tracker(bench_entities(hass, entry_id, count))
            subscribers = coordinator.client._subscribers
            per_state = statistics.fmean(
                len(subscribers.get(uuid_to_bytes(uuid), ()))
                for uuid in tracker.uuid_by_entity.values()
            )
            remove = hass.bus.async_listen(EVENT_STATE_CHANGED, tracker.on_state_changed)
            source = ValueSource(count)
            result = PhaseResult(count, setup_s, per_state)
            gc.collect()
            gc.freeze()
            try:
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
                if count > FANOUT_SMALL:
                    hot = ValueSource(FANOUT_SMALL)
                    result.dispatch_hot_ns = run_dispatch(coordinator, tracker, hot)[0]
            finally:
                gc.unfreeze()
                remove()
            await hass.config_entries.async_unload(entry_id)
            await hass.async_block_till_done()
        finally:
            await simulator.stop()
            await hass.async_stop()
    return result


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


def report(phases: list[PhaseResult]) -> None:
    """Print the table and the verdicts."""
    by_count = {phase.entities: phase for phase in phases}
    small, main, large = by_count[FANOUT_SMALL], by_count[MAIN_ENTITIES], by_count[FANOUT_LARGE]
    print(
        f"real Home Assistant core, Miniserver simulator on loopback (same event loop), "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print(
        "setup (hass start + config flow + entities): "
        + ", ".join(f"{p.entities} in {p.setup_s:.1f} s" for p in phases)
    )
    print(
        f"\npaced at {PACED_RATE:.0f} events/s, {PACED_EVENTS} events "
        f"(after {WARMUP_EVENTS} warm-up)"
    )
    print(f"  {'entities':32}" + "".join(f"{p.entities:>10}" for p in phases))
    latency = {p.entities: Latency.of(p.paced) for p in phases if p.paced is not None}
    paced = {p.entities: p.paced for p in phases if p.paced is not None}
    bursts = {p.entities: p.burst for p in phases if p.burst is not None}
    rows: list[tuple[str, Callable[[int], float], str]] = [
        ("achieved rate (events/s)", lambda n: paced[n].rate, "10.0f"),
        ("latency p50 (ms)", lambda n: latency[n].p50, "10.3f"),
        ("latency p99 (ms)", lambda n: latency[n].p99, "10.3f"),
        ("latency max (ms)", lambda n: latency[n].worst, "10.3f"),
        ("latency mean (ms)", lambda n: latency[n].mean, "10.3f"),
        ("state_changed per set_value", lambda n: paced[n].state_changes / paced[n].sent, "10.3f"),
    ]
    for label, value, spec in rows:
        print(f"  {label:32}" + "".join(format(value(p.entities), spec) for p in phases))
    print(
        f"\nburst: {BURST_EVENTS} events, {BURST_WINDOW} in flight at a time, "
        f"best of {BURST_REPEATS} (by CPU per event)"
    )
    rows = [
        ("max rate (events/s)", lambda n: bursts[n].rate, "10.0f"),
        ("CPU per event (us)", lambda n: bursts[n].cpu_ns_per_event / 1e3, "10.1f"),
        ("wall per event (us)", lambda n: bursts[n].wall_ns_per_event / 1e3, "10.1f"),
        (
            "state_changed per set_value",
            lambda n: bursts[n].state_changes / bursts[n].sent,
            "10.3f",
        ),
    ]
    for label, value, spec in rows:
        print(f"  {label:32}" + "".join(format(value(p.entities), spec) for p in phases))
    print(
        f"\ndispatch only: one-event tables into the client's handler, best of {DISPATCH_REPEATS}"
    )
    print(f"  {'per event (us)':32}" + "".join(f"{p.dispatch_ns / 1e3:10.1f}" for p in phases))
    print(
        f"  {'same, hot set of 100 (us)':32}"
        + "".join(
            f"{p.dispatch_hot_ns / 1e3:10.1f}" if p.dispatch_hot_ns else f"{'-':>10}"
            for p in phases
        )
    )
    print(
        f"  {'subscribers per changed state':32}"
        + "".join(f"{p.subscribers_per_state:10.3f}" for p in phases)
    )
    print(
        f"  {'state_changed per table':32}"
        + "".join(f"{p.dispatch_changes / p.dispatch_sent:10.3f}" for p in phases)
    )

    callbacks = large.subscribers_per_state / small.subscribers_per_state
    assert small.burst is not None
    assert large.burst is not None
    cpu_ratio = large.burst.cpu_ns_per_event / small.burst.cpu_ns_per_event
    mean_ratio = latency[FANOUT_LARGE].mean / latency[FANOUT_SMALL].mean
    dispatch_ratio = large.dispatch_ns / small.dispatch_ns
    hot_ratio = large.dispatch_hot_ns / small.dispatch_ns
    print(f"\nfan-out, {FANOUT_LARGE} / {FANOUT_SMALL} entities (target <= {TARGET_FANOUT})")
    print(f"  callbacks per event              {callbacks:8.2f}x")
    print(f"  end-to-end CPU per event (burst) {cpu_ratio:8.2f}x")
    print(f"  mean latency at {PACED_RATE:.0f}/s           {mean_ratio:8.2f}x")
    print(f"  dispatch only                    {dispatch_ratio:8.2f}x")
    print(f"  dispatch only, hot set of 100    {hot_ratio:8.2f}x")

    main_latency = latency[MAIN_ENTITIES]
    assert main.paced is not None
    exact = all(
        p.dispatch_changes == p.dispatch_sent
        and p.subscribers_per_state == 1.0
        and p.paced is not None
        and p.paced.state_changes == p.paced.sent
        and p.burst is not None
        and p.burst.state_changes == p.burst.sent
        for p in phases
    )
    print()
    print(
        f"  {verdict(main_latency.p99 < TARGET_P99_MS)}  {MAIN_ENTITIES} entities: p99 "
        f"{main_latency.p99:.3f} ms < {TARGET_P99_MS:.0f} ms at {main.paced.rate:.0f} events/s"
    )
    print(
        f"  {verdict(callbacks <= TARGET_FANOUT and exact)}  fan-out, callbacks per event "
        f"{callbacks:.2f} <= {TARGET_FANOUT} (exactly 1 subscriber, 1 state_changed per event)"
    )
    print(
        f"  {verdict(cpu_ratio <= TARGET_FANOUT)}  fan-out, end-to-end CPU per event "
        f"{cpu_ratio:.2f} <= {TARGET_FANOUT}"
    )
    print(
        f"  {verdict(dispatch_ratio <= TARGET_FANOUT)}  fan-out, dispatch-only cost per event "
        f"{dispatch_ratio:.2f} <= {TARGET_FANOUT}"
    )


def main() -> None:
    """One Home Assistant (and event loop) per entity count: 100, 2 000, 5 000; then the report."""
    logging.basicConfig(level=logging.WARNING)
    # Expected chatter: the "custom integration not tested" notice, the simulator's weak password.
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("custom_components.hubrelay.protocols.loxone.client").setLevel(logging.ERROR)
    phases = []
    for count in (FANOUT_SMALL, MAIN_ENTITIES, FANOUT_LARGE):
        phases.append(asyncio.run(run_phase(count)))
        gc.collect()
    report(phases)


if __name__ == "__main__":
    main()
