"""Units and device classes read from Loxone format strings."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
import pytest

from custom_components.hubrelay.loxone.conditions import condition
from custom_components.hubrelay.loxone.formats import ValueFormat, parse_format

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "loxone"
M = SensorStateClass.MEASUREMENT
T = SensorStateClass.TOTAL_INCREASING


@pytest.mark.parametrize(
    ("fmt", "name", "expected"),
    [
        ("%.1f°C", "", ValueFormat("°C", SensorDeviceClass.TEMPERATURE, M, 1)),
        ("%.1f°", "", ValueFormat("°C", SensorDeviceClass.TEMPERATURE, M, 1)),
        ("%.0f%%", "Bathroom humidity", ValueFormat("%", SensorDeviceClass.HUMIDITY, M, 0)),
        ("%.0f%%", "Batterie Fenster", ValueFormat("%", SensorDeviceClass.BATTERY, M, 0)),
        ("%.0f%%", "Valve", ValueFormat("%", None, M, 0)),
        ("%.3fkWh", "", ValueFormat("kWh", SensorDeviceClass.ENERGY, T, 3)),
        ("%.1f kW", "", ValueFormat("kW", SensorDeviceClass.POWER, M, 1)),
        ("%d W", "", ValueFormat("W", SensorDeviceClass.POWER, M, 0)),
        ("%.0flx", "", ValueFormat("lx", SensorDeviceClass.ILLUMINANCE, M, 0)),
        ("%.0fppm", "", ValueFormat("ppm", SensorDeviceClass.CO2, M, 0)),
        ("%.1fl/m²/h", "", ValueFormat("mm/h", SensorDeviceClass.PRECIPITATION_INTENSITY, M, 1)),
        ("%.0fhPa", "", ValueFormat("hPa", SensorDeviceClass.ATMOSPHERIC_PRESSURE, M, 0)),
        ("%.2fm3", "", ValueFormat("m³", SensorDeviceClass.WATER, T, 2)),
        ("%.2f", "", ValueFormat(None, None, M, 2)),
        ("%.1fSlots", "", ValueFormat("Slots", None, M, 1)),
        ("%.0f / 10 (z této funkce)", "", ValueFormat(None, None, M, 0)),
        ("<v.1>", "", ValueFormat(None, None, None, None)),
        ("", "", ValueFormat(None, None, None, None)),
        (None, "", ValueFormat(None, None, None, None)),
    ],
)
def test_parse_format(fmt: str | None, name: str, expected: ValueFormat) -> None:
    assert parse_format(fmt, name) == expected


@pytest.mark.parametrize("fixture", ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"])
def test_every_fixture_format_parses(fixture: str) -> None:
    path = FIXTURES / fixture
    if not path.is_file():
        pytest.skip("shared fixtures not present")
    structure = json.loads(path.read_text(encoding="utf-8"))
    formats = [
        value
        for control in structure["controls"].values()
        for key, value in control.get("details", {}).items()
        if key.lower().endswith("format") and isinstance(value, str)
    ]
    assert formats
    for fmt in formats:
        parsed = parse_format(fmt)
        assert parsed.unit is None or len(parsed.unit) <= 8


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        (1, True, "sunny"),
        (1, False, "clear-night"),
        (3, False, "partlycloudy"),
        (5, True, "cloudy"),
        (6, True, "fog"),
        (12, True, "pouring"),
        (18, True, "lightning-rainy"),
        (21, True, "snowy"),
        (26, True, "snowy-rainy"),
        (8, True, None),
        (0, True, None),
    ],
)
def test_weather_condition(code: int, day: bool, expected: str | None) -> None:
    assert condition(code, is_daytime=day) == expected
