"""The typed runtime data each HubRelay config entry carries."""

from __future__ import annotations

from typing import Protocol

from homeassistant.config_entries import ConfigEntry


class HubSession(Protocol):
    """What every hub system's coordinator offers entry setup and the platforms.

    Each system (Loxone, Ezlo, Vera) has one coordinator per config entry that owns the
    hub session; entry setup and unload only rely on this shape.
    """

    @property
    def connected(self) -> bool:
        """Return True while the session to the hub is up."""
        ...

    async def async_shutdown(self) -> None:
        """Close the session and release every listener."""
        ...


type HubRelayConfigEntry = ConfigEntry[HubSession]
