"""The system interface the root modules use: one entry, one system, its platforms."""

from __future__ import annotations

import importlib
from pathlib import Path

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.hubrelay.const import CONF_SYSTEM, DOMAIN
from custom_components.hubrelay.data import SYSTEMS, system_for
from custom_components.hubrelay.hub.coordinator import HubCoordinator

INTEGRATION = Path(__file__).resolve().parents[3] / "custom_components/hubrelay"


def test_every_system_platform_has_a_root_module_and_back() -> None:
    # Home Assistant loads platforms from the integration's root; each root platform module
    # must serve at least one system, and every platform a system lists must have one.
    offered = {platform for system in SYSTEMS.values() for platform in system.platforms}
    roots = {Platform(path.stem) for path in INTEGRATION.glob("*.py") if path.stem in Platform}
    assert offered == roots
    for platform in offered:
        module = importlib.import_module(f"custom_components.hubrelay.{platform.value}")
        assert callable(module.async_setup_entry)
        assert module.PARALLEL_UPDATES in (0, 1)


def test_each_platform_setup_comes_from_the_module_of_that_name() -> None:
    for name, system in SYSTEMS.items():
        for platform, setup in system.platforms.items():
            assert setup.__module__ == f"custom_components.hubrelay.{name}.{platform.value}"


def test_entries_without_a_system_field_are_loxone() -> None:
    # The first entries (Loxone only) were created before the field existed.
    assert system_for({}) is SYSTEMS["loxone"]
    assert system_for({CONF_SYSTEM: "vera"}) is SYSTEMS["vera"]


async def test_a_system_refuses_another_systems_coordinator(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_SYSTEM: "ezlo", "serial": "1"}, title="Hub")
    entry.runtime_data = HubCoordinator(hass, entry)
    with pytest.raises(TypeError, match="Hub is not a ezlo entry"):
        SYSTEMS["ezlo"].coordinator_of(entry)
