"""Loxone button presses as event entities: a Pushbutton's `active` state going to 1.

The Miniserver reports a press as `active` 1 then 0, often both in one value table, and sends
every state again in the table that follows each (re)connection. So an entity takes the first
value after it is added or after the session was lost as the current state, never as a press,
and fires once per rising edge after that: a press while disconnected is not invented later.
"""

from __future__ import annotations

from homeassistant.components.event import ButtonEventType, EventDeviceClass, EventEntity
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .event_access import FACTORIES as ACCESS_FACTORIES
from .mapping import EntityFactory, build_entities, single


class LoxonePushbuttonEvent(LoxoneEntity, EventEntity):
    """The presses of a Pushbutton (beside its button entity, which sends one)."""

    _attr_device_class = EventDeviceClass.BUTTON
    _attr_event_types = [ButtonEventType.PRESS_START]
    _attr_translation_key = "button"
    state_names = ("active",)

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """One entity per Pushbutton, on the control's device."""
        super().__init__(coordinator, control, "press")
        #: The last `active` value of this session; None until the session's first value.
        self._active: float | None = None

    def _update_from_values(self) -> None:
        previous, self._active = self._active, self.number("active")
        if previous == 0 and self._active:
            self._trigger_event(ButtonEventType.PRESS_START)

    @callback
    def _availability_changed(self, available: bool) -> None:
        if not available:
            # The table after reconnecting is the current state, not a press.
            self._active = None
            self._values.pop("active", None)
        super()._availability_changed(available)


FACTORIES: dict[str, EntityFactory] = {
    "Pushbutton": single(LoxonePushbuttonEvent),
    **ACCESS_FACTORIES,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add an event entity per Pushbutton and per NFC Code Touch."""
    async_add_entities(build_entities(coordinator, FACTORIES))
