"""Hypothesis profiles of the fuzz suite, chosen with ``HUBRELAY_FUZZ_PROFILE`` (default or long).

`default` runs with the normal test suite: 200 examples per test, derandomized so a run is
repeatable. `long` is the opt-in campaign (``scripts/fuzz``): tens of thousands of examples,
fresh randomness each run, and a reproduction blob printed for any failure.

The chosen profile is registered as ``hubrelay-fuzz`` and applied per test (each module decorates
its tests with it), never loaded globally: the rest of the suite keeps Hypothesis's defaults.
``hubrelay-fuzz-heavy`` runs a quarter as many examples, for tests whose every example starts a
server and connects to it, or parses a whole real structure file.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings
import pytest

PROFILES = {
    "default": settings(max_examples=200, deadline=None, derandomize=True, database=None),
    "long": settings(max_examples=20_000, deadline=None, database=None, print_blob=True),
}

_name = os.environ.get("HUBRELAY_FUZZ_PROFILE", "default")
if _name not in PROFILES:
    raise pytest.UsageError(f"HUBRELAY_FUZZ_PROFILE must be one of {sorted(PROFILES)}")
for _profile, _settings in PROFILES.items():
    settings.register_profile(f"hubrelay-fuzz-{_profile}", _settings)
settings.register_profile("hubrelay-fuzz", PROFILES[_name])
settings.register_profile(
    "hubrelay-fuzz-heavy", PROFILES[_name], max_examples=PROFILES[_name].max_examples // 4
)

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Silence one spurious Hypothesis warning in derandomized runs.

    The first derandomized test of a process makes Hypothesis register its own thread-local
    `Random`, and its garbage-collection heuristic then warns about that very object (it is kept
    alive by the thread-local, so nothing is lost).
    """
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(
                pytest.mark.filterwarnings(
                    "ignore:It looks like `register_random`:hypothesis.errors.HypothesisWarning"
                )
            )
