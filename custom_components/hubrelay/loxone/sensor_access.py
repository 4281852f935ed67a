"""The last access at a Loxone NFC Code Touch: its user, time and result (see `access.py`)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.core import callback

from ..protocols.loxone import Control
from .access import Access, AccessEntity
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory


class LoxoneLastAccess(AccessEntity, SensorEntity):
    """One fact of the last access: its user, its time or its result."""

    def __init__(
        self, coordinator: LoxoneCoordinator, control: Control, *, translation_key: str
    ) -> None:
        """`translation_key` is last_access_user, last_access or last_access_result."""
        super().__init__(coordinator, control, translation_key)
        self._attr_translation_key = key = translation_key
        if key == "last_access":
            self._attr_device_class = SensorDeviceClass.TIMESTAMP
        elif key == "last_access_result":
            self._attr_device_class = SensorDeviceClass.ENUM
            self._attr_options = ["granted", "denied"]

    def _update_from_values(self) -> None:
        last = self.last
        key = self._attr_translation_key
        if last is None:
            self._attr_native_value = None
        elif key == "last_access_user":
            self._attr_native_value = last.user
        elif key == "last_access":
            self._attr_native_value = last.when
        elif last.granted is None:
            self._attr_native_value = None
        else:
            self._attr_native_value = "granted" if last.granted else "denied"

    @callback
    def _accesses(self, new: list[Access]) -> None:
        before = self._attr_native_value
        self._update_from_values()
        if self._attr_native_value != before:
            self.async_write_ha_state()


def _sensors(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneLastAccess(coordinator, control, translation_key="last_access_user"),
        LoxoneLastAccess(coordinator, control, translation_key="last_access"),
        LoxoneLastAccess(coordinator, control, translation_key="last_access_result"),
    ]


FACTORIES: dict[str, EntityFactory] = {"NfcCodeTouch": _sensors}
