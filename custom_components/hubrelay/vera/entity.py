"""Base entities for Vera: per-device subscriptions, availability, device and hub devices.

An entity subscribes to its own device id, so a long-poll answer reaches only the entities of the
devices it names. Several entities share a device (a dimmer's light, power and energy sensors), so
each one writes its state only when what it shows changed. A device whose radio link failed
(``commFailure``) is unavailable, and so is everything while the hub does not answer. Unique ids
are ``<vera serial>_<device id>[_<key>]``: device ids survive Luup reloads and upgrades.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo

from ..const import DOMAIN
from ..hub.entity import HubBaseEntity
from ..protocols.vera import ActionResult, VeraDevice
from .coordinator import VeraCoordinator, vera_device_id


def vera_device_info(coordinator: VeraCoordinator, device: VeraDevice) -> DeviceInfo:
    """Describe a Vera device: maker and model from ``user_data``, room as area, via the hub."""
    session = coordinator.session
    details = session.device_details.get(device.id)
    room = session.rooms.get(device.room_id) if device.room_id is not None else None
    category = session.categories.get(device.category)
    info = DeviceInfo(
        identifiers={(DOMAIN, vera_device_id(coordinator.serial, device.id))},
        manufacturer=(details.manufacturer if details else None) or None,
        model=(details.model if details else None) or category or None,
        suggested_area=room.name if room and room.name else None,
        via_device_id=coordinator.hub_device_id,
    )
    if device.name:
        info["name"] = device.name
    else:
        # Home Assistant names it in the user's language: "Device 12".
        info.update(
            DeviceInfo(
                translation_key="unnamed_device", translation_placeholders={"id": str(device.id)}
            )
        )
    return info


class VeraBaseEntity(HubBaseEntity[VeraCoordinator]):
    """Something shown from one Vera: availability follows the session, no polling."""


class VeraEntity[DeviceT: VeraDevice](VeraBaseEntity):
    """An entity showing (part of) one Vera device of model class `DeviceT`."""

    def __init__(self, coordinator: VeraCoordinator, device: DeviceT, key: str | None) -> None:
        """`key` ends the unique id when a device has several entities."""
        super().__init__(coordinator)
        self.device = device
        self._model: type[DeviceT] = type(device)
        suffix = f"_{key}" if key else ""
        self._attr_unique_id = f"{coordinator.serial}_{device.id}{suffix}"
        self._attr_device_info = vera_device_info(coordinator, device)

    async def async_added_to_hass(self) -> None:
        """Take the cached model and subscribe to the device's changes."""
        session = self.coordinator.session
        current = session.devices.get(self.device.id)
        if isinstance(current, self._model):
            self.device = current
        self.async_on_remove(session.subscribe(self.device.id, self._device_changed))
        await super().async_added_to_hass()

    def _shown(self) -> tuple[Any, ...]:
        return (self._attr_available, self.state, self.state_attributes)

    @callback
    def _device_changed(self, device: VeraDevice) -> None:
        if not isinstance(device, self._model):
            return  # re-included as another kind: the structure listener adds its entities
        before = self._shown()
        self.device = device
        self._attr_available = self._is_available()
        self._update()
        if self._shown() != before:
            self.async_write_ha_state()

    def _is_available(self) -> bool:
        return self.coordinator.connected and self.device.available

    async def command(self, call: Callable[[], Awaitable[ActionResult]]) -> None:
        """Send an action for this device through the session owner."""
        await self.coordinator.async_command(self.device.name or str(self.device.id), call)
