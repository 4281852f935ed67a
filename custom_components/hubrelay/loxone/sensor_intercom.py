"""An intercom's bell history as a sensor: when the bell last rang, and the recent bell times."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .intercom import bell_times, history_state


class LoxoneLastBell(LoxoneEntity, SensorEntity):
    """When the bell last rang, with the recent bell times (no images, no credentials)."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _attr_translation_key = "last_bell"

    def __init__(self, coordinator: LoxoneCoordinator, control: Control, state: str) -> None:
        """Follow the control's history state."""
        super().__init__(coordinator, control, "last_bell")
        self.state_names = (state,)
        self._state = state

    def _update_from_values(self) -> None:
        times = bell_times(self.text(self._state))
        self._attr_native_value = times[-1] if times else None
        self._attr_extra_state_attributes = {
            "bell_events": [time.isoformat() for time in reversed(times)]
        }


def last_bell_sensors(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    """Build the last-bell sensor of an intercom that keeps a bell history."""
    state = history_state(control)
    return [] if state is None else [LoxoneLastBell(coordinator, control, state)]
