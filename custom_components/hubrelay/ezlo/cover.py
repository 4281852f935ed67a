"""Ezlo covers: window coverings (``dimmer`` position, ``shutter_command``) and garage doors.

Ezlo's window-covering dimmer is 0 = closed … 100 = open, the same as Home Assistant's position.
A garage door is driven by its ``barrier`` token and reports movement through ``barrier_state``.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.cover import (
    ATTR_POSITION,
    CoverDeviceClass,
    CoverEntity,
    CoverEntityFeature,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import is_cover


class EzloWindowCovering(EzloEntity, CoverEntity):
    """A blind or shutter."""

    _attr_name = None
    _attr_device_class = CoverDeviceClass.SHUTTER

    def __init__(self, coordinator: EzloCoordinator, device: Device, key: str) -> None:
        """Offer position control when there is a dimmer, stop when there is a command item."""
        super().__init__(coordinator, device, key, ("dimmer", "shutter_command", "shutter_state"))
        features = CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE
        if "dimmer" in self.items:
            features |= CoverEntityFeature.SET_POSITION
        if "shutter_command" in self.items:
            features |= CoverEntityFeature.STOP
        self._attr_supported_features = features

    def _update(self) -> None:
        position = self.number("dimmer")
        self._attr_current_cover_position = None if position is None else round(position)
        self._attr_is_closed = None if position is None else position <= 0
        state = self.value("shutter_state")
        self._attr_is_opening = state == "opening"
        self._attr_is_closing = state == "closing"

    async def _command(self, command: str, position: int) -> None:
        if "shutter_command" in self.items:
            await self.set_item("shutter_command", command)
        else:
            await self.set_item("dimmer", position)

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open fully."""
        await self._command("open", 100)

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close fully."""
        await self._command("close", 0)

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop moving."""
        await self.set_item("shutter_command", "stop")

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move to a position (0 = closed, 100 = open)."""
        await self.set_item("dimmer", int(kwargs[ATTR_POSITION]))


class EzloGarageDoor(EzloEntity, CoverEntity):
    """A garage door or gate."""

    _attr_name = None
    _attr_device_class = CoverDeviceClass.GARAGE
    _attr_supported_features = CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE

    def __init__(self, coordinator: EzloCoordinator, device: Device) -> None:
        """Watch the command item and the reported state."""
        super().__init__(coordinator, device, "barrier", ("barrier", "barrier_state"))

    def _update(self) -> None:
        state = self.value("barrier_state")
        if not isinstance(state, str) or state == "unknown":
            state = self.value("barrier")
        self._attr_is_closed = None if not isinstance(state, str) else state == "barrier_closed"
        self._attr_is_opening = state == "barrier_opening"
        self._attr_is_closing = state == "barrier_closing"

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open the door."""
        await self.set_item("barrier", "barrier_opened")

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close the door."""
        await self.set_item("barrier", "barrier_closed")


def ezlo_covers(coordinator: EzloCoordinator, device: Device) -> list[CoverEntity]:
    """Build a cover per window covering and garage door."""
    items = coordinator.device_items(device.id)
    names = set(items)
    if (barrier := items.get("barrier")) is not None and barrier.has_setter:
        return [EzloGarageDoor(coordinator, device)]
    if is_cover(device, names):
        key = "dimmer" if "dimmer" in names else "shutter_command"
        return [EzloWindowCovering(coordinator, device, key)]
    return []


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_covers, async_add_entities)
