"""The soak and chaos run: a simulated hub per connection mode, a real Home Assistant, faults.

Value events flow at a steady rate, Home Assistant sends commands at a steady rate (through its
WebSocket API, as the frontend does), and every second or so one fault from every
simulator's knobs hits. After the run: every command reached its hub exactly once or failed with a
clear error, every driven entity shows its hub's value, no entity is left unavailable, memory after
warm-up stayed within a bound, Home Assistant logged no unhandled exception or blocking call, and
no fault made it ask the user to sign in again (none of them refuses a credential). Twice the
whole cloud fails for a while as the faults go on: every server answering 503, then its names not
resolving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
import random
import re
import statistics
import time
from typing import Any

import aiohttp

from tests.demo.stack import (
    LOGIN_PASSWORD,
    LOGIN_USERNAME,
    HomeAssistantApi,
    HomeAssistantProcess,
    free_port,
    simulated_hubs,
)
from tests.simulators.miniserver import MiniserverSimulator
from tests.soak.extra_hubs import (
    EZLO_LOCAL_SERIAL,
    VERA_RELAY_SERIAL,
    add_ezlo_local,
    add_miniserver_tls,
    add_vera_relay,
    extra_hubs,
    pointed_at_local,
)
from tests.soak.ha_client import CallOutcome, HaWebSocket
from tests.soak.systems import HOLD_SECONDS, Fault, Outage, System, all_systems, cloud_outages

#: The domain of the simulated cloud's server names, served by the soak's DNS server.
CLOUD_DOMAIN = "mios.test"

#: HubRelay's delays for the soak: the real ones divided by about ten, so that a fault's
#: reconnect fits into seconds (the logic is the same; only the waiting is shorter).
SOAK_TIMINGS: dict[str, Any] = {
    "loxone": {
        "http_timeout": 5.0,
        "command_timeout": 5.0,
        "keepalive_interval": 5.0,
        "keepalive_timeout": 5.0,
        "reconnect_min": 0.5,
        "reconnect_max": 3.0,
        "long_backoff": 3.0,
        "out_of_service_delay": 3.0,
    },
    "ezlo": {
        "request_timeout": 5.0,
        "connect_timeout": 5.0,
        "keepalive_interval": 5.0,
        "backoff": {"initial": 0.5, "maximum": 3.0, "jitter": 0.2},
    },
    "vera": {
        "request_timeout": 5.0,
        "poll_timeout": 5.0,
        "minimum_delay": 0.05,
        "reload_retry_delay": 0.5,
        "backoff_initial": 0.5,
        "backoff_max": 3.0,
    },
}
#: Seconds on top of a fault's detection bound for the reconnect itself (the largest reconnect
#: delay above, 3 s) and for showing the change under load. Beyond it the report says so; only
#: `scripts/soak` fails on it (`enforce_bounds`): the test suite's short run does not assert
#: timings, which the load of a shared machine shows in (the protocol tests prove the bounds).
BOUND_SLACK = 5.0
#: Restarting Home Assistant (stop, start, every entry set up again) must take less than this.
RESTART_TIMEOUT = 180.0
#: Seconds of load after the warm-up that follows a restart, at the least.
MEMORY_SPAN_AFTER_RESTART = 15.0
#: Loggers whose tracebacks at start-up are the test machine's, not a fault: it has no ffmpeg
#: and no libturbojpeg, and Home Assistant's own components log their absence.
MACHINE_NOISE = ("haffmpeg", "homeassistant.components.camera.img_util")
#: Error codes of the WebSocket API that carry a message meant for the user.
CLEAR_ERRORS = frozenset({"home_assistant_error", "service_validation_error"})
#: Lines in Home Assistant's log that mean something went unhandled or blocked the loop.
LOG_PROBLEMS = re.compile(
    r"Traceback|Task exception was never retrieved|Error doing job|Exception in callback"
    r"|Detected blocking call|was never awaited|Unclosed|Unhandled exception"
)
LOG_LINE = re.compile(r"^\S+ \S+ (?P<level>[A-Z]+) \((?P<thread>[^)]*)\) \[(?P<logger>[^\]]+)\]")


@dataclass(frozen=True, slots=True)
class SoakSettings:
    """How long and how hard; the defaults are the short run of the test suite."""

    duration: float = 60.0
    loxone_rate: float = 200.0
    ezlo_rate: float = 40.0
    vera_rate: float = 10.0
    command_interval: float = 0.5
    fault_interval: float = 1.0
    recovery_timeout: float = 60.0
    settle_timeout: float = 60.0
    warmup: float = 15.0
    #: Growth allowed after warm-up of the memory HubRelay's own code holds (tracemalloc).
    hubrelay_memory_bound_mib: float = 0.25
    #: Growth allowed of Home Assistant's whole RSS (a gross-leak guard: Home Assistant itself
    #: grows by a few MiB a minute at these event rates, with or without HubRelay).
    rss_bound_mib: float = 128.0
    loop_lag_bound: float = 5.0
    #: Seconds into the run at which Home Assistant restarts (None: no restart). Warm-up for
    #: the memory checks counts again from when it is back.
    restart_at: float | None = 12.0
    #: Fail (not only report) when a black hole's recovery exceeds its bound plus slack.
    enforce_bounds: bool = False
    #: (seconds into the run, length) of the cloud's names not resolving, and of every MMS cloud
    #: server answering 503; each begins once Home Assistant is up and the one before ended (None:
    #: not at all). Home Assistant caches a name for 10 s and c-ares for 5 s, and reuses open
    #: connections without a lookup: a short DNS failure goes unnoticed.
    dns_failure: tuple[float, float] | None = (32.0, 18.0)
    cloud_outage: tuple[float, float] | None = (51.0, 8.0)
    seed: int = 2026

    def rate(self, kind: str) -> float:
        """Value events per second for the hubs of one kind, shared by its connection modes."""
        rates = {"loxone": self.loxone_rate, "ezlo": self.ezlo_rate, "vera": self.vera_rate}
        return rates[kind]


@dataclass(slots=True)
class Sent:
    """One command as sent and how it ended.

    `unavailable`: the entity was unavailable at some point while Home Assistant handled the
    call. Home Assistant then skips the entity (it logs "Referenced entities ... are missing or
    not currently available") and the call still succeeds, so such a command may not arrive.
    """

    value: float
    outcome: CallOutcome
    unavailable: bool = False

    @property
    def may_be_missing(self) -> bool:
        """Failed, or skipped by Home Assistant because the entity was unavailable."""
        return not self.outcome.ok or self.unavailable


@dataclass(slots=True)
class FaultRun:
    """One injected fault and how long until a change made after it showed in Home Assistant."""

    system: str
    name: str
    recovery: float | None
    bound: float | None = None


@dataclass(slots=True)
class OutageRun:
    """One cloud outage: when it began, how long it lasted, the faults injected meanwhile."""

    name: str
    began: float
    what: str
    seconds: float = 0.0
    refused: int = 0
    faults: list[FaultRun] = field(default_factory=list)

    def render(self) -> list[str]:
        """Its lines in the report."""
        lines = [
            f"  {self.name}: {self.seconds:.0f} s from {self.began:.0f} s, {self.refused} "
            f"{self.what} failed, {len(self.faults)} faults injected meanwhile"
        ]
        systems: dict[str, list[float]] = {}
        for fault in self.faults:
            systems.setdefault(fault.system, []).append(fault.recovery or float("nan"))
        lines.extend(
            f"    {system:10} {len(times):3d} recovered: median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s"
            for system, times in systems.items()
        )
        return lines


@dataclass(slots=True)
class SoakReport:
    """Figures and failures of one run."""

    settings: SoakSettings
    events: dict[str, int] = field(default_factory=dict)
    state_events: int = 0
    sent: dict[str, list[Sent]] = field(default_factory=dict)
    delivered: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    faults: list[FaultRun] = field(default_factory=list)
    outages: list[OutageRun] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)
    hubrelay_memory: list[tuple[float, float]] = field(default_factory=list)
    #: RSS samples before this time are left out: the first tracemalloc snapshot (about 100 MiB
    #: of temporaries) raises the RSS once, and that is no growth.
    rss_from: float = 0.0
    #: Samples count from here on: the warm-up after the start or after the restart.
    warm_from: float = 0.0
    #: Seconds into the run Home Assistant was stopped for its restart, and how long until
    #: every entity was back (None: no restart).
    restarted_at: float | None = None
    restart_seconds: float | None = None
    #: The reset Miniserver (its tokens forgotten): seconds until Home Assistant asked the user
    #: to sign in again, the refused logins it cost, the re-authentication flows then open.
    reset_reauth_seconds: float | None = None
    reset_refused_logins: int = 0
    reset_reauth_flows: int = 0
    pings: list[float] = field(default_factory=list)
    settle_seconds: float | None = None
    log_counts: dict[str, int] = field(default_factory=dict)
    #: Entries with a re-authentication flow at the end (no soak fault refuses a credential).
    reauth_flows: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.failures

    def growth(
        self, samples: list[tuple[float, float]], since: float = 0.0
    ) -> tuple[float, float, float] | None:
        """(first, last, growth) in MiB of the samples after warm-up (and after `since`)."""
        after = [m for t, m in samples if t >= max(since, self.warm_from)]
        if len(after) < 2:
            return None
        return after[0], after[-1], after[-1] - after[0]

    def rate(self, system: str) -> float:
        """Value events per second of one system: its kind's rate, shared by its modes."""
        kind = system.split()[0]
        share = sum(1 for name in self.events if name.split()[0] == kind) or 1
        return self.settings.rate(kind) / share

    def render(self) -> str:
        """The figures as the soak prints them."""
        lines = [f"soak: {self.elapsed:.0f} s of load and faults (seed {self.settings.seed})"]
        for system, count in self.events.items():
            sent = self.sent.get(system, [])
            ok = sum(s.outcome.ok for s in sent)
            lines.append(
                f"  {system:10} {count:7d} value events ({self.rate(system):.0f}/s), "
                f"{len(sent)} commands: {ok} ok ({self.skipped.get(system, 0)} of them skipped "
                f"by Home Assistant while the entity was unavailable), {len(sent) - ok} refused "
                f"with a clear error, {self.delivered.get(system, 0)} reached the hub"
            )
        lines.append(f"  Home Assistant state changes seen: {self.state_events}")
        if self.restarted_at is not None:
            back = (
                "did not come back"
                if self.restart_seconds is None
                else f"every entity back after {self.restart_seconds:.1f} s"
            )
            lines.append(f"  Home Assistant restarted at {self.restarted_at:.0f} s: {back}")
        lines.append(f"  faults: {len(self.faults)}")
        for system in self.events:
            times = sorted(f.recovery for f in self.faults if f.system == system and f.recovery)
            if times:
                lines.append(
                    f"    {system:10} {len(times):3d} recovered: "
                    f"p50 {percentile(times, 50):.2f} s, p99 {percentile(times, 99):.2f} s, "
                    f"max {times[-1]:.2f} s"
                )
        kinds: dict[str, list[float]] = {}
        for fault in self.faults:
            kinds.setdefault(fault.name, []).append(fault.recovery or float("nan"))
        bounds = {fault.name: fault.bound for fault in self.faults if fault.bound is not None}
        for name, times in sorted(kinds.items()):
            bound = ""
            if name in bounds:
                beyond = sum(t > bounds[name] + BOUND_SLACK for t in times)
                bound = f" (bound {bounds[name]:.0f} s + {BOUND_SLACK:.0f} s; {beyond} beyond)"
            lines.append(
                f"      {name}: {len(times)}x, median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s{bound}"
            )
        for outage in self.outages:
            lines.extend(outage.render())
        if growth := self.growth(self.hubrelay_memory):
            first, last, delta = growth
            lines.append(
                f"  memory held by HubRelay's code (tracemalloc): {first:.2f} MiB after warm-up, "
                f"{last:.2f} MiB at the end ({delta:+.2f} MiB; bound "
                f"{self.settings.hubrelay_memory_bound_mib:.2f} MiB)"
            )
        if growth := self.growth(self.memory, self.rss_from):
            first, last, delta = growth
            lines.append(
                f"  Home Assistant RSS: {first:.1f} MiB after warm-up, {last:.1f} MiB at the "
                f"end ({delta:+.1f} MiB; gross-leak bound {self.settings.rss_bound_mib:.0f} MiB)"
            )
        if self.memory:
            step = max(1, len(self.memory) // 8)
            timeline = ", ".join(f"{t:.0f} s {m:.0f}" for t, m in self.memory[::step])
            lines.append(f"    timeline (MiB): {timeline}")
        if self.pings:
            pings = sorted(self.pings)
            lines.append(
                f"  event loop (WebSocket ping): p50 {percentile(pings, 50) * 1000:.1f} ms, "
                f"p99 {percentile(pings, 99) * 1000:.1f} ms, max {pings[-1] * 1000:.1f} ms"
            )
        if self.settle_seconds is not None:
            lines.append(f"  settled (every entity equal to its hub) {self.settle_seconds:.2f} s")
        lines.append(f"  re-authentication flows started: {len(self.reauth_flows)}")
        if self.reset_reauth_seconds is not None:
            lines.append(
                f"  reset Miniserver: sign-in asked after {self.reset_reauth_seconds:.1f} s, "
                f"{self.reset_refused_logins} refused logins, "
                f"{self.reset_reauth_flows} re-authentication flow(s)"
            )
        if self.log_counts:
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(self.log_counts.items()))
            lines.append(f"  HubRelay log lines during the run: {counts}")
        lines.append("  result: " + ("OK" if self.ok else f"{len(self.failures)} FAILURES"))
        lines.extend(f"    - {failure}" for failure in self.failures)
        return "\n".join(lines)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    index = max(0, min(len(values) - 1, round(pct / 100 * len(values) + 0.5) - 1))
    return values[index]


def check_exactly_once(
    system: str, sent: list[Sent], received: list[float]
) -> tuple[list[str], list[int]]:
    """Match what the hub received against what was sent, in order.

    A command that succeeded while its entity was available must have arrived exactly once; one
    that failed, or that Home Assistant skipped, may have arrived once or not at all. Consecutive
    commands carry different values, so an arrival that matches neither the next command nor a
    skippable one is a duplicate or a stray. Returns the problems and the positions of commands
    that succeeded but were skipped (never arrived).
    """
    problems: list[str] = []
    matched: set[int] = set()
    index = 0
    for position, value in enumerate(received):
        following = received[position + 1] if position + 1 < len(received) else None
        index = _sent_as(sent, index, value, following)
        if index == len(sent):
            problems.append(f"{system}: the hub received {value:g} that no pending command sent")
            break
        if sent[index].value != value:
            first = max(0, index - 3)
            problems.append(
                f"{system}: command #{index} ({sent[index].value:g}) succeeded but the hub "
                f"received {value:g} next (lost or duplicated); sent from #{first}: "
                f"{[s.value for s in sent[first : index + 5]]}, received from #{position}: "
                f"{received[position : position + 5]}"
            )
            break
        matched.add(index)
        index += 1
    else:
        problems.extend(
            f"{system}: command #{position} ({entry.value:g}) succeeded but never reached the hub"
            for position, entry in enumerate(sent[index:], start=index)
            if not entry.may_be_missing
        )
    problems.extend(
        f"{system}: a command failed without a clear error "
        f"({entry.outcome.code}: {entry.outcome.message!r})"
        for entry in sent
        if not entry.outcome.ok
        and (entry.outcome.code not in CLEAR_ERRORS or not entry.outcome.message)
    )
    skipped = [i for i, entry in enumerate(sent) if entry.outcome.ok and i not in matched]
    return problems, skipped


def _sent_as(sent: list[Sent], start: int, value: float, following: float | None) -> int:
    """The position from `start` on of the command a received `value` came from.

    Commands that may be missing can be passed over, the next one that must arrive cannot: when it
    carries `value`, it is the one. Command values repeat (every 21 commands for the Loxone
    slider), so one that may be missing before it can carry the same value; that one is only
    taken when the value arrives twice in a row (it did arrive, and so did the one that must).
    Returns the next command that must arrive (or ``len(sent)``) when none carries `value`.
    """
    required = next((i for i in range(start, len(sent)) if not sent[i].may_be_missing), len(sent))
    if required < len(sent) and sent[required].value == value and following != value:
        return required
    return next((i for i in range(start, required) if sent[i].value == value), required)


def skip_warnings(log: str, entity_id: str) -> int:
    """How often Home Assistant logged that it skipped `entity_id` (missing or unavailable)."""
    return sum(
        1
        for line in log.splitlines()
        if "are missing or not currently available" in line and entity_id in line
    )


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process in MiB (Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


class Soak:
    """One run against a Home Assistant already set up with the three hubs."""

    def __init__(
        self,
        settings: SoakSettings,
        systems: list[System],
        ws: HaWebSocket,
        hass: HomeAssistantProcess,
        outages: list[tuple[Outage, tuple[float, float]]],
    ) -> None:
        """Prepare the load, the faults, the cloud outages (each with its window) and the report."""
        self.settings = settings
        self.systems = systems
        self.outages = outages
        #: The cloud outage going on (faults only the cloud can end wait for its end).
        self._outage: OutageRun | None = None
        self.ws = ws
        self.hass = hass
        self.rng = random.Random(settings.seed)
        self.report = SoakReport(settings, warm_from=settings.warmup)
        self._start = 0.0
        self._deadline = 0.0
        #: Clear while Home Assistant restarts: commands, faults and probes wait.
        self._ha_up = asyncio.Event()
        self._ha_up.set()
        #: Commands and faults in progress (a restart waits until none is).
        self._busy = 0
        #: The last marker value set: every marker differs from all before it.
        self._marker = 1000

    def _running(self) -> bool:
        return time.monotonic() < self._deadline

    async def run(self) -> SoakReport:
        """Load, faults and probes for `duration` seconds, then settle and check."""
        self._start = time.monotonic()
        self._deadline = self._start + self.settings.duration
        for system in self.systems:
            self.report.sent[system.name] = []
        async with asyncio.TaskGroup() as group:
            for system in self.systems:
                group.create_task(self._generate(system))
                group.create_task(self._commands(system))
            group.create_task(self._faults())
            group.create_task(self._outages())
            group.create_task(self._probe())
            group.create_task(self._restart())
        self.report.elapsed = time.monotonic() - self._start
        if (rss := rss_mib(self.hass.pid)) is not None:
            self.report.memory.append((self.report.elapsed, rss))
        await self._hubrelay_memory()
        for system in self.systems:
            system.restore_all()
        await self._settle()
        for system in self.systems:
            self.report.events[system.name] = system.events
        self.report.state_events = self.ws.state_events
        self._check_memory()
        if self.report.pings and max(self.report.pings) > self.settings.loop_lag_bound:
            self.report.failures.append(
                f"Home Assistant's event loop answered a ping after {max(self.report.pings):.1f} s"
            )
        return self.report

    async def _generate(self, system: System) -> None:
        tick = 0.05
        owed = 0.0
        share = sum(1 for other in self.systems if other.kind == system.kind)
        rate = self.settings.rate(system.kind) / share
        rng = random.Random(self.rng.random())
        while self._running():
            owed += rate * tick
            count = int(owed)
            owed -= count
            if count:
                system.generate(rng, count)
            await asyncio.sleep(tick)

    async def _commands(self, system: System) -> None:
        index = 0
        while self._running():
            await self._ha_up.wait()
            command = system.command(index)
            index += 1
            entity_id = system.command_entity
            before = (self.ws.unavailable(entity_id), self.ws.went_unavailable.get(entity_id, 0))
            self._busy += 1
            try:
                outcome = await self.ws.call_service(
                    command.domain, command.service, command.data, seconds=60.0
                )
            except TimeoutError:
                outcome = CallOutcome(ok=False, code="timeout", message="no answer in 60 s")
            finally:
                self._busy -= 1
            after = (self.ws.unavailable(entity_id), self.ws.went_unavailable.get(entity_id, 0))
            unavailable = before[0] or after[0] or before[1] != after[1]
            self.report.sent[system.name].append(Sent(command.value, outcome, unavailable))
            await asyncio.sleep(max(0.0, self.settings.command_interval - outcome.seconds))

    async def _faults(self) -> None:
        """Every fault of every system once per round, in a random order each round."""
        deck: list[tuple[System, Fault]] = []
        while True:
            remaining = self._deadline - time.monotonic()
            await asyncio.sleep(max(0.0, min(self.settings.fault_interval, remaining)))
            await self._ha_up.wait()
            if not self._running():
                return
            outage = self._outage
            if not deck or (outage is not None and not _relayed(deck)):
                # A new round; during an outage as soon as this one has no relay fault left (the
                # rest of it follows).
                fresh = [(system, fault) for system in self.systems for fault in system.faults]
                self.rng.shuffle(fresh)
                deck = fresh + deck
            index = len(deck) - 1 if outage is None else _during_outage(deck)
            if index is None:
                continue  # only faults the cloud must end are left: they wait for it
            system, fault = deck.pop(index)
            self._marker += 1
            self._busy += 1
            try:
                run = await self._inject(system, fault, float(self._marker))
            finally:
                self._busy -= 1
            self.report.faults.append(run)
            if outage is not None:
                outage.faults.append(run)

    async def _outages(self) -> None:
        """Each cloud outage in its window, while the load and the other faults go on."""
        for outage, (at, seconds) in self.outages:
            await asyncio.sleep(max(0.0, self._start + at - time.monotonic()))
            await self._ha_up.wait()
            if not self._running():
                return
            began = time.monotonic()
            run = OutageRun(outage.name, began - self._start, outage.what)
            self.report.outages.append(run)
            self._outage = run
            asked = outage.refused()
            outage.begin()
            try:
                await asyncio.sleep(min(seconds, max(0.0, self._deadline - began)))
            finally:
                outage.end()
                self._outage = None
                run.seconds = time.monotonic() - began
                run.refused = outage.refused() - asked

    async def _inject(self, system: System, fault: Fault, marker: float) -> FaultRun:
        started = time.monotonic()
        await fault.inject()
        restore = fault.restore
        restoring = None
        if restore is not None:

            async def later() -> None:
                await asyncio.sleep(HOLD_SECONDS)
                await restore()

            restoring = asyncio.create_task(later())
        system.set_marker(marker)
        shown = self._shows(system.marker_entity, marker)
        recovery: float | None = None
        with contextlib.suppress(TimeoutError):
            await wait_until(shown, self.settings.recovery_timeout)
            recovery = time.monotonic() - started
        if restoring is not None:
            await restoring
        if recovery is None:
            self.report.failures.append(
                f"{fault.name}: Home Assistant did not show a change made after it within "
                f"{self.settings.recovery_timeout:.0f} s"
            )
        return FaultRun(system.name, fault.name, recovery, fault.bound)

    def _shows(self, entity_id: str, value: float) -> Callable[[], bool]:
        def shown() -> bool:
            state = self.ws.states.get(entity_id)
            try:
                return state is not None and float(state["state"]) == value
            except ValueError:
                return False

        return shown

    async def _probe(self) -> None:
        """Pings every 0.5 s, Home Assistant's RSS every 2 s, HubRelay's memory after warm-up."""
        last_rss = -100.0
        while self._running():
            await self._ha_up.wait()
            self.report.pings.append(await self.ws.ping())
            now = time.monotonic() - self._start
            if now - last_rss >= 2.0 and (rss := rss_mib(self.hass.pid)) is not None:
                self.report.memory.append((now, rss))
                last_rss = now
            if now >= self.report.warm_from and not self.report.hubrelay_memory:
                await self._hubrelay_memory()
                self.report.rss_from = time.monotonic() - self._start + 5.0
            await asyncio.sleep(0.5)

    async def _restart(self) -> None:
        """Restart Home Assistant once, in the middle of the load, as a user's restart does.

        Commands and faults pause first (a command in flight when Home Assistant stops has no
        defined outcome to check), the hubs keep changing. Afterwards the same entities must be
        back, every system must show a change made after the restart, and the memory checks
        start a new warm-up (a new process).
        """
        at = self.settings.restart_at
        if at is None:
            return
        await asyncio.sleep(max(0.0, self._start + at - time.monotonic()))
        # Not during a cloud outage: its entries would wait for the cloud to be set up again.
        await wait_until(lambda: self._outage is None, self.settings.duration)
        if not self._running():
            return
        self._ha_up.clear()
        try:
            await wait_until(lambda: self._busy == 0, 2 * self.settings.recovery_timeout)
            before = await self._our_entities()
            started = time.monotonic()
            self.report.restarted_at = started - self._start
            await self.hass.restart(RESTART_TIMEOUT)
            await self.ws.reconnect()
            await self._demo_ready()
            await self._restored(before, started)
            for system in self.systems:
                self.report.faults.append(await self._shown_after_restart(system, started))
            now = time.monotonic() - self._start
            self.report.memory.clear()
            self.report.hubrelay_memory.clear()
            self.report.warm_from = self.report.rss_from = now + self.settings.warmup
            # The memory checks of the new process need a warm-up and then a span to compare.
            self._deadline = max(
                self._deadline, self._start + self.report.warm_from + MEMORY_SPAN_AFTER_RESTART
            )
        finally:
            self._ha_up.set()

    async def _demo_ready(self) -> None:
        """Wait for the demo component's reloads of entries set up before its settings.

        Home Assistant answers on its API before every integration is set up: until the demo
        component is, its command is unknown.
        """
        deadline = time.monotonic() + RESTART_TIMEOUT
        while True:
            ready = await self.ws.request({"type": "hubrelay_demo/ready"}, RESTART_TIMEOUT)
            if ready.get("success"):
                return
            if ready.get("error", {}).get("code") != "unknown_command" or (
                time.monotonic() > deadline
            ):
                self.report.failures.append(f"the demo settings were not applied: {ready}")
                return
            await asyncio.sleep(0.2)

    async def _our_entities(self) -> set[str]:
        """HubRelay's enabled entities (disabled ones have no state by design)."""
        registry = await self.ws.entity_registry()
        return {
            e["entity_id"]
            for e in registry
            if e.get("platform") == "hubrelay" and e.get("disabled_by") is None
        }

    async def _restored(self, before: set[str], started: float) -> None:
        """The same entity ids as before the restart, each with a state and available again."""
        after = await self._our_entities()
        if after != before:
            self.report.failures.append(
                "the restart changed HubRelay's entities: "
                f"gone {sorted(before - after)}, new {sorted(after - before)}"
            )
        wanted = [entity for system in self.systems for entity in system.truths]

        def back() -> bool:
            # Every entity with a state: an entry the demo component reloads (it was set up
            # before the soak's settings) has its entities removed and added again meanwhile.
            return all(e in self.ws.states for e in after) and all(
                e in self.ws.states and not self.ws.unavailable(e) for e in wanted
            )

        try:
            await wait_until(back, self.settings.recovery_timeout)
        except TimeoutError:
            missing = [e for e in wanted if e not in self.ws.states or self.ws.unavailable(e)]
            self.report.failures.append(f"not back after the restart: {missing}")
        else:
            self.report.restart_seconds = time.monotonic() - started
        stateless = sorted(e for e in after if e not in self.ws.states)
        if stateless:
            self.report.failures.append(f"no state after the restart: {stateless}")

    async def _shown_after_restart(self, system: System, started: float) -> FaultRun:
        self._marker += 1
        marker = float(self._marker)
        system.set_marker(marker)
        recovery: float | None = None
        with contextlib.suppress(TimeoutError):
            await wait_until(
                self._shows(system.marker_entity, marker), self.settings.recovery_timeout
            )
            recovery = time.monotonic() - started
        name = f"{system.name}: Home Assistant restart"
        if recovery is None:
            self.report.failures.append(f"{name}: no change shown after the restart")
        return FaultRun(system.name, name, recovery)

    async def _hubrelay_memory(self) -> None:
        """Sample what HubRelay's code holds (a tracemalloc snapshot inside Home Assistant)."""
        answer = await self.ws.request({"type": "hubrelay_demo/memory"})
        if answer.get("success"):
            held = answer["result"]["hubrelay"] / 2**20
            self.report.hubrelay_memory.append((time.monotonic() - self._start, held))

    async def _settle(self) -> None:
        started = time.monotonic()

        def mismatches() -> list[str]:
            wrong = []
            for system in self.systems:
                for entity_id, check in system.truths.items():
                    state = self.ws.states.get(entity_id)
                    if state is None or not check(state):
                        shown = None if state is None else state.get("state")
                        wrong.append(f"{entity_id} shows {shown!r}")
            return wrong

        try:
            await wait_until(lambda: not mismatches(), self.settings.settle_timeout)
        except TimeoutError:
            self.report.failures.append(
                "not settled: "
                + "; ".join(mismatches())
                + f" after {self.settings.settle_timeout:.0f} s"
            )
        else:
            self.report.settle_seconds = time.monotonic() - started

    def _check_memory(self) -> None:
        report, settings = self.report, self.settings
        ours = report.growth(report.hubrelay_memory)
        if ours is None:
            report.failures.append("no memory sample of HubRelay after the warm-up")
        elif ours[2] > settings.hubrelay_memory_bound_mib:
            report.failures.append(
                f"HubRelay's code holds {ours[2]:.2f} MiB more than after warm-up "
                f"(bound {settings.hubrelay_memory_bound_mib:.2f} MiB)"
            )
        rss = report.growth(report.memory, report.rss_from)
        if rss is not None and rss[2] > settings.rss_bound_mib:
            report.failures.append(
                f"Home Assistant's RSS grew by {rss[2]:.1f} MiB after warm-up "
                f"(bound {settings.rss_bound_mib:.0f} MiB)"
            )


def _during_outage(deck: list[tuple[System, Fault]]) -> int | None:
    """The fault to inject next while the cloud is out, if any can be.

    A relay mode's fault goes first, a quick one before a black hole (which takes the keepalive's
    bound): its reconnect is what an outage puts to the test. Faults only the cloud can end wait.
    """
    allowed = [i for i, (_system, fault) in enumerate(deck) if not fault.needs_cloud]
    relayed = _relayed(deck)
    quick = [i for i in relayed if deck[i][1].bound is None]
    choice = quick or relayed or allowed
    return choice[-1] if choice else None


def _relayed(deck: list[tuple[System, Fault]]) -> list[int]:
    """Where the deck holds a relay mode's fault that needs no cloud to end."""
    return [
        i
        for i, (system, fault) in enumerate(deck)
        if system.name.endswith("relay") and not fault.needs_cloud
    ]


async def wait_until(condition: Callable[[], bool], seconds: float) -> None:
    """Poll `condition` every 20 ms until it holds (TimeoutError after `seconds`)."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


def scan_log(text: str, report: SoakReport) -> None:
    """Count HubRelay's log lines by level and fail on anything unhandled or blocking."""
    problems: list[str] = []
    logger = ""
    for line in text.splitlines():
        match = LOG_LINE.match(line)
        if match:
            logger = match["logger"]
        if LOG_PROBLEMS.search(line) and not logger.startswith(MACHINE_NOISE):
            problems.append(line.strip()[:300])
        if match and match["logger"].startswith("custom_components.hubrelay"):
            key = match["level"]
            report.log_counts[key] = report.log_counts.get(key, 0) + 1
    report.failures.extend(f"Home Assistant log: {line}" for line in problems[:20])


async def reauth_flows(ws: HaWebSocket) -> list[str]:
    """The entries Home Assistant asks the user to sign in to again (reauth flows in progress)."""
    flows: list[dict[str, Any]] = (await ws.request({"type": "config_entries/flow/progress"}))[
        "result"
    ]
    return sorted(
        str(flow["context"].get("title_placeholders", {}).get("name") or flow["handler"])
        for flow in flows
        if flow.get("context", {}).get("source") == "reauth"
    )


def unavailable_entities(ws: HaWebSocket, registry: list[dict[str, Any]]) -> list[str]:
    """HubRelay entities that are unavailable (after settling, none should be)."""
    ours = {e["entity_id"] for e in registry if e.get("platform") == "hubrelay"}
    return sorted(
        entity_id
        for entity_id in ours
        if (state := ws.states.get(entity_id)) is not None and state["state"] == "unavailable"
    )


async def check_reset_miniserver(
    ms: MiniserverSimulator, ws: HaWebSocket, report: SoakReport, settings: SoakSettings
) -> None:
    """A Miniserver reset to a backup refuses the stored token: that is a credential refusal.

    Home Assistant must ask the user to sign in again, once, after few refused logins (a real
    Miniserver blocks a client with 4003 after repeated failures), and then leave it alone.
    """
    ms.block_after_failures = 3
    ms.unblock()
    refused_before = ms.failed_auths
    ms.forget_tokens()
    started = time.monotonic()
    await ms.drop_connections()
    flows: list[str] = []
    deadline = started + settings.recovery_timeout
    while not flows and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        flows = await reauth_flows(ws)
    if not flows:
        report.failures.append(
            "reset Miniserver: no re-authentication asked for within "
            f"{settings.recovery_timeout:.0f} s of its refusing the stored token"
        )
        return
    report.reset_reauth_seconds = time.monotonic() - started
    # Long enough for several reconnects at the soak's delays: none may follow the refusal.
    await asyncio.sleep(3 * SOAK_TIMINGS["loxone"]["reconnect_max"])
    report.reset_refused_logins = ms.failed_auths - refused_before
    report.reset_reauth_flows = len(await reauth_flows(ws))
    if ms.is_blocked():
        report.failures.append("reset Miniserver: HubRelay kept trying until it was blocked (4003)")
    if report.reset_reauth_flows != 1:
        report.failures.append(
            f"reset Miniserver: {report.reset_reauth_flows} re-authentication flows, not one"
        )


async def run_soak(settings: SoakSettings, workdir: Path) -> SoakReport:
    """Start the simulators and Home Assistant, add a hub per connection mode, soak, check."""
    async with (
        simulated_hubs(generator_interval=None, cloud_domain=CLOUD_DOMAIN) as hubs,
        extra_hubs(hubs) as extra,
    ):
        systems = all_systems(hubs, extra)
        windows = (settings.dns_failure, settings.cloud_outage)
        outages = sorted(
            (
                (outage, window)
                for outage, window in zip(cloud_outages(hubs), windows, strict=True)
                if window is not None
            ),
            key=lambda scheduled: scheduled[1][0],
        )
        hass = HomeAssistantProcess(
            workdir / "config",
            free_port(),
            pointed_at_local(hubs, extra),
            timings=SOAK_TIMINGS,
            loxone_ca_pem=extra.loxone_ca_pem,
            trace_memory=True,
        )
        try:
            await hass.start()
            async with aiohttp.ClientSession() as session:
                api = HomeAssistantApi(session, hass.base_url)
                token = await api.onboard(LOGIN_USERNAME, LOGIN_PASSWORD)
                await api.remove_onboarding_extras()
                # Plain before TLS, relay before local and local before relay: the second of
                # a kind gets "_2".
                await api.add_miniserver(hubs.miniserver)
                await add_miniserver_tls(api, extra.miniserver_tls)
                await api.add_ezlo("relay")
                await add_ezlo_local(api, EZLO_LOCAL_SERIAL)
                await api.add_vera_local(hubs.vera)
                await add_vera_relay(api, VERA_RELAY_SERIAL)
                ws = HaWebSocket(session, hass.base_url, token)
                await ws.connect()
                try:
                    report = await _soak(settings, systems, ws, hass, outages)
                    await check_reset_miniserver(hubs.miniserver, ws, report, settings)
                    return report
                finally:
                    await ws.close()
        finally:
            await hass.stop()


async def _soak(
    settings: SoakSettings,
    systems: list[System],
    ws: HaWebSocket,
    hass: HomeAssistantProcess,
    outages: list[tuple[Outage, tuple[float, float]]],
) -> SoakReport:
    wanted = [entity for system in systems for entity in system.truths]
    try:
        await wait_until(lambda: all(e in ws.states for e in wanted), 60.0)
    except TimeoutError:
        missing = [e for e in wanted if e not in ws.states]
        raise RuntimeError(f"Home Assistant never showed {missing}") from None
    log_offset = hass.output.stat().st_size
    soak = Soak(settings, systems, ws, hass, outages)
    report = await soak.run()
    registry = await ws.entity_registry()
    if unavailable := unavailable_entities(ws, registry):
        report.failures.append(f"unavailable after the run: {', '.join(unavailable)}")
    report.reauth_flows = await reauth_flows(ws)
    identity = [
        issue["issue_id"]
        for issue in await ws.repair_issues()
        if issue["domain"] == "hubrelay" and "identity" in issue["issue_id"]
    ]
    if identity:
        report.failures.append(f"a hub's identity was doubted: {', '.join(identity)}")
    if settings.enforce_bounds:
        report.failures.extend(
            f"{fault.name}: recovered after {fault.recovery:.1f} s, beyond its bound "
            f"{fault.bound:.0f} s + {BOUND_SLACK:.0f} s"
            for fault in report.faults
            if fault.bound is not None
            and fault.recovery is not None
            and fault.recovery > fault.bound + BOUND_SLACK
        )
    if report.reauth_flows:
        report.failures.append(
            "re-authentication asked for although no fault refused a credential: "
            + ", ".join(report.reauth_flows)
        )
    with hass.output.open(errors="replace") as output:
        output.seek(log_offset)
        log = output.read()
    scan_log(log, report)
    for system in systems:
        received = system.delivered()
        report.delivered[system.name] = len(received)
        problems, skipped = check_exactly_once(system.name, report.sent[system.name], received)
        report.failures += problems
        report.skipped[system.name] = len(skipped)
        warned = skip_warnings(log, system.command_entity)
        if len(skipped) > warned:
            report.failures.append(
                f"{system.name}: {len(skipped)} commands were skipped but Home Assistant "
                f"reported only {warned} (a silent drop)"
            )
    return report
