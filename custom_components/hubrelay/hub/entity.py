"""Base entity for Ezlo and Vera: availability follows the hub session, no polling."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from .coordinator import HubCoordinator


class HubBaseEntity[CoordinatorT: HubCoordinator](Entity):
    """Something shown from one hub; subclasses set their values in `_update`."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, coordinator: CoordinatorT) -> None:
        """Keep the session owner."""
        self.coordinator = coordinator

    async def async_added_to_hass(self) -> None:
        """Follow the session's availability."""
        self.async_on_remove(self.coordinator.add_availability_listener(self._session_changed))
        self._attr_available = self._is_available()
        self._update()

    @callback
    def _session_changed(self, _available: bool) -> None:
        self._attr_available = self._is_available()
        self.async_write_ha_state()

    def _is_available(self) -> bool:
        return self.coordinator.connected

    def _update(self) -> None:
        """Set the `_attr_*` values from the cached data (subclasses)."""
