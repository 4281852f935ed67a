"""Selects: Loxone radio buttons (Radio controls) and the Ezlo house mode."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LoxoneCoordinator
from .coordinator_ezlo import EzloCoordinator
from .data import HubRelayConfigEntry, loxone_coordinator
from .entity import LoxoneEntity
from .entity_ezlo import EzloHubEntity
from .mapping.loxone import EntityFactory, build_entities, single
from .protocols.ezlo import HouseModes
from .protocols.loxone import Control

PARALLEL_UPDATES = 1


class LoxoneRadio(LoxoneEntity, SelectEntity):
    """A Radio: one active output (id >= 1) or none (0, the "all off" entry)."""

    _attr_name = None
    state_names = ("activeOutput",)

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Read the outputs and the optional "all off" label from the details."""
        super().__init__(coordinator, control)
        outputs = control.details.get("outputs", {})
        self._by_id: dict[int, str] = {
            int(key): str(name) for key, name in outputs.items() if str(key).isdigit()
        }
        self._all_off: str | None = control.details.get("allOff") or None
        if self._all_off is not None:
            self._by_id[0] = self._all_off
        self._attr_options = [self._by_id[key] for key in sorted(self._by_id)]

    def _update_from_values(self) -> None:
        active = self.number("activeOutput")
        self._attr_current_option = None if active is None else self._by_id.get(int(active))

    async def async_select_option(self, option: str) -> None:
        """Activate an output, or switch all off ("reset")."""
        key = next(key for key, name in self._by_id.items() if name == option)
        await self.send("reset" if key == 0 else str(key))


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


FACTORIES: dict[str, EntityFactory] = {"Radio": single(LoxoneRadio)}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a select per Radio control, or the Ezlo house mode."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, EzloCoordinator):
        async_add_entities(ezlo_house_mode(coordinator))
        return
    async_add_entities(build_entities(loxone_coordinator(entry), FACTORIES))
