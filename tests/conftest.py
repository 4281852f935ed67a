"""Shared fixtures: Home Assistant test harness with custom integrations enabled."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let every test load custom_components/hubrelay."""


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Allow sockets; pytest-homeassistant still limits connections to 127.0.0.1."""
