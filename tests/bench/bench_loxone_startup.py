"""Startup with a 10 000-control Miniserver: time to every entity's state, memory per entity.

A generated structure file of 10 000 `InfoOnlyAnalog` controls (`loxone_structures`) is served by
the Miniserver simulator; a fresh Home Assistant core adds it through the real config flow. Three
figures:

* setup: from the config flow's first step until every one of the 10 000 sensors shows its
  state (20.0), and again for a reload, which reads the structure from the entry's cache;
* memory: a second, traced run (tracemalloc, which slows everything down, so it is not timed):
  the bytes still held after setup that our code allocated (the innermost frame lies under
  `custom_components/hubrelay`), and everything the setup added (Home Assistant's entity
  objects, registries and states included), both per entity;
* threads: which thread read each structure file (`LoxoneStructure.from_json`): the download
  and the cache must both be read off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import gc
import logging
from pathlib import Path
import tempfile
import threading
import time
import tracemalloc
from typing import Any

from homeassistant.core import HomeAssistant

import custom_components
from custom_components.hubrelay.protocols.loxone import LoxoneStructure
from tests.bench.bench_loxone_ha import add_miniserver, bench_entities, start_home_assistant
from tests.bench.loxone_structures import analog_initial_states, analog_structure
from tests.simulators.miniserver import MiniserverSimulator

CONTROLS = 10_000
SETTLE_TIMEOUT = 300.0
OURS = str(Path(custom_components.__path__[0]) / "hubrelay")


@dataclass(slots=True)
class Reads:
    """Where and how long each structure file read took."""

    on_loop: list[float] = field(default_factory=list)
    off_loop: list[float] = field(default_factory=list)


@dataclass(slots=True)
class Startup:
    """What one run measured."""

    setup_s: float = 0.0
    reload_s: float = 0.0
    ours_bytes: int = 0
    total_bytes: int = 0
    entities: int = 0
    reads: Reads = field(default_factory=Reads)


def watch_structure_reads(reads: Reads) -> Callable[[], None]:
    """Record the thread and duration of every `LoxoneStructure.from_json`; return the undo."""
    original = LoxoneStructure.__dict__["from_json"]
    read = original.__func__

    def traced(cls: type[LoxoneStructure], data: Any) -> LoxoneStructure:
        start = time.perf_counter()
        try:
            return read(cls, data)  # type: ignore[no-any-return]
        finally:
            elapsed = time.perf_counter() - start
            if threading.current_thread() is threading.main_thread():
                reads.on_loop.append(elapsed)
            else:
                reads.off_loop.append(elapsed)

    LoxoneStructure.from_json = classmethod(traced)  # type: ignore[method-assign,assignment]

    def undo() -> None:
        LoxoneStructure.from_json = original  # type: ignore[method-assign]

    return undo


async def all_shown(hass: HomeAssistant, entity_ids: list[str]) -> None:
    """Wait until every entity shows 20.0."""
    async with asyncio.timeout(SETTLE_TIMEOUT):
        while True:
            missing = [
                entity_id
                for entity_id in entity_ids
                if (state := hass.states.get(entity_id)) is None or state.state != "20.0"
            ]
            if not missing:
                return
            await asyncio.sleep(0.05)


def held_bytes(snapshot: tracemalloc.Snapshot, base: tracemalloc.Snapshot) -> tuple[int, int]:
    """Bytes added since `base`: those allocated in our files, and all of them."""
    ours = total = 0
    for stat in snapshot.compare_to(base, "filename"):
        total += stat.size_diff
        frame = stat.traceback[0]
        if frame.filename.startswith(OURS):
            ours += stat.size_diff
    return ours, total


async def run(*, traced: bool) -> Startup:
    """Home Assistant plus a 10 000-control simulator: set up, wait for every state, reload."""
    result = Startup()
    with tempfile.TemporaryDirectory(prefix="bench-loxone-startup-") as tmp:
        hass = await start_home_assistant(Path(tmp))
        simulator = MiniserverSimulator(
            structure=analog_structure(CONTROLS), initial_states=analog_initial_states(CONTROLS)
        )
        await simulator.start()
        undo = watch_structure_reads(result.reads)
        try:
            gc.collect()
            if traced:
                tracemalloc.start()
                base = tracemalloc.take_snapshot()
            start = time.perf_counter()
            entry_id = await add_miniserver(hass, simulator)
            entity_ids = list(bench_entities(hass, entry_id, CONTROLS))
            await all_shown(hass, entity_ids)
            result.setup_s = time.perf_counter() - start
            result.entities = len(entity_ids)
            if traced:
                gc.collect()
                result.ours_bytes, result.total_bytes = held_bytes(
                    tracemalloc.take_snapshot(), base
                )
                tracemalloc.stop()
            else:
                start = time.perf_counter()
                if not await hass.config_entries.async_reload(entry_id):
                    raise SystemExit("the entry did not reload")
                await hass.async_block_till_done()
                await all_shown(hass, entity_ids)
                result.reload_s = time.perf_counter() - start
            await hass.config_entries.async_unload(entry_id)
            await hass.async_block_till_done()
        finally:
            undo()
            if tracemalloc.is_tracing():
                tracemalloc.stop()
            await simulator.stop()
            await hass.async_stop()
    return result


def main() -> None:
    """A timed run and a traced run, then the figures."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("custom_components.hubrelay.protocols.loxone.client").setLevel(logging.ERROR)
    timed = asyncio.run(run(traced=False))
    gc.collect()
    traced = asyncio.run(run(traced=True))
    reads = timed.reads
    print(f"{CONTROLS} InfoOnlyAnalog controls, real Home Assistant core, simulator on loopback")
    print(
        f"  setup to every entity's state    {timed.setup_s:8.1f} s "
        f"({timed.entities} entities, structure downloaded)"
    )
    print(f"  reload to every entity's state   {timed.reload_s:8.1f} s (structure from the cache)")
    print(
        f"  memory our code holds            {traced.ours_bytes / traced.entities:8.0f} bytes "
        "per entity (tracemalloc, innermost frame in custom_components/hubrelay)"
    )
    print(
        f"  memory the whole setup holds     {traced.total_bytes / traced.entities:8.0f} bytes "
        "per entity (Home Assistant's entities, registries and states included)"
    )
    print(
        f"  structure files read off the loop {len(reads.off_loop)} "
        f"({', '.join(f'{s * 1e3:.0f} ms' for s in reads.off_loop)}), "
        f"on the loop {len(reads.on_loop)}"
    )
    verdict = "PASS" if reads.off_loop and not reads.on_loop else "FAIL"
    print(f"\n  {verdict}  every structure file read off the event loop")


if __name__ == "__main__":
    main()
