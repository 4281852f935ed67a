"""The Vera simulator's data: a demo house with every device category we map, or a recorded sdata.

Devices are held as sdata records (short codes as strings, the way a luup engine sends them);
``SHORT_CODES`` names the UPnP variable behind each short code so ``status`` and ``user_data``
can be derived from the same records. Variables that sdata never carries (RGB colour, the last
scene of a scene controller) live in ``HouseData.variables``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

SWITCH_POWER = "urn:upnp-org:serviceId:SwitchPower1"
DIMMING = "urn:upnp-org:serviceId:Dimming1"
COLOR = "urn:micasaverde-com:serviceId:Color1"
DOOR_LOCK = "urn:micasaverde-com:serviceId:DoorLock1"
HVAC_USER_MODE = "urn:upnp-org:serviceId:HVAC_UserOperatingMode1"
HVAC_FAN_MODE = "urn:upnp-org:serviceId:HVAC_FanOperatingMode1"
HVAC_STATE = "urn:micasaverde-com:serviceId:HVAC_OperatingState1"
SETPOINT = "urn:upnp-org:serviceId:TemperatureSetpoint1"
SETPOINT_HEAT = "urn:upnp-org:serviceId:TemperatureSetpoint1_Heat"
SETPOINT_COOL = "urn:upnp-org:serviceId:TemperatureSetpoint1_Cool"
WINDOW_COVERING = "urn:upnp-org:serviceId:WindowCovering1"
SECURITY_SENSOR = "urn:micasaverde-com:serviceId:SecuritySensor1"
SCENE_CONTROLLER = "urn:micasaverde-com:serviceId:SceneController1"
GATEWAY = "urn:micasaverde-com:serviceId:HomeAutomationGateway1"
HA_DEVICE = "urn:micasaverde-com:serviceId:HaDevice1"
ENERGY = "urn:micasaverde-com:serviceId:EnergyMetering1"
TEMPERATURE = "urn:upnp-org:serviceId:TemperatureSensor1"
HUMIDITY = "urn:micasaverde-com:serviceId:HumiditySensor1"
LIGHT = "urn:micasaverde-com:serviceId:LightSensor1"

SHORT_CODES: dict[str, tuple[str, str]] = {
    "status": (SWITCH_POWER, "Status"),
    "level": (DIMMING, "LoadLevelStatus"),
    "locked": (DOOR_LOCK, "Status"),
    "armed": (SECURITY_SENSOR, "Armed"),
    "tripped": (SECURITY_SENSOR, "Tripped"),
    "armedtripped": (SECURITY_SENSOR, "ArmedTripped"),
    "lasttrip": (SECURITY_SENSOR, "LastTrip"),
    "batterylevel": (HA_DEVICE, "BatteryLevel"),
    "commFailure": (HA_DEVICE, "CommFailure"),
    "watts": (ENERGY, "Watts"),
    "kwh": (ENERGY, "KWH"),
    "temperature": (TEMPERATURE, "CurrentTemperature"),
    "humidity": (HUMIDITY, "CurrentLevel"),
    "light": (LIGHT, "CurrentLevel"),
    "mode": (HVAC_USER_MODE, "ModeStatus"),
    "fanmode": (HVAC_FAN_MODE, "Mode"),
    "hvacstate": (HVAC_STATE, "ModeState"),
    "setpoint": (SETPOINT, "CurrentSetpoint"),
    "heat": (SETPOINT_HEAT, "CurrentSetpoint"),
    "cool": (SETPOINT_COOL, "CurrentSetpoint"),
}

DEVICE_TYPES: dict[int, str] = {
    2: "urn:schemas-upnp-org:device:DimmableLight:1",
    3: "urn:schemas-upnp-org:device:BinaryLight:1",
    4: "urn:schemas-micasaverde-com:device:MotionSensor:1",
    5: "urn:schemas-upnp-org:device:HVAC_ZoneThermostat:1",
    7: "urn:schemas-micasaverde-com:device:DoorLock:1",
    8: "urn:schemas-micasaverde-com:device:WindowCovering:1",
    14: "urn:schemas-micasaverde-com:device:SceneController:1",
    16: "urn:schemas-micasaverde-com:device:HumiditySensor:1",
    17: "urn:schemas-micasaverde-com:device:TemperatureSensor:1",
    18: "urn:schemas-micasaverde-com:device:LightSensor:1",
    21: "urn:schemas-micasaverde-com:device:PowerMeter:1",
    28: "urn:schemas-micasaverde-com:device:LightSensor:1",
}


@dataclass
class HouseData:
    """Everything the simulated engine serves; mutated by actions and test knobs."""

    serial: str
    model: str
    firmware: str
    temperature_unit: str
    devices: dict[int, dict[str, Any]]
    rooms: list[dict[str, Any]]
    scenes: dict[int, dict[str, Any]]
    categories: list[dict[str, Any]]
    sections: list[dict[str, Any]] = field(default_factory=lambda: [{"name": "My Home", "id": 1}])
    variables: dict[int, dict[tuple[str, str], str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _device(
    device_id: int, name: str, category: int, subcategory: int, room: int, **codes: str
) -> dict[str, Any]:
    return {
        "name": name,
        "altid": str(device_id),
        "id": device_id,
        "category": category,
        "subcategory": subcategory,
        "room": room,
        "parent": 1,
        **codes,
        "state": -1,
        "comment": "",
    }


def demo_house() -> HouseData:
    """A house with one device of every category and sensor kind the library maps."""
    devices = [
        _device(1, "ZWave", 19, 0, 0),
        _device(10, "Hall switch", 3, 3, 1, status="0", watts="0.0", kwh="1.25"),
        _device(11, "Living dimmer", 2, 3, 2, status="1", level="60", watts="12.5", kwh="3.5"),
        _device(12, "Living RGB bulb", 2, 4, 2, status="0", level="0"),
        _device(13, "Front door lock", 7, 0, 1, locked="1", batterylevel="83"),
        _device(
            14,
            "Living thermostat",
            5,
            1,
            2,
            mode="HeatOn",
            fanmode="Auto",
            hvacstate="Heating",
            temperature="20.5",
            setpoint="21.0",
            heat="21.0",
            cool="25.0",
            batterylevel="100",
        ),
        _device(15, "Living temperature", 17, 0, 2, temperature="21.3"),
        _device(16, "Bath humidity", 16, 0, 3, humidity="55"),
        _device(17, "Garden light", 18, 0, 4, light="120"),
        _device(18, "Garden UV", 28, 0, 4, light="3"),
        _device(19, "House power", 21, 0, 0, watts="830.5", kwh="1520.25"),
        _device(20, "Front door", 4, 1, 1, armed="0", tripped="0", armedtripped="0", lasttrip="0"),
        _device(
            21,
            "Hall motion",
            4,
            3,
            1,
            armed="1",
            tripped="0",
            armedtripped="0",
            lasttrip="1700000000",
            batterylevel="90",
        ),
        _device(22, "Bath leak", 4, 2, 3, armed="0", tripped="0", armedtripped="0"),
        _device(23, "Kitchen smoke", 4, 4, 5, armed="1", tripped="0", armedtripped="0"),
        _device(24, "Living blind", 8, 1, 2, level="0"),
        _device(25, "Hall scene controller", 14, 0, 1),
    ]
    rooms = [
        {"name": name, "id": room_id, "section": 1}
        for room_id, name in (
            (1, "Hall"),
            (2, "Living"),
            (3, "Bath"),
            (4, "Garden"),
            (5, "Kitchen"),
        )
    ]
    scenes = {
        1: {"name": "Good night", "id": 1, "room": 0, "active": 0},
        2: {"name": "Movie", "id": 2, "room": 2, "active": 0},
    }
    categories = [
        {"name": name, "id": number}
        for number, name in (
            (2, "Dimmable Light"),
            (3, "Switch"),
            (4, "Security Sensor"),
            (5, "Thermostat"),
            (7, "Door lock"),
            (8, "Window Covering"),
            (14, "Scene Controller"),
            (16, "Humidity Sensor"),
            (17, "Temperature Sensor"),
            (18, "Light Sensor"),
            (21, "Power Meter"),
            (28, "UV Sensor"),
        )
    ]
    variables = {
        12: {
            (COLOR, "SupportedColors"): "W,D,R,G,B",
            (COLOR, "CurrentColor"): "0=0,1=0,2=0,3=0,4=0",
        },
        25: {
            (SCENE_CONTROLLER, "LastSceneID"): "",
            (SCENE_CONTROLLER, "LastSceneTime"): "",
            (SCENE_CONTROLLER, "NumButtons"): "4",
        },
    }
    return HouseData(
        serial="50012345",
        model="MiCasaVerde VeraPlus",
        firmware="1.7.5186",
        temperature_unit="C",
        devices={record["id"]: record for record in devices},
        rooms=rooms,
        scenes=scenes,
        categories=categories,
        variables=variables,
        extra={"fwd1": "vera-us-oem-relay41.mios.com", "fwd2": "vera-us-oem-relay11.mios.com"},
    )


def recorded_house(sdata: dict[str, Any]) -> HouseData:
    """Serve a recorded sdata answer (e.g. the UI7 fixture) as the engine's state."""
    data = copy.deepcopy(sdata)
    known = {"devices", "rooms", "scenes", "categories", "sections", "serial_number", "model"}
    known |= {"version", "temperature", "loadtime", "dataversion", "full"}
    return HouseData(
        serial=str(data.get("serial_number", "")),
        model=str(data.get("model", "")),
        firmware=str(data.get("version", "")).strip("*"),
        temperature_unit=str(data.get("temperature", "C")),
        devices={int(record["id"]): record for record in data.get("devices", [])},
        rooms=list(data.get("rooms", [])),
        scenes={int(record["id"]): record for record in data.get("scenes", [])},
        categories=list(data.get("categories", [])),
        sections=list(data.get("sections", [{"name": "My Home", "id": 1}])),
        extra={key: value for key, value in data.items() if key not in known},
    )
