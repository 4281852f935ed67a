"""The one interface the integration's root modules use to reach a hub system.

Each system package (`loxone`, `ezlo`, `vera`) describes itself with one `HubSystem`: which
platforms it has and how it builds them, how an entry of it is set up, unloaded and removed, its
options flow, the config-flow steps for reauth and reconfigure, and its diagnostics. The root
`__init__`, `config_flow`, `diagnostics`, `services` and platform modules only look up the
entry's system and call it, so adding a platform or a system touches that system's package and
one line at the root.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import HubCoordinator, HubRelayConfigEntry
from .takeover import TakeoverSupport

#: Sets one platform up for a loaded entry of the system.
type PlatformSetup[CoordinatorT] = Callable[
    [CoordinatorT, AddConfigEntryEntitiesCallback], Awaitable[None]
]


def platform_setups(*modules: ModuleType) -> dict[Platform, PlatformSetup[Any]]:
    """Map each of a system's platform modules (named after its platform) to its set-up."""
    return {
        Platform(module.__name__.rpartition(".")[2]): module.async_setup_platform
        for module in modules
    }


async def _nothing_to_remove(_hass: HomeAssistant, _entry: HubRelayConfigEntry) -> None:
    """Most systems keep nothing outside their config entry."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HubSystem[CoordinatorT: HubCoordinator]:
    """What a hub system offers the root modules."""

    #: The value of the entry's `system` field.
    name: str
    coordinator: type[CoordinatorT]
    platforms: Mapping[Platform, PlatformSetup[CoordinatorT]]
    #: Connect, register the hub device, set `entry.runtime_data`, forward `platforms`.
    async_setup_entry: Callable[[HomeAssistant, HubRelayConfigEntry], Awaitable[None]]
    diagnostics: Callable[[HubRelayConfigEntry, CoordinatorT], dict[str, Any]]
    options_flow: Callable[[], OptionsFlow]
    #: Config-flow step (method `async_step_<name>`) that starts a reauth / reconfigure.
    reauth_step: str
    reconfigure_step: str
    #: List a device's triggers (its buttons' presses) for the automation editor.
    device_triggers: Callable[[HomeAssistant, str], list[dict[str, Any]]]
    #: Clean up what the entry kept outside itself (tokens on the hub, cached files).
    async_remove_entry: Callable[[HomeAssistant, HubRelayConfigEntry], Awaitable[None]] = (
        _nothing_to_remove
    )
    #: Register the system's own actions (once, when the integration loads).
    setup_services: Callable[[HomeAssistant], None] | None = None
    #: The fix flow of a fixable repair issue the system raised (its issue data names the system).
    repair_flow: Callable[[str, Mapping[str, Any]], RepairsFlow] | None = None
    #: The integrations this system can take a hub's entities over from.
    takeover: TakeoverSupport | None = None

    def coordinator_of(self, entry: HubRelayConfigEntry) -> CoordinatorT:
        """Return the loaded entry's coordinator, typed as this system's."""
        coordinator = entry.runtime_data
        if not isinstance(coordinator, self.coordinator):
            raise TypeError(f"{entry.title} is not a {self.name} entry")
        return coordinator

    async def async_setup_platform(
        self,
        platform: Platform,
        entry: HubRelayConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Set up one of the system's platforms for a loaded entry."""
        await self.platforms[platform](self.coordinator_of(entry), async_add_entities)

    async def async_unload_entry(self, hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
        """Unload the entry's platforms; the session closes through `async_on_unload`."""
        return await hass.config_entries.async_unload_platforms(entry, list(self.platforms))
