"""HubRelay: Loxone Miniservers and Vera / Ezlo hubs in Home Assistant.

Each config entry belongs to one hub system (`loxone`, `ezlo`, `vera`); this module only finds
the entry's system and lets it do the work.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .data import HubRelayConfigEntry, system_of
from .hub.takeover import clear_takeover_issues
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions; hubs are added as config entries from the UI."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
    """Connect to the hub, register it as a device and set up its entities."""
    await system_of(entry).async_setup_entry(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
    """Unload the entities; the session closes through `async_on_unload`."""
    return await system_of(entry).async_unload_entry(hass, entry)


async def async_remove_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Clean up what the entry kept outside itself (a Miniserver token, a cached structure)."""
    clear_takeover_issues(hass, entry)
    await system_of(entry).async_remove_entry(hass, entry)
