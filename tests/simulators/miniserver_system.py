"""The simulated Miniserver about itself: its Message Center ("System status") and load figures.

The Message Center is the structure file's ``messageCenter`` block: its ``changed`` value state
holds the Unix time of the last change, and ``jdev/sps/io/{uuidAction}/getEntries/2`` answers
with a JSON *string* ``{"isLimitedUser", "entries", "activeEntryUuid", "controlUUID"}`` (the
shape public clients read). Tests add, solve and confirm entries; each change bumps ``changed``,
which the server pushes to every client like any other state.

``jdev/sys/cpu``, ``jdev/sys/heap`` and ``jdev/sys/numtasks`` answer from `SystemFigures`; a
figure set to None answers 403, as for a user without the right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import json
import time
from typing import Any

MESSAGE_CENTER_COMMAND = "getEntries/2"


@dataclass(slots=True)
class SystemFigures:
    """What the load-figure commands answer (None: refused with 403)."""

    cpu: str | None = "14%"
    heap: str | None = "478956/1016404kB"
    numtasks: str | None = "64"

    def answer(self, name: str) -> tuple[int, str]:
        """(status, value) of ``jdev/sys/{name}``; 404 for a name the simulator does not know."""
        if name not in {"cpu", "heap", "numtasks"}:
            return 404, ""
        value = getattr(self, name)
        return (403, "") if value is None else (200, value)


@dataclass(slots=True)
class MessageCenter:
    """The entries of the ``messageCenter`` block, and how tests change them."""

    action: str
    changed_state: str | None
    set_value: Callable[[str, float], None]
    entries: list[dict[str, Any]] = field(default_factory=list)
    raw_answer: str | None = None
    """When set, getEntries answers exactly this text (oversized or broken answers)."""
    fetches: int = 0
    """How often getEntries was asked (it is not a control command, so not in `commands`)."""
    _next: int = 1
    _stamp: float = 0.0

    @classmethod
    def from_structure(
        cls, structure: dict[str, Any], set_value: Callable[[str, float], None]
    ) -> MessageCenter | None:
        """The first ``messageCenter`` entry of a structure file, if it has one."""
        for entry in (structure.get("messageCenter") or {}).values():
            if isinstance(entry, dict) and isinstance(entry.get("uuidAction"), str):
                changed = (entry.get("states") or {}).get("changed")
                return cls(
                    entry["uuidAction"], changed if isinstance(changed, str) else None, set_value
                )
        return None

    def answer(self) -> str:
        """The getEntries value: a JSON document in a string."""
        if self.raw_answer is not None:
            return self.raw_answer
        return json.dumps(
            {
                "isLimitedUser": False,
                "entries": self.entries,
                "activeEntryUuid": None,
                "controlUUID": self.action,
            }
        )

    def add(
        self,
        title: str,
        *,
        affected_name: str = "",
        severity: int = 2,
        room_uuid: str | None = None,
        desc: str = "",
        help_link: str | None = None,
        event_id: int = 1000,
        entry_uuid: str | None = None,
        notify: bool = True,
    ) -> str:
        """Add an active entry and return its ``entryUuid``."""
        uid = entry_uuid or f"{self._next:08x}-0000-0000-0000000000000000"
        self._next += 1
        now = int(time.time())
        self.entries.append(
            {
                "entryUuid": uid,
                "eventId": event_id,
                "sourceUuid": self.action,
                "affectedUuids": [],
                "severity": severity,
                "affectedName": affected_name,
                "title": title,
                "roomUuid": room_uuid,
                "installationPlace": None,
                "isHistoric": False,
                "setHistoricAt": None,
                "confirmedAt": None,
                "timestamps": [now],
                "readAt": None,
                "isVisuLocked": False,
                "actions": [],
                "desc": desc,
                "helpLink": help_link,
            }
        )
        if notify:
            self.touch()
        return uid

    def solve(self, uid: str) -> None:
        """The cause went away: the entry becomes historic."""
        self._entry(uid).update(isHistoric=True, setHistoricAt=int(time.time()))
        self.touch()

    def confirm(self, uid: str) -> None:
        """Someone confirmed the entry in the Loxone app."""
        self._entry(uid)["confirmedAt"] = int(time.time())
        self.touch()

    def touch(self) -> None:
        """Push a new ``changed`` time (strictly growing, so every change is an event)."""
        if self.changed_state is None:
            return
        self._stamp = max(self._stamp + 1.0, float(int(time.time())))
        self.set_value(self.changed_state, self._stamp)

    def _entry(self, uid: str) -> dict[str, Any]:
        return next(entry for entry in self.entries if entry["entryUuid"] == uid)
