"""The typed runtime data each HubRelay config entry carries: one coordinator per hub."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry

from .coordinator import LoxoneCoordinator
from .coordinator_ezlo import EzloCoordinator
from .coordinator_vera import VeraCoordinator

type HubRelayConfigEntry = ConfigEntry[LoxoneCoordinator | EzloCoordinator | VeraCoordinator]


def loxone_coordinator(entry: HubRelayConfigEntry) -> LoxoneCoordinator:
    """Return the coordinator of an entry that only Loxone platforms are forwarded to."""
    coordinator = entry.runtime_data
    if not isinstance(coordinator, LoxoneCoordinator):
        raise TypeError(f"{entry.title} is not a Loxone entry")
    return coordinator
