"""Ezlo keypad and scene-controller buttons as event entities: one per button.

Such a device has a ``button_state`` item whose value names the button and what happened to it
(``{"button_number": 2, "button_state": "press_2_times"}``); the hub broadcasts it once per press
series, hold or release, even when the value repeats. Only broadcasts count: the item lists the
session loads after (re)connecting are the hub's current state, so a press while Home Assistant
was away is not invented afterwards.

The hub does not say how many buttons a device has, so a button gets its entity when the hub
first reports it (and the press that revealed it is that entity's first event); buttons seen
before keep their entities across restarts through the entity registry.

The hub's scene runs are event entities too (`event_scene`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.event import (
    ATTR_MULTI_PRESS_COUNT,
    ButtonEventType,
    EventDeviceClass,
    EventEntity,
)
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import ConnectionState, Device, Item
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .event_scene import add_scene_runs

BUTTON_STATE = "button_state"
#: ``button_state`` values that end a series of presses, by the number of presses.
PRESS_COUNTS = {
    "press_1_time": 1,
    "press_2_times": 2,
    "press_3_times": 3,
    "press_4_times": 4,
    "press_5_times": 5,
}
HELD = {"held_down": ButtonEventType.LONG_PRESS_START, "released": ButtonEventType.LONG_PRESS_END}


def parse_press(value: Any) -> tuple[int, str] | None:
    """Return (button number, state) of a ``button_state`` value, or None if it is not one."""
    if not isinstance(value, Mapping):
        return None
    number, state = value.get("button_number"), value.get("button_state")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        return None
    return (number, state) if isinstance(state, str) else None


class EzloButtonEvent(EzloEntity, EventEntity):
    """The presses of one button of an Ezlo keypad or scene controller."""

    _attr_device_class = EventDeviceClass.BUTTON
    _attr_event_types = [
        ButtonEventType.MULTI_PRESS_END,
        ButtonEventType.LONG_PRESS_START,
        ButtonEventType.LONG_PRESS_END,
    ]

    def __init__(
        self,
        coordinator: EzloCoordinator,
        device: Device,
        button: int,
        first_press: str | None = None,
    ) -> None:
        """Button `button` of `device`; `first_press` is the press that revealed it, if any."""
        super().__init__(coordinator, device, f"button_{button}", [BUTTON_STATE])
        self._button = button
        self._first_press = first_press
        self._attr_translation_key = f"button_{button}"

    async def async_added_to_hass(self) -> None:
        """Subscribe, then report the press that revealed this button."""
        await super().async_added_to_hass()
        if self._first_press is not None:
            self._fire(self._first_press)
            self._first_press = None
            self.async_write_ha_state()

    @callback
    def _item_event(self, name: str, item: Item) -> None:
        self.items[name] = item
        press = parse_press(item.value)
        if not live(self.coordinator) or press is None or press[0] != self._button:
            return
        self._fire(press[1])
        self.async_write_ha_state()

    def _fire(self, state: str) -> None:
        if (count := PRESS_COUNTS.get(state)) is not None:
            self._trigger_event(ButtonEventType.MULTI_PRESS_END, {ATTR_MULTI_PRESS_COUNT: count})
        elif (kind := HELD.get(state)) is not None:
            self._trigger_event(kind)


def live(coordinator: EzloCoordinator) -> bool:
    """Whether an item change is a broadcast: loads after (re)connecting happen before CONNECTED."""
    return coordinator.session.state is ConnectionState.CONNECTED


class ButtonDiscovery:
    """Give a device's buttons their entities as the hub first reports them."""

    def __init__(
        self,
        coordinator: EzloCoordinator,
        device: Device,
        known: set[int],
        add: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Watch `device` whose buttons `known` already have entities."""
        self._coordinator = coordinator
        self._device = device
        self._known = known
        self._add = add

    @callback
    def item_event(self, item: Item) -> None:
        """Add an entity for a button pressed for the first time."""
        press = parse_press(item.value)
        if press is None or press[0] in self._known or not live(self._coordinator):
            return
        self._known.add(press[0])
        self._add([EzloButtonEvent(self._coordinator, self._device, press[0], press[1])])


def known_buttons(coordinator: EzloCoordinator, device: Device, item: Item) -> set[int]:
    """Buttons with an entity from an earlier run, and the one the item now names."""
    prefix = f"{coordinator.serial}_{device.id}_button_"
    registry = er.async_get(coordinator.hass)
    known = {
        int(suffix)
        for entry in er.async_entries_for_config_entry(registry, coordinator.entry.entry_id)
        if entry.domain == "event"
        and entry.unique_id.startswith(prefix)
        and (suffix := entry.unique_id.removeprefix(prefix)).isdigit()
    }
    if (press := parse_press(item.value)) is not None:
        known.add(press[0])
    return known


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the known buttons of every device and watch for buttons pressed the first time.

    Add the hub's scene runs too.
    """

    def button_events(coordinator: EzloCoordinator, device: Device) -> list[EzloButtonEvent]:
        item = coordinator.device_items(device.id).get(BUTTON_STATE)
        if item is None:
            return []
        known = known_buttons(coordinator, device, item)
        discovery = ButtonDiscovery(coordinator, device, known, async_add_entities)
        coordinator.entry.async_on_unload(
            coordinator.session.subscribe_item(item.id, discovery.item_event)
        )
        return [EzloButtonEvent(coordinator, device, button) for button in sorted(known)]

    coordinator.add_platform(button_events, async_add_entities)
    add_scene_runs(coordinator, async_add_entities)
