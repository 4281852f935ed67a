"""Record what event entities report, for the button tests of every hub system."""

from __future__ import annotations

import asyncio

from homeassistant.components.event import ATTR_EVENT_TYPE
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback


class Presses:
    """Every new event the given event entities record, in order: (entity, type, attributes)."""

    def __init__(self, hass: HomeAssistant, *entity_ids: str) -> None:
        """Start recording."""
        self.seen: list[tuple[str, str, dict[str, object]]] = []
        self.stamps: dict[str, set[str]] = {entity_id: set() for entity_id in entity_ids}

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            stamps = self.stamps.get(event.data["entity_id"])
            if stamps is None or new is None or new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                return
            # A state that only comes back (after unavailable, or restored) is no new event.
            if new.state not in stamps:
                stamps.add(new.state)
                attributes = dict(new.attributes)
                self.seen.append((new.entity_id, attributes.pop(ATTR_EVENT_TYPE), attributes))

        hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)

    def kinds(self) -> list[tuple[str, str]]:
        """(entity, event type) of every event so far."""
        return [(entity_id, kind) for entity_id, kind, _ in self.seen]

    async def wait_for(self, hass: HomeAssistant, count: int) -> None:
        """Wait (3 s at most) until `count` events arrived: presses travel over a real socket."""
        async with asyncio.timeout(3.0):
            while len(self.seen) < count:
                await asyncio.sleep(0.01)
        await hass.async_block_till_done()
