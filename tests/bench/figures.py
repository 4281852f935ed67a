"""Helpers for figures that a busy machine cannot fail: CPU time, interleaved rounds, spreads.

A shared machine slows whole stretches of a run down. Measuring two variants in alternating
rounds (A B, B A, A B, ...) and taking the ratio within each round cancels most of that; the
median of the per-round ratios is the figure and the lowest and highest ratios are its spread.
CPU time of this thread (not wall time) leaves out the time other processes held the core.

`stubbed_state_writes` measures our share of an event: the same entities, with Home Assistant's
`async_write_ha_state` replaced on the instances by a counter for the stubbed rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
import contextlib
from dataclasses import dataclass
import gc
import statistics
import time
from typing import Any


@dataclass(frozen=True, slots=True)
class Spread:
    """The median of per-round figures and the lowest and highest of them."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        """Summarise per-round figures."""
        ordered = sorted(values)
        return cls(statistics.median(ordered), ordered[0], ordered[-1], len(ordered))

    def format(self, spec: str = ".2f", unit: str = "") -> str:
        """`median (low-high, n rounds)`."""
        return (
            f"{self.median:{spec}}{unit} "
            f"({self.low:{spec}}-{self.high:{spec}}{unit}, {self.rounds} rounds)"
        )


def cpu_ns(run: Callable[[], object]) -> int:
    """CPU nanoseconds of this thread spent in `run()` (the garbage collector held off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.thread_time_ns()
        run()
        return time.thread_time_ns() - start
    finally:
        if enabled:
            gc.enable()


def interleaved(variants: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run every variant once per round, the order reversed every other round; all results."""
    results: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            results[name].append(variants[name]())
    return results


def ratios(numerator: list[float], denominator: list[float]) -> Spread:
    """Per-round ratios of two interleaved variants."""
    return Spread.of(a / b for a, b in zip(numerator, denominator, strict=True))


class StateWriteCounter:
    """Stands in for `Entity.async_write_ha_state` and counts the calls."""

    __slots__ = ("calls",)

    def __init__(self) -> None:
        """Start at zero."""
        self.calls = 0

    def __call__(self) -> None:
        """Count one state write."""
        self.calls += 1


@contextlib.contextmanager
def stubbed_state_writes(entities: Iterable[Any]) -> Iterator[StateWriteCounter]:
    """Replace `async_write_ha_state` on each entity instance by a counter while inside."""
    counter = StateWriteCounter()
    stubbed = list(entities)
    for entity in stubbed:
        entity.async_write_ha_state = counter
    try:
        yield counter
    finally:
        for entity in stubbed:
            del entity.async_write_ha_state
