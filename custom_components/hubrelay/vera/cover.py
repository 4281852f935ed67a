"""Vera window coverings: ``Dimming1`` level 0 (closed) … 100 (open), ``WindowCovering1`` moves."""

from __future__ import annotations

from typing import Any

from homeassistant.components.cover import (
    ATTR_POSITION,
    CoverDeviceClass,
    CoverEntity,
    CoverEntityFeature,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice, VeraWindowCovering
from .coordinator import VeraCoordinator
from .entity import VeraEntity


class VeraCover(VeraEntity[VeraWindowCovering], CoverEntity):
    """A blind or curtain."""

    _attr_name = None
    _attr_device_class = CoverDeviceClass.BLIND
    _attr_supported_features = (
        CoverEntityFeature.OPEN
        | CoverEntityFeature.CLOSE
        | CoverEntityFeature.STOP
        | CoverEntityFeature.SET_POSITION
    )

    def _update(self) -> None:
        level = self.device.level
        self._attr_current_cover_position = level
        self._attr_is_closed = None if level is None else level <= 0

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open fully."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.open_cover(device_id))

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close fully."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.close_cover(device_id))

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop moving."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.stop_cover(device_id))

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move to a position (0 = closed, 100 = open)."""
        session, device_id = self.coordinator.session, self.device.id
        position = int(kwargs[ATTR_POSITION])
        await self.command(lambda: session.set_level(device_id, position))


def vera_covers(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraCover]:
    """Build a cover per window covering."""
    return [VeraCover(coordinator, device, None)] if isinstance(device, VeraWindowCovering) else []


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Vera entry."""
    coordinator.add_platform(vera_covers, async_add_entities)
