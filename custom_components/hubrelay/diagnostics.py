"""Diagnostics for a config entry: the entry's system says what helps a bug report.

Each system redacts its own secrets (tokens, keys, passwords, serials, hosts) before anything
leaves; see `<system>/diagnostics.py`.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .data import HubRelayConfigEntry, system_of


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HubRelayConfigEntry
) -> dict[str, Any]:
    """Return the redacted entry and what the system knows of its hub."""
    system = system_of(entry)
    return system.diagnostics(entry, system.coordinator_of(entry))
