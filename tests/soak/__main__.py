"""`scripts/soak`: a long soak and chaos run with its figures (exit status 1 on any failure)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
from pathlib import Path
import signal
import sys

from tests.demo.stack import ROOT
from tests.soak.run import SoakReport, SoakSettings, run_soak


async def soak(settings: SoakSettings, workdir: Path) -> SoakReport:
    """Run until done; Ctrl-C or SIGTERM stop Home Assistant and the simulators in order."""
    task = asyncio.current_task()
    if task is not None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, task.cancel)
    return await run_soak(settings, workdir)


def main() -> None:
    """Parse the command line, run, print the report."""
    defaults = SoakSettings()
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load (600)")
    parser.add_argument("--loxone-rate", type=float, default=defaults.loxone_rate)
    parser.add_argument("--ezlo-rate", type=float, default=defaults.ezlo_rate)
    parser.add_argument("--vera-rate", type=float, default=defaults.vera_rate)
    parser.add_argument("--command-interval", type=float, default=defaults.command_interval)
    parser.add_argument("--fault-interval", type=float, default=defaults.fault_interval)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before memory counts")
    parser.add_argument(
        "--memory-bound",
        type=float,
        default=defaults.hubrelay_memory_bound_mib,
        help="MiB HubRelay's code may hold more at the end than after warm-up",
    )
    parser.add_argument(
        "--restart-at",
        type=float,
        default=None,
        help="seconds into the run at which Home Assistant restarts (a quarter of it; 0: never)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "soak")
    args = parser.parse_args()
    restart_at = args.duration / 4 if args.restart_at is None else args.restart_at or None
    settings = dataclasses.replace(
        defaults,
        duration=args.duration,
        loxone_rate=args.loxone_rate,
        ezlo_rate=args.ezlo_rate,
        vera_rate=args.vera_rate,
        command_interval=args.command_interval,
        fault_interval=args.fault_interval,
        warmup=args.warmup,
        hubrelay_memory_bound_mib=args.memory_bound,
        seed=args.seed,
        restart_at=restart_at,
        # The cloud's names fail for a fifth of the run, then it answers 503 for a quarter.
        dns_failure=(0.35 * args.duration, 0.2 * args.duration),
        cloud_outage=(0.6 * args.duration, 0.25 * args.duration),
        # Not a test: the long run fails on a black hole noticed later than its bound.
        enforce_bounds=True,
    )
    print(f"[soak] {settings}; Home Assistant in {args.workdir}/config", flush=True)
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        report = asyncio.run(soak(settings, args.workdir.resolve()))
        print(report.render())
        sys.exit(0 if report.ok else 1)
    print("[soak] interrupted")
    sys.exit(130)


if __name__ == "__main__":
    main()
