"""Switches: Loxone Switch, TimedSwitch (stairway/pulse) and central switches; Ezlo switch items."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import is_light


class EzloSwitch(EzloEntity, SwitchEntity):
    """An Ezlo device's settable ``switch`` item (plugs, relays, in-wall switches)."""

    _attr_name = None

    def _update(self) -> None:
        value = self.value("switch")
        self._attr_is_on = value if isinstance(value, bool) else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self.set_item("switch", True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self.set_item("switch", False)


def ezlo_switches(coordinator: EzloCoordinator, device: Device) -> list[EzloSwitch]:
    """Build a switch for a settable ``switch`` item, unless the device is a light."""
    items = coordinator.device_items(device.id)
    switch = items.get("switch")
    if switch is None or not switch.has_setter or is_light(device, set(items)):
        return []
    return [EzloSwitch(coordinator, device, "switch", ["switch"])]


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_switches, async_add_entities)
