"""What the simulated Ezlo hub holds: hub info, devices, items, rooms, scenes, house modes.

``demo_house()`` builds a hub with a device of every category the project maps (switch with energy
metering, dimmer, RGB bulb, multisensor, every security sensor, thermostat, window covering, garage
door, door lock, weather station), three rooms, two scenes and the four standard house modes.
``recorded_house(path)`` loads a recorded response file instead (method -> recorded answer, such as
``fixtures/ezlo/ezlopi-recorded-responses.json``); recorded error answers are served as recorded.
Records use the hub API's JSON field names, so the simulator sends them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import itertools
import json
from pathlib import Path
from typing import Any

DEFAULT_SERIAL = "90000369"
DEFAULT_UUID = "2d4f6a30-7b1e-4c52-9f11-8d3a5e6c7b90"
GATEWAY_ID = "5e6f7a8b9c0d1e2f3a4b5c6d"

_ids = itertools.count(1)


def object_id() -> str:
    """Return a fresh 24-hex-digit id shaped like the hub's MongoDB-style ids."""
    return f"{0x60E3504C0000000000000000 + next(_ids):024x}"


def formatted(value: Any) -> str:
    """Return the hub's ``valueFormatted`` text for a value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


@dataclass
class HubHouse:
    """The hub's data, mutable by the simulator; every record is the JSON the hub sends."""

    info: dict[str, Any]
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    rooms: list[dict[str, Any]] = field(default_factory=list)
    scenes: dict[str, dict[str, Any]] = field(default_factory=dict)
    modes: dict[str, Any] | None = None
    recorded_errors: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def serial(self) -> str:
        """The hub serial as text (ezloPi reports it as a number)."""
        return str(self.info["serial"])

    def add_device(
        self, name: str, category: str, subcategory: str, kind: str, **extra: Any
    ) -> str:
        """Add a device record and return its ``_id``."""
        device_id = object_id()
        self.devices[device_id] = {
            "_id": device_id,
            "deviceTypeId": "0_0_0" if kind == "device" else "134_259_75",
            "parentDeviceId": "",
            "category": category,
            "subcategory": subcategory,
            "gatewayId": GATEWAY_ID,
            "batteryPowered": False,
            "name": name,
            "type": kind,
            "reachable": True,
            "persistent": True,
            "serviceNotification": False,
            "armed": False,
            "roomId": "",
            "security": "no",
            "ready": True,
            "status": "idle",
            "info": {"manufacturer": "HubRelay", "model": "simulated"},
            **extra,
        }
        return device_id

    def add_item(
        self,
        device_id: str,
        name: str,
        value_type: str,
        value: Any,
        *,
        setter: bool = False,
        **extra: Any,
    ) -> str:
        """Add an item record to a device and return its ``_id``."""
        item_id = object_id()
        self.items[item_id] = {
            "_id": item_id,
            "deviceId": device_id,
            "hasGetter": True,
            "hasSetter": setter,
            "name": name,
            "show": True,
            "valueType": value_type,
            "value": value,
            "valueFormatted": formatted(value),
            "status": "idle",
            **extra,
        }
        return item_id

    def item_by_name(self, device_name: str, item_name: str) -> dict[str, Any]:
        """Find an item by its device's name and its own name (for tests and fault scripts)."""
        for item in self.items.values():
            device = self.devices.get(item["deviceId"], {})
            if device.get("name") == device_name and item["name"] == item_name:
                return item
        raise KeyError(f"{device_name}/{item_name}")


def hub_info(serial: str = DEFAULT_SERIAL, *, anonymous: bool = False) -> dict[str, Any]:
    """Return a Linux hub's ``hub.info.get`` answer (Ezlo Plus)."""
    return {
        "model": "h2.1",
        "architecture": "armv7l",
        "firmware": "2.0.90.3265.5",
        "kernel": "4.1.15",
        "hardware": "h2.1",
        "serial": serial,
        "uuid": DEFAULT_UUID,
        "offlineAnonymousAccess": anonymous,
        "offlineInsecureAccess": False,
        "location": {
            "latitude": 48.2,
            "longitude": 16.37,
            "timezone": "Europe/Vienna",
            "state": "custom",
        },
        "build": {
            "time": "2026-01-12T10:00:00+0000",
            "builder": "sim",
            "branch": "master",
            "commit": "0",
        },
        "uptime": "0d 1h 2m 3s",
        "localtime": "2026-01-12T11:00:00+0100",
    }


_SECURITY_SENSORS: list[tuple[str, str, str, list[str]]] = [
    ("Front door", "door", "dw_state", ["dw_is_opened", "dw_is_closed", "unknown"]),
    (
        "Leak sensor",
        "leak",
        "water_leak_alarm",
        ["no_water_leak", "water_leak_detected", "unknown"],
    ),
    ("Smoke detector", "smoke", "smoke_alarm", ["no_smoke", "smoke_detected", "unknown"]),
    (
        "Gas detector",
        "gas",
        "gas_alarm",
        ["no_gas", "combustible_gas_detected", "toxic_gas_detected", "unknown"],
    ),
    ("CO detector", "co", "co_alarm", ["no_co", "co_detected", "unknown"]),
    ("CO2 detector", "co2", "co2_alarm", ["no_co2", "co2_detected", "unknown"]),
    (
        "Heat detector",
        "heat",
        "heat_alarm",
        ["no_heat", "overheat_detected", "under_heat_detected", "unknown"],
    ),
    (
        "Glass break sensor",
        "glass",
        "glass_breakage_alarm",
        ["no_glass_breakage", "glass_breakage", "unknown"],
    ),
    ("Freeze sensor", "", "freeze_alarm", ["no_freeze", "freeze_detected", "unknown"]),
    ("Intrusion sensor", "", "intrusion_alarm", ["no_intrusion", "intrusion", "unknown"]),
]


def demo_house(serial: str = DEFAULT_SERIAL, *, anonymous: bool = False) -> HubHouse:
    """Build the demo hub (see the module docstring)."""
    house = HubHouse(info=hub_info(serial, anonymous=anonymous))
    living, kitchen, bedroom = object_id(), object_id(), object_id()
    house.rooms = [
        {"_id": living, "name": "Living room"},
        {"_id": kitchen, "name": "Kitchen"},
        {"_id": bedroom, "name": "Bedroom"},
    ]

    lamp = house.add_device("Lamp switch", "switch", "in_wall", "switch.inwall", roomId=living)
    house.add_item(lamp, "switch", "bool", False, setter=True)
    house.add_item(lamp, "electric_meter_watt", "power", 0.0, scale="watt")
    house.add_item(
        lamp, "electric_meter_kwh", "amount_of_useful_energy", 12.5, scale="kilo_watt_hour"
    )
    house.add_item(lamp, "electric_meter_volt", "electric_potential", 230.1, scale="volt")
    house.add_item(lamp, "electric_meter_amper", "electric_current", 0.0, scale="ampere")

    dimmer = house.add_device(
        "Ceiling dimmer", "dimmable_light", "dimmable_in_wall", "dimmer.inwall", roomId=living
    )
    house.add_item(dimmer, "switch", "bool", True, setter=True)
    house.add_item(dimmer, "dimmer", "int", 40, setter=True, minValue=0, maxValue=100)

    bulb = house.add_device(
        "Color bulb", "dimmable_light", "dimmable_colored", "light.bulb", roomId=bedroom
    )
    house.add_item(bulb, "switch", "bool", False, setter=True)
    house.add_item(bulb, "dimmer", "int", 0, setter=True, minValue=0, maxValue=100)
    house.add_item(
        bulb, "rgbcolor", "rgb", {"red": 255, "green": 128, "blue": 0, "wwhite": 0}, setter=True
    )

    multi = house.add_device(
        "Multisensor", "temperature", "", "sensor.multisensor", batteryPowered=True, roomId=kitchen
    )
    house.add_item(multi, "temp", "temperature", 21.5, scale="celsius")
    house.add_item(multi, "humidity", "humidity", 45.0, scale="percent")
    house.add_item(multi, "lux", "illuminance", 310.0, scale="lux")
    house.add_item(multi, "ultraviolet", "ultraviolet", 2.0, scale="uv_index")
    house.add_item(multi, "battery", "int", 87, minValue=0, maxValue=100)

    meter = house.add_device("Energy meter", "power_meter", "", "meter.power", roomId=kitchen)
    house.add_item(meter, "electric_meter_watt", "power", 412.3, scale="watt")
    house.add_item(
        meter, "electric_meter_kwh", "amount_of_useful_energy", 1234.5, scale="kilo_watt_hour"
    )
    house.add_item(meter, "electric_meter_volt", "electric_potential", 229.8, scale="volt")
    house.add_item(meter, "electric_meter_amper", "electric_current", 1.8, scale="ampere")

    motion = house.add_device(
        "Hall motion",
        "security_sensor",
        "motion",
        "sensor.motion",
        batteryPowered=True,
        roomId=living,
    )
    house.add_item(motion, "motion", "bool", False)
    house.add_item(motion, "battery", "int", 64, minValue=0, maxValue=100)
    for name, subcategory, item_name, tokens in _SECURITY_SENSORS:
        sensor = house.add_device(
            name, "security_sensor", subcategory, "sensor", batteryPowered=True
        )
        house.add_item(sensor, item_name, "token", tokens[0], enum=tokens)
        house.add_item(
            sensor,
            "tampering_cover_alarm",
            "token",
            "no_tampering_cover",
            enum=["no_tampering_cover", "tampering_cover", "unknown"],
        )
    co2 = house.item_by_name("CO2 detector", "co2_alarm")["deviceId"]
    house.add_item(co2, "co2_level", "substance_amount", 612.0, scale="parts_per_million")

    thermostat = house.add_device("Thermostat", "hvac", "hvac", "thermostat", roomId=living)
    house.add_item(thermostat, "temp", "temperature", 20.5, scale="celsius")
    house.add_item(
        thermostat,
        "thermostat_mode",
        "token",
        "heat",
        setter=True,
        enum=["off", "heat", "cool", "auto", "fan_only"],
    )
    house.add_item(
        thermostat,
        "thermostat_setpoint_heating",
        "temperature",
        21.0,
        setter=True,
        scale="celsius",
        minValue=5,
        maxValue=30,
    )
    house.add_item(
        thermostat,
        "thermostat_setpoint_cooling",
        "temperature",
        25.0,
        setter=True,
        scale="celsius",
        minValue=10,
        maxValue=35,
    )
    house.add_item(
        thermostat,
        "thermostat_operating_state",
        "token",
        "heating",
        enum=["idle", "heating", "cooling", "fan_only", "pending_heat", "pending_cool"],
    )
    house.add_item(
        thermostat,
        "thermostat_fan_mode",
        "token",
        "auto_low",
        setter=True,
        enum=["auto_low", "on_low", "circulation"],
    )
    house.add_item(
        thermostat, "thermostat_fan_state", "token", "idle_off", enum=["idle_off", "running_low"]
    )

    keypad = house.add_device("Hall keypad", "keypad", "", "device", roomId=living)
    house.add_item(
        keypad,
        "button_state",
        "button_state",
        {"button_number": 1, "button_state": "released"},
    )

    blind = house.add_device(
        "Living blind", "window_cov", "window_cov", "shutter.roller", roomId=living
    )
    house.add_item(blind, "dimmer", "int", 100, setter=True, minValue=0, maxValue=100)
    house.add_item(
        blind, "shutter_command", "token", "stop", setter=True, enum=["open", "close", "stop"]
    )
    house.add_item(blind, "shutter_state", "token", "idle", enum=["idle", "opening", "closing"])

    garage = house.add_device("Garage door", "garage_door", "", "shutter.garage")
    house.add_item(
        garage,
        "barrier",
        "token",
        "barrier_closed",
        setter=True,
        enum=["barrier_opened", "barrier_closed"],
    )
    house.add_item(
        garage,
        "barrier_state",
        "token",
        "barrier_closed",
        enum=[
            "barrier_closed",
            "barrier_closing",
            "barrier_stopped",
            "barrier_opening",
            "barrier_opened",
            "unknown",
        ],
    )

    lock = house.add_device(
        "Front lock", "door_lock", "", "doorlock", batteryPowered=True, security="high"
    )
    house.add_item(
        lock,
        "door_lock",
        "token",
        "secured",
        setter=True,
        enum=["unsecured", "unsecured_with_timeout", "secured", "unknown"],
    )
    house.add_item(lock, "battery", "int", 90, minValue=0, maxValue=100)
    house.add_item(lock, "user_codes", "dictionary", {}, setter=True, elementType="userCode")

    weather = house.add_device("Weather station", "weather", "", "device")
    house.add_item(weather, "temp", "temperature", 7.5, scale="celsius")
    house.add_item(weather, "humidity", "humidity", 81.0, scale="percent")
    house.add_item(weather, "atmospheric_pressure", "pressure", 101.3, scale="kilo_pascal")
    house.add_item(weather, "dew_point", "temperature", 4.4, scale="celsius")
    house.add_item(weather, "wind_strength", "velocity", 3.2, scale="meter_per_second")

    for name in ("Good night", "Leaving home"):
        scene_id = object_id()
        house.scenes[scene_id] = {
            "_id": scene_id,
            "name": name,
            "enabled": True,
            "is_group": False,
            "parent_id": "",
            "house_modes": ["1", "2", "3", "4"],
            "when": [],
            "then": [],
            "user_notifications": [],
        }
    house.modes = {
        "current": "1",
        "switchTo": "",
        "timeIsLeftToSwitch": 0,
        "switchToDelay": 0,
        "alarmDelay": 30,
        "modes": [
            {"_id": "1", "name": "Home", "description": "", "switchToDelay": 0},
            {"_id": "2", "name": "Away", "description": "", "switchToDelay": 0},
            {"_id": "3", "name": "Night", "description": "", "switchToDelay": 0},
            {"_id": "4", "name": "Vacation", "description": "", "switchToDelay": 0},
        ],
    }
    return house


def recorded_house(path: Path) -> HubHouse:
    """Load a recorded response file (method -> ``{result, error}``) as the hub's data."""
    recorded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    errors = {
        method: answer["error"]
        for method, answer in recorded.items()
        if answer.get("error") is not None
    }

    def result(method: str) -> Any:
        answer = recorded.get(method)
        return None if answer is None or method in errors else answer.get("result")

    house = HubHouse(info=dict(result("hub.info.get") or hub_info()), recorded_errors=errors)
    for device in (result("hub.devices.list") or {}).get("devices", []):
        house.devices[device["_id"]] = dict(device)
    for item in (result("hub.items.list") or {}).get("items", []):
        house.items[item["_id"]] = dict(item)
    rooms = result("hub.room.list")
    house.rooms = list(rooms) if isinstance(rooms, list) else []
    scenes = result("hub.scenes.list")
    for scene in (scenes or {}).get("scenes", []):
        house.scenes[scene["_id"]] = dict(scene)
    modes = result("hub.modes.get")
    house.modes = dict(modes) if isinstance(modes, dict) and modes else None
    return house
