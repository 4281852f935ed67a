"""Which hub system serves a config entry, and the typed entry every module works with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_SYSTEM, SYSTEM_LOXONE
from .ezlo import EZLO
from .hub.coordinator import HubRelayConfigEntry
from .hub.system import HubSystem
from .loxone import LOXONE
from .vera import VERA

__all__ = ["SYSTEMS", "HubRelayConfigEntry", "forward_platform", "system_for", "system_of"]

type PlatformEntrySetup = Callable[
    [HomeAssistant, HubRelayConfigEntry, AddConfigEntryEntitiesCallback], Awaitable[None]
]

#: Every hub system, by the `system` field of its entries.
SYSTEMS: Mapping[str, HubSystem[Any]] = {system.name: system for system in (LOXONE, EZLO, VERA)}


def system_for(data: Mapping[str, Any]) -> HubSystem[Any]:
    """Return the system an entry's data (or a flow's) belongs to; Loxone entries came first."""
    return SYSTEMS[data.get(CONF_SYSTEM, SYSTEM_LOXONE)]


def system_of(entry: HubRelayConfigEntry) -> HubSystem[Any]:
    """Return the system that serves a config entry."""
    return system_for(entry.data)


def forward_platform(platform: Platform) -> PlatformEntrySetup:
    """Build a root platform module's `async_setup_entry`: the entry's system adds the entities."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: HubRelayConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        await system_of(entry).async_setup_platform(platform, entry, async_add_entities)

    return async_setup_entry
