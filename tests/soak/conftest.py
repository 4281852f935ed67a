"""The soak runs Home Assistant as a subprocess: no in-process test instance is needed."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: it would start an in-process Home Assistant for nothing."""
