"""The integration loads into a real Home Assistant."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
import pytest

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import SYSTEMS, HubRelayConfigEntry
from custom_components.hubrelay.ezlo.coordinator import EzloCoordinator
from custom_components.hubrelay.hub.coordinator import HubCoordinator
from custom_components.hubrelay.loxone.coordinator import LoxoneCoordinator
from custom_components.hubrelay.vera.coordinator import VeraCoordinator


async def test_integration_loads(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, DOMAIN)
    assert not integration.is_built_in
    assert integration.name == "HubRelay"
    assert await async_setup_component(hass, DOMAIN, {})
    assert DOMAIN in hass.config.components
    assert hass.services.has_service(DOMAIN, "send_command")


async def test_yaml_configuration_is_refused_with_a_clear_log(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    assert await async_setup_component(hass, DOMAIN, {DOMAIN: {"host": "192.0.2.1"}})
    assert "hubrelay integration does not support YAML setup" in caplog.text
    issue = ir.async_get(hass).async_get_issue("homeassistant", f"config_entry_only_{DOMAIN}")
    assert issue is not None


def test_runtime_data_is_typed_per_entry() -> None:
    # Platforms and setup annotate entries with this alias; mypy --strict checks the uses, and
    # each system hands its platforms its own coordinator type (`HubSystem.coordinator_of`).
    assert HubRelayConfigEntry.__value__ == ConfigEntry[HubCoordinator]
    assert {name: system.coordinator for name, system in SYSTEMS.items()} == {
        "loxone": LoxoneCoordinator,
        "ezlo": EzloCoordinator,
        "vera": VeraCoordinator,
    }
