"""UPnP service ids, action names and device categories of the luup engine.

They are wire constants: the luup engine matches them literally, so they live in one place.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

SWITCH_POWER = "urn:upnp-org:serviceId:SwitchPower1"
DIMMING = "urn:upnp-org:serviceId:Dimming1"
COLOR = "urn:micasaverde-com:serviceId:Color1"
DOOR_LOCK = "urn:micasaverde-com:serviceId:DoorLock1"
HVAC_USER_MODE = "urn:upnp-org:serviceId:HVAC_UserOperatingMode1"
HVAC_FAN_MODE = "urn:upnp-org:serviceId:HVAC_FanOperatingMode1"
SETPOINT = "urn:upnp-org:serviceId:TemperatureSetpoint1"
SETPOINT_HEAT = "urn:upnp-org:serviceId:TemperatureSetpoint1_Heat"
SETPOINT_COOL = "urn:upnp-org:serviceId:TemperatureSetpoint1_Cool"
WINDOW_COVERING = "urn:upnp-org:serviceId:WindowCovering1"
SECURITY_SENSOR = "urn:micasaverde-com:serviceId:SecuritySensor1"
SCENE_CONTROLLER = "urn:micasaverde-com:serviceId:SceneController1"
GATEWAY = "urn:micasaverde-com:serviceId:HomeAutomationGateway1"


class Category(IntEnum):
    """The luup device categories (``category_num``) that the sdata ``category`` field carries."""

    INTERFACE = 1
    DIMMABLE_LIGHT = 2
    SWITCH = 3
    SECURITY_SENSOR = 4
    HVAC = 5
    CAMERA = 6
    DOOR_LOCK = 7
    WINDOW_COVERING = 8
    REMOTE_CONTROL = 9
    IR_TRANSMITTER = 10
    GENERIC_IO = 11
    GENERIC_SENSOR = 12
    SERIAL_PORT = 13
    SCENE_CONTROLLER = 14
    AV = 15
    HUMIDITY_SENSOR = 16
    TEMPERATURE_SENSOR = 17
    LIGHT_SENSOR = 18
    ZWAVE_INTERFACE = 19
    INSTEON_INTERFACE = 20
    POWER_METER = 21
    ALARM_PANEL = 22
    ALARM_PARTITION = 23
    SIREN = 24
    WEATHER = 25
    PHILIPS_CONTROLLER = 26
    APPLIANCE = 27
    UV_SENSOR = 28
    GARAGE_DOOR = 32


class SecuritySensorType(IntEnum):
    """Subcategories of security sensors: what a tripped sensor means."""

    UNSPECIFIED = 0
    DOOR = 1
    LEAK = 2
    MOTION = 3
    SMOKE = 4
    CO = 5
    GLASS_BREAK = 6
    FREEZE = 7
    BINARY = 8


class HvacMode(StrEnum):
    """Values of ``HVAC_UserOperatingMode1`` ``ModeStatus`` / ``NewModeTarget``."""

    OFF = "Off"
    HEAT = "HeatOn"
    COOL = "CoolOn"
    AUTO = "AutoChangeOver"


class FanMode(StrEnum):
    """Values of ``HVAC_FanOperatingMode1`` ``Mode`` / ``NewMode``."""

    AUTO = "Auto"
    ON = "ContinuousOn"
    CYCLE = "PeriodicOn"


class SetpointTarget(StrEnum):
    """Which setpoint a temperature change aims at; ``AUTO`` follows the thermostat's mode."""

    AUTO = "auto"
    SINGLE = "single"
    HEAT = "heat"
    COOL = "cool"
