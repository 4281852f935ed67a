"""Vera scene-controller and remote buttons as event entities: one per button.

A Vera reports a press as the controller's last scene (the button number) and the second it ran
(``LastSceneID`` / ``LastSceneTime``). A changed pair is a press of that button, except in what a
full load brings (connecting, reconnecting, a Luup reload): that is the hub's current state, so a
press while Home Assistant was away is not invented afterwards. The Vera keeps only the last
press, so presses of one button within the same second, or several between two long-poll
answers, arrive as one.
"""

from __future__ import annotations

from homeassistant.components.event import ButtonEventType, EventDeviceClass, EventEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice, VeraSceneController
from ..protocols.vera.services import SCENE_CONTROLLER
from .coordinator import VeraCoordinator
from .entity import VeraEntity

#: Buttons offered when a controller does not say how many it has (``NumButtons``).
MAX_BUTTONS = 10


class VeraButtonEvent(VeraEntity[VeraSceneController], EventEntity):
    """The presses of one button of a scene controller."""

    _attr_device_class = EventDeviceClass.BUTTON
    _attr_event_types = [ButtonEventType.PRESS_START]

    def __init__(
        self, coordinator: VeraCoordinator, device: VeraSceneController, button: int
    ) -> None:
        """Button `button` (1-based) of `device`."""
        super().__init__(coordinator, device, f"button_{button}")
        self._button = button
        self._attr_translation_key = f"button_{button}"
        #: The last (scene, time) seen and the session load it came from.
        self._last: tuple[int | None, int | None] | None = None
        self._load = 0

    def _update(self) -> None:
        device, loads = self.device, self.coordinator.session.loads
        press = (device.last_scene_id, device.last_scene_time)
        if (
            self._last is not None
            and loads == self._load
            and press != self._last
            and device.last_scene_id == self._button
        ):
            self._trigger_event(ButtonEventType.PRESS_START)
        self._last, self._load = press, loads


def button_count(device: VeraSceneController) -> int:
    """How many buttons the controller has: ``NumButtons``, else one."""
    text = device.variable(SCENE_CONTROLLER, "NumButtons") or ""
    return min(int(text), MAX_BUTTONS) if text.isdigit() and int(text) > 0 else 1


def vera_button_events(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraButtonEvent]:
    """Build an event entity per button of a scene controller or remote."""
    if not isinstance(device, VeraSceneController):
        return []
    return [
        VeraButtonEvent(coordinator, device, button)
        for button in range(1, button_count(device) + 1)
    ]


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Vera entry."""
    coordinator.add_platform(vera_button_events, async_add_entities)
