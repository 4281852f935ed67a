"""Shared fixtures: Home Assistant test harness with custom integrations enabled."""

from __future__ import annotations

import gc

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection imported (Home Assistant and its components) out of the GC.

    A full collection of that many objects pauses the event loop for a few tenths of a second,
    as long as the shortest timeouts some tests give a simulator; frozen objects are not scanned.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let every test load custom_components/hubrelay."""


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Allow sockets; pytest-homeassistant still limits connections to 127.0.0.1."""
