"""Weather: the Miniserver's Loxone Weather Service, and Ezlo weather stations.

The Loxone Weather Service is one weather entity on the Miniserver's device.

The weather server is no control: it publishes two weather tables, `actual` (the current hour)
and `forecast` (hourly entries). Entry timestamps count seconds since 2009-01-01 UTC. Whether an
hour is at night comes from the Miniserver's `sunrise` / `sunset` global states (minutes after
local midnight), read in Home Assistant's time zone; without them every hour counts as day.
"""

from __future__ import annotations

from homeassistant.components.weather import WeatherEntity
from homeassistant.const import (
    UnitOfPressure,
    UnitOfSpeed,
    UnitOfTemperature,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import SCALE_UNITS

#: Ezlo weather-station item per weather field.
EZLO_WEATHER_ITEMS = {
    "temperature": "temp",
    "humidity": "humidity",
    "pressure": "atmospheric_pressure",
    "dew_point": "dew_point",
    "wind_speed": "wind_strength",
}


class EzloWeather(EzloEntity, WeatherEntity):
    """An Ezlo weather station: its measurement items gathered into one weather entity.

    Ezlo reports no condition, so the condition stays unknown; the items are also sensors.
    """

    _attr_name = None

    def __init__(self, coordinator: EzloCoordinator, device: Device) -> None:
        """Take the units from the items' scales."""
        super().__init__(coordinator, device, "weather", EZLO_WEATHER_ITEMS.values())
        units = {
            field: SCALE_UNITS.get(item.scale or "")
            for field, name in EZLO_WEATHER_ITEMS.items()
            if (item := self.items.get(name)) is not None
        }
        self._attr_native_temperature_unit = units.get("temperature") or UnitOfTemperature.CELSIUS
        self._attr_native_pressure_unit = units.get("pressure") or UnitOfPressure.KPA
        self._attr_native_wind_speed_unit = units.get("wind_speed") or UnitOfSpeed.METERS_PER_SECOND

    def _update(self) -> None:
        names = EZLO_WEATHER_ITEMS
        self._attr_native_temperature = self.number(names["temperature"])
        self._attr_humidity = self.number(names["humidity"])
        self._attr_native_pressure = self.number(names["pressure"])
        self._attr_native_dew_point = self.number(names["dew_point"])
        self._attr_native_wind_speed = self.number(names["wind_speed"])


def ezlo_weather(coordinator: EzloCoordinator, device: Device) -> list[EzloWeather]:
    """Build a weather entity for a device of the weather category."""
    return [EzloWeather(coordinator, device)] if device.category == "weather" else []


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_weather, async_add_entities)
