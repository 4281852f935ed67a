"""Selects: Loxone radio buttons (Radio controls) and the Ezlo house mode."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import HouseModes
from .coordinator import EzloCoordinator
from .entity import EzloHubEntity


class EzloHouseMode(EzloHubEntity, SelectEntity):
    """The current house mode; choosing one switches it (the hub may delay the switch)."""

    _attr_translation_key = "house_mode"

    def __init__(self, coordinator: EzloCoordinator, modes: HouseModes) -> None:
        """Offer the hub's modes by name."""
        super().__init__(coordinator, "house_mode")
        self._modes = modes
        self._attr_options = [mode.name or mode.id for mode in modes.modes]

    async def async_added_to_hass(self) -> None:
        """Follow mode switches."""
        self.async_on_remove(self.coordinator.session.on_modes_changed(self._modes_changed))
        await super().async_added_to_hass()

    @callback
    def _modes_changed(self, modes: HouseModes) -> None:
        self._modes = modes
        self._update()
        self.async_write_ha_state()

    def _update(self) -> None:
        self._attr_current_option = self._modes.mode_name(self._modes.current) or None

    async def async_select_option(self, option: str) -> None:
        """Switch to the mode with this name."""
        mode = next(mode for mode in self._modes.modes if (mode.name or mode.id) == option)
        await self.coordinator.async_switch_mode(mode.id)


def ezlo_house_mode(coordinator: EzloCoordinator) -> list[EzloHouseMode]:
    """Build the house mode select when the hub has house modes (ezloPi has none)."""
    modes = coordinator.session.modes
    return [] if modes is None else [EzloHouseMode(coordinator, modes)]


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    async_add_entities(ezlo_house_mode(coordinator))
