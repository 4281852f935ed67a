"""Loxone NFC Code Touch (`NfcCodeTouch`): reading its access history, shared by its entities.

The entities are in `event_access.py` (access events), `sensor_access.py` (the last access) and
`button_access.py` (the access outputs).

What the sources say (facts used here):

* Loxone's Knowledge Base, "Authentication NFC Code Touch": the block pulses output 1-6 on a
  successful authentication; its "Nco" output is the number of the current output, -1 when the
  access was denied; the last authorisation is described by date and time, user and output.
* Loxone's structure-file documentation (V17.0, as summarised in public client code): states
  `lastuser`, `lasttag`, `lastcode`, `codeDate`, `historyDate`, `deviceState`, `nfcLearnResult`,
  `keyPadAuthType`; detail `accessOutputs` (`q1`…`q6` → output name); commands `output/<1-6>`
  (a pulse; 423 when the user may not), `history` (a JSON array of history entries), `codes` and
  `code/…`, `nfc/startlearn|stoplearn`. A generated client documents `historyDate` as the time of
  the newest history entry (0 without history) and `codeDate` as the time a *code changed*: so
  `codeDate` is no access (alxzndr/PyLoxone fires its `loxone_nfc_auth` event on `codeDate`; we
  do not). A live structure file (PyLoxone fork review, firmware 17.2) also lists `lastid`,
  `events` and `jLocked`.

Doubts, and how this module stays safe with them:

* The fields of one history entry are documented nowhere we could read. We read `ts` (Unix
  seconds; milliseconds when it is that large; or an ISO date), `user` and `output` (a number,
  -1 meaning denied, or a name), and an explicit boolean (`isAuthorized`, `authorized`,
  `granted`, `success`) when one is present. An entry whose result we cannot tell is still the
  last access, but fires no event; one without a readable time cannot be ordered and is left out.
  Any other field (a tag id, a code) is never read.
* The unit of `historyDate` does not matter: only its change is used, as the signal to ask for
  the history.

How it works: one `AccessLog` per control, shared by its entities. When `historyDate` moves, it
asks the control's `history` in a task (never in the state callback), parses the
answer in the executor with every size bounded, and tells its entities about the entries newer
than the newest it had seen. The first `historyDate` of a session (after set-up, a reload, a
restart or a reconnect) only takes the history as it is: accesses made while Home Assistant
could not see them are shown as the last access but never fired as events. Codes, tag ids and
the `lastcode` / `lasttag` states are never subscribed to, logged or shown.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import json
import logging
from typing import Any
from weakref import WeakKeyDictionary

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ..protocols.loxone import Control, StateValue
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity

_LOGGER = logging.getLogger(__name__)

#: Longest history answer (text) that is parsed; a longer one is ignored as a whole.
MAX_HISTORY_CHARS = 256 * 1024
#: Most entries read from one answer.
MAX_ENTRIES = 500
#: Longest user or output name kept (longer ones are cut).
MAX_NAME = 64
#: Most events fired for one history answer (the newest ones).
MAX_EVENTS_PER_ANSWER = 10
_RESULT_KEYS = ("isAuthorized", "authorized", "granted", "success")
_OUTPUT_COUNT = 6


@dataclass(frozen=True, slots=True)
class Access:
    """One history entry: when, who, which output, and whether it was granted (None: unknown)."""

    when: datetime | None
    user: str | None
    output: str | None
    granted: bool | None


def access_outputs(control: Control) -> dict[int, str]:
    """Return the named access outputs of a control (`accessOutputs` q1…q6), by number."""
    outputs = control.details.get("accessOutputs")
    if not isinstance(outputs, dict):
        return {}
    named: dict[int, str] = {}
    for number in range(1, _OUTPUT_COUNT + 1):
        name = outputs.get(f"q{number}")
        if isinstance(name, str) and name.strip():
            named[number] = _cut(name)
    return named


def _cut(text: str) -> str:
    return text.strip()[:MAX_NAME]


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 0 < value < 1e14:
        return dt_util.utc_from_timestamp(value / 1000 if value > 1e11 else value)
    if isinstance(value, str) and len(value) <= MAX_NAME:
        if value.isdigit():
            return _timestamp(int(value))
        parsed = dt_util.parse_datetime(value)
        if parsed is not None:
            return dt_util.as_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt_util.UTC))
    return None


def _entry(item: Any, outputs: dict[int, str]) -> Access | None:
    if not isinstance(item, dict):
        return None
    user = item.get("user")
    output = item.get("output")
    granted = next((item[k] for k in _RESULT_KEYS if isinstance(item.get(k), bool)), None)
    name: str | None = None
    if isinstance(output, int | float) and not isinstance(output, bool):
        number = int(output)
        if granted is None:
            granted = number > 0 if number != 0 else None
        name = outputs.get(number) if number > 0 else None
    elif isinstance(output, str) and output.strip():
        name = _cut(output)
    return Access(
        when=_timestamp(item.get("ts")),
        user=_cut(user) if isinstance(user, str) and user.strip() else None,
        output=name,
        granted=granted,
    )


def parse_history(value: Any, outputs: dict[int, str]) -> list[Access] | None:
    """Read a `history` answer (a JSON array, or text holding one), oldest first.

    Returns None when the answer is not a history (wrong type, too long, not JSON).
    """
    if isinstance(value, str):
        if len(value) > MAX_HISTORY_CHARS:
            return None
        try:
            value = json.loads(value) if value.strip() else []
        except (ValueError, RecursionError):
            return None
    if not isinstance(value, list):
        return None
    entries = [entry for item in value[:MAX_ENTRIES] if (entry := _entry(item, outputs))]
    # Dated entries in time order (the answer's order is not documented); undated ones first.
    return sorted(entries, key=lambda entry: (entry.when is not None, entry.when or 0))


type AccessListener = Callable[[list[Access]], None]


class AccessLog:
    """One NfcCodeTouch's history, read when `historyDate` moves, shared by its entities."""

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Nothing is watched until the first entity attaches."""
        self.coordinator = coordinator
        self.control = control
        self.outputs = access_outputs(control)
        #: The newest access seen, shown by the sensors.
        self.last: Access | None = None
        self._listeners: list[AccessListener] = []
        self._unsubscribe: list[Callable[[], None]] = []
        #: `historyDate` of this session; None until its first value.
        self._date: StateValue | None = None
        #: Whether this session's history was taken (so newer entries are accesses).
        self._have_baseline = False
        self._newest: datetime | None = None
        #: The entries seen with the newest time.
        self._at_newest: list[Access] = []
        self._baseline_next = False
        self._again = False
        self._task: asyncio.Task[None] | None = None

    def attach(self, listener: AccessListener) -> Callable[[], None]:
        """Call `listener(new accesses)` after every history read; return the remover."""
        self._listeners.append(listener)
        if len(self._listeners) == 1:
            self._start()

        def detach() -> None:
            self._listeners.remove(listener)
            if not self._listeners:
                self._stop()

        return detach

    def _start(self) -> None:
        ref = self.control.states.get("historyDate")
        if not isinstance(ref, str):
            return
        coordinator = self.coordinator
        self._unsubscribe = [
            coordinator.subscribe(ref, self._date_event),
            coordinator.add_availability_listener(self._availability_changed),
        ]
        if (value := coordinator.state(ref)) is not None:
            self._date_event(b"", value)

    def _stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        # Forget this log: it refers to its coordinator, which must not outlive an unload.
        logs = _LOGS.get(self.coordinator, {})
        if logs.get(self.control.uuid) is self:
            del logs[self.control.uuid]
        if not logs:
            _LOGS.pop(self.coordinator, None)
        if self._task is not None:
            self._task.cancel()
        self._date = None
        self._have_baseline = False

    @callback
    def _availability_changed(self, available: bool) -> None:
        if not available:
            # The first historyDate after reconnecting is the current state, not an access.
            self._date = None
            self._have_baseline = False
        elif self._date is not None and not self._have_baseline:
            # The session's first historyDate came before the session was up: read it now.
            self._baseline_next = True
            self._schedule()

    @callback
    def _date_event(self, _uuid: bytes, value: StateValue) -> None:
        previous, self._date = self._date, value
        if previous is None:
            self._baseline_next = True
        elif previous == value:
            return
        self._schedule()

    def _schedule(self) -> None:
        # (Tasks start eagerly: one that failed at once is already done when it is returned.)
        if self._task is not None and not self._task.done():
            self._again = True
            return
        # A tracked task (bounded by the command timeout): Home Assistant waits for the reading
        # at set-up, so the sensors start with the history, as the other entities do.
        self._task = self.coordinator.entry.async_create_task(
            self.coordinator.hass, self._read(), f"hubrelay history of {self.control.uuid}"
        )

    async def _read(self) -> None:
        try:
            while True:
                self._again = False
                baseline, self._baseline_next = self._baseline_next, False
                accesses = await self._fetch()
                if accesses is None:
                    self._baseline_next = self._baseline_next or baseline
                else:
                    self._take(accesses, baseline=baseline)
                if not self._again:
                    return
        finally:
            self._again = False

    async def _fetch(self) -> list[Access] | None:
        try:
            answer = await self.coordinator.async_send_command(self.control, "history")
        except HomeAssistantError as err:
            _LOGGER.debug(
                "Could not read the history of %s: %s", self.control.name, err.translation_key
            )
            return None
        accesses = await self.coordinator.hass.async_add_executor_job(
            parse_history, answer.value, self.outputs
        )
        if accesses is None:
            _LOGGER.debug("The history answer of %s is not a history", self.control.name)
        return accesses

    def _take(self, accesses: list[Access], *, baseline: bool) -> None:
        dated = [access for access in accesses if access.when is not None]
        new: list[Access] = []
        if self._have_baseline and not baseline:
            # Newer than the newest seen, or as new but not seen yet (two in one second).
            seen = Counter(self._at_newest)
            for access in dated:
                if self._newest is None or (access.when is not None and access.when > self._newest):
                    new.append(access)
                elif access.when == self._newest and seen[access] > 0:
                    seen[access] -= 1
                elif access.when == self._newest:
                    new.append(access)
        self._have_baseline = True
        if dated:
            self._newest = dated[-1].when
            self._at_newest = [access for access in dated if access.when == self._newest]
            self.last = dated[-1]
        for listener in list(self._listeners):
            listener(new[-MAX_EVENTS_PER_ANSWER:])


#: The logs of the added entities, per session owner (a log removes itself when unused).
_LOGS: WeakKeyDictionary[LoxoneCoordinator, dict[str, AccessLog]] = WeakKeyDictionary()


def access_log(coordinator: LoxoneCoordinator, control: Control) -> AccessLog:
    """Return the shared history reader of one control (one per session owner)."""
    logs = _LOGS.setdefault(coordinator, {})
    if (log := logs.get(control.uuid)) is None:
        log = logs[control.uuid] = AccessLog(coordinator, control)
    return log


class AccessEntity(LoxoneEntity):
    """An entity fed by its control's `AccessLog` (the event and the last-access sensors)."""

    def __init__(self, coordinator: LoxoneCoordinator, control: Control, key: str) -> None:
        """Belong to the control's device; `key` makes the unique id."""
        super().__init__(coordinator, control, key)
        self._log: AccessLog | None = None

    @property
    def last(self) -> Access | None:
        """The newest access the control's history shows (None before it was read)."""
        return self._log.last if self._log is not None else None

    async def async_added_to_hass(self) -> None:
        """Follow the control's history, through the log its entities share while added."""
        self._log = access_log(self.coordinator, self.control)
        await super().async_added_to_hass()
        self.async_on_remove(self._log.attach(self._accesses))

    @callback
    def _accesses(self, new: list[Access]) -> None:
        """React to a history read (subclasses)."""
