"""Vera long-poll changes inside a real Home Assistant: latency and fan-out flatness.

Each phase starts a fresh Home Assistant core (as `bench_loxone_ha` does) and a Vera luup
simulator with N temperature sensors, adds the Vera by its local URL through the real config flow,
and changes sensors with `VeraLuupSimulator.set_device`: the held ``lu_sdata`` long poll answers
with the changed devices over HTTP on loopback, the session merges them, the coordinator calls the
subscribers of those devices only, and each entity writes its new state.

* paced: 500 changes/s round robin, latency from just before `set_device` to the entity's
  `state_changed` event, with ``minimumdelay`` 0 (our pipeline alone);
* engine: the same at 20 changes/s with the session's production timings: the luup engine then
  holds each answer ``minimumdelay`` = 200 ms to coalesce changes (pyvera uses the same value),
  which is the floor of what a user sees;
* burst: 100 changes in flight (distinct devices), for the CPU time per change.

Fan-out flatness: subscribers per changed device and `state_changed` events per change (both must
be exactly 1), and the CPU per change with 100 and with 1 000 devices in the same run. The
simulator, the session and Home Assistant share one event loop, so the figures include the
simulator's work (it scans its devices for each answer).

Our share: one-device ``lu_sdata`` answers (as the simulator words them) taken the way the
session takes a long-poll answer (parse, merge into the cache, notify the device's subscribers;
the HTTP request itself is aiohttp's), with the real state write and with `async_write_ha_state`
stubbed on the entities, in interleaved rounds of thread CPU time (see `figures`). The CPU ratio
between the device counts is a figure (median and spread), not a check; the counts are exact.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from dataclasses import dataclass, field
import gc
import json
import logging
import os
from pathlib import Path
import statistics
import sys
import tempfile
import time
from typing import Any, cast

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_component import DATA_INSTANCES

from custom_components.hubrelay.const import CONF_URL, DOMAIN
from custom_components.hubrelay.protocols.vera import VeraTimings
from custom_components.hubrelay.protocols.vera.responses import parse_sdata
from custom_components.hubrelay.protocols.vera.state import StateChange
from custom_components.hubrelay.vera import coordinator as coordinator_vera
from custom_components.hubrelay.vera.coordinator import VeraCoordinator
from tests.bench.bench_loxone_ha import percentile, start_home_assistant, verdict
from tests.bench.figures import Spread, cpu_ns, interleaved, ratios, stubbed_state_writes
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import HouseData

SMALL = 100
LARGE = 1_000
PACED_RATE = 500.0
PACED_EVENTS = 2_000
WARMUP_EVENTS = 200
ENGINE_RATE = 20.0
ENGINE_EVENTS = 100
BURST_EVENTS = 4_000
BURST_WINDOW = 100  # at most one change per device in flight (no coalescing)
TARGET_P99_MS = 20.0
TARGET_ENGINE_P99_MS = 300.0
TARGET_FANOUT = 1.5
TARGET_SHARE = 0.10
SHARE_EVENTS = 1_000
SHARE_ROUNDS = 10
BENCH = VeraTimings(request_timeout=10.0, poll_timeout=30.0, minimum_delay=0.0)


@dataclass(slots=True)
class Tracker:
    """Matches `state_changed` events to the device change that caused them."""

    device_by_entity: dict[str, int]
    sent_at: dict[int, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    latencies_ns: list[int] = field(default_factory=list)
    changes: int = 0

    @callback
    def on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        """Record the latency of a bench entity's new state."""
        now = time.perf_counter_ns()
        device_id = self.device_by_entity.get(event.data["entity_id"])
        if device_id is None:
            return
        self.changes += 1
        if pending := self.sent_at.get(device_id):
            self.latencies_ns.append(now - pending.popleft())

    async def settle(self, expected: int) -> None:
        """Wait (10 s at most) until `expected` state changes arrived."""
        async with asyncio.timeout(10.0):
            while self.changes < expected:
                await asyncio.sleep(0.001)

    def reset(self) -> None:
        """Forget what was measured so far."""
        self.latencies_ns, self.changes = [], 0
        self.sent_at.clear()


@dataclass(slots=True)
class Phase:
    """What one device count measured."""

    devices: int
    subscribers_per_device: float
    latencies_ns: list[int]
    paced_changes: int
    engine_latencies_ns: list[int]
    cpu_ns_per_update: float
    burst_changes: int
    share: Share


@dataclass(slots=True)
class Share:
    """Our part of a long-poll answer, text to state write: stubbed write vs real one."""

    real_us: Spread
    stubbed_us: Spread
    share: Spread
    writes_per_change: float


def poll_answers(
    house: HouseData, devices: list[int], loadtime: int, start: int, count: int
) -> list[str]:
    """`count` one-device ``lu_sdata`` answers, round robin, every temperature new."""
    answers = []
    for sequence in range(start, start + count):
        record: dict[str, Any] = dict(house.devices[devices[sequence % len(devices)]])
        record["temperature"] = f"{21.0 + sequence * 0.01:.2f}"
        answer = {
            "full": 0,
            "loadtime": loadtime,
            "dataversion": sequence,
            "state": -1,
            "comment": "",
            "mode": 1,
            "devices": [record],
        }
        answers.append(json.dumps(answer))
    return answers


def run_share(
    hass: HomeAssistant,
    coordinator: VeraCoordinator,
    house: HouseData,
    entity_ids: list[str],
    start: int,
) -> Share:
    """CPU per long-poll answer from its text on, real and stubbed state write, interleaved."""
    session = coordinator.session
    state = session._state
    notify = session._notify
    loadtime = state.loadtime or 0
    devices = sorted(house.devices)
    component = hass.data[DATA_INSTANCES]["sensor"]
    entities = [cast(Entity, component.get_entity(entity_id)) for entity_id in entity_ids]
    writes: list[int] = []
    sequence = start

    def answers() -> list[str]:
        nonlocal sequence
        sequence += SHARE_EVENTS
        return poll_answers(house, devices, loadtime, sequence, SHARE_EVENTS)

    def feed(batch: list[str]) -> None:
        for text in batch:  # what `_poll_once` does with an answer of sensors
            change = state.merge(parse_sdata(text))
            notify(StateChange(change.devices, change.structure, change.scenes))

    def real() -> float:
        batch = answers()
        return cpu_ns(lambda: feed(batch)) / SHARE_EVENTS / 1e3

    def stubbed() -> float:
        batch = answers()
        with stubbed_state_writes(entities) as counter:
            elapsed = cpu_ns(lambda: feed(batch))
        writes.append(counter.calls)
        return elapsed / SHARE_EVENTS / 1e3

    interleaved({"real": real, "stubbed": stubbed}, 2)
    writes.clear()
    runs = interleaved({"real": real, "stubbed": stubbed}, SHARE_ROUNDS)
    return Share(
        Spread.of(runs["real"]),
        Spread.of(runs["stubbed"]),
        ratios(runs["stubbed"], runs["real"]),
        sum(writes) / (SHARE_EVENTS * len(writes)),
    )


def bench_house(count: int) -> HouseData:
    """A Vera with `count` temperature sensors (ids 100…)."""
    devices = {
        100 + index: {
            "name": f"Sensor {index}",
            "altid": str(index),
            "id": 100 + index,
            "category": 17,
            "subcategory": 0,
            "room": 0,
            "parent": 1,
            "temperature": "20.0",
            "state": -1,
            "comment": "",
        }
        for index in range(count)
    }
    return HouseData(
        serial="50001000",
        model="Bench Vera",
        firmware="1.7.5186",
        temperature_unit="C",
        devices=devices,
        rooms=[],
        scenes={},
        categories=[{"name": "Temperature Sensor", "id": 17}],
    )


async def add_vera(hass: HomeAssistant, address: str) -> str:
    """Add the Vera through the config flow by its local address; the entry id."""
    flow = hass.config_entries.flow
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "vera"})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "vera_local"})
    result = await flow.async_configure(result["flow_id"], {CONF_URL: address})
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise SystemExit(f"the config flow did not create an entry: {result}")
    await hass.async_block_till_done()
    entry_id: str = result["result"].entry_id
    return entry_id


async def run_paced(
    hub: VeraLuupSimulator,
    tracker: Tracker,
    devices: list[int],
    events: int,
    start: int,
    rate: float,
) -> None:
    """`events` changes at `rate`, round robin over the devices, every value new."""
    expected = tracker.changes + events
    began = time.perf_counter()
    for sequence in range(start, start + events):
        due = began + (sequence - start) / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        device_id = devices[sequence % len(devices)]
        tracker.sent_at[device_id].append(time.perf_counter_ns())
        hub.set_device(device_id, temperature=f"{21.0 + sequence * 0.01:.2f}")
    await tracker.settle(expected)


async def run_burst(
    hub: VeraLuupSimulator, tracker: Tracker, devices: list[int], start: int
) -> float:
    """BURST_EVENTS changes, BURST_WINDOW in flight (distinct devices); CPU ns per change."""
    cpu = time.process_time_ns()
    for first in range(start, start + BURST_EVENTS, BURST_WINDOW):
        expected = tracker.changes + BURST_WINDOW
        for sequence in range(first, first + BURST_WINDOW):
            device_id = devices[sequence % len(devices)]
            hub.set_device(device_id, temperature=f"{21.0 + sequence * 0.01:.2f}")
        await tracker.settle(expected)
    return (time.process_time_ns() - cpu) / BURST_EVENTS


async def run_phase(count: int) -> Phase:
    """Home Assistant and a Vera with `count` sensors: paced, engine and burst runs."""
    house = bench_house(count)
    devices = sorted(house.devices)
    with tempfile.TemporaryDirectory(prefix="bench-vera-") as tmp:
        hass = await start_home_assistant(Path(tmp))
        async with VeraLuupSimulator(house) as hub:
            coordinator_vera.TIMINGS = BENCH
            entry_id = await add_vera(hass, f"127.0.0.1:{hub.port}")
            entry = hass.config_entries.async_get_known_entry(entry_id)
            coordinator = entry.runtime_data
            assert isinstance(coordinator, VeraCoordinator)
            registry = er.async_get(hass)
            by_entity = {
                e.entity_id: int(e.unique_id.split("_")[1])
                for e in er.async_entries_for_config_entry(registry, entry_id)
            }
            subscribers = coordinator.session._subscribers
            per_device = statistics.fmean(len(subscribers.get(d, ())) for d in devices)
            tracker = Tracker(by_entity)
            sensors = [entity_id for entity_id in by_entity if entity_id.startswith("sensor.")]
            share = run_share(hass, coordinator, house, sensors, 10_000_000)
            remove = hass.bus.async_listen(EVENT_STATE_CHANGED, tracker.on_state_changed)
            gc.collect()
            gc.freeze()
            try:
                await run_paced(hub, tracker, devices, WARMUP_EVENTS, 0, PACED_RATE)
                tracker.reset()
                await run_paced(hub, tracker, devices, PACED_EVENTS, WARMUP_EVENTS, PACED_RATE)
                latencies, paced_changes = tracker.latencies_ns, tracker.changes
                tracker.reset()
                start = WARMUP_EVENTS + PACED_EVENTS
                cpu = await run_burst(hub, tracker, devices, start)
                burst_changes = tracker.changes
                # The production timings: the engine holds each answer 200 ms.
                coordinator.session.timings = VeraTimings()
                tracker.reset()
                start += BURST_EVENTS
                await run_paced(hub, tracker, devices, ENGINE_EVENTS, start, ENGINE_RATE)
                engine = tracker.latencies_ns
            finally:
                gc.unfreeze()
                remove()
            phase = Phase(
                count, per_device, latencies, paced_changes, engine, cpu, burst_changes, share
            )
            await hass.config_entries.async_unload(entry_id)
            await hass.async_block_till_done()
        await hass.async_stop()
    return phase


def report(small: Phase, large: Phase) -> None:
    """Print the figures and the verdicts."""
    print(
        f"real Home Assistant core, Vera luup simulator on loopback (same event loop), "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    both = (small, large)
    print(f"  {'devices':38}{small.devices:>10}{large.devices:>10}")
    for label, values in (
        ("latency p50 (ms), minimumdelay 0", [ms(p.latencies_ns, 0.5) for p in both]),
        ("latency p99 (ms), minimumdelay 0", [ms(p.latencies_ns, 0.99) for p in both]),
        ("latency p50 (ms), minimumdelay 200", [ms(p.engine_latencies_ns, 0.5) for p in both]),
        ("latency p99 (ms), minimumdelay 200", [ms(p.engine_latencies_ns, 0.99) for p in both]),
        ("subscribers per changed device", [p.subscribers_per_device for p in both]),
        ("state_changed per change (paced)", [p.paced_changes / PACED_EVENTS for p in both]),
        ("state_changed per change (burst)", [p.burst_changes / BURST_EVENTS for p in both]),
        ("CPU per change, burst (us)", [p.cpu_ns_per_update / 1e3 for p in both]),
    ):
        print(f"  {label:38}" + "".join(f"{value:10.3f}" for value in values))
    p99 = ms(large.latencies_ns, 0.99)
    engine_p99 = ms(large.engine_latencies_ns, 0.99)
    ratio = large.cpu_ns_per_update / small.cpu_ns_per_update
    exact = all(
        p.subscribers_per_device == 1.0
        and p.paced_changes == PACED_EVENTS
        and p.burst_changes == BURST_EVENTS
        for p in both
    )
    print(
        f"\n  {verdict(p99 < TARGET_P99_MS)}  {LARGE} devices: p99 {p99:.3f} ms < "
        f"{TARGET_P99_MS:.0f} ms (minimumdelay 0)"
    )
    print(
        f"  {verdict(engine_p99 < TARGET_ENGINE_P99_MS)}  {LARGE} devices: p99 "
        f"{engine_p99:.1f} ms < {TARGET_ENGINE_P99_MS:.0f} ms with the engine's 200 ms delay"
    )
    print(f"  {verdict(exact)}  exactly 1 subscriber and 1 state_changed per device change")
    print(
        f"  {verdict(all(p.share.writes_per_change == 1.0 for p in both))}  exactly 1 state "
        "write per changed device in the share rounds"
    )
    stubbed = large.share.stubbed_us.median / small.share.stubbed_us.median
    print(
        f"  figure  fan-out, CPU per change {LARGE} / {SMALL} devices: burst {ratio:.2f}x, our "
        f"part alone {stubbed:.2f}x (target <= {TARGET_FANOUT}; medians of separate runs, "
        "a busy machine moves them)"
    )
    print(
        "\nour share of a long-poll answer, text in, state written; interleaved rounds of "
        f"{SHARE_EVENTS} answers, thread CPU time, median (lowest-highest)"
    )
    for phase in both:
        share = phase.share
        print(
            f"  {phase.devices:5} devices: real {share.real_us.format('.1f', ' us')}, stubbed "
            f"{share.stubbed_us.format('.1f', ' us')} [{share.writes_per_change:.3f} writes]"
        )
        print(
            f"                 our share {share.share.format('.1%')} (target <= {TARGET_SHARE:.0%})"
        )


def ms(latencies_ns: list[int], fraction: float) -> float:
    """A percentile in milliseconds."""
    return percentile(sorted(latencies_ns), fraction) / 1e6


def main() -> None:
    """One Home Assistant (and event loop) per device count, then the report."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    phases = []
    for count in (SMALL, LARGE):
        phases.append(asyncio.run(run_phase(count)))
        gc.collect()
    report(*phases)


if __name__ == "__main__":
    main()
