"""Which Ezlo items become which Home Assistant entities: one table per platform, one place.

Sensors and binary sensors are described per item name (the hub's item names are a fixed
vocabulary, see research §2.3). Units come from the item's ``scale``, not from the name. Items
that together form one device-level entity (a light's switch, dimmer and colour, a thermostat's
mode and setpoints, a cover's position and command) are picked by the device rules below.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    UV_INDEX,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfPressure,
    UnitOfRatio,
    UnitOfSpeed,
    UnitOfTemperature,
)

from ..protocols.ezlo import Device, Item

_MEASUREMENT = SensorStateClass.MEASUREMENT

#: Ezlo ``scale`` -> Home Assistant unit.
SCALE_UNITS: dict[str, str] = {
    "celsius": UnitOfTemperature.CELSIUS,
    "fahrenheit": UnitOfTemperature.FAHRENHEIT,
    "percent": PERCENTAGE,
    "lux": LIGHT_LUX,
    "uv_index": UV_INDEX,
    "watt": UnitOfPower.WATT,
    "kilo_watt_hour": UnitOfEnergy.KILO_WATT_HOUR,
    "watt_hour": UnitOfEnergy.WATT_HOUR,
    "joule": UnitOfEnergy.JOULE,
    "volt": UnitOfElectricPotential.VOLT,
    "ampere": UnitOfElectricCurrent.AMPERE,
    "kilo_pascal": UnitOfPressure.KPA,
    "pound_per_square_inch": UnitOfPressure.PSI,
    "inches_of_mercury": UnitOfPressure.INHG,
    "meter_per_second": UnitOfSpeed.METERS_PER_SECOND,
    "kilometer_per_hour": UnitOfSpeed.KILOMETERS_PER_HOUR,
    "parts_per_million": UnitOfRatio.PARTS_PER_MILLION,
}


@dataclass(frozen=True, slots=True)
class SensorSpec:
    """How one item name is shown as a sensor."""

    device_class: SensorDeviceClass | None
    state_class: SensorStateClass | None = _MEASUREMENT
    unit: str | None = None  # when the item has no scale (battery: percent)
    translation_key: str | None = None
    entity_category: EntityCategory | None = None


SENSORS: dict[str, SensorSpec] = {
    "temp": SensorSpec(SensorDeviceClass.TEMPERATURE),
    "water_temperature": SensorSpec(SensorDeviceClass.TEMPERATURE, translation_key="water_temp"),
    "dew_point": SensorSpec(SensorDeviceClass.TEMPERATURE, translation_key="dew_point"),
    "humidity": SensorSpec(SensorDeviceClass.HUMIDITY),
    "lux": SensorSpec(SensorDeviceClass.ILLUMINANCE),
    "ultraviolet": SensorSpec(None, unit=UV_INDEX, translation_key="uv_index"),
    "electric_meter_watt": SensorSpec(SensorDeviceClass.POWER),
    "power": SensorSpec(SensorDeviceClass.POWER),
    "electric_meter_kwh": SensorSpec(
        SensorDeviceClass.ENERGY, state_class=SensorStateClass.TOTAL_INCREASING
    ),
    "electric_meter_volt": SensorSpec(SensorDeviceClass.VOLTAGE),
    "electric_meter_amper": SensorSpec(SensorDeviceClass.CURRENT),
    "electric_meter_power_factor": SensorSpec(SensorDeviceClass.POWER_FACTOR),
    "battery": SensorSpec(
        SensorDeviceClass.BATTERY, unit=PERCENTAGE, entity_category=EntityCategory.DIAGNOSTIC
    ),
    "atmospheric_pressure": SensorSpec(SensorDeviceClass.ATMOSPHERIC_PRESSURE),
    "barometric_pressure": SensorSpec(SensorDeviceClass.ATMOSPHERIC_PRESSURE),
    "co2_level": SensorSpec(SensorDeviceClass.CO2),
    "wind_strength": SensorSpec(SensorDeviceClass.WIND_SPEED),
}


@dataclass(frozen=True, slots=True)
class BinarySpec:
    """How one item name is shown as a binary sensor; ``off`` tokens mean "no alarm"."""

    device_class: BinarySensorDeviceClass | None
    translation_key: str | None = None
    entity_category: EntityCategory | None = None


BINARY_SENSORS: dict[str, BinarySpec] = {
    "dw_state": BinarySpec(BinarySensorDeviceClass.DOOR),
    "motion": BinarySpec(BinarySensorDeviceClass.MOTION),
    "water_leak_alarm": BinarySpec(BinarySensorDeviceClass.MOISTURE),
    "smoke_alarm": BinarySpec(BinarySensorDeviceClass.SMOKE),
    "gas_alarm": BinarySpec(BinarySensorDeviceClass.GAS),
    "co_alarm": BinarySpec(BinarySensorDeviceClass.CO),
    "co2_alarm": BinarySpec(BinarySensorDeviceClass.SAFETY, translation_key="co2_alarm"),
    "heat_alarm": BinarySpec(BinarySensorDeviceClass.HEAT),
    "glass_breakage_alarm": BinarySpec(
        BinarySensorDeviceClass.SAFETY, translation_key="glass_breakage"
    ),
    "freeze_alarm": BinarySpec(BinarySensorDeviceClass.COLD),
    "intrusion_alarm": BinarySpec(BinarySensorDeviceClass.SAFETY, translation_key="intrusion"),
    "tampering_cover_alarm": BinarySpec(
        BinarySensorDeviceClass.TAMPER, entity_category=EntityCategory.DIAGNOSTIC
    ),
}

#: Token values that mean "closed" / "no alarm"; every other token except "unknown" means on.
OFF_TOKENS = frozenset(
    {
        "dw_is_closed",
        "no_water_leak",
        "no_smoke",
        "no_gas",
        "no_co",
        "no_co2",
        "no_heat",
        "no_glass_breakage",
        "no_freeze",
        "no_intrusion",
        "no_tampering_cover",
    }
)
UNKNOWN_TOKEN = "unknown"  # noqa: S105 - an item token, not a secret


def binary_value(item: Item) -> bool | None:
    """Read a bool or alarm token as on/off; ``None`` for "unknown" or a missing value."""
    value = item.value
    if isinstance(value, bool):
        return value
    if not isinstance(value, str) or value == UNKNOWN_TOKEN:
        return None
    return value not in OFF_TOKENS


# -- device-level entities ------------------------------------------------------------------

LIGHT_CATEGORIES = frozenset({"dimmable_light"})
COVER_CATEGORIES = frozenset({"window_cov"})
THERMOSTAT_ITEMS = (
    "thermostat_mode",
    "thermostat_setpoint",
    "thermostat_setpoint_heating",
    "thermostat_setpoint_cooling",
)


def is_light(device: Device, names: set[str]) -> bool:
    """Tell a light: a dimmable-light device, or a device with a dimmer or colour (no cover)."""
    if device.category in COVER_CATEGORIES or device.type.startswith("shutter"):
        return False
    return (
        device.category in LIGHT_CATEGORIES
        or device.type.startswith(("light.", "dimmer."))
        or bool(names & {"dimmer", "rgbcolor"})
    )


def is_cover(device: Device, names: set[str]) -> bool:
    """Tell a window covering: a cover device with a ``dimmer`` or ``shutter_command``."""
    covering = device.category in COVER_CATEGORIES or device.type == "shutter.roller"
    return covering and bool(names & {"dimmer", "shutter_command"})
