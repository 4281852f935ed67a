"""The live state behind a structure file: values, texts, daytimers and weather, by state UUID.

Any LoxAPP3.json works: every state UUID found in the controls (and sub-controls), ``globalStates``,
``weatherServer`` and the other top-level blocks is classified as a value, text, daytimer or weather
state by its name, and gets a default that the control type makes plausible. Changes are reported to
a listener, which the server turns into event tables for the connected clients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
import json
from typing import Any, Literal

from .miniserver_codec import ZERO_UUID, DaytimerEntry, WeatherEntry, loxone_seconds

StateKind = Literal["value", "text", "daytimer", "weather"]

TEXT_STATE_NAMES = frozenset(
    {
        "textAndIcon",
        "text",
        "entries",
        "moodList",
        "activeMoods",
        "favoriteMoods",
        "additionalMoods",
        "overrideEntries",
        "modeList",
        "infoText",
        "autoInfoText",
        "iconAndColor",
        "events",
        "lastBellEvents",
        "entryList",
        "color",
        "sequence",
        "sensors",
        "circuitNames",
        "pastTasks",
        "plannedTasks",
        "notifications",
        "modifications",
        "favColorSequences",
        "favColors",
        "miniserverTime",
        "history",
        "lockedReason",
        "timerModes",
        "presetList",
        "loads",
        "session",
        "fanspeeds",
        "airflows",
        "operatingmodes",
        "controlInfo",
        "stoppedBy",
        "lastuser",
        "lastcode",
        "lasttag",
        "lastid",
        "nfcLearnResult",
        "deviceSettings",
        "wakeAlarmSoundSettings",
        "sceneList",
        "favorites",
    }
)
DAYTIMER_STATE_NAMES = frozenset({"entriesAndDefaultValue"})

DEFAULT_MOODS = [
    {"name": "Bright", "id": 777, "static": False, "used": 1},
    {"name": "Off", "id": 778, "static": True},
]


@dataclass(slots=True)
class StateRef:
    """Where a state UUID comes from: the owning control (if any), its type and the state name."""

    uuid: str
    name: str
    kind: StateKind
    control_type: str | None
    control: dict[str, Any] | None


@dataclass(slots=True)
class Daytimer:
    """A daytimer state's default value and entries."""

    default: float
    entries: list[DaytimerEntry] = field(default_factory=list)


@dataclass(slots=True)
class Weather:
    """A weather state's last-update time (seconds since 2009) and entries."""

    last_update: int
    entries: list[WeatherEntry] = field(default_factory=list)


ChangeListener = Callable[[StateKind, str], None]


class StateStore:
    """Current values of every state of one structure."""

    def __init__(self, structure: Mapping[str, Any], initial: Mapping[str, Any] | None = None):
        """Index the structure's states, give each a default, then apply ``initial``."""
        self.refs: dict[str, StateRef] = {}
        self.values: dict[str, float] = {}
        self.texts: dict[str, str] = {}
        self.icons: dict[str, str] = {}
        self.daytimers: dict[str, Daytimer] = {}
        self.weathers: dict[str, Weather] = {}
        #: What a control's ``history`` command answers, by uuidAction (NfcCodeTouch accesses).
        self.histories: dict[str, list[dict[str, Any]]] = {}
        self.listener: ChangeListener | None = None
        for ref in _walk_states(structure):
            self.refs.setdefault(ref.uuid, ref)
        for ref in self.refs.values():
            self._set_default(ref)
        for uuid, value in (initial or {}).items():
            self._apply_initial(uuid, value)

    # -- reads -------------------------------------------------------------------------------------
    def kind_of(self, uuid: str) -> StateKind | None:
        """The table a state UUID is published in."""
        ref = self.refs.get(uuid)
        return ref.kind if ref else None

    # -- writes ------------------------------------------------------------------------------------
    def set_value(self, uuid: str, value: float) -> None:
        """Store a value state and report the change."""
        self.values[uuid] = float(value)
        self._changed("value", uuid)

    def set_text(self, uuid: str, text: str, icon: str | None = None) -> None:
        """Store a text state (and optionally its icon) and report the change."""
        self.values.pop(uuid, None)
        self.texts[uuid] = text
        if icon is not None:
            self.icons[uuid] = icon
        self._changed("text", uuid)

    def set_daytimer(self, uuid: str, default: float, entries: list[DaytimerEntry]) -> None:
        """Store a daytimer state and report the change."""
        self.daytimers[uuid] = Daytimer(default, list(entries))
        self._changed("daytimer", uuid)

    def set_weather(self, uuid: str, last_update: int, entries: list[WeatherEntry]) -> None:
        """Store a weather state and report the change."""
        self.weathers[uuid] = Weather(last_update, list(entries))
        self._changed("weather", uuid)

    # -- tables ------------------------------------------------------------------------------------
    def value_events(self) -> list[tuple[str, float]]:
        """All value states for the initial table."""
        return list(self.values.items())

    def text_events(self, uuids: Iterator[str] | None = None) -> list[tuple[str, str, str]]:
        """Text states as (uuid, icon, text)."""
        keys = list(uuids) if uuids is not None else list(self.texts)
        return [(uuid, self.icons.get(uuid, ZERO_UUID), self.texts[uuid]) for uuid in keys]

    def daytimer_events(
        self, uuids: list[str] | None = None
    ) -> list[tuple[str, float, list[DaytimerEntry]]]:
        """Daytimer states as (uuid, default, entries)."""
        keys = uuids if uuids is not None else list(self.daytimers)
        return [(u, self.daytimers[u].default, self.daytimers[u].entries) for u in keys]

    def weather_events(
        self, uuids: list[str] | None = None
    ) -> list[tuple[str, int, list[WeatherEntry]]]:
        """Weather states as (uuid, last update, entries)."""
        keys = uuids if uuids is not None else list(self.weathers)
        return [(u, self.weathers[u].last_update, self.weathers[u].entries) for u in keys]

    # -- internals ---------------------------------------------------------------------------------
    def _changed(self, kind: StateKind, uuid: str) -> None:
        if self.listener is not None:
            self.listener(kind, uuid)

    def _set_default(self, ref: StateRef) -> None:
        if ref.kind == "text":
            self.texts[ref.uuid] = _default_text(ref)
        elif ref.kind == "daytimer":
            self.daytimers[ref.uuid] = Daytimer(0.0, [])
        elif ref.kind == "weather":
            self.weathers[ref.uuid] = Weather(loxone_seconds(), [])
        else:
            self.values[ref.uuid] = _default_value(ref)

    def _apply_initial(self, uuid: str, value: Any) -> None:
        if isinstance(value, str):
            # A Miniserver state is either a value or a text, never both.
            self.values.pop(uuid, None)
            self.texts[uuid] = value
        elif isinstance(value, Daytimer):
            self.daytimers[uuid] = value
        elif isinstance(value, Weather):
            self.weathers[uuid] = value
        elif isinstance(value, list):
            self.histories[uuid] = list(value)
        else:
            self.values[uuid] = float(value)


def _classify(name: str, block: str) -> StateKind:
    if block == "weatherServer":
        return "weather"
    if name in DAYTIMER_STATE_NAMES:
        return "daytimer"
    if name in TEXT_STATE_NAMES:
        return "text"
    return "value"


def _state_uuids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _control_refs(control: dict[str, Any]) -> Iterator[StateRef]:
    control_type = str(control.get("type", ""))
    for name, value in (control.get("states") or {}).items():
        for uuid in _state_uuids(value):
            yield StateRef(uuid, name, _classify(name, "controls"), control_type, control)
    for sub in (control.get("subControls") or {}).values():
        yield from _control_refs(sub)


def _walk_states(structure: Mapping[str, Any]) -> Iterator[StateRef]:
    for control in (structure.get("controls") or {}).values():
        yield from _control_refs(control)
    for name, uuid in (structure.get("globalStates") or {}).items():
        for item in _state_uuids(uuid):
            yield StateRef(item, name, _classify(name, "globalStates"), None, None)
    weather = structure.get("weatherServer") or {}
    for name, uuid in (weather.get("states") or {}).items():
        for item in _state_uuids(uuid):
            yield StateRef(item, name, "weather", None, None)
    for block in ("autopilot", "messageCenter"):
        for entry in (structure.get(block) or {}).values():
            for name, uuid in (entry.get("states") or {}).items():
                for item in _state_uuids(uuid):
                    yield StateRef(item, name, _classify(name, block), None, None)


_TYPE_DEFAULTS: dict[str, dict[str, float]] = {
    "Dimmer": {"min": 0.0, "max": 100.0, "step": 1.0},
    "EIBDimmer": {},
    "IRoomControllerV2": {
        "tempActual": 21.5,
        "tempTarget": 22.0,
        "comfortTemperature": 22.0,
        "comfortTemperatureCool": 24.0,
        "comfortTolerance": 0.5,
        "absentMinOffset": 4.0,
        "absentMaxOffset": 4.0,
        "frostProtectTemperature": 5.0,
        "heatProtectTemperature": 35.0,
    },
    "IRoomController": {"tempActual": 21.0, "tempTarget": 21.0},
    "TimedSwitch": {"deactivationDelayTotal": 120.0},
    "ValueSelector": {"min": 0.0, "max": 100.0, "step": 1.0},
    "Meter": {"actual": 0.5, "total": 1000.0},
}
_IRC_V1_TEMPERATURES = [18.0, 21.0, 22.0, 24.0, 20.0, 5.0, 35.0]
_GLOBAL_DEFAULTS = {"operatingMode": 5.0, "sunrise": 461.0, "sunset": 952.0}


def _default_value(ref: StateRef) -> float:
    if ref.control is None:
        return _GLOBAL_DEFAULTS.get(ref.name, 0.0)
    if ref.control_type == "IRoomController" and ref.name == "temperatures":
        index = ref.control["states"]["temperatures"].index(ref.uuid)
        return _IRC_V1_TEMPERATURES[int(index) % len(_IRC_V1_TEMPERATURES)]
    details = ref.control.get("details") or {}
    if ref.name == "value" and isinstance(details.get("min"), int | float):
        return float(details["min"])
    return _TYPE_DEFAULTS.get(ref.control_type or "", {}).get(ref.name, 0.0)


def _default_text(ref: StateRef) -> str:
    if ref.name == "moodList":
        return json.dumps(DEFAULT_MOODS)
    if ref.name == "activeMoods":
        return "[778]"
    if ref.name in {"favoriteMoods", "additionalMoods", "overrideEntries", "circuitNames"}:
        return "[]"
    if ref.name == "color":
        return "hsv(0,0,0)"
    if ref.name == "loads":
        return "[]"
    if ref.name == "session":
        return "{}"
    return ""
