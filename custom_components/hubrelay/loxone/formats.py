"""Turn Loxone printf-style format strings into Home Assistant units and device classes.

A Loxone analog state carries its unit only inside a display format such as ``%.1f°C`` or
``%.0f%%``. Reading the unit from it gives sensors a real unit, device class and precision, so
they graph, convert and feed the energy dashboard like any native sensor.
"""

from __future__ import annotations

from dataclasses import dataclass
import re

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfIrradiance,
    UnitOfPower,
    UnitOfPrecipitationDepth,
    UnitOfPressure,
    UnitOfRatio,
    UnitOfSpeed,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
    UnitOfVolumeFlowRate,
    UnitOfVolumetricFlux,
)

#: Most decimals a format may ask for: a double has about 15 significant digits.
MAX_PRECISION = 15

# One printf conversion (flags, width, precision, type); the text around it is the unit.
_CONVERSION = re.compile(r"%[-+ #0]*(\d+)?(?:\.(\d+))?[dfiguxXeEs]")

_MEASUREMENT = SensorStateClass.MEASUREMENT
_TOTAL = SensorStateClass.TOTAL_INCREASING


@dataclass(frozen=True, slots=True)
class ValueFormat:
    """What a format string says about a numeric value."""

    unit: str | None
    device_class: SensorDeviceClass | None
    state_class: SensorStateClass | None
    precision: int | None


# Loxone spelling -> (HA unit, device class, state class). Units not listed are kept verbatim
# without a device class, which Home Assistant accepts.
_UNITS: dict[str, tuple[str, SensorDeviceClass | None, SensorStateClass]] = {
    "°C": (UnitOfTemperature.CELSIUS, SensorDeviceClass.TEMPERATURE, _MEASUREMENT),
    "°": (UnitOfTemperature.CELSIUS, SensorDeviceClass.TEMPERATURE, _MEASUREMENT),
    "°F": (UnitOfTemperature.FAHRENHEIT, SensorDeviceClass.TEMPERATURE, _MEASUREMENT),
    "%": (PERCENTAGE, None, _MEASUREMENT),
    "W": (UnitOfPower.WATT, SensorDeviceClass.POWER, _MEASUREMENT),
    "kW": (UnitOfPower.KILO_WATT, SensorDeviceClass.POWER, _MEASUREMENT),
    "Wh": (UnitOfEnergy.WATT_HOUR, SensorDeviceClass.ENERGY, _TOTAL),
    "kWh": (UnitOfEnergy.KILO_WATT_HOUR, SensorDeviceClass.ENERGY, _TOTAL),
    "MWh": (UnitOfEnergy.MEGA_WATT_HOUR, SensorDeviceClass.ENERGY, _TOTAL),
    "V": (UnitOfElectricPotential.VOLT, SensorDeviceClass.VOLTAGE, _MEASUREMENT),
    "A": (UnitOfElectricCurrent.AMPERE, SensorDeviceClass.CURRENT, _MEASUREMENT),
    "mA": (UnitOfElectricCurrent.MILLIAMPERE, SensorDeviceClass.CURRENT, _MEASUREMENT),
    "Hz": (UnitOfFrequency.HERTZ, SensorDeviceClass.FREQUENCY, _MEASUREMENT),
    "lx": (LIGHT_LUX, SensorDeviceClass.ILLUMINANCE, _MEASUREMENT),
    "Lux": (LIGHT_LUX, SensorDeviceClass.ILLUMINANCE, _MEASUREMENT),
    "ppm": (UnitOfRatio.PARTS_PER_MILLION, SensorDeviceClass.CO2, _MEASUREMENT),
    "km/h": (UnitOfSpeed.KILOMETERS_PER_HOUR, SensorDeviceClass.WIND_SPEED, _MEASUREMENT),
    "m/s": (UnitOfSpeed.METERS_PER_SECOND, SensorDeviceClass.WIND_SPEED, _MEASUREMENT),
    "mm": (UnitOfPrecipitationDepth.MILLIMETERS, SensorDeviceClass.PRECIPITATION, _MEASUREMENT),
    "mm/h": (
        UnitOfVolumetricFlux.MILLIMETERS_PER_HOUR,
        SensorDeviceClass.PRECIPITATION_INTENSITY,
        _MEASUREMENT,
    ),
    "l/m²/h": (
        UnitOfVolumetricFlux.MILLIMETERS_PER_HOUR,
        SensorDeviceClass.PRECIPITATION_INTENSITY,
        _MEASUREMENT,
    ),
    "hPa": (UnitOfPressure.HPA, SensorDeviceClass.ATMOSPHERIC_PRESSURE, _MEASUREMENT),
    "mbar": (UnitOfPressure.MBAR, SensorDeviceClass.PRESSURE, _MEASUREMENT),
    "bar": (UnitOfPressure.BAR, SensorDeviceClass.PRESSURE, _MEASUREMENT),
    "W/m²": (UnitOfIrradiance.WATTS_PER_SQUARE_METER, SensorDeviceClass.IRRADIANCE, _MEASUREMENT),
    "l/h": (UnitOfVolumeFlowRate.LITERS_PER_HOUR, SensorDeviceClass.VOLUME_FLOW_RATE, _MEASUREMENT),
    "l/min": (
        UnitOfVolumeFlowRate.LITERS_PER_MINUTE,
        SensorDeviceClass.VOLUME_FLOW_RATE,
        _MEASUREMENT,
    ),
    "m³/h": (
        UnitOfVolumeFlowRate.CUBIC_METERS_PER_HOUR,
        SensorDeviceClass.VOLUME_FLOW_RATE,
        _MEASUREMENT,
    ),
    "l": (UnitOfVolume.LITERS, SensorDeviceClass.WATER, _TOTAL),
    "m³": (UnitOfVolume.CUBIC_METERS, SensorDeviceClass.WATER, _TOTAL),
    "m3": (UnitOfVolume.CUBIC_METERS, SensorDeviceClass.WATER, _TOTAL),
    "s": (UnitOfTime.SECONDS, SensorDeviceClass.DURATION, _MEASUREMENT),
    "min": (UnitOfTime.MINUTES, SensorDeviceClass.DURATION, _MEASUREMENT),
    "h": (UnitOfTime.HOURS, SensorDeviceClass.DURATION, _MEASUREMENT),
}

# A plain percentage is only a humidity or battery when the name says so.
_PERCENT_HINTS: tuple[tuple[tuple[str, ...], SensorDeviceClass], ...] = (
    (("humid", "feucht", "rel. h", " rh"), SensorDeviceClass.HUMIDITY),
    (("battery", "batterie", "akku"), SensorDeviceClass.BATTERY),
)


def parse_format(fmt: str | None, name: str = "") -> ValueFormat:
    """Read unit, device class, state class and precision from a Loxone format string."""
    if not fmt:
        return ValueFormat(None, None, None, None)
    match = _CONVERSION.search(fmt)
    if match is None:
        return ValueFormat(None, None, None, None)
    # A structure file may ask for any number of decimals; more than a double holds is noise.
    decimals = match.group(2)
    precision = min(int(decimals[:3]), MAX_PRECISION) if decimals is not None else None
    if match.group(0)[-1] in "diuxX":
        precision = 0
    unit_text = (fmt[: match.start()] + fmt[match.end() :]).replace("%%", "%").strip()
    if not unit_text:
        return ValueFormat(None, None, SensorStateClass.MEASUREMENT, precision)
    known = _UNITS.get(unit_text)
    if known is None:
        # A free text such as "/ 10 (from this block)" is no unit HA could convert: keep it short.
        if len(unit_text) > 8 or " " in unit_text:
            return ValueFormat(None, None, SensorStateClass.MEASUREMENT, precision)
        return ValueFormat(unit_text, None, SensorStateClass.MEASUREMENT, precision)
    unit, device_class, state_class = known
    if unit == PERCENTAGE:
        lowered = f" {name.lower()}"
        device_class = next(
            (cls for words, cls in _PERCENT_HINTS if any(w in lowered for w in words)), None
        )
    return ValueFormat(unit, device_class, state_class, precision)
