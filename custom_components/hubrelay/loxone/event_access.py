"""The access events of a Loxone NFC Code Touch (the history reading is in `access.py`)."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import callback

from ..protocols.loxone import Control
from .access import Access, AccessEntity
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory

ACCESS_GRANTED = "access_granted"
ACCESS_DENIED = "access_denied"


class LoxoneAccessEvent(AccessEntity, EventEntity):
    """Accesses at the code touch: granted or denied, with the user's name and the output."""

    _attr_event_types = [ACCESS_GRANTED, ACCESS_DENIED]
    _attr_translation_key = "access"

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """One entity per NfcCodeTouch."""
        super().__init__(coordinator, control, "access")

    @callback
    def _accesses(self, new: list[Access]) -> None:
        for access in new:
            if access.granted is None:
                continue
            self._trigger_event(
                ACCESS_GRANTED if access.granted else ACCESS_DENIED,
                {
                    "user": access.user,
                    "output": access.output,
                    "time": access.when.isoformat() if access.when else None,
                },
            )
            self.async_write_ha_state()


def _events(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [LoxoneAccessEvent(coordinator, control)]


FACTORIES: dict[str, EntityFactory] = {"NfcCodeTouch": _events}
