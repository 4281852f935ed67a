"""The Miniserver about itself: its Message Center ("System status") entries and load figures.

What is known, and from where:

* Structure file (Loxone "Structure File" v16.0, section messageCenter): a top-level
  ``messageCenter`` block, available since Miniserver 10.0, maps one UUID to an entry with
  ``name``, ``uuidAction`` and the single state ``changed`` ("Unixtimestamp when the Systemstate
  entries have been modified the last time"). That document lists no commands.
* The entries: public clients (nufke/loxbuddy, a LoxBerry plugin and a Perl monitoring script)
  send ``jdev/sps/io/{uuidAction}/getEntries/2``; the answer's ``LL.value`` is a JSON *string*
  holding ``{"isLimitedUser", "entries": [...], "activeEntryUuid", "controlUUID"}``. Each entry
  has ``entryUuid``, ``eventId``, ``severity``, ``title``, ``affectedName``, ``roomUuid``,
  ``desc`` (may contain ``<br>``), ``helpLink``, ``isHistoric`` (solved), ``setHistoricAt``,
  ``confirmedAt`` (null until someone confirms it), ``timestamps`` (Unix seconds), ``readAt``,
  ``affectedUuids``, ``sourceUuid``, ``installationPlace``, ``isVisuLocked`` and ``actions``.
  Severity 1/2/3 are shown as info/warning/error by loxbuddy; no official table was found, so
  any other number is treated as a warning. What the ``2`` in ``getEntries/2`` selects is not
  documented either (every client found sends 2).
* Load figures (not in the official documents; the answers of several public tools agree):
  ``jdev/sys/cpu`` answers e.g. ``"14%"``, ``jdev/sys/heap`` ``"478956/1016404kB"`` (used/total),
  ``jdev/sys/numtasks`` ``"64"``. One tool notes they may need an administrator; a refusal is
  reported as a command error and the figure stays unknown. No uptime or last-reboot command was
  found (a reboot shows up as a Message Center entry, "System was restarted").

Everything here is bounded: at most `MAX_ENTRIES` entries, texts cut to `MAX_TEXT` characters,
answers over `MAX_ENTRIES_CHARS` refused before they are decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import html
import json
import re
from typing import Any

from .errors import LoxoneProtocolError

MAX_ENTRIES = 100
"""Entries kept from one answer (the Miniserver keeps a history; active ones come first here)."""
MAX_TEXT = 500
"""Characters kept of a title, name or description."""
MAX_ENTRIES_CHARS = 512 * 1024
"""Longest getEntries value decoded; a real answer with a long history is a few dozen KiB."""
MAX_FIGURE_CHARS = 64
"""Longest load-figure answer read ("478956/1016404kB" is 16 characters)."""

SEVERITY_INFO = 1
SEVERITY_WARNING = 2
SEVERITY_ERROR = 3

#: The load figures this library asks for, by name: the command is ``jdev/sys/{name}``.
SYSTEM_FIGURES = frozenset({"cpu", "heap", "numtasks"})

_TAG = re.compile(r"<[^>]{0,200}>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_UID = re.compile(r"[0-9A-Za-z-]{1,64}")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class SystemMessage:
    """One Message Center entry, reduced to what a user needs and bounded."""

    uid: str
    severity: int
    title: str
    affected_name: str
    room_uuid: str | None
    description: str
    help_link: str | None
    since: datetime | None
    is_historic: bool
    confirmed: bool

    @property
    def active(self) -> bool:
        """The Miniserver still reports it and nobody confirmed it yet."""
        return not self.is_historic and not self.confirmed


def plain_text(value: Any, limit: int = MAX_TEXT) -> str:
    """Turn a peer's (possibly HTML) text into bounded plain text on one or a few lines."""
    if not isinstance(value, str):
        return ""
    text = value[: limit * 4]
    text = _BREAK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, list) or not value:
        return None
    first = value[0]
    if isinstance(first, bool) or not isinstance(first, int | float):
        return None
    try:
        return datetime.fromtimestamp(first, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _message(item: Any) -> SystemMessage | None:
    if not isinstance(item, dict):
        return None
    uid = item.get("entryUuid")
    if not isinstance(uid, str) or not _UID.fullmatch(uid):
        return None
    severity = item.get("severity")
    if isinstance(severity, bool) or not isinstance(severity, int):
        severity = SEVERITY_WARNING
    room = item.get("roomUuid")
    link = item.get("helpLink")
    return SystemMessage(
        uid=uid,
        severity=severity,
        title=plain_text(item.get("title"), 200),
        affected_name=plain_text(item.get("affectedName"), 200),
        room_uuid=room if isinstance(room, str) and len(room) <= 64 else None,
        description=plain_text(item.get("desc")),
        help_link=link if isinstance(link, str) and len(link) <= 500 else None,
        since=_timestamp(item.get("timestamps")),
        is_historic=item.get("isHistoric") is True,
        confirmed=item.get("confirmedAt") not in (None, 0, ""),
    )


def parse_message_center(value: Any) -> tuple[SystemMessage, ...]:
    """Read the value of a getEntries answer: its entries, active ones first, bounded.

    Raise `LoxoneProtocolError` when it is not the expected document. Entries without a usable
    ``entryUuid`` are skipped; a uid seen twice keeps its first entry.
    """
    if isinstance(value, str):
        if len(value) > MAX_ENTRIES_CHARS:
            raise LoxoneProtocolError("the Message Center answer is too long")
        try:
            value = json.loads(value)
        except (ValueError, RecursionError) as err:
            raise LoxoneProtocolError("the Message Center answer is not JSON") from err
    entries = value.get("entries") if isinstance(value, dict) else None
    if not isinstance(entries, list):
        raise LoxoneProtocolError("the Message Center answer has no entries")
    messages: dict[str, SystemMessage] = {}
    for item in entries:
        message = _message(item)
        if message is not None:
            messages.setdefault(message.uid, message)
    ordered = sorted(messages.values(), key=lambda message: message.is_historic)
    return tuple(ordered[:MAX_ENTRIES])


def _figure(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text if len(text) <= MAX_FIGURE_CHARS else None


def parse_percent(value: Any) -> float | None:
    """``"14%"`` (or ``"CPU:14 SPS:3"``) -> 14.0; None when there is no number in 0..100."""
    text = _figure(value)
    if text is None:
        return None
    if (tagged := re.search(r"CPU:\s*(-?\d+(?:\.\d+)?)", text)) is not None:
        number = float(tagged.group(1))
    elif (match := _NUMBER.match(text)) is not None:
        number = float(match.group(0))
    else:
        return None
    return number if 0 <= number <= 100 else None


def parse_heap(value: Any) -> tuple[float | None, float | None]:
    """``"478956/1016404kB"`` -> (used, total) in kB; a part that is no number is None."""
    text = _figure(value)
    if text is None or "/" not in text:
        return None, None
    used, _, total = text.partition("/")
    return _kilobytes(used), _kilobytes(total.removesuffix("kB").removesuffix("KB"))


def _kilobytes(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if 0 <= number < 2**40 else None


def parse_count(value: Any) -> int | None:
    """``"64"`` -> 64; None when it is not a non-negative whole number."""
    text = _figure(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 <= number < 2**31 else None
