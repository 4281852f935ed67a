"""Base entities for Ezlo: per-item subscriptions, availability, device and hub devices.

An entity subscribes only to the item ids it shows, so an item broadcast costs one dictionary
lookup and one callback per interested entity. It writes its state only when one of its items'
values actually changed. Unique ids are ``<hub serial>_<device _id>_<item name>``: item ids can
change when a device is re-included, device ids and item names do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo

from ..const import DOMAIN
from ..hub.entity import HubBaseEntity
from ..protocols.ezlo import Device, Item
from .coordinator import EzloCoordinator, ezlo_device_id


def _text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def ezlo_device_info(coordinator: EzloCoordinator, device: Device) -> DeviceInfo:
    """Describe an Ezlo device: maker, model, firmware, room as area, linked to the hub."""
    raw_info = device.raw.get("info")
    info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
    room = coordinator.session.rooms.get(device.room_id)
    return DeviceInfo(
        identifiers={(DOMAIN, ezlo_device_id(coordinator.serial, device.id))},
        name=device.name or device.id,
        manufacturer=_text(info, "manufacturer"),
        model=_text(info, "model") or device.type or None,
        sw_version=_text(info, "firmware.stack"),
        suggested_area=room.name if room and room.name else None,
        via_device_id=coordinator.hub_device_id,
    )


class EzloBaseEntity(HubBaseEntity[EzloCoordinator]):
    """Something shown from one Ezlo hub: availability follows the session, no polling."""


class EzloHubEntity(EzloBaseEntity):
    """An entity of the hub itself (scenes, house mode)."""

    def __init__(self, coordinator: EzloCoordinator, key: str) -> None:
        """Belong to the hub's device."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.serial}_{key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, coordinator.serial)})


class EzloEntity(EzloBaseEntity):
    """An entity showing some items of one Ezlo device."""

    def __init__(
        self,
        coordinator: EzloCoordinator,
        device: Device,
        key: str,
        item_names: Iterable[str],
    ) -> None:
        """Show the device's items named `item_names`; `key` (an item name) ends the unique id."""
        super().__init__(coordinator)
        self.device = device
        self._attr_unique_id = f"{coordinator.serial}_{device.id}_{key}"
        self._attr_device_info = ezlo_device_info(coordinator, device)
        wanted = set(item_names)
        self.items = {
            name: item
            for name, item in coordinator.device_items(device.id).items()
            if name in wanted
        }

    async def async_added_to_hass(self) -> None:
        """Take the cached items and subscribe to each of them and to the device record."""
        session = self.coordinator.session
        for name, item in self.items.items():
            self.items[name] = session.items.get(item.id, item)
            self.async_on_remove(session.subscribe_item(item.id, partial(self._item_event, name)))
        self.async_on_remove(session.subscribe_device(self.device.id, self._device_event))
        await super().async_added_to_hass()

    @callback
    def _item_event(self, name: str, item: Item) -> None:
        if self.items[name].value == item.value:
            return
        self.items[name] = item
        self._update()
        self.async_write_ha_state()

    @callback
    def _device_event(self, device: Device) -> None:
        self.device = device
        available = self._is_available()
        if available != self._attr_available:
            self._attr_available = available
            self.async_write_ha_state()

    def _is_available(self) -> bool:
        return self.coordinator.connected and self.device.available

    def value(self, name: str) -> Any:
        """Return the value of one of this entity's items (None when it has no such item)."""
        item = self.items.get(name)
        return None if item is None else item.value

    def number(self, name: str) -> float | None:
        """Return a numeric item value, or None."""
        value = self.value(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    async def set_item(self, name: str, value: object) -> None:
        """Send a new value for one of this entity's items through the session owner."""
        await self.coordinator.async_set_item(self.items[name], value)
