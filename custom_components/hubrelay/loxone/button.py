"""Loxone push buttons (Pushbutton controls)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, single


class LoxonePushbutton(LoxoneEntity, ButtonEntity):
    """A Pushbutton: pressing sends a pulse."""

    _attr_name = None

    async def async_press(self) -> None:
        """Send a pulse."""
        await self.send("pulse")


FACTORIES: dict[str, EntityFactory] = {"Pushbutton": single(LoxonePushbutton)}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a button per Pushbutton control."""
    async_add_entities(build_entities(coordinator, FACTORIES))
