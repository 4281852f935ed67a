"""Presses and rings as event entities: a Pushbutton's `active` or an intercom's `bell` going to 1.

The Miniserver reports a press as `active` 1 then 0, often both in one value table, and sends
every state again in the table that follows each (re)connection. So an entity takes the first
value after it is added or after the session was lost as the current state, never as a press,
and fires once per rising edge after that: a press while disconnected is not invented later.
"""

from __future__ import annotations

from homeassistant.components.event import (
    ButtonEventType,
    DoorbellEventType,
    EventDeviceClass,
    EventEntity,
)
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .event_access import FACTORIES as ACCESS_FACTORIES
from .intercom import INTERCOM_TYPES
from .mapping import EntityFactory, build_entities, single


class LoxoneEdgeEvent(LoxoneEntity, EventEntity):
    """One event per rising edge (0 to non-zero) of one state, never for a state reappearing."""

    #: The state whose rising edge is the event, and the event type it fires.
    edge_state: str
    edge_event: str

    def __init__(self, coordinator: LoxoneCoordinator, control: Control, key: str) -> None:
        """One entity per control, on the control's device."""
        super().__init__(coordinator, control, key)
        self.state_names = (self.edge_state,)
        #: The last value of this session; None until the session's first value.
        self._level: float | None = None

    def _update_from_values(self) -> None:
        previous, self._level = self._level, self.number(self.edge_state)
        if previous == 0 and self._level:
            self._trigger_event(self.edge_event)

    @callback
    def _availability_changed(self, available: bool) -> None:
        if not available:
            # The table after reconnecting is the current state, not a new edge.
            self._level = None
            self._values.pop(self.edge_state, None)
        super()._availability_changed(available)


class LoxonePushbuttonEvent(LoxoneEdgeEvent):
    """The presses of a Pushbutton (beside its button entity, which sends one)."""

    _attr_device_class = EventDeviceClass.BUTTON
    _attr_event_types = [ButtonEventType.PRESS_START]
    _attr_translation_key = "button"
    edge_state = "active"
    edge_event = ButtonEventType.PRESS_START

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """One entity per Pushbutton."""
        super().__init__(coordinator, control, "press")


class LoxoneDoorbellEvent(LoxoneEdgeEvent):
    """The rings of an intercom: its `bell` state going to 1."""

    _attr_device_class = EventDeviceClass.DOORBELL
    _attr_event_types = [DoorbellEventType.RING]
    _attr_translation_key = "doorbell"
    edge_state = "bell"
    edge_event = DoorbellEventType.RING

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """One entity per intercom."""
        super().__init__(coordinator, control, "doorbell")


FACTORIES: dict[str, EntityFactory] = {
    "Pushbutton": single(LoxonePushbuttonEvent),
    **dict.fromkeys(INTERCOM_TYPES, single(LoxoneDoorbellEvent)),
    **ACCESS_FACTORIES,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add an event entity per Pushbutton, intercom and NFC Code Touch."""
    async_add_entities(build_entities(coordinator, FACTORIES))
