"""Selects: Loxone radio buttons (Radio controls) and the Ezlo house mode."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, single


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


FACTORIES: dict[str, EntityFactory] = {"Radio": single(LoxoneRadio)}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
