"""Ezlo item updates inside a real Home Assistant: latency and fan-out flatness.

Each phase starts a fresh Home Assistant core (as `bench_loxone_ha` does), the MMS cloud and an
Ezlo hub simulator with N temperature items (one per device), adds the hub in local mode through
the real config flow, and changes items with `EzloHubSimulator.set_item_value`: a
``hub.item.updated`` broadcast over the hub's TLS WebSocket on loopback.

* paced: 1 000 updates/s, latency from just before `set_item_value` to the entity's
  `state_changed` event;
* burst: updates as fast as the loop takes them, 200 in flight, for the CPU time per update.

Fan-out flatness: subscribers per changed item and `state_changed` events per update (both must be
exactly 1), and the CPU per update with 100 and with 1 000 items in the same run. The hub,
the session and Home Assistant share one event loop, so the figures include the simulator's work.

Our share: ``hub.item.updated`` frames (as the hub sends them) handed to the RPC channel's frame
handler, with the real state write and with `async_write_ha_state` stubbed on the entities, in
interleaved rounds of thread CPU time (see `figures`). The CPU ratio between the item counts is a
figure (median and spread), not a check: a busy machine moves it; the counts are exact.
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
from typing import cast

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME, EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_component import DATA_INSTANCES

from custom_components.hubrelay.const import CONF_CONNECTION, CONF_HUB, DOMAIN
from custom_components.hubrelay.ezlo import coordinator as coordinator_ezlo
from custom_components.hubrelay.ezlo.coordinator import EzloCoordinator
from custom_components.hubrelay.hub import mms as hub_mms
from tests.bench.bench_loxone_ha import percentile, start_home_assistant, verdict
from tests.bench.figures import Spread, cpu_ns, interleaved, ratios, stubbed_state_writes
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import HubHouse, hub_info
from tests.simulators.mms_cloud import MmsCloudSimulator

SMALL = 100
LARGE = 1_000
PACED_RATE = 1_000.0
PACED_EVENTS = 3_000
WARMUP_EVENTS = 300
BURST_EVENTS = 5_000
BURST_WINDOW = 200
TARGET_P99_MS = 10.0
TARGET_FANOUT = 1.2
TARGET_SHARE = 0.10
SHARE_EVENTS = 1_000
SHARE_ROUNDS = 10
USER, PASSWORD = "bench@example.com", "bench-password"


@dataclass(slots=True)
class Tracker:
    """Matches `state_changed` events to the item update that caused them."""

    item_by_entity: dict[str, str]
    sent_at: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    latencies_ns: list[int] = field(default_factory=list)
    changes: int = 0

    @callback
    def on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        """Record the latency of a bench entity's new state."""
        now = time.perf_counter_ns()
        item_id = self.item_by_entity.get(event.data["entity_id"])
        if item_id is None:
            return
        self.changes += 1
        if pending := self.sent_at.get(item_id):
            self.latencies_ns.append(now - pending.popleft())

    async def settle(self, expected: int) -> None:
        """Wait (10 s at most) until `expected` state changes arrived."""
        async with asyncio.timeout(10.0):
            while self.changes < expected:
                await asyncio.sleep(0.001)


@dataclass(slots=True)
class Phase:
    """What one item count measured."""

    items: int
    subscribers_per_item: float
    latencies_ns: list[int]
    paced_changes: int
    cpu_ns_per_update: float
    burst_changes: int
    share: Share


@dataclass(slots=True)
class Share:
    """Our part of an item update, frame to state write: stubbed write vs real one."""

    real_us: Spread
    stubbed_us: Spread
    share: Spread
    writes_per_update: float


def item_frames(house: HubHouse, items: list[str], start: int, count: int) -> list[str]:
    """`count` ``hub.item.updated`` broadcasts as the hub simulator words them, new values."""
    frames = []
    for sequence in range(start, start + count):
        item = house.items[items[sequence % len(items)]]
        value = 21.0 + sequence * 0.01
        frames.append(
            json.dumps(
                {
                    "id": "ui_broadcast",
                    "msg_id": f"{sequence:024x}",
                    "msg_subclass": "hub.item.updated",
                    "result": {
                        "_id": item["_id"],
                        "deviceId": item["deviceId"],
                        "deviceName": "",
                        "deviceCategory": "temperature",
                        "deviceSubcategory": "",
                        "name": item["name"],
                        "notifications": [],
                        "roomName": "",
                        "serviceNotification": False,
                        "syncNotification": False,
                        "userNotification": False,
                        "value": value,
                        "valueFormatted": f"{value:.2f}",
                        "valueType": item["valueType"],
                        "scale": "celsius",
                    },
                }
            )
        )
    return frames


def run_share(
    hass: HomeAssistant,
    coordinator: EzloCoordinator,
    house: HubHouse,
    items: list[str],
    entity_ids: list[str],
    start: int,
) -> Share:
    """CPU per item update from the frame on, real and stubbed state write, interleaved."""
    api = coordinator.session._api
    if api is None:
        raise SystemExit("the hub is not connected")
    dispatch = api.channel._dispatch
    component = hass.data[DATA_INSTANCES]["sensor"]
    entities = [cast(Entity, component.get_entity(entity_id)) for entity_id in entity_ids]
    writes: list[int] = []
    sequence = start

    def frames() -> list[str]:
        nonlocal sequence
        sequence += SHARE_EVENTS
        return item_frames(house, items, sequence, SHARE_EVENTS)

    def feed(batch: list[str]) -> None:
        for frame in batch:
            dispatch(frame)

    def real() -> float:
        batch = frames()
        return cpu_ns(lambda: feed(batch)) / SHARE_EVENTS / 1e3

    def stubbed() -> float:
        batch = frames()
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


def bench_house(count: int) -> tuple[HubHouse, list[str]]:
    """A hub with `count` devices of one temperature item each; the item ids."""
    house = HubHouse(info=hub_info("90001000"))
    items = []
    for index in range(count):
        device = house.add_device(f"Sensor {index}", "temperature", "", "sensor")
        items.append(house.add_item(device, "temp", "temperature", 20.0, scale="celsius"))
    return house, items


async def add_hub(hass: HomeAssistant, serial: str) -> str:
    """Add the hub through the config flow in local mode; the entry id."""
    flow = hass.config_entries.flow
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "ezlo"})
    result = await flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USER, CONF_PASSWORD: PASSWORD}
    )
    result = await flow.async_configure(
        result["flow_id"], {CONF_HUB: serial, CONF_CONNECTION: "local"}
    )
    result = await flow.async_configure(result["flow_id"], {CONF_HOST: "127.0.0.1"})
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise SystemExit(f"the config flow did not create an entry: {result}")
    await hass.async_block_till_done()
    entry_id: str = result["result"].entry_id
    return entry_id


async def run_paced(
    hub: EzloHubSimulator, tracker: Tracker, items: list[str], events: int, start: int
) -> None:
    """`events` updates at PACED_RATE, round robin over the items, every value new (> 20.0)."""
    expected = tracker.changes + events
    began = time.perf_counter()
    for sequence in range(start, start + events):
        due = began + (sequence - start) / PACED_RATE
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        item_id = items[sequence % len(items)]
        tracker.sent_at[item_id].append(time.perf_counter_ns())
        hub.set_item_value(item_id, 21.0 + sequence * 0.01)
    await tracker.settle(expected)


async def run_burst(hub: EzloHubSimulator, tracker: Tracker, items: list[str], start: int) -> float:
    """BURST_EVENTS updates, BURST_WINDOW in flight; CPU nanoseconds per update."""
    cpu = time.process_time_ns()
    for first in range(start, start + BURST_EVENTS, BURST_WINDOW):
        expected = tracker.changes + BURST_WINDOW
        for sequence in range(first, first + BURST_WINDOW):
            hub.set_item_value(items[sequence % len(items)], 21.0 + sequence * 0.01)
        await tracker.settle(expected)
    return (time.process_time_ns() - cpu) / BURST_EVENTS


async def run_phase(count: int) -> Phase:
    """Home Assistant, the cloud and a hub with `count` items: paced and burst runs."""
    house, items = bench_house(count)
    with tempfile.TemporaryDirectory(prefix="bench-ezlo-") as tmp:
        hass = await start_home_assistant(Path(tmp))
        async with MmsCloudSimulator() as cloud, EzloHubSimulator(house) as hub:
            cloud.add_account(USER, PASSWORD)
            record = cloud.add_hub(
                USER, house.serial, relay_url="wss://127.0.0.1:9/", kind="ezlo", name="Bench"
            )
            hub.local_keys[record.local_user] = record.local_token
            hub_mms.MMS_OPTIONS.update(cloud.client_kwargs())
            coordinator_ezlo.LOCAL_PORT = hub.port
            entry_id = await add_hub(hass, house.serial)
            entry = hass.config_entries.async_get_known_entry(entry_id)
            coordinator = entry.runtime_data
            assert isinstance(coordinator, EzloCoordinator)
            registry = er.async_get(hass)
            by_entity = {
                e.entity_id: house.item_by_name(
                    coordinator.session.devices[e.unique_id.split("_")[1]].name, "temp"
                )["_id"]
                for e in er.async_entries_for_config_entry(registry, entry_id)
            }
            listeners = coordinator.session._item_listeners.by_id
            subscribers = statistics.fmean(len(listeners[i].callbacks) for i in items)
            tracker = Tracker(by_entity)
            sensors = [entity_id for entity_id in by_entity if entity_id.startswith("sensor.")]
            share = run_share(hass, coordinator, house, items, sensors, 1_000_000)
            remove = hass.bus.async_listen(EVENT_STATE_CHANGED, tracker.on_state_changed)
            gc.collect()
            gc.freeze()
            try:
                await run_paced(hub, tracker, items, WARMUP_EVENTS, 0)
                tracker.latencies_ns, tracker.changes = [], 0
                await run_paced(hub, tracker, items, PACED_EVENTS, WARMUP_EVENTS)
                latencies, paced_changes = tracker.latencies_ns, tracker.changes
                tracker.changes = 0
                cpu = await run_burst(hub, tracker, items, WARMUP_EVENTS + PACED_EVENTS)
            finally:
                gc.unfreeze()
                remove()
            phase = Phase(count, subscribers, latencies, paced_changes, cpu, tracker.changes, share)
            await hass.config_entries.async_unload(entry_id)
            await hass.async_block_till_done()
        await hass.async_stop()
    return phase


def report(small: Phase, large: Phase) -> None:
    """Print the figures and the verdicts."""
    print(
        f"real Home Assistant core, MMS cloud + Ezlo hub simulators on loopback (same event "
        f"loop), {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print(f"  {'items':34}{small.items:>10}{large.items:>10}")
    for label, values in (
        (
            "latency p50 (ms)",
            [percentile(sorted(p.latencies_ns), 0.5) / 1e6 for p in (small, large)],
        ),
        (
            "latency p99 (ms)",
            [percentile(sorted(p.latencies_ns), 0.99) / 1e6 for p in (small, large)],
        ),
        ("subscribers per changed item", [p.subscribers_per_item for p in (small, large)]),
        (
            "state_changed per update (paced)",
            [p.paced_changes / PACED_EVENTS for p in (small, large)],
        ),
        (
            "state_changed per update (burst)",
            [p.burst_changes / BURST_EVENTS for p in (small, large)],
        ),
        ("CPU per update, burst (us)", [p.cpu_ns_per_update / 1e3 for p in (small, large)]),
    ):
        print(f"  {label:34}" + "".join(f"{value:10.3f}" for value in values))
    p99 = percentile(sorted(large.latencies_ns), 0.99) / 1e6
    ratio = large.cpu_ns_per_update / small.cpu_ns_per_update
    exact = all(
        p.subscribers_per_item == 1.0
        and p.paced_changes == PACED_EVENTS
        and p.burst_changes == BURST_EVENTS
        for p in (small, large)
    )
    print(
        f"\nour share of an item update, frame in, state written; interleaved rounds of "
        f"{SHARE_EVENTS} updates, thread CPU time, median (lowest-highest)"
    )
    for phase in (small, large):
        share = phase.share
        print(
            f"  {phase.items:5} items: real {share.real_us.format('.1f', ' us')}, stubbed "
            f"{share.stubbed_us.format('.1f', ' us')} [{share.writes_per_update:.3f} writes/update]"
        )
        print(
            f"               our share {share.share.format('.1%')} (target <= {TARGET_SHARE:.0%})"
        )
    target = f"{TARGET_P99_MS:.0f} ms"
    print(f"\n  {verdict(p99 < TARGET_P99_MS)}  {LARGE} items: p99 {p99:.3f} ms < {target}")
    print(f"  {verdict(exact)}  exactly 1 subscriber and 1 state_changed per item update")
    print(
        f"  {verdict(all(p.share.writes_per_update == 1.0 for p in (small, large)))}  exactly 1 "
        "state write per item update in the share rounds"
    )
    stubbed = large.share.stubbed_us.median / small.share.stubbed_us.median
    print(
        f"  figure  fan-out, CPU per update {LARGE} / {SMALL} items: burst {ratio:.2f}x, our "
        f"part alone {stubbed:.2f}x (target <= {TARGET_FANOUT}; medians of separate runs, "
        "a busy machine moves them)"
    )


def main() -> None:
    """One Home Assistant (and event loop) per item count, then the report."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    phases = []
    for count in (SMALL, LARGE):
        phases.append(asyncio.run(run_phase(count)))
        gc.collect()
    report(*phases)


if __name__ == "__main__":
    main()
