"""Which Vera devices become which Home Assistant entities: one table per kind, one place.

Vera names a device's kind by its category (and a security sensor's by its subcategory), so the
tables below are keyed by those numbers. A measurement sensor reports one value; any device may
also report ``watts``, ``kwh`` and a battery level, which become sensors of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.climate import FAN_AUTO, FAN_ON, HVACAction, HVACMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    UV_INDEX,
    EntityCategory,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
)

from ..protocols.vera import (
    Category,
    FanMode,
    HvacMode,
    SecuritySensorType,
    VeraDevice,
    VeraMeasurement,
    VeraSceneController,
)

_MEASUREMENT = SensorStateClass.MEASUREMENT


@dataclass(frozen=True, slots=True)
class SensorSpec:
    """How one value of a Vera device is shown as a sensor."""

    key: str
    read: Callable[[VeraDevice], float | None]
    device_class: SensorDeviceClass | None
    unit: str | None
    state_class: SensorStateClass | None = _MEASUREMENT
    translation_key: str | None = None
    entity_category: EntityCategory | None = None


def _value(device: VeraDevice) -> float | None:
    return device.value if isinstance(device, VeraMeasurement) else None


def _watts(device: VeraDevice) -> float | None:
    return device.watts


def _kwh(device: VeraDevice) -> float | None:
    return device.kwh


def _battery(device: VeraDevice) -> float | None:
    return None if device.battery_level is None else float(device.battery_level)


def _last_scene(device: VeraDevice) -> float | None:
    scene = device.last_scene_id if isinstance(device, VeraSceneController) else None
    return None if scene is None else float(scene)


#: A measurement device's own value, by category; temperature takes the controller's unit.
MEASUREMENTS: dict[int, SensorSpec] = {
    Category.TEMPERATURE_SENSOR: SensorSpec(
        "temperature", _value, SensorDeviceClass.TEMPERATURE, UnitOfTemperature.CELSIUS
    ),
    Category.HUMIDITY_SENSOR: SensorSpec(
        "humidity", _value, SensorDeviceClass.HUMIDITY, PERCENTAGE
    ),
    Category.LIGHT_SENSOR: SensorSpec("light", _value, SensorDeviceClass.ILLUMINANCE, LIGHT_LUX),
    Category.UV_SENSOR: SensorSpec("uv", _value, None, UV_INDEX, translation_key="uv_index"),
}
POWER = SensorSpec(
    "power", _watts, SensorDeviceClass.POWER, UnitOfPower.WATT, translation_key="power"
)
ENERGY = SensorSpec(
    "energy",
    _kwh,
    SensorDeviceClass.ENERGY,
    UnitOfEnergy.KILO_WATT_HOUR,
    state_class=SensorStateClass.TOTAL_INCREASING,
    translation_key="energy",
)
BATTERY = SensorSpec(
    "battery",
    _battery,
    SensorDeviceClass.BATTERY,
    PERCENTAGE,
    entity_category=EntityCategory.DIAGNOSTIC,
)
LAST_SCENE = SensorSpec("scene", _last_scene, None, None, None, translation_key="last_scene")


def sensor_specs(device: VeraDevice) -> list[SensorSpec]:
    """List the sensors a device gets: its measurement, power, energy, battery, last scene."""
    specs: list[SensorSpec] = []
    if (spec := MEASUREMENTS.get(device.category)) is not None:
        specs.append(spec)
    if device.watts is not None or device.category == Category.POWER_METER:
        specs.append(POWER)
    if device.kwh is not None:
        specs.append(ENERGY)
    if device.battery_level is not None:
        specs.append(BATTERY)
    if isinstance(device, VeraSceneController):
        specs.append(LAST_SCENE)
    return specs


#: What a tripped security sensor means, by its subcategory.
BINARY_CLASSES: dict[SecuritySensorType, BinarySensorDeviceClass | None] = {
    SecuritySensorType.DOOR: BinarySensorDeviceClass.DOOR,
    SecuritySensorType.LEAK: BinarySensorDeviceClass.MOISTURE,
    SecuritySensorType.MOTION: BinarySensorDeviceClass.MOTION,
    SecuritySensorType.SMOKE: BinarySensorDeviceClass.SMOKE,
    SecuritySensorType.CO: BinarySensorDeviceClass.CO,
    SecuritySensorType.GLASS_BREAK: BinarySensorDeviceClass.SAFETY,
    SecuritySensorType.FREEZE: BinarySensorDeviceClass.COLD,
}

HVAC_MODES: dict[str, HVACMode] = {
    HvacMode.OFF: HVACMode.OFF,
    HvacMode.HEAT: HVACMode.HEAT,
    HvacMode.COOL: HVACMode.COOL,
    HvacMode.AUTO: HVACMode.HEAT_COOL,
}
VERA_HVAC_MODES = {ha: vera for vera, ha in HVAC_MODES.items()}
FAN_MODES: dict[str, str] = {FanMode.AUTO: FAN_AUTO, FanMode.ON: FAN_ON}
VERA_FAN_MODES = {ha: vera for vera, ha in FAN_MODES.items()}
#: ``hvacstate`` (ModeState) values; anything else is no known action.
HVAC_ACTIONS: dict[str, HVACAction] = {
    "Idle": HVACAction.IDLE,
    "Heating": HVACAction.HEATING,
    "Cooling": HVACAction.COOLING,
    "FanOnly": HVACAction.FAN,
    "Off": HVACAction.OFF,
}
