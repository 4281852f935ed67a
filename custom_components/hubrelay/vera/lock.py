"""Door locks: Vera ``DoorLock1`` devices."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice, VeraLock
from .coordinator import VeraCoordinator
from .entity import VeraEntity


class VeraLockEntity(VeraEntity[VeraLock], LockEntity):
    """A Vera door lock (``DoorLock1``)."""

    _attr_name = None

    def _update(self) -> None:
        self._attr_is_locked = self.device.locked

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_locked(device_id, True))

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_locked(device_id, False))


def vera_locks(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraLockEntity]:
    """Build a lock per Vera door lock."""
    return [VeraLockEntity(coordinator, device, None)] if isinstance(device, VeraLock) else []


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a lock per door lock, now and for devices added later."""
    coordinator.add_platform(vera_locks, async_add_entities)
