"""The Miniserver's Message Center ("System status") as Repairs issues.

The structure file's ``messageCenter`` block names a ``changed`` state (the Unix time of the last
change). Whenever it changes, at start and after each reconnection (whose state tables arrive
before the session counts as connected), the entries are fetched with ``getEntries/2``: a bounded
answer, decoded off the loop when it is big (see `protocols.loxone.system` for what is known about
the format and where it comes from).
Every active entry (not solved, not confirmed) becomes one non-fixable issue whose severity follows
the entry's (error, else warning); its texts reach the issue only as translation placeholders.
Issues of entries that were solved or confirmed are cleared, by reading the registry, so entries
solved while Home Assistant was not watching go too; removing the config entry clears them all.
Fetches never overlap: a change during a fetch causes one more fetch afterwards. The count sensor
("Active system messages") lives in `sensor_system`.
"""

from __future__ import annotations

from collections.abc import Callable
import logging

from homeassistant.core import callback
from homeassistant.helpers import issue_registry as ir

from ..protocols.loxone import LoxoneError, StateValue
from ..protocols.loxone.system import SEVERITY_ERROR, SystemMessage
from .coordinator import LoxoneCoordinator
from .repairs import clear_system_messages, report_system_message

_LOGGER = logging.getLogger(__name__)

#: Help links only ever point at Loxone's own site (anything else is dropped).
HELP_LINK_PREFIX = "https://www.loxone.com/"
#: What a placeholder shows when the entry has no such text.
NO_TEXT = "-"


class MessageCenter:
    """Watch one Miniserver's Message Center and keep its issues in step with it."""

    def __init__(self, coordinator: LoxoneCoordinator, action: str, changed: str) -> None:
        """Remember the block's uuidAction and its ``changed`` state; nothing is fetched yet."""
        self.coordinator = coordinator
        self.action = action
        self.changed = changed
        #: The entries of the last successful fetch (None before the first one).
        self.messages: tuple[SystemMessage, ...] | None = None
        self._listeners: list[Callable[[], None]] = []
        self._fetching = False
        self._again = False

    @classmethod
    def start(cls, coordinator: LoxoneCoordinator) -> MessageCenter | None:
        """Watch the structure file's (first) Message Center; None when the file has none."""
        block = coordinator.structure.raw.get("messageCenter")
        for item in block.values() if isinstance(block, dict) else ():
            states = item.get("states") if isinstance(item, dict) else None
            action = item.get("uuidAction") if isinstance(item, dict) else None
            changed = states.get("changed") if isinstance(states, dict) else None
            if isinstance(action, str) and isinstance(changed, str):
                center = cls(coordinator, action, changed)
                coordinator.entry.async_on_unload(coordinator.subscribe(changed, center._changed))
                coordinator.entry.async_on_unload(
                    coordinator.add_availability_listener(center._availability_changed)
                )
                center.refresh()
                return center
        return None

    @property
    def active_count(self) -> int | None:
        """How many entries the Miniserver reports as not solved (confirmed ones included)."""
        if self.messages is None:
            return None
        return sum(1 for message in self.messages if not message.is_historic)

    @callback
    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener()` after every successful fetch; return the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _changed(self, _uuid: bytes, _value: StateValue) -> None:
        self.refresh()

    @callback
    def _availability_changed(self, available: bool) -> None:
        # The state tables of a new session arrive before it counts as connected.
        if available:
            self.refresh()

    @callback
    def refresh(self) -> None:
        """Fetch the entries now, or once more after the fetch that is running."""
        if self._fetching:
            self._again = True
            return
        self._fetching = True
        # Tracked, so set-up and tests wait for the first reading: its entities get their state
        # with the others instead of a late write. A fetch is bounded by the command timeout.
        self.coordinator.entry.async_create_task(
            self.coordinator.hass, self._fetch_until_current(), "hubrelay message center"
        )

    async def _fetch_until_current(self) -> None:
        try:
            while True:
                self._again = False
                await self._fetch()
                if not self._again:
                    return
        finally:
            self._fetching = False

    async def _fetch(self) -> None:
        coordinator = self.coordinator
        if not coordinator.connected:
            return
        try:
            messages = await coordinator.client.message_center_entries(self.action)
        except LoxoneError as err:
            _LOGGER.debug(
                "Could not read the Message Center of %s: %s", coordinator.entry.title, err
            )
            return
        self.messages = messages
        self._sync_issues(messages)
        for listener in tuple(self._listeners):
            listener()

    @callback
    def _sync_issues(self, messages: tuple[SystemMessage, ...]) -> None:
        coordinator = self.coordinator
        rooms = coordinator.structure.rooms
        kinds: set[str] = set()
        for message in messages:
            if not message.active:
                continue
            room = rooms.get(message.room_uuid or "")
            link = message.help_link
            kinds.add(
                report_system_message(
                    coordinator.hass,
                    coordinator.entry,
                    message.uid,
                    severity=(
                        ir.IssueSeverity.ERROR
                        if message.severity >= SEVERITY_ERROR
                        else ir.IssueSeverity.WARNING
                    ),
                    placeholders={
                        "message": message.title or NO_TEXT,
                        "affected": message.affected_name or NO_TEXT,
                        "room": room.name if room is not None and room.name else NO_TEXT,
                        "details": message.description or NO_TEXT,
                    },
                    learn_more_url=link if link and link.startswith(HELP_LINK_PREFIX) else None,
                )
            )
        clear_system_messages(coordinator.hass, coordinator.entry, frozenset(kinds))
