"""Run benchmarks by name: `python -m tests.bench [NAME ...]` (no name: all of them)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import tests.bench as package


def available() -> list[str]:
    """Names of the benchmark modules (tests/bench/bench_<name>.py, `_` spelled `-`)."""
    return sorted(
        info.name.removeprefix("bench_").replace("_", "-")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    """Run the named benchmarks in order."""
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}")
        return 2
    for name in names:
        print(f"== bench {name}")
        module = importlib.import_module(f"tests.bench.bench_{name.replace('-', '_')}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
