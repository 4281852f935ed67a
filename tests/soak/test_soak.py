"""The short soak of the test suite: 60 s of load and faults on a hub per connection mode,
Home Assistant restarted in the middle, and a reset Miniserver at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.run import SoakSettings, run_soak

pytestmark = pytest.mark.soak


async def test_short_soak(tmp_path: Path) -> None:
    """No command lost or duplicated, everything converges, nothing leaks or goes unhandled."""
    report = await run_soak(SoakSettings(), tmp_path)
    print(report.render())
    assert report.faults, "no fault was injected"
    assert all(report.events.values()), report.events
    assert report.ok, report.render()
