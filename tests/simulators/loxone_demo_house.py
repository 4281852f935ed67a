"""The simulator's demo house: a LoxAPP3.json-shaped structure with every mapped control type.

Shapes (states, details, sub-controls) follow the real structure files in
``shared/fixtures/loxone``. UUIDs are derived from names so that they are stable between runs;
``demo_initial_states`` gives the states plausible starting values.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .miniserver_codec import LOXONE_EPOCH, DaytimerEntry, WeatherEntry, loxone_seconds
from .miniserver_state import Daytimer, Weather

#: Unix time of the Loxone epoch (2009-01-01 UTC): history entries carry Unix seconds.
UNIX_2009 = int(LOXONE_EPOCH.timestamp())


def uid(name: str) -> str:
    """A stable 8-4-4-16 UUID for ``name``."""
    digest = hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:32]
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:]}"


ROOMS = {
    "living": ("Living room", 4),
    "kitchen": ("Kitchen", 2),
    "bedroom": ("Bedroom", 5),
    "office": ("Office", 1),
    "hall": ("Hall", 0),
    "garage": ("Garage", 3),
    "garden": ("Garden", 6),
    "central": ("Whole house", 0),
}
CATS = {
    "lights": ("Lighting", "lights"),
    "shading": ("Shading", "shading"),
    "climate": ("Climate", "indoortemperature"),
    "sensors": ("Sensors", "undefined"),
    "security": ("Security", "undefined"),
    "energy": ("Energy", "undefined"),
    "media": ("Multimedia", "multimedia"),
}


def _states(key: str, names: list[str], *, main: str | None = None) -> dict[str, str]:
    """State UUIDs for a control; ``main`` shares the control's uuidAction (as real files do)."""
    return {name: uid(key) if name == main else uid(f"{key}.{name}") for name in names}


def _control(
    key: str,
    name: str,
    control_type: str,
    room: str,
    cat: str,
    states: dict[str, Any],
    details: dict[str, Any] | None = None,
    *,
    secured: bool = False,
    sub_controls: dict[str, Any] | None = None,
) -> dict[str, Any]:
    control: dict[str, Any] = {
        "name": name,
        "type": control_type,
        "uuidAction": uid(key),
        "room": uid(f"room.{room}"),
        "cat": uid(f"cat.{cat}"),
        "defaultRating": 0,
        "isFavorite": False,
        "isSecured": secured,
        "defaultIcon": None,
    }
    if details is not None:
        control["details"] = details
    control["states"] = states
    if sub_controls:
        control["subControls"] = sub_controls
    return control


def _sub(
    parent: str, suffix: str, name: str, control_type: str, states: list[str]
) -> dict[str, Any]:
    action = f"{uid(parent)}/{suffix}"
    return {
        "name": name,
        "type": control_type,
        "uuidAction": action,
        "defaultRating": 0,
        "isFavorite": False,
        "isSecured": False,
        "states": {state: uid(f"{parent}/{suffix}.{state}") for state in states},
    }


def _light_controller() -> dict[str, Any]:
    key = "living.lico"
    subs = [
        ("masterValue", "Brightness", "Dimmer", ["position", "min", "max", "step"]),
        ("AI1", "Ceiling", "Dimmer", ["position", "min", "max", "step"]),
        ("AI2", "Reading lamp", "Switch", ["active"]),
        ("AI3", "LED strip", "ColorPickerV2", ["color", "sequence", "sequenceColorIdx"]),
    ]
    sub_controls = {}
    for suffix, name, control_type, states in subs:
        sub = _sub(key, suffix, name, control_type, states)
        if control_type == "ColorPickerV2":
            sub["details"] = {"pickerType": "Rgb"}
        sub_controls[sub["uuidAction"]] = sub
    return _control(
        key,
        "Living room lights",
        "LightControllerV2",
        "living",
        "lights",
        _states(
            key, ["activeMoods", "moodList", "favoriteMoods", "additionalMoods", "circuitNames"]
        ),
        {"movementScene": 777, "masterValue": f"{uid(key)}/masterValue", "masterColor": ""},
        sub_controls=sub_controls,
    )


def _light_controller_v1() -> dict[str, Any]:
    """A first-generation lighting controller (as in older structure files) with two circuits."""
    key = "office.lico1"
    subs = [
        ("AI1", "Desk spots", "Dimmer", ["position", "min", "max", "step"]),
        ("AI2", "Shelf LED", "ColorPicker", ["color", "favorites"]),
    ]
    sub_controls = {}
    for suffix, name, control_type, states in subs:
        sub = _sub(key, suffix, name, control_type, states)
        if control_type == "ColorPicker":
            sub["details"] = {"pickerType": "Lumitech"}
        sub_controls[sub["uuidAction"]] = sub
    return _control(
        key,
        "Office scenes",
        "LightController",
        "office",
        "lights",
        _states(key, ["activeScene", "sceneList"]),
        {"movementScene": 1},
        sub_controls=sub_controls,
    )


def _irc_v2() -> dict[str, Any]:
    key = "living.irc"
    names = [
        "tempActual",
        "tempTarget",
        "comfortTemperature",
        "comfortTemperatureCool",
        "comfortTolerance",
        "absentMinOffset",
        "absentMaxOffset",
        "frostProtectTemperature",
        "heatProtectTemperature",
        "activeMode",
        "comfortTemperatureOffset",
        "overrideEntries",
        "prepareState",
        "useOutdoor",
        "operatingMode",
        "overrideReason",
        "openWindow",
        "modeList",
    ]
    details = {
        "timerModes": [
            {"name": "Comfort", "description": "Comfort temperature", "id": 1},
            {"name": "Eco", "description": "Economy", "id": 0},
            {"name": "Off", "description": "Building protection", "id": 2},
        ],
        "format": "%.1f°",
        "connectedInputs": 0,
    }
    daytimer: dict[str, Any] = {
        "name": "Heating and cooling",
        "type": "IRCV2Daytimer",
        "uuidAction": uid(f"{key}.daytimer"),
        "defaultRating": 0,
        "isFavorite": False,
        "isSecured": False,
        "details": {"analog": True, "format": "%.1f°"},
        "states": _states(
            f"{key}.daytimer", ["entriesAndDefaultValue", "mode", "modeList", "value"]
        ),
    }
    return _control(
        key,
        "Living room climate",
        "IRoomControllerV2",
        "living",
        "climate",
        _states(key, names),
        details,
        sub_controls={daytimer["uuidAction"]: daytimer},
    )


def _irc_v1() -> dict[str, Any]:
    key = "bedroom.irc"
    names = [
        "tempTarget",
        "tempActual",
        "error",
        "mode",
        "serviceMode",
        "currHeatTempIx",
        "currCoolTempIx",
        "override",
        "openWindow",
        "overrideTotal",
        "manualMode",
    ]
    states: dict[str, Any] = _states(key, names)
    states["temperatures"] = [uid(f"{key}.temperatures.{index}") for index in range(7)]
    temperatures = {str(i): {"isAbsolute": i not in {0, 5, 6}} for i in range(7)}
    details = {"restrictedToMode": 0, "temperatures": temperatures, "format": "%.1f°"}
    return _control(
        key, "Bedroom climate", "IRoomController", "bedroom", "climate", states, details
    )


def _jalousie(key: str, name: str, room: str, animation: int) -> dict[str, Any]:
    names = [
        "up",
        "down",
        "position",
        "shadePosition",
        "safetyActive",
        "autoAllowed",
        "autoActive",
        "locked",
        "infoText",
    ]
    details = {"isAutomatic": True, "animation": animation}
    return _control(key, name, "Jalousie", room, "shading", _states(key, names), details)


def _analog(key: str, name: str, room: str, cat: str, fmt: str) -> dict[str, Any]:
    return _control(
        key,
        name,
        "InfoOnlyAnalog",
        room,
        cat,
        _states(key, ["value", "error"], main="value"),
        {"format": fmt},
    )


def _controls() -> list[dict[str, Any]]:
    return [
        _control(
            "hall.switch",
            "Hall light",
            "Switch",
            "hall",
            "lights",
            _states("hall.switch", ["active"], main="active"),
        ),
        _control(
            "hall.central",
            "Central switch",
            "Switch",
            "central",
            "lights",
            _states("hall.central", ["active"], main="active"),
        ),
        _control(
            "hall.stairs",
            "Stair light",
            "TimedSwitch",
            "hall",
            "lights",
            _states(
                "hall.stairs",
                ["deactivationDelay", "deactivationDelayTotal"],
                main="deactivationDelay",
            ),
            {"isStairwayLs": True},
        ),
        _control(
            "garage.bell",
            "Garage door button",
            "Pushbutton",
            "garage",
            "security",
            _states("garage.bell", ["active"], main="active"),
        ),
        _control(
            "hall.codetouch",
            "Front door code touch",
            "NfcCodeTouch",
            "hall",
            "security",
            _states(
                "hall.codetouch",
                [
                    "lastuser",
                    "lasttag",
                    "lastcode",
                    "lastid",
                    "codeDate",
                    "historyDate",
                    "deviceState",
                    "nfcLearnResult",
                    "keyPadAuthType",
                ],
            ),
            {"accessOutputs": {"q1": "Front door", "q2": "Garage door"}},
        ),
        _control(
            "kitchen.dimmer",
            "Kitchen spots",
            "Dimmer",
            "kitchen",
            "lights",
            _states("kitchen.dimmer", ["position", "min", "max", "step"]),
        ),
        _control(
            "office.eib",
            "Office desk lamp",
            "EIBDimmer",
            "office",
            "lights",
            _states("office.eib", ["position"]),
        ),
        _control(
            "bedroom.color",
            "Bedroom LED",
            "ColorPickerV2",
            "bedroom",
            "lights",
            _states("bedroom.color", ["color", "sequence", "sequenceColorIdx"]),
            {"pickerType": "Rgb"},
        ),
        _light_controller(),
        _jalousie("living.blind", "Living room blind", "living", 0),
        _jalousie("bedroom.shutter", "Bedroom shutter", "bedroom", 1),
        _control(
            "central.blinds",
            "All blinds",
            "CentralJalousie",
            "central",
            "shading",
            {},
            {"controls": [{"uuid": uid("living.blind")}, {"uuid": uid("bedroom.shutter")}]},
        ),
        _control(
            "central.lights",
            "All lights",
            "CentralLightController",
            "central",
            "lights",
            {},
            {"controls": [{"uuid": uid("living.lico")}]},
        ),
        _control(
            "garage.gate",
            "Garage door",
            "Gate",
            "garage",
            "shading",
            _states("garage.gate", ["position", "active", "preventOpen", "preventClose"]),
            {"animation": 0},
        ),
        _control(
            "office.window",
            "Office window",
            "Window",
            "office",
            "shading",
            _states(
                "office.window",
                ["position", "targetPosition", "direction", "lockedReason", "infoText"],
            ),
            {},
        ),
        _irc_v2(),
        _irc_v1(),
        _analog("garden.temp", "Outdoor temperature", "garden", "sensors", "%.1f°C"),
        _analog("bedroom.humidity", "Bedroom humidity", "bedroom", "sensors", "%.0f%%"),
        _analog("kitchen.power", "Oven power", "kitchen", "energy", "%.0f W"),
        _analog("office.energy", "Office energy", "office", "energy", "%.2f kWh"),
        _analog("garden.lux", "Garden brightness", "garden", "sensors", "%.0f lx"),
        _control(
            "garage.meter",
            "Heat pump meter",
            "Meter",
            "garage",
            "energy",
            _states("garage.meter", ["actual", "total"]),
            {"actualFormat": "%.3fkW", "totalFormat": "%.1fkWh", "type": "unidirectional"},
        ),
        _control(
            "hall.textstate",
            "House status",
            "TextState",
            "hall",
            "sensors",
            _states("hall.textstate", ["textAndIcon", "iconAndColor"], main="textAndIcon"),
        ),
        _control(
            "hall.infotext",
            "Last event",
            "InfoOnlyText",
            "hall",
            "sensors",
            _states("hall.infotext", ["text"], main="text"),
            {"format": "%s"},
        ),
        _control(
            "office.textinput",
            "Message board",
            "TextInput",
            "office",
            "sensors",
            _states("office.textinput", ["text"]),
        ),
        _control(
            "hall.tracker",
            "Door log",
            "Tracker",
            "hall",
            "security",
            _states("hall.tracker", ["entries"], main="entries"),
            {"maxEntries": 20},
        ),
        _control(
            "garden.daytimer",
            "Garden lights schedule",
            "Daytimer",
            "garden",
            "lights",
            _states(
                "garden.daytimer",
                [
                    "mode",
                    "override",
                    "value",
                    "needsActivation",
                    "modeList",
                    "entriesAndDefaultValue",
                ],
                main="entriesAndDefaultValue",
            ),
            {"analog": False, "text": {"on": "On", "off": "Off"}},
        ),
        _control(
            "hall.window_contact",
            "Front door contact",
            "InfoOnlyDigital",
            "hall",
            "security",
            _states("hall.window_contact", ["active"], main="active"),
            {"text": {"off": "Closed", "on": "Open"}, "color": {"off": "#69C350", "on": "#E73246"}},
        ),
        _control(
            "living.presence",
            "Living room presence",
            "PresenceDetector",
            "living",
            "sensors",
            _states("living.presence", ["active", "events", "locked", "infoText"]),
            {"hasLockAlways": False},
        ),
        _control(
            "hall.smoke",
            "Smoke alarm",
            "SmokeAlarm",
            "hall",
            "security",
            _states(
                "hall.smoke",
                [
                    "nextLevel",
                    "nextLevelDelay",
                    "nextLevelDelayTotal",
                    "level",
                    "sensors",
                    "acousticAlarm",
                    "testAlarm",
                    "alarmCause",
                    "startTime",
                    "timeServiceMode",
                ],
            ),
            {"hasAcousticAlarm": True},
        ),
        _control(
            "living.radio",
            "Music source",
            "Radio",
            "living",
            "media",
            _states("living.radio", ["activeOutput"]),
            {"allOff": "Off", "outputs": {"1": "Radio", "2": "Spotify", "3": "TV"}},
        ),
        _control(
            "bedroom.slider",
            "Wake-up volume",
            "Slider",
            "bedroom",
            "media",
            _states("bedroom.slider", ["value", "error"], main="value"),
            {"format": "%.0f%%", "min": 0.0, "max": 100.0, "step": 5.0},
        ),
        _control(
            "office.selector",
            "Fan level",
            "ValueSelector",
            "office",
            "climate",
            _states("office.selector", ["min", "max", "step", "value"]),
            {"increaseOnly": False, "format": "%.0f"},
        ),
        _control(
            "living.updown",
            "Volume",
            "UpDownAnalog",
            "living",
            "media",
            _states("living.updown", ["value", "error"], main="value"),
            {"format": "%.1f", "min": 0.0, "max": 50.0, "step": 2.5},
        ),
        _control(
            "living.leftright",
            "Balance",
            "LeftRightAnalog",
            "living",
            "media",
            _states("living.leftright", ["value", "error"], main="value"),
            {"format": "%.0f", "min": -10.0, "max": 10.0, "step": 1.0},
        ),
        _control("living.scene_updown", "Scenes up/down", "UpDownDigital", "living", "lights", {}),
        _control(
            "living.scene_lr", "Scenes left/right", "LeftRightDigital", "living", "lights", {}
        ),
        _control(
            "hall.alarm",
            "Burglar alarm",
            "Alarm",
            "hall",
            "security",
            _states(
                "hall.alarm",
                [
                    "armed",
                    "nextLevel",
                    "nextLevelDelay",
                    "nextLevelDelayTotal",
                    "level",
                    "startTime",
                    "armedDelay",
                    "armedDelayTotal",
                    "sensors",
                    "disabledMove",
                ],
            ),
            {"alert": True, "presenceConnected": True},
            secured=True,
        ),
        *_energy_controls(),
        *_air_controls(),
        *_audio_controls(),
        _intercom(),
        _light_controller_v1(),
        _control(
            "bedroom.alarm_clock",
            "Wake-up",
            "AlarmClock",
            "bedroom",
            "media",
            _states(
                "bedroom.alarm_clock",
                [
                    "isEnabled",
                    "isAlarmActive",
                    "confirmationNeeded",
                    "entryList",
                    "currentEntry",
                    "nextEntry",
                    "nextEntryMode",
                    "ringingTime",
                    "ringDuration",
                    "prepareDuration",
                    "snoozeTime",
                    "snoozeDuration",
                    "nextEntryTime",
                    "deviceState",
                    "deviceSettings",
                ],
            ),
            {
                "hasNightLight": False,
                "snoozeDurationConnected": False,
                "brightInactiveConnected": False,
                "brightActiveConnected": False,
                "wakeAlarmSounds": [{"id": 1, "name": "Beeps"}, {"id": 2, "name": "Birds"}],
            },
        ),
        _control(
            "garden.sauna",
            "Sauna",
            "Sauna",
            "garden",
            "climate",
            _states(
                "garden.sauna",
                [
                    "active",
                    "power",
                    "tempActual",
                    "tempBench",
                    "tempTarget",
                    "fan",
                    "drying",
                    "doorClosed",
                    "presence",
                    "error",
                    "saunaError",
                    "timer",
                    "timerTotal",
                    "lessWater",
                    "humidityActual",
                    "humidityTarget",
                    "mode",
                ],
            ),
            {"hasVaporizer": True, "hasDoorSensor": True},
        ),
        _control(
            "garden.pool",
            "Pool",
            "PoolController",
            "garden",
            "climate",
            _states(
                "garden.pool",
                [
                    "currentOpMode",
                    "currentTempMode",
                    "tempActual",
                    "tempModeCycleActive",
                    "tempTarget",
                    "waterLevel",
                    "heatingApproved",
                    "coolingApproved",
                    "ecoActive",
                    "currentCycle",
                    "remainingTime",
                    "valvePosition",
                    "pump",
                    "filterTime",
                    "error",
                    "cycleAbortable",
                ],
            ),
            {
                "valveType": 1,
                "hasEco": False,
                "hasTargetTemp": False,
                "hasActualTemp": True,
                "hasWaterLevel": True,
                "waterLevelUnit": "cm",
                "hasCover": False,
                "hasHeating": True,
                "hasCooling": False,
                "filterBounds": {"min": 60, "max": 3600},
            },
        ),
        _control(
            "garage.hourcounter",
            "Heat pump service",
            "Hourcounter",
            "garage",
            "climate",
            _states(
                "garage.hourcounter",
                [
                    "total",
                    "remaining",
                    "lastActivation",
                    "overdue",
                    "maintenanceInterval",
                    "stateUnit",
                    "active",
                    "overdueSince",
                ],
            ),
        ),
    ]


def _intercom() -> dict[str, Any]:
    """A Loxone Intercom at the front door, shaped like the one in the real structure file.

    Its video is in the secured details (the simulator serves the camera itself); the door
    outputs are Pushbutton sub-controls with a ``/1``-style uuidAction.
    """
    key = "hall.intercom"
    control = _control(
        key,
        "Front door",
        "Intercom",
        "hall",
        "security",
        _states(key, ["bell", "lastBellEvents", "lastBellTimestamp", "version", "jLocked"]),
        {
            "jLockable": True,
            "deviceType": 1,
            "lastBellEventImages": False,
            "videoInfo": {},
            "audioInfo": {},
            "showBellImage": True,
            "outputs": [{"id": 0, "name": "Door opener"}, {"id": 1, "name": "Outside light"}],
        },
        sub_controls={
            f"{uid(key)}/{suffix}": _sub(key, suffix, name, "Pushbutton", ["active"])
            for suffix, name in (("1", "Door opener"), ("2", "Outside light"))
        },
    )
    control["securedDetails"] = True
    return control


def _energy_controls() -> list[dict[str, Any]]:
    """Energy: managers, flow monitor, inverter, power supply and both wallbox generations."""
    wallbox = _control(
        "garage.wallbox",
        "Wallbox",
        "Wallbox2",
        "garage",
        "energy",
        _states(
            "garage.wallbox",
            [
                "actual",
                "total",
                "connected",
                "enabled",
                "active",
                "loadshed",
                "phaseSwitching",
                "mode",
                "limit",
                "modeUnplug",
                "session",
                "priority",
                "pricePerHour",
                "pricePerkWh",
            ],
        ),
        {
            "actualFormat": "%.2fkW",
            "totalFormat": "%.1fkWh",
            "type": "unidirectional",
            "min": 1.4,
            "max": 11.0,
            "modes": [
                {"id": 1, "name": "Solar only", "value": 0.0, "setByLogic": False},
                {"id": 2, "name": "Fast", "value": 11.0, "setByLogic": False},
                {"id": 3, "name": "", "value": 0.0, "setByLogic": False},
            ],
            "connectedInputs": 0,
        },
    )
    history = _sub("garage.wallbox", "history", "Charging history", "Tracker", ["entries"])
    wallbox["subControls"] = {history["uuidAction"]: history}
    return [
        _control(
            "garage.energy_manager",
            "Energy manager",
            "EnergyManager2",
            "garage",
            "energy",
            _states(
                "garage.energy_manager",
                ["Gpwr", "Spwr", "Ppwr", "Ssoc", "MinSoc", "MaxSpwr", "loads"],
            ),
            {"MinSocLocked": False, "MaxSpwrLocked": False, "HasSsoc": True, "HasSpwr": True},
        ),
        _control(
            "garage.surplus",
            "Surplus manager",
            "EnergyManager",
            "garage",
            "energy",
            _states("garage.surplus", ["currentPower", "currentBat", "loads"]),
            {
                "loads": [
                    {"id": 0, "name": "Boiler", "minOnTime": 600},
                    {"id": 1, "name": "Dryer", "minOnTime": 0},
                ]
            },
        ),
        _control(
            "garage.flow",
            "Energy flow",
            "EnergyFlowMonitor",
            "garage",
            "energy",
            _states(
                "garage.flow",
                ["Ppwr", "Gpwr", "Spwr", "Pre", "Pri", "CO2", "actual0", "actual1", "actual2"],
            ),
            {
                "actualFormat": "%.2fkW",
                "totalFormat": "%.1fkWh",
                "storageFormat": "%.0f%%",
                "rest": True,
                "restName": "Other loads",
                "nodes": [
                    {
                        "uuid": uid("garage.flow.grid"),
                        "nodeType": "Grid",
                        "title": "Grid",
                        "icon": "IconsFilled/power-grid.svg",
                        "actualEfmState": "actual0",
                    },
                    {
                        "uuid": uid("garage.flow.heatpump"),
                        "nodeType": "Load",
                        "title": "Heat pump",
                        "icon": "IconsFilled/heat-pump.svg",
                        "actualEfmState": "actual1",
                        "ctrlUuid": uid("garage.meter"),
                    },
                    {
                        "uuid": uid("garage.flow.wallbox"),
                        "nodeType": "Wallbox",
                        "title": "Car",
                        "icon": "IconsFilled/car.svg",
                        "actualEfmState": "actual2",
                        "ctrlUuid": uid("garage.wallbox"),
                    },
                    {
                        "uuid": uid("garage.flow.house"),
                        "nodeType": "Group",
                        "title": "House",
                        "icon": "IconsFilled/house.svg",
                        "nodes": [],
                    },
                ],
            },
        ),
        _control(
            "garage.inverter",
            "Solar inverter",
            "Fronius",
            "garage",
            "energy",
            _states(
                "garage.inverter",
                [
                    "prodCurr",
                    "prodCurrDay",
                    "prodCurrMonth",
                    "prodCurrYear",
                    "prodTotal",
                    "consCurr",
                    "consCurrDay",
                    "gridCurr",
                    "batteryCurr",
                    "stateOfCharge",
                    "earningsDay",
                    "earningsMonth",
                    "earningsYear",
                    "earningsTotal",
                    "priceDelivery",
                    "priceConsumption",
                    "co2Factor",
                    "generatorType",
                    "mode",
                    "online",
                ],
            ),
        ),
        _control(
            "garage.power_supply",
            "Power supply",
            "PowerUnit",
            "garage",
            "energy",
            _states(
                "garage.power_supply",
                [
                    "outputPower",
                    "CP1",
                    "CP2",
                    "CP3",
                    "CP4",
                    "CP5",
                    "CP6",
                    "CP7",
                    "fuse",
                    "supplyTimeRemaining",
                    "batteryStateOfCharge",
                    "deviceInfo",
                ],
            ),
            {
                "Outputs": ["Lights (1)", "", "Heating (3)", "", "", "", ""],
                "supplyMode": 0,
                "meterRefs": {},
            },
        ),
        wallbox,
        _control(
            "garage.charger",
            "Old charger",
            "CarCharger",
            "garage",
            "energy",
            _states(
                "garage.charger",
                [
                    "status",
                    "charging",
                    "connected",
                    "chargingFinished",
                    "power",
                    "energySession",
                    "limitMode",
                    "currentLimit",
                    "minLimit",
                    "maxLimit",
                    "chargeDuration",
                    "showLoadManagement",
                ],
            ),
            {"chargerType": 0, "limitAllowed": True},
        ),
    ]


def _energy_initial_states() -> dict[str, Any]:
    """Plausible readings: a sunny noon, the battery charging, the car plugged in."""
    loads = [
        {
            "prio": 0,
            "id": 0,
            "name": "Heat pump",
            "uuid": uid("garage.energy_manager.load.heatpump"),
            "icon": "IconsFilled/heat-pump.svg",
            "pwr": 2.1,
            "ppwr": 2.0,
            "hasActual": True,
            "active": True,
            "activatedManually": False,
            "deactivatedManually": False,
            "minimumActiveUntil": 0,
            "activeDueToDailyRuntime": False,
        },
        {
            "prio": 1,
            "id": 1,
            "name": "Pool pump",
            "uuid": uid("garage.energy_manager.load.pool"),
            "icon": "IconsFilled/pool.svg",
            "pwr": 0.0,
            "ppwr": 0.75,
            "hasActual": False,
            "active": False,
            "activatedManually": False,
            "deactivatedManually": False,
            "minimumActiveUntil": 0,
            "activeDueToDailyRuntime": False,
        },
    ]
    surplus_loads = [
        {
            "id": 0,
            "isActive": True,
            "isPreparing": False,
            "activeUntil": 0,
            "isWaitingforActivation": False,
            "isPermanentOn": False,
        },
        {
            "id": 1,
            "isActive": False,
            "isPreparing": False,
            "activeUntil": 0,
            "isWaitingforActivation": False,
            "isPermanentOn": False,
        },
    ]
    session = {
        "connect": 1764670000,
        "disconnect": 0,
        "start": 1764670100,
        "energy": 7.4,
        "power": 3.7,
        "user": "",
        "price": -1337.0,
    }
    values: dict[str, Any] = {
        "garage.energy_manager.Gpwr": -1.6,
        "garage.energy_manager.Spwr": -0.8,
        "garage.energy_manager.Ppwr": 5.4,
        "garage.energy_manager.Ssoc": 62.0,
        "garage.energy_manager.MinSoc": 10.0,
        "garage.energy_manager.MaxSpwr": 5.0,
        "garage.surplus.currentPower": 2.5,
        "garage.surplus.currentBat": 80.0,
        "garage.flow.Ppwr": 5.4,
        "garage.flow.Gpwr": -1.6,
        "garage.flow.Spwr": -0.8,
        "garage.flow.actual0": -1.6,
        "garage.flow.actual1": 1.2,
        "garage.flow.actual2": 3.7,
        "garage.inverter.prodCurr": 5.4,
        "garage.inverter.prodCurrDay": 18.2,
        "garage.inverter.prodTotal": 24133.7,
        "garage.inverter.consCurr": 3.0,
        "garage.inverter.consCurrDay": 11.9,
        "garage.inverter.gridCurr": -1.6,
        "garage.inverter.batteryCurr": -0.8,
        "garage.inverter.stateOfCharge": 62.0,
        "garage.inverter.mode": 7.0,
        "garage.power_supply.outputPower": 0.42,
        "garage.power_supply.CP1": 0.12,
        "garage.power_supply.CP3": 0.3,
        "garage.power_supply.batteryStateOfCharge": 97.0,
        "garage.wallbox.actual": 3.7,
        "garage.wallbox.total": 1523.4,
        "garage.wallbox.connected": 1.0,
        "garage.wallbox.enabled": 1.0,
        "garage.wallbox.active": 1.0,
        "garage.wallbox.mode": 1.0,
        "garage.wallbox.limit": 3.7,
        "garage.charger.status": 2.0,
        "garage.charger.connected": 1.0,
        "garage.charger.power": 0.0,
        "garage.charger.energySession": 4.2,
        "garage.charger.limitMode": 1.0,
        "garage.charger.currentLimit": 7.0,
        "garage.charger.minLimit": 1.4,
        "garage.charger.maxLimit": 11.0,
    }
    return {uid(key): value for key, value in values.items()} | {
        uid("garage.energy_manager.loads"): json.dumps(loads),
        uid("garage.surplus.loads"): json.dumps(surplus_loads),
        uid("garage.wallbox.session"): json.dumps(session),
    }


def _air_controls() -> list[dict[str, Any]]:
    """Climate and air: an air conditioner and a ventilation unit."""
    ventilation_states = [
        "ventReason",
        "temperatureSupport",
        "activeTimerProfile",
        "stoppedBy",
        "overwriteUntil",
        "controlInfo",
        "speed",
        "mode",
        "presenceMin",
        "presenceMax",
        "absenceMin",
        "absenceMax",
        "humidityIndoor",
        "presence",
        "frostTemp",
    ]
    return [
        _control(
            "bedroom.ac",
            "Bedroom air conditioner",
            "AcControl",
            "bedroom",
            "climate",
            _states(
                "bedroom.ac",
                [
                    "status",
                    "mode",
                    "fan",
                    "defaultFan",
                    "ventMode",
                    "operatingmodes",
                    "fanspeeds",
                    "airflows",
                    "pauseUntil",
                    "pauseReason",
                    "pauseTime",
                    "temperature",
                    "targetTemperature",
                    "silentMode",
                    "minTemp",
                    "maxTemp",
                ],
            ),
            {"type": 0, "format": "%.1f°", "connectedInputs": 0, "connectedParameters": 0},
        ),
        _control(
            "hall.ventilation",
            "Ventilation",
            "Ventilation",
            "hall",
            "climate",
            _states("hall.ventilation", ventilation_states),
            {
                "hasPresence": True,
                "hasIndorHumidity": True,
                "type": 0,
                "modes": [
                    {"name": "Automatic", "id": 0},
                    {"name": "Exhaust", "id": 1},
                    {"name": "Heat exchanger", "id": 2},
                ],
                "timerProfiles": [
                    {
                        "name": "Party",
                        "useCase": "",
                        "interval": 7200,
                        "speed": {"value": 80, "enabled": True},
                        "modes": [0, 2],
                        "defaultMode": 2,
                    },
                    {
                        "name": "Away",
                        "useCase": "",
                        "interval": 28800,
                        "speed": {"value": 10, "enabled": True},
                        "modes": [0],
                        "defaultMode": 0,
                    },
                ],
            },
        ),
    ]


def _air_initial_states() -> dict[str, Any]:
    """A warm bedroom being cooled; ventilation on its basic schedule."""
    values = {
        "bedroom.ac.status": 1.0,
        "bedroom.ac.mode": 3.0,
        "bedroom.ac.fan": 1.0,
        "bedroom.ac.ventMode": 1.0,
        "bedroom.ac.temperature": 26.5,
        "bedroom.ac.targetTemperature": 23.0,
        "bedroom.ac.minTemp": 16.0,
        "bedroom.ac.maxTemp": 30.0,
        "hall.ventilation.speed": 30.0,
        "hall.ventilation.activeTimerProfile": -2.0,
        "hall.ventilation.presenceMin": 30.0,
        "hall.ventilation.presenceMax": 60.0,
        "hall.ventilation.absenceMin": 30.0,
        "hall.ventilation.absenceMax": 50.0,
        "hall.ventilation.humidityIndoor": 52.0,
        "hall.ventilation.frostTemp": 3.0,
    }
    fanspeeds = [{"id": 1, "name": "Auto"}, {"id": 2, "name": "Low"}, {"id": 3, "name": "High"}]
    airflows = [{"id": 1, "name": "Auto"}, {"id": 2, "name": "Swing"}, {"id": 3, "name": "Fixed"}]
    return {uid(key): value for key, value in values.items()} | {
        uid("bedroom.ac.fanspeeds"): json.dumps(fanspeeds),
        uid("bedroom.ac.airflows"): json.dumps(airflows),
    }


def _audio_controls() -> list[dict[str, Any]]:
    """A Music Server zone in the kitchen and the central audio group listing it."""
    zone_states = [
        "serverState",
        "playState",
        "clientState",
        "power",
        "volume",
        "maxVolume",
        "volumeStep",
        "shuffle",
        "sourceList",
        "repeat",
        "songName",
        "duration",
        "progress",
        "album",
        "artist",
        "station",
        "genre",
        "cover",
        "source",
        "queueIndex",
    ]
    return [
        _control(
            "kitchen.audio",
            "Kitchen music",
            "AudioZone",
            "kitchen",
            "media",
            _states("kitchen.audio", zone_states),
            {"server": uid("musicserver"), "playerid": 1, "clientType": 0},
        ),
        _control(
            "central.audio",
            "All audio",
            "CentralAudioZone",
            "central",
            "media",
            {},
            {"controls": [{"uuid": uid("kitchen.audio"), "id": 1}]},
        ),
    ]


def _audio_initial_states() -> dict[str, Any]:
    """The kitchen zone plays the first track of its queue; three zone favourites."""
    favourites = {
        "getroomfavs_result": [
            {
                "id": 1,
                "type": 4,
                "totalitems": 3,
                "start": 0,
                "items": [
                    {"slot": 1, "name": "Jazz radio"},
                    {"slot": 2, "name": "Morning mix"},
                    {"slot": 5, "name": "Kind of Blue"},
                ],
            }
        ],
        "command": "audio/cfg/getroomfavs/1/0/10",
    }
    values = {
        "serverState": 2.0,
        "playState": 2.0,
        "clientState": 2.0,
        "power": 1.0,
        "volume": 35.0,
        "maxVolume": 80.0,
        "volumeStep": 3.0,
        "repeat": 1.0,
        "duration": 562.0,
        "progress": 95.0,
        "source": 5.0,
    }
    texts = {
        "sourceList": json.dumps(favourites),
        "songName": "So What",
        "artist": "Miles Davis",
        "album": "Kind of Blue",
        "station": "Kind of Blue",
        "genre": "Jazz",
        "cover": "http://musicserver.local:7091/imgcache/?item=0",
    }
    return {uid(f"kitchen.audio.{key}"): value for key, value in (values | texts).items()}


def _weather_server() -> dict[str, Any]:
    return {
        "states": {"actual": uid("weather.actual"), "forecast": uid("weather.forecast")},
        "format": {
            "relativeHumidity": "%.0f%%",
            "temperature": "%.1f°",
            "windSpeed": "%.0fkm/h",
            "precipitation": "%.1fl/m²/h",
            "barometricPressure": "%.0fhPa",
        },
        "weatherTypeTexts": {
            "1": "Clear Sky",
            "2": "Clear",
            "3": "Partly Cloudy",
            "4": "Heavy Cloud Cover",
            "5": "Cloudy",
            "6": "Fog",
            "7": "Overcast",
            "10": "Light rain",
            "11": "Rain",
            "12": "Heavy rain",
            "18": "Thunderstorms",
            "20": "Light snow",
            "21": "Snow",
        },
        "weatherFieldTypes": {
            "1": {"id": 1, "name": "Temperature", "analog": True, "unit": "°C", "format": "%.1f"},
            "3": {"id": 3, "name": "Rel. humidity", "analog": True, "format": "%.0f%%"},
            "4": {"id": 4, "name": "Wind Speed", "analog": True, "unit": "km/h", "format": "%.0f"},
            "11": {"id": 11, "name": "Pressure", "analog": True, "unit": "hPa", "format": "%.0f"},
        },
    }


def _build() -> dict[str, Any]:
    global_names = [
        "operatingMode",
        "sunrise",
        "sunset",
        "pastTasks",
        "plannedTasks",
        "notifications",
        "modifications",
        "favColorSequences",
        "favColors",
        "miniserverTime",
    ]
    return {
        "lastModified": "2026-01-15 10:20:30",
        "msInfo": {
            "serialNr": "504F94A0B1C2",
            "msName": "Demo House",
            "projectName": "HubRelay demo",
            "localUrl": "127.0.0.1",
            "remoteUrl": "",
            "tempUnit": 0,
            "currency": "€",
            "squareMeasure": "m²",
            "location": "Linz",
            "languageCode": "ENG",
            "heatPeriodStart": "10-01",
            "heatPeriodEnd": "04-30",
            "coolPeriodStart": "05-01",
            "coolPeriodEnd": "09-30",
            "catTitle": "Category",
            "roomTitle": "Room",
            "miniserverType": 2,
            "currentUser": {
                "name": "admin",
                "uuid": uid("user.admin"),
                "isAdmin": True,
                "changePassword": True,
                "userRights": 2047,
            },
        },
        "globalStates": {name: uid(f"global.{name}") for name in global_names},
        "operatingModes": {
            "0": "Holiday",
            "1": "Vacation",
            "2": "Day off",
            "3": "Monday",
            "4": "Tuesday",
            "5": "Wednesday",
            "6": "Thursday",
            "7": "Friday",
            "8": "Saturday",
            "9": "Sunday",
            "-1": "Alarm",
            "-5": "Party",
        },
        "rooms": {
            uid(f"room.{key}"): {
                "uuid": uid(f"room.{key}"),
                "name": name,
                "image": "00000000-0000-0002-2100000000000000.svg",
                "defaultRating": 0,
                "isFavorite": False,
                "type": room_type,
            }
            for key, (name, room_type) in ROOMS.items()
        },
        "cats": {
            uid(f"cat.{key}"): {
                "uuid": uid(f"cat.{key}"),
                "name": name,
                "image": "00000000-0000-0002-2000000000000000.svg",
                "defaultRating": 0,
                "isFavorite": False,
                "type": cat_type,
                "color": "#69C350",
            }
            for key, (name, cat_type) in CATS.items()
        },
        "controls": {control["uuidAction"]: control for control in _controls()},
        "weatherServer": _weather_server(),
        "times": {
            "277": {"id": 277, "name": "Time of sunrise", "analog": True},
            "278": {"id": 278, "name": "Time of sunset", "analog": True},
        },
        "messageCenter": {
            uid("message_center"): {
                "name": "System status",
                "uuidAction": uid("message_center"),
                "states": {"changed": uid("message_center.changed")},
            }
        },
    }


DEMO_HOUSE: dict[str, Any] = _build()
"""The demo structure (treat as read-only; the simulator works on a deep copy)."""

DEMO_MESSAGES: list[dict[str, Any]] = [
    {
        "title": "Device offline",
        "affected_name": "Presence sensor",
        "severity": 3,
        "room_uuid": uid("room.garage"),
        "desc": "The Tree device 'Presence sensor' does not answer.<br>Check its cabling.",
        "event_id": 1016,
    }
]
"""Message Center entries the demo Miniserver starts with (one active error)."""


def _weather_entries(now: int, hours: int) -> list[WeatherEntry]:
    return [
        WeatherEntry(
            timestamp=now + hour * 3600,
            weather_type=3 if hour % 5 else 11,
            wind_direction=(200 + 10 * hour) % 360,
            solar_radiation=max(0, 400 - 30 * hour),
            relative_humidity=60 + hour % 20,
            temperature=12.5 + (hour % 12) * 0.5,
            perceived_temperature=11.0 + (hour % 12) * 0.5,
            dew_point=6.0,
            precipitation=0.0 if hour % 5 else 1.2,
            wind_speed=12.0,
            barometric_pressure=1013.0,
        )
        for hour in range(hours)
    ]


def demo_initial_states() -> dict[str, Any]:
    """Starting values for the demo house (values, texts, daytimers and weather)."""
    now = loxone_seconds()
    moods = [
        {"name": "Reading", "id": 1, "static": False},
        {"name": "Evening", "id": 2, "static": False},
        {"name": "Bright", "id": 777, "static": False, "used": 1},
        {"name": "Off", "id": 778, "static": True},
    ]
    lico = "living.lico"
    return (
        {
            uid("garden.temp"): 12.4,
            uid("bedroom.humidity"): 48.0,
            uid("kitchen.power"): 0.0,
            uid("office.energy"): 3.25,
            uid("garden.lux"): 5400.0,
            uid("garage.meter.actual"): 1.2,
            uid("garage.meter.total"): 4321.5,
            uid("living.irc.tempActual"): 21.3,
            uid("living.irc.tempTarget"): 22.0,
            uid("bedroom.irc.tempActual"): 19.5,
            uid("bedroom.irc.tempTarget"): 18.0,
            uid("bedroom.irc.currHeatTempIx"): 0.0,
            uid("kitchen.dimmer.max"): 100.0,
            uid("kitchen.dimmer.step"): 10.0,
            uid(f"{lico}/masterValue.max"): 100.0,
            uid(f"{lico}/masterValue.step"): 10.0,
            uid(f"{lico}/AI1.max"): 100.0,
            uid(f"{lico}/AI1.step"): 10.0,
            uid("living.blind.position"): 0.3,
            uid("living.blind.autoAllowed"): 1.0,
            uid("bedroom.shutter.position"): 1.0,
            uid("office.selector.max"): 4.0,
            uid("office.selector.value"): 1.0,
            uid("hall.stairs.deactivationDelayTotal"): 180.0,
            uid("global.operatingMode"): 5.0,
            uid("global.sunrise"): 461.0,
            uid("global.sunset"): 1032.0,
            uid(f"{lico}.moodList"): json.dumps(moods),
            uid(f"{lico}.activeMoods"): "[778]",
            uid(f"{lico}.circuitNames"): json.dumps(
                {"AI1": "Ceiling", "AI2": "Reading lamp", "AI3": "LED"}
            ),
            uid("hall.textstate"): "All quiet",
            uid("hall.infotext"): "Front door closed",
            uid("hall.intercom.lastBellEvents"): "20260114173005|20260115081502",
            uid("hall.intercom.version"): "14.5.10.2",
            uid("office.textinput.text"): "Hello",
            uid("hall.tracker"): "2026-01-15 08:00:00 Front door opened|2026-01-15 08:01:12 closed",
            uid("living.irc.overrideEntries"): "[]",
            uid("bedroom.color.color"): "hsv(30,80,0)",
            uid("garden.daytimer"): Daytimer(0.0, [DaytimerEntry(0, 1080, 1380, 0, 1.0)]),
            uid("living.irc.daytimer.entriesAndDefaultValue"): Daytimer(
                21.0, [DaytimerEntry(0, 360, 1320, 0, 22.0)]
            ),
            uid("weather.actual"): Weather(now, _weather_entries(now, 1)),
            uid("weather.forecast"): Weather(now, _weather_entries(now, 24)),
        }
        | _energy_initial_states()
        | _air_initial_states()
        | _audio_initial_states()
        | {
            uid("bedroom.alarm_clock.isEnabled"): 1.0,
            uid("bedroom.alarm_clock.entryList"): json.dumps(
                {
                    "1": {
                        "name": "Weekdays",
                        "isActive": True,
                        "alarmTime": 23400,
                        "modes": [3, 4, 5, 6, 7],
                        "nightLight": False,
                        "daily": False,
                    },
                    "2": {
                        "name": "Weekend",
                        "isActive": False,
                        "alarmTime": 30600,
                        "modes": [8, 9],
                        "nightLight": False,
                        "daily": False,
                    },
                }
            ),
            uid("bedroom.alarm_clock.currentEntry"): -1.0,
            uid("bedroom.alarm_clock.nextEntry"): 1.0,
            uid("bedroom.alarm_clock.nextEntryTime"): 564_998_400.0,
            uid("bedroom.alarm_clock.snoozeDuration"): 540.0,
            uid("bedroom.alarm_clock.ringDuration"): 300.0,
            uid("office.lico1.activeScene"): 0.0,
            uid("office.lico1.sceneList"): '1="Work",2="Meeting",9="All on"',
            uid("office.lico1/AI1.max"): 100.0,
            uid("office.lico1/AI1.step"): 10.0,
            uid("office.lico1/AI2.color"): "lumitech(0,4000)",
            uid("garden.sauna.tempActual"): 24.0,
            uid("garden.sauna.tempBench"): 22.5,
            uid("garden.sauna.tempTarget"): 85.0,
            uid("garden.sauna.doorClosed"): 1.0,
            uid("garden.sauna.timerTotal"): 900.0,
            uid("garden.sauna.humidityActual"): 12.0,
            uid("garden.sauna.humidityTarget"): 40.0,
            uid("garden.sauna.mode"): 1.0,
            uid("garden.pool.currentOpMode"): 1.0,
            uid("garden.pool.currentTempMode"): 1.0,
            uid("garden.pool.tempActual"): 24.5,
            uid("garden.pool.tempTarget"): 27.0,
            uid("garden.pool.waterLevel"): 118.0,
            uid("garden.pool.heatingApproved"): 1.0,
            uid("garden.pool.pump"): 1.0,
            uid("garden.pool.filterTime"): 1800.0,
            uid("garage.hourcounter.total"): 3_600_000.0,
            uid("garage.hourcounter.remaining"): 720_000.0,
            uid("garage.hourcounter.maintenanceInterval"): 1_800_000.0,
            uid("garage.hourcounter.stateUnit"): 2.0,
            uid("garage.hourcounter.active"): 1.0,
            uid("hall.codetouch.lastuser"): "Anna",
            uid("hall.codetouch.historyDate"): float(now - 3600),
            uid("hall.codetouch.keyPadAuthType"): 1.0,
            # The `history` command's answer, by the control's uuidAction.
            uid("hall.codetouch"): [
                {"ts": UNIX_2009 + now - 7200, "user": "Ben", "output": -1},
                {"ts": UNIX_2009 + now - 3600, "user": "Anna", "output": 1},
            ],
        }
    )
