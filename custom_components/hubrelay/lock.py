"""Door locks: Ezlo ``door_lock`` items and Vera ``DoorLock1`` devices."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator_ezlo import EzloCoordinator
from .coordinator_vera import VeraCoordinator
from .data import HubRelayConfigEntry
from .entity_ezlo import EzloEntity
from .entity_vera import VeraEntity
from .protocols.ezlo import Device
from .protocols.vera import VeraDevice, VeraLock

PARALLEL_UPDATES = 1


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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock per Ezlo or Vera door lock (only those entries are forwarded here)."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, EzloCoordinator):
        coordinator.add_platform(ezlo_locks, async_add_entities)
    elif isinstance(coordinator, VeraCoordinator):
        coordinator.add_platform(vera_locks, async_add_entities)
