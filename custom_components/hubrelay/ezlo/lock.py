"""Door locks: Ezlo ``door_lock`` items."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device
from .coordinator import EzloCoordinator
from .entity import EzloEntity


class EzloLock(EzloEntity, LockEntity):
    """A door lock: ``secured`` is locked, every ``unsecured…`` token is unlocked."""

    _attr_name = None

    def _update(self) -> None:
        state = self.value("door_lock")
        if state == "secured":
            self._attr_is_locked = True
        elif isinstance(state, str) and state.startswith("unsecured"):
            self._attr_is_locked = False
        else:
            self._attr_is_locked = None

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock."""
        await self.set_item("door_lock", "secured")

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock."""
        await self.set_item("door_lock", "unsecured")


def ezlo_locks(coordinator: EzloCoordinator, device: Device) -> list[EzloLock]:
    """Build a lock per settable ``door_lock`` item."""
    item = coordinator.device_items(device.id).get("door_lock")
    if item is None or not item.has_setter:
        return []
    return [EzloLock(coordinator, device, "door_lock", ["door_lock"])]


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a lock per settable door lock item, now and for devices added later."""
    coordinator.add_platform(ezlo_locks, async_add_entities)
