"""Vera scene-controller and remote buttons as event entities: one per button.

A Vera reports a press as the controller's last scene (the button number) and the second it ran
(``LastSceneID`` / ``LastSceneTime``). A changed pair is a press of that button, except in what a
full load brings (connecting, reconnecting, a Luup reload): that is the hub's current state, so a
press while Home Assistant was away is not invented afterwards. The Vera keeps only the last
press, so presses of one button within the same second, or several between two long-poll
answers, arrive as one.

Buttons 1 to the controller's ``NumButtons`` get their entities at once; a controller that does
not say how many it has gets one per button as the Vera first reports a press of it (that press is
the entity's first event), kept across restarts through the entity registry.
"""

from __future__ import annotations

from homeassistant.components.event import ButtonEventType, EventDeviceClass, EventEntity
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice, VeraSceneController
from ..protocols.vera.services import SCENE_CONTROLLER
from .coordinator import VeraCoordinator
from .entity import VeraEntity

#: The highest button number that gets an entity (some controllers report holds as high numbers).
MAX_BUTTONS = 10


def new_press(
    coordinator: VeraCoordinator,
    device: VeraSceneController,
    last: tuple[int | None, int | None] | None,
    load: int,
) -> bool:
    """Whether the device's (scene, time) is a press since `last`, not what a full load brought."""
    press = (device.last_scene_id, device.last_scene_time)
    return last is not None and load == coordinator.session.loads and press != last


class VeraButtonEvent(VeraEntity[VeraSceneController], EventEntity):
    """The presses of one button of a scene controller."""

    _attr_device_class = EventDeviceClass.BUTTON
    _attr_event_types = [ButtonEventType.PRESS_START]

    def __init__(
        self,
        coordinator: VeraCoordinator,
        device: VeraSceneController,
        button: int,
        *,
        revealed: bool = False,
    ) -> None:
        """Button `button` (1-based) of `device`; `revealed`: its first press made it known."""
        super().__init__(coordinator, device, f"button_{button}")
        self._button = button
        self._revealed = revealed
        self._attr_translation_key = f"button_{button}"
        #: The last (scene, time) seen and the session load it came from.
        self._last: tuple[int | None, int | None] | None = None
        self._load = 0

    async def async_added_to_hass(self) -> None:
        """Follow the device, then report the press that revealed this button."""
        await super().async_added_to_hass()
        if self._revealed:
            self._revealed = False
            self._trigger_event(ButtonEventType.PRESS_START)
            self.async_write_ha_state()

    def _update(self) -> None:
        device = self.device
        if new_press(self.coordinator, device, self._last, self._load) and (
            device.last_scene_id == self._button
        ):
            self._trigger_event(ButtonEventType.PRESS_START)
        self._last = (device.last_scene_id, device.last_scene_time)
        self._load = self.coordinator.session.loads


class ButtonDiscovery:
    """Give a controller's buttons their entities when the Vera first reports a press of them."""

    def __init__(
        self,
        coordinator: VeraCoordinator,
        device: VeraSceneController,
        known: set[int],
        add: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Watch `device` whose buttons `known` already have entities."""
        self._coordinator = coordinator
        self._known = known
        self._add = add
        self._last: tuple[int | None, int | None] | None = (
            device.last_scene_id,
            device.last_scene_time,
        )
        self._load = coordinator.session.loads

    @callback
    def device_changed(self, device: VeraDevice) -> None:
        """Add an entity for a button pressed for the first time."""
        if not isinstance(device, VeraSceneController):
            return
        pressed = new_press(self._coordinator, device, self._last, self._load)
        self._last = (device.last_scene_id, device.last_scene_time)
        self._load = self._coordinator.session.loads
        button = device.last_scene_id
        if not pressed or button is None or not 0 < button <= MAX_BUTTONS or button in self._known:
            return
        self._known.add(button)
        self._add([VeraButtonEvent(self._coordinator, device, button, revealed=True)])


def known_buttons(coordinator: VeraCoordinator, device: VeraSceneController) -> set[int]:
    """Buttons 1 to ``NumButtons``, those with an entity from an earlier run, the last pressed."""
    text = device.variable(SCENE_CONTROLLER, "NumButtons") or ""
    known = set(range(1, min(int(text), MAX_BUTTONS) + 1)) if text.isdigit() else set()
    prefix = f"{coordinator.serial}_{device.id}_button_"
    registry = er.async_get(coordinator.hass)
    known |= {
        int(suffix)
        for entry in er.async_entries_for_config_entry(registry, coordinator.entry.entry_id)
        if entry.domain == "event"
        and entry.unique_id.startswith(prefix)
        and (suffix := entry.unique_id.removeprefix(prefix)).isdigit()
    }
    if device.last_scene_id is not None and 0 < device.last_scene_id <= MAX_BUTTONS:
        known.add(device.last_scene_id)
    return known


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the known buttons of every controller and watch for buttons pressed the first time."""

    def button_events(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraButtonEvent]:
        if not isinstance(device, VeraSceneController):
            return []
        known = known_buttons(coordinator, device)
        discovery = ButtonDiscovery(coordinator, device, known, async_add_entities)
        coordinator.entry.async_on_unload(
            coordinator.session.subscribe(device.id, discovery.device_changed)
        )
        return [VeraButtonEvent(coordinator, device, button) for button in sorted(known)]

    coordinator.add_platform(button_events, async_add_entities)
