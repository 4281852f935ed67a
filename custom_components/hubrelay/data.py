"""The typed runtime data each HubRelay config entry carries."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry

from .coordinator import LoxoneCoordinator

type HubRelayConfigEntry = ConfigEntry[LoxoneCoordinator]
