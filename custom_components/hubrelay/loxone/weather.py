"""Weather: the Miniserver's Loxone Weather Service, and Ezlo weather stations.

The Loxone Weather Service is one weather entity on the Miniserver's device.

The weather server is no control: it publishes two weather tables, `actual` (the current hour)
and `forecast` (hourly entries). Entry timestamps count seconds since 2009-01-01 UTC. Whether an
hour is at night comes from the Miniserver's `sunrise` / `sunset` global states (minutes after
local midnight), read in Home Assistant's time zone; without them every hour counts as day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from homeassistant.components.weather import Forecast, WeatherEntity, WeatherEntityFeature
from homeassistant.const import (
    UnitOfPrecipitationDepth,
    UnitOfPressure,
    UnitOfSpeed,
    UnitOfTemperature,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from ..protocols.loxone import WeatherEntry, WeatherServer, WeatherState
from ..protocols.loxone.tokens import LOXONE_EPOCH
from .conditions import condition
from .coordinator import LoxoneCoordinator
from .entity import LoxoneHubEntity
from .formats import parse_format


def _unit(fmt: str | None, allowed: set[str], default: str) -> str:
    """Return the unit a weather format names, if Home Assistant knows it for that field."""
    unit = parse_format(fmt).unit
    return unit if unit in allowed else default


class LoxoneWeather(LoxoneHubEntity, WeatherEntity):
    """Current conditions and the hourly forecast of the Loxone Weather Service."""

    _attr_name = None
    _attr_supported_features = WeatherEntityFeature.FORECAST_HOURLY

    def __init__(self, coordinator: LoxoneCoordinator, weather: WeatherServer) -> None:
        """Belong to the Miniserver's device; take the units from the weather formats."""
        super().__init__(coordinator, "weather")
        formats = weather.formats
        self._attr_native_temperature_unit = _unit(
            formats.get("temperature"),
            {UnitOfTemperature.CELSIUS, UnitOfTemperature.FAHRENHEIT},
            UnitOfTemperature.CELSIUS,
        )
        self._attr_native_wind_speed_unit = _unit(
            formats.get("windSpeed"),
            {u.value for u in UnitOfSpeed},
            UnitOfSpeed.KILOMETERS_PER_HOUR,
        )
        self._attr_native_pressure_unit = _unit(
            formats.get("barometricPressure"), {u.value for u in UnitOfPressure}, UnitOfPressure.HPA
        )
        # Litres per square metre (per hour) is millimetres of rain in that hour.
        self._attr_native_precipitation_unit = UnitOfPrecipitationDepth.MILLIMETERS
        globals_ = coordinator.structure.global_states
        self._refs = {
            name: ref
            for name, ref in (
                ("actual", weather.states.get("actual")),
                ("forecast", weather.states.get("forecast")),
                ("sunrise", globals_.get("sunrise")),
                ("sunset", globals_.get("sunset")),
            )
            if ref is not None
        }

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Watch both weather tables and the sunrise / sunset global states."""
        return iter(self._refs.items())

    def _value_changed(self, name: str) -> None:
        if name != "actual":  # the forecast, or day and night in it, changed
            self.coordinator.entry.async_create_task(
                self.hass, self.async_update_listeners(("hourly",))
            )

    def _entries(self, name: str) -> tuple[WeatherEntry, ...]:
        table = self._values.get(name)
        return table.entries if isinstance(table, WeatherState) else ()

    def _is_daytime(self, timestamp: int) -> bool:
        sunrise, sunset = self._values.get("sunrise"), self._values.get("sunset")
        if not isinstance(sunrise, float) or not isinstance(sunset, float):
            return True
        local = dt_util.as_local(LOXONE_EPOCH + timedelta(seconds=timestamp))
        return sunrise <= local.hour * 60 + local.minute < sunset

    def _condition(self, entry: WeatherEntry) -> str | None:
        return condition(entry.weather_type, is_daytime=self._is_daytime(entry.timestamp))

    def _update_from_values(self) -> None:
        entries = self._entries("actual")
        now = entries[0] if entries else None
        if now is None:
            self._attr_condition = None
            self._attr_native_temperature = self._attr_native_apparent_temperature = None
            self._attr_native_dew_point = self._attr_humidity = self._attr_wind_bearing = None
            self._attr_native_pressure = self._attr_native_wind_speed = None
            return
        self._attr_condition = self._condition(now)
        self._attr_native_temperature = now.temperature
        self._attr_native_apparent_temperature = now.perceived_temperature
        self._attr_native_dew_point = now.dew_point
        self._attr_humidity = now.relative_humidity
        self._attr_native_pressure = now.barometric_pressure
        self._attr_native_wind_speed = now.wind_speed
        self._attr_wind_bearing = now.wind_direction

    async def async_forecast_hourly(self) -> list[Forecast] | None:
        """Return the hourly forecast, or None until the Miniserver has sent one."""
        entries = self._entries("forecast")
        if not entries:
            return None
        return [
            Forecast(
                datetime=(LOXONE_EPOCH + timedelta(seconds=entry.timestamp)).isoformat(),
                condition=self._condition(entry),
                native_temperature=entry.temperature,
                native_apparent_temperature=entry.perceived_temperature,
                native_dew_point=entry.dew_point,
                humidity=entry.relative_humidity,
                native_precipitation=entry.precipitation,
                native_pressure=entry.barometric_pressure,
                native_wind_speed=entry.wind_speed,
                wind_bearing=entry.wind_direction,
            )
            for entry in entries
        ]


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    if (weather := coordinator.structure.weather_server) is not None:
        async_add_entities([LoxoneWeather(coordinator, weather)])
