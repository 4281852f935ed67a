"""What ``jdev/sps/io/{uuid}/{cmd}`` does to the states of each control type.

Each handler receives the control and the command split on ``/`` and changes the states that Home
Assistant entities read. It returns the answer's ``value`` or ``None`` for a command the control
type does not know (the server then answers 400 and changes nothing). Control types without a
handler accept any command without a state change.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import re
import time
from typing import Any
from urllib.parse import unquote

from .miniserver_audio import AUDIO_HANDLERS
from .miniserver_codec import loxone_seconds
from .miniserver_state import StateStore

Dispatch = Callable[[str, str], str | None]


class Control:
    """A control of the structure file bound to the state store."""

    def __init__(self, control: dict[str, Any], store: StateStore, dispatch: Dispatch) -> None:
        """Bind a structure-file control to ``store``; ``dispatch`` reaches other controls."""
        self.data = control
        self.store = store
        self.dispatch = dispatch

    @property
    def type(self) -> str:
        """The control's ``type``."""
        return str(self.data.get("type", ""))

    def uuid(self, state: str) -> str | None:
        """UUID of a named state (``None`` when the control lacks it)."""
        value = (self.data.get("states") or {}).get(state)
        return value if isinstance(value, str) else None

    def get(self, state: str, default: float = 0.0) -> float:
        """Current value of a value state."""
        uuid = self.uuid(state)
        return self.store.values.get(uuid, default) if uuid else default

    def set(self, state: str, value: float) -> None:
        """Change a value state (and push it) if the control has it."""
        uuid = self.uuid(state)
        if uuid is not None:
            self.store.set_value(uuid, value)

    def text(self, state: str) -> str:
        """Current text of a text state."""
        uuid = self.uuid(state)
        return self.store.texts.get(uuid, "") if uuid else ""

    def set_text(self, state: str, text: str) -> None:
        """Change a text state (and push it) if the control has it."""
        uuid = self.uuid(state)
        if uuid is not None:
            self.store.set_text(uuid, text)

    def detail(self, name: str, default: Any = None) -> Any:
        """A value from the control's ``details``."""
        return (self.data.get("details") or {}).get(name, default)

    def sub_controls(self) -> list[dict[str, Any]]:
        """The control's sub-controls, in file order."""
        return list((self.data.get("subControls") or {}).values())


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _fmt(value: float) -> str:
    return f"{value:g}"


def _switch(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command in {"on", "off"}:
        ctl.set("active", 1.0 if command == "on" else 0.0)
    elif command == "pulse":
        ctl.set("active", 0.0 if ctl.get("active") else 1.0)
    else:
        return None
    return _fmt(ctl.get("active"))


def _pushbutton(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command == "pulse":
        ctl.set("active", 1.0)
        ctl.set("active", 0.0)
        return "1"
    return _switch(ctl, args)


def _timed_switch(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command == "on":
        ctl.set("deactivationDelay", -1.0)
    elif command == "off":
        ctl.set("deactivationDelay", 0.0)
    elif command == "pulse":
        ctl.set("deactivationDelay", ctl.get("deactivationDelayTotal", 120.0))
    else:
        return None
    return _fmt(ctl.get("deactivationDelay"))


def _dimmer(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    low, high, step = ctl.get("min", 0.0), ctl.get("max", 100.0), ctl.get("step", 1.0) or 1.0
    position = ctl.get("position")
    number = _number(args[0])
    if number is not None:
        position = number
    elif command == "on":
        position = high
    elif command == "off":
        position = 0.0
    elif command in {"plus", "minus"}:
        position += step if command == "plus" else -step
    else:
        return None
    position = 0.0 if position <= 0 else min(max(position, low), high)
    ctl.set("position", position)
    return _fmt(position)


def _color_picker(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    if command.startswith(("hsv(", "temp(")) and command.endswith(")"):
        ctl.set_text("color", command)
        return command
    if command.lower() == "setbrightness" and len(args) > 1 and _number(args[1]) is not None:
        color = ctl.text("color") or "hsv(0,0,0)"
        kind, _, inner = color.partition("(")
        parts = inner.rstrip(")").split(",")
        parts[-1 if kind == "hsv" else 0] = args[1]
        ctl.set_text("color", f"{kind}({','.join(parts)})")
        return args[1]
    return None


def _mood_ids(ctl: Control) -> list[int]:
    try:
        return [int(mood["id"]) for mood in json.loads(ctl.text("moodList") or "[]")]
    except (ValueError, KeyError, TypeError):
        return []


def _light_controller(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    active = json.loads(ctl.text("activeMoods") or "[]")
    if command == "changeto" and len(args) > 1 and args[1].lstrip("-").isdigit():
        mood = int(args[1])
        if mood not in _mood_ids(ctl):
            return None
        active = [mood]
    elif command in {"addmood", "removemood"} and len(args) > 1 and args[1].isdigit():
        mood = int(args[1])
        if command == "addmood" and mood not in active:
            active = [m for m in active if m != 778] + [mood]
        elif command == "removemood":
            active = [m for m in active if m != mood] or [778]
    elif command == "on":
        active = [777]
    elif command == "off":
        active = [778]
    elif command in {"plus", "minus"}:
        ids = _mood_ids(ctl)
        if not ids:
            return None
        index = ids.index(active[0]) if active and active[0] in ids else 0
        active = [ids[(index + (1 if command == "plus" else -1)) % len(ids)]]
    else:
        return None
    ctl.set_text("activeMoods", json.dumps(active))
    _apply_mood_to_outputs(ctl, active)
    return json.dumps(active)


def _apply_mood_to_outputs(ctl: Control, active: list[int]) -> None:
    """All-on and all-off moods drive the circuits so their own states follow."""
    if active not in ([777], [778]):
        return
    turn_on = active == [777]
    for sub in ctl.sub_controls():
        action = str(sub.get("uuidAction", ""))
        if action.endswith("/masterValue") or sub.get("type") not in {
            "Switch",
            "Dimmer",
            "EIBDimmer",
        }:
            continue
        ctl.dispatch(action, "on" if turn_on else "off")


def _jalousie(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    position = ctl.get("position")
    if command in {"fullup", "up"}:
        target = 0.0
    elif command in {"fulldown", "down"}:
        target = 1.0
    elif command == "shade":
        target = ctl.get("shadePosition", position) or position
    elif command in {"upoff", "downoff", "stop"}:
        ctl.set("up", 0.0)
        ctl.set("down", 0.0)
        return _fmt(position)
    elif command == "manualposition" and len(args) > 1 and _number(args[1]) is not None:
        target = min(max(float(args[1]) / 100.0, 0.0), 1.0)
    elif command == "manuallamelle" and len(args) > 1 and _number(args[1]) is not None:
        ctl.set("shadePosition", min(max(float(args[1]) / 100.0, 0.0), 1.0))
        return args[1]
    elif command in {"auto", "noauto"}:
        ctl.set("autoActive", 1.0 if command == "auto" else 0.0)
        return "1"
    else:
        return None
    moving = "up" if target < position else "down"
    ctl.set(moving, 1.0)
    ctl.set("position", target)
    ctl.set(moving, 0.0)
    return _fmt(target)


def _central(ctl: Control, args: list[str]) -> str | None:
    targets = [str(item.get("uuid", "")) for item in ctl.detail("controls", []) or []]
    command = "/".join(args)
    for target in targets:
        ctl.dispatch(target, command)
    return "1"


def _gate(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command in {"open", "fullopen"}:
        ctl.set("active", 1.0)
        ctl.set("position", 1.0)
    elif command in {"close", "fullclose"}:
        ctl.set("active", -1.0)
        ctl.set("position", 0.0)
    elif command != "stop":
        return None
    ctl.set("active", 0.0)
    return _fmt(ctl.get("position"))


def _window(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command in {"fullopen", "open"}:
        target = 1.0
    elif command in {"fullclose", "close"}:
        target = 0.0
    elif command == "movetoposition" and len(args) > 1 and _number(args[1]) is not None:
        target = min(max(float(args[1]) / 100.0, 0.0), 1.0)
    elif command == "stop":
        ctl.set("direction", 0.0)
        return _fmt(ctl.get("position"))
    else:
        return None
    ctl.set("targetPosition", target)
    ctl.set("direction", 1.0 if target > ctl.get("position") else -1.0)
    ctl.set("position", target)
    ctl.set("direction", 0.0)
    return _fmt(target)


def _irc_v2(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    number = _number(args[1]) if len(args) > 1 else None
    setters = {
        "setComfortTemperature": "comfortTemperature",
        "setComfortTemperatureCool": "comfortTemperatureCool",
        "setComfortTolerance": "comfortTolerance",
        "setAbsentMinTemperature": "absentMinOffset",
        "setAbsentMaxTemperature": "absentMaxOffset",
        "setOperatingMode": "operatingMode",
    }
    if command in setters and number is not None:
        ctl.set(setters[command], number)
        if command == "setComfortTemperature" and not json.loads(
            ctl.text("overrideEntries") or "[]"
        ):
            ctl.set("tempTarget", number)
        return _fmt(number)
    if command == "override" and len(args) >= 2 and args[1].isdigit():
        mode = int(args[1])
        until = int(args[2]) if len(args) > 2 and args[2].isdigit() else 0
        temperature = _number(args[3]) if len(args) > 3 else None
        if temperature is not None:
            ctl.set("tempTarget", temperature)
        entry = {"end": until, "isTimer": until > 0, "source": "app", "reason": mode}
        ctl.set_text("overrideEntries", json.dumps([entry]))
        ctl.set("activeMode", float(mode))
        return "1"
    if command == "stopOverride":
        ctl.set_text("overrideEntries", "[]")
        ctl.set("tempTarget", ctl.get("comfortTemperature", 22.0))
        return "1"
    return None


def _irc_v1(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command == "mode" and len(args) > 1 and args[1].isdigit():
        ctl.set("mode", float(args[1]))
        return args[1]
    if (
        command == "settemp"
        and len(args) > 2
        and args[1].isdigit()
        and _number(args[2]) is not None
    ):
        uuids = (ctl.data.get("states") or {}).get("temperatures") or []
        index, value = int(args[1]), float(args[2])
        if index >= len(uuids):
            return None
        ctl.store.set_value(uuids[index], value)
        if int(ctl.get("currHeatTempIx", -1)) == index:
            ctl.set("tempTarget", value)
        return args[2]
    if command in {"starttimer", "stoptimer", "service"}:
        ctl.set("override", 0.0 if command == "stoptimer" else ctl.get("override"))
        return "1"
    return None


def _analog_value(ctl: Control, args: list[str]) -> str | None:
    number = _number(args[0])
    low = ctl.detail("min", ctl.get("min", float("-inf")))
    high = ctl.detail("max", ctl.get("max", float("inf")))
    step = ctl.detail("step", ctl.get("step", 1.0)) or 1.0
    command = args[0].lower()
    if number is None and command in {"plus", "minus"}:
        number = ctl.get("value") + (step if command == "plus" else -step)
    if number is None:
        return None
    value = min(max(number, float(low)), float(high))
    ctl.set("value", value)
    return _fmt(value)


def _radio(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    outputs = [int(key) for key in (ctl.detail("outputs") or {})]
    if command == "reset":
        ctl.set("activeOutput", 0.0)
        return "0"
    if command == "next" and outputs:
        current = int(ctl.get("activeOutput"))
        later = [o for o in sorted(outputs) if o > current]
        ctl.set("activeOutput", float(later[0] if later else 0))
        return _fmt(ctl.get("activeOutput"))
    if command.isdigit() and (int(command) in outputs or int(command) == 0):
        ctl.set("activeOutput", float(command))
        return command
    return None


def _text_input(ctl: Control, args: list[str]) -> str | None:
    text = unquote("/".join(args))
    ctl.set_text("text", text)
    return text


def _daytimer(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    if command == "startOverride" and len(args) > 1 and _number(args[1]) is not None:
        ctl.set("override", float(args[2]) if len(args) > 2 and args[2].isdigit() else 60.0)
        ctl.set("value", float(args[1]))
        return args[1]
    if command == "stopOverride":
        ctl.set("override", 0.0)
        return "1"
    if command == "pulse":
        ctl.set("value", 0.0 if ctl.get("value") else 1.0)
        return _fmt(ctl.get("value"))
    return None


def _alarm(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command in {"on", "delayedon"}:
        ctl.set("disabledMove", 1.0 if len(args) > 1 and args[1] == "0" else 0.0)
        ctl.set("armed", 1.0)
    elif command == "off":
        ctl.set("armed", 0.0)
        ctl.set("level", 0.0)
    elif command == "quit":
        ctl.set("level", 0.0)
    elif command == "dismv" and len(args) > 1 and args[1] in {"0", "1"}:
        ctl.set("disabledMove", float(args[1]))
    else:
        return None
    return _fmt(ctl.get("armed"))


def _smoke_alarm(ctl: Control, args: list[str]) -> str | None:
    if args[0].lower() not in {"mute", "quit", "confirm"}:
        return None
    ctl.set("level", 0.0)
    return "1"


def _digital_pulse(ctl: Control, args: list[str]) -> str | None:
    accepted = {
        "upon",
        "upoff",
        "downon",
        "downoff",
        "pulseup",
        "pulsedown",
        "lefton",
        "leftoff",
        "righton",
        "rightoff",
        "pulseleft",
        "pulseright",
    }
    return "1" if args[0].lower() in accepted else None


def _clamped_number(args: list[str], low: float, high: float) -> float | None:
    number = _number(args[1]) if len(args) > 1 else None
    return None if number is None else min(max(number, low), high)


def _loads(ctl: Control) -> list[dict[str, Any]]:
    try:
        loads = json.loads(ctl.text("loads") or "[]")
    except ValueError:
        return []
    return loads if isinstance(loads, list) else []


def _energy_manager2(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    if command == "manage":
        return "1"
    if command in {"setMinSoc", "setMaxSpwr"}:
        locked = ctl.detail("MinSocLocked" if command == "setMinSoc" else "MaxSpwrLocked", False)
        high = 100.0 if command == "setMinSoc" else float("inf")
        value = _clamped_number(args, 0.0, high)
        if value is None or locked:
            return None
        ctl.set("MinSoc" if command == "setMinSoc" else "MaxSpwr", value)
        return _fmt(value)
    loads = _loads(ctl)
    load = next((item for item in loads if item.get("uuid") == command), None)
    if load is None or len(args) < 2 or args[1] not in {"activate", "deactivate", "automatic"}:
        return None
    load["activatedManually"] = args[1] == "activate"
    load["deactivatedManually"] = args[1] == "deactivate"
    if args[1] != "automatic":
        load["active"] = args[1] == "activate"
        load["pwr"] = load.get("ppwr", 0.0) if load["active"] else 0.0
    ctl.set_text("loads", json.dumps(loads))
    return "1"


def _energy_manager(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    loads = _loads(ctl)
    load_id = int(args[1]) if len(args) > 1 and args[1].isdigit() else None
    load = next((item for item in loads if item.get("id") == load_id), None)
    if load is None or command not in {"trigger", "turnOn", "turnOff"}:
        return None
    load["isActive"] = command != "turnOff"
    load["isPermanentOn"] = command == "turnOn"
    ctl.set_text("loads", json.dumps(loads))
    return "1"


def _wallbox2(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    modes = {int(mode["id"]) for mode in ctl.detail("modes", []) or []} | {99}
    number = _number(args[1]) if len(args) > 1 else None
    if command == "allow" and len(args) > 1 and args[1] in {"on", "off"}:
        ctl.set("enabled", 1.0 if args[1] == "on" else 0.0)
        return args[1]
    if command == "setmode" and number is not None and int(number) in modes:
        ctl.set("mode", number)
        return _fmt(number)
    if command == "modeunplug" and number is not None and int(number) in modes - {99} | {0}:
        ctl.set("modeUnplug", number)
        return _fmt(number)
    if command == "manuallimit":
        value = _clamped_number(args, float(ctl.detail("min", 0.0)), float(ctl.detail("max", 22.0)))
        if value is None:
            return None
        ctl.set("limit", value)
        ctl.set("mode", 99.0)
        return _fmt(value)
    return None


def _car_charger(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command == "charge" and len(args) > 1 and args[1] in {"on", "off"}:
        ctl.set("charging", 1.0 if args[1] == "on" else 0.0)
        return args[1]
    if command == "limitmode" and len(args) > 1 and args[1] in {"0", "1", "2"}:
        ctl.set("limitMode", float(args[1]))
        return args[1]
    if command == "limit":
        value = _clamped_number(args, ctl.get("minLimit"), ctl.get("maxLimit"))
        if value is None:
            return None
        ctl.set("currentLimit", value)
        return _fmt(value)
    return None


def _read_only(_ctl: Control, _args: list[str]) -> str | None:
    """Monitors without commands (Fronius, Power Supply & Backup) refuse every command."""
    return None


def _ac_control(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    number = _number(args[1]) if len(args) > 1 else None
    if command in {"on", "off", "toggle"}:
        on = command == "on" or (command == "toggle" and not ctl.get("status"))
        ctl.set("status", 1.0 if on else 0.0)
        return "1" if on else "0"
    if command == "settarget" and number is not None:
        value = min(max(number, ctl.get("minTemp", 16.0)), ctl.get("maxTemp", 30.0))
        ctl.set("targetTemperature", value)
        return _fmt(value)
    states = {"setmode": ("mode", 1, 5), "setfan": ("fan", 0, 6), "setairdir": ("ventMode", 0, 7)}
    if command in states and number is not None:
        state, low, high = states[command]
        if not low <= number <= high:
            return None
        ctl.set(state, number)
        return _fmt(number)
    return None


def _ventilation(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    numbers = [_number(arg) for arg in args[1:]]
    if command == "setTimer" and numbers == [0.0]:
        ctl.set("activeTimerProfile", -2.0)
        ctl.set("overwriteUntil", 0.0)
        ctl.set("ventReason", 0.0)
        ctl.set("speed", ctl.get("absenceMin", 30.0))
        return "0"
    if command == "setTimer" and len(numbers) == 4 and None not in numbers:
        interval, speed, mode, profile = (float(n) for n in numbers if n is not None)
        if not 0 <= speed <= 100:
            return None
        ctl.set("speed", speed)
        ctl.set("mode", mode)
        ctl.set("activeTimerProfile", profile)
        ctl.set("ventReason", 7.0)
        ctl.set("overwriteUntil", float(loxone_seconds() + int(interval)))
        return "1"
    setters = {
        "setAbsenceMin": "absenceMin",
        "setAbsenceMax": "absenceMax",
        "setPresenceMin": "presenceMin",
        "setPresenceMax": "presenceMax",
    }
    if command in setters and len(numbers) == 1 and numbers[0] is not None:
        ctl.set(setters[command], numbers[0])
        return _fmt(numbers[0])
    if command == "ackFilterChange":
        ctl.set_text("controlInfo", "")
        return "1"
    return None


def _hourcounter(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    if command not in {"reset", "resetall"}:
        return None
    ctl.set("remaining", ctl.get("maintenanceInterval"))
    ctl.set("overdue", 0.0)
    ctl.set("overdueSince", 0.0)
    if command == "resetall":
        ctl.set("total", 0.0)
        ctl.set("lastActivation", 0.0)
    return "1"


def _alarm_clock(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    if command in {"snooze", "dismiss"}:
        if not ctl.get("isAlarmActive"):
            return None
        ctl.set("isAlarmActive", 0.0)
        ctl.set("snoozeTime", ctl.get("snoozeDuration") if command == "snooze" else 0.0)
        return "1"
    if command != "entryList" or len(args) < 3:
        return None
    try:
        entries = json.loads(ctl.text("entryList") or "{}")
    except ValueError:
        entries = {}
    if args[1] == "delete" and args[2] in entries:
        del entries[args[2]]
    elif args[1] == "put" and len(args) == 7 and args[4].isdigit() and args[5] in {"0", "1"}:
        entry = {"name": unquote(args[3]), "alarmTime": int(args[4]), "isActive": args[5] == "1"}
        if entries.get(args[2], {}).get("nightLight"):
            entry |= {"nightLight": True, "daily": args[6] == "1"}
        else:
            entry |= {"nightLight": False, "modes": [int(m) for m in args[6].split(",") if m]}
        entries[args[2]] = entry
    else:
        return None
    ctl.set_text("entryList", json.dumps(entries))
    return "1"


def _sauna(ctl: Control, args: list[str]) -> str | None:
    command = args[0].lower()
    number = _number(args[1]) if len(args) > 1 else None
    if command in {"on", "off"}:
        ctl.set("active", 1.0 if command == "on" else 0.0)
        ctl.set("power", 1.0 if command == "on" else 0.0)
        ctl.set("fan", 0.0)
        ctl.set("drying", 0.0)
    elif command in {"fanon", "fanoff"}:
        if command == "fanon" and not ctl.get("active"):
            return None
        ctl.set("fan", 1.0 if command == "fanon" else 0.0)
    elif command in {"temp", "ontemp"} and number is not None:
        ctl.set("tempTarget", number)
        if command == "ontemp":
            ctl.set("active", 1.0)
    elif command == "humidity" and number is not None and ctl.detail("hasVaporizer"):
        ctl.set("humidityTarget", number)
    elif command == "mode" and number is not None and 0 <= number <= 6:
        ctl.set("mode", number)
    elif command == "starttimer":
        ctl.set("timer", ctl.get("timerTotal"))
    else:
        return None
    return "1"


def _pool(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    number = _number(args[1]) if len(args) > 1 else None
    toggles = {"pump": "pump", "eco": "ecoActive", "approveHeating": "heatingApproved"}
    cycles = {"filter": 1.0, "backwash": 2.0, "circulate": 3.0, "drain": 4.0}
    if command in toggles and number in {0.0, 1.0}:
        ctl.set(toggles[command], float(number or 0.0))
    elif command == "tempMode" and number is not None and 0 <= number <= 5:
        ctl.set("currentTempMode", number)
    elif command == "targetTemp" and number is not None:
        ctl.set("tempTarget", number)
    elif command in cycles:
        ctl.set("currentCycle", cycles[command])
        ctl.set("remainingTime", ctl.get("filterTime", 600.0))
    elif command == "ackError":
        ctl.set("error", 0.0)
    else:
        return None
    return "1"


def _light_scenes(ctl: Control, args: list[str]) -> str | None:
    """LightController (V1): scene numbers, on (9), off (0), plus and minus."""
    command = args[0].lower()
    scenes = sorted(int(n) for n in re.findall(r'(\d+)="', ctl.text("sceneList")))
    current = int(ctl.get("activeScene"))
    if command == "on":
        scene = 9
    elif command == "off":
        scene = 0
    elif command in {"plus", "minus"} and scenes:
        index = scenes.index(current) if current in scenes else -1
        scene = scenes[(index + (1 if command == "plus" else -1)) % len(scenes)]
    elif command.isdigit() and len(args) == 1 and (int(command) in scenes or command in "09"):
        scene = int(command)
    else:
        return None
    ctl.set("activeScene", float(scene))
    return str(scene)


def _color_picker_v1(ctl: Control, args: list[str]) -> str | None:
    command = args[0]
    if command.startswith(("hsv(", "lumitech(")) and command.endswith(")"):
        ctl.set_text("color", command)
        return command
    return None


#: Bell times an intercom's history keeps (the real length is not documented).
BELL_HISTORY = 10


def ring_bell(ctl: Control, when: str | None = None) -> None:
    """The bell button: ``bell`` 1 and the bell time appended to the history state."""
    stamp = when or time.strftime("%Y%m%d%H%M%S")
    history = "lastBellEvents" if ctl.uuid("lastBellEvents") else "missedBellEvents"
    times = [item for item in ctl.text(history).split("|") if item]
    ctl.set_text(history, "|".join([*times, stamp][-BELL_HISTORY:]))
    ctl.set("bell", 1.0)


def _intercom(ctl: Control, args: list[str]) -> str | None:
    """``answer`` stops the bell; IntercomV2 also takes ``mute/1`` and ``mute/0``."""
    command = args[0]
    if command == "answer":
        ctl.set("bell", 0.0)
        return "0"
    if command == "mute" and ctl.type == "IntercomV2" and args[1:] in (["0"], ["1"]):
        return args[1]
    return None


#: How many entries an NfcCodeTouch keeps for its ``history`` command (oldest dropped first).
NFC_HISTORY_LENGTH = 50


def _nfc_code_touch(ctl: Control, args: list[str]) -> str | None:
    """NfcCodeTouch: ``history`` (JSON array of accesses) and ``output/<1-6>`` (a pulse)."""
    if args == ["history"]:
        return json.dumps(ctl.store.histories.get(str(ctl.data["uuidAction"]), []))
    outputs = ctl.detail("accessOutputs") or {}
    if len(args) == 2 and args[0] == "output" and f"q{args[1]}" in outputs:
        return "1"
    return None


def record_access(
    ctl: Control, user: str, output: int, *, code: str | None = None, ts: float | None = None
) -> dict[str, Any]:
    """An access at an NfcCodeTouch: a history entry, then ``historyDate`` and ``lastuser`` move.

    ``output`` is the output it opened (1-6), or -1 when it was denied (the block's "Nco" output
    uses -1 for a denial). ``code`` is only for tests that check a code never travels further.
    """
    action = str(ctl.data["uuidAction"])
    entry: dict[str, Any] = {"ts": int(ts if ts is not None else time.time()), "user": user}
    entry["output"] = output
    if code is not None:
        entry["code"] = code
    history = ctl.store.histories.setdefault(action, [])
    history.append(entry)
    del history[:-NFC_HISTORY_LENGTH]
    ctl.set_text("lastuser", user)
    # Strictly later than before, so two accesses within one second still move it.
    ctl.set("historyDate", max(float(loxone_seconds()), ctl.get("historyDate") + 1.0))
    return entry


HANDLERS: dict[str, Callable[[Control, list[str]], str | None]] = {
    "Switch": _switch,
    "Pushbutton": _pushbutton,
    "TimedSwitch": _timed_switch,
    "Dimmer": _dimmer,
    "EIBDimmer": _dimmer,
    "ColorPickerV2": _color_picker,
    "LightControllerV2": _light_controller,
    "Jalousie": _jalousie,
    "CentralJalousie": _central,
    "CentralLightController": _central,
    "Gate": _gate,
    "Window": _window,
    "IRoomControllerV2": _irc_v2,
    "IRoomController": _irc_v1,
    "Slider": _analog_value,
    "ValueSelector": _analog_value,
    "UpDownAnalog": _analog_value,
    "LeftRightAnalog": _analog_value,
    "UpDownDigital": _digital_pulse,
    "LeftRightDigital": _digital_pulse,
    "Radio": _radio,
    "TextInput": _text_input,
    "Daytimer": _daytimer,
    "Alarm": _alarm,
    "SmokeAlarm": _smoke_alarm,
    "EnergyManager2": _energy_manager2,
    "EnergyManager": _energy_manager,
    "Wallbox2": _wallbox2,
    "CarCharger": _car_charger,
    "Fronius": _read_only,
    "PowerUnit": _read_only,
    "AcControl": _ac_control,
    "ACControl": _ac_control,
    "Ventilation": _ventilation,
    "Hourcounter": _hourcounter,
    "AlarmClock": _alarm_clock,
    "Sauna": _sauna,
    "PoolController": _pool,
    "LightController": _light_scenes,
    "ColorPicker": _color_picker_v1,
    "CentralAudioZone": _central,
    **AUDIO_HANDLERS,
    "Intercom": _intercom,
    "IntercomV2": _intercom,
    "NfcCodeTouch": _nfc_code_touch,
}


def execute(control: Control, command: str) -> str | None:
    """Run ``command`` (the part after the control's uuidAction) on ``control``."""
    handler = HANDLERS.get(control.type)
    if handler is None:
        return command
    args = command.split("/") if command else [""]
    return handler(control, args)
