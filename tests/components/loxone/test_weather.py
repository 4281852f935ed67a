"""The Loxone Weather Service against the simulator: current conditions, night, hourly forecast."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import copy
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import add_miniserver, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE, demo_initial_states
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_codec import WeatherEntry, loxone_seconds

WEATHER = "weather.demo_house"
ACTUAL = DEMO_HOUSE["weatherServer"]["states"]["actual"]
FORECAST = DEMO_HOUSE["weatherServer"]["states"]["forecast"]
SUNRISE = DEMO_HOUSE["globalStates"]["sunrise"]
SUNSET = DEMO_HOUSE["globalStates"]["sunset"]
LOXONE_EPOCH = datetime(2009, 1, 1, tzinfo=UTC)


def entry(timestamp: int, weather_type: int, **fields: Any) -> WeatherEntry:
    values: dict[str, Any] = {
        "wind_direction": 90,
        "solar_radiation": 0,
        "relative_humidity": 70,
        "temperature": 8.0,
        "perceived_temperature": 6.5,
        "dew_point": 3.0,
        "precipitation": 0.0,
        "wind_speed": 5.0,
        "barometric_pressure": 1020.0,
    }
    return WeatherEntry(timestamp=timestamp, weather_type=weather_type, **values | fields)


def attributes(hass: HomeAssistant) -> dict[str, Any]:
    state = hass.states.get(WEATHER)
    assert state is not None
    return dict(state.attributes)


async def hourly(hass: HomeAssistant) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        "weather",
        "get_forecasts",
        {"entity_id": WEATHER, "type": "hourly"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return cast(list[dict[str, Any]], cast(dict[str, Any], response[WEATHER])["forecast"])


async def test_current_conditions_on_the_miniserver_device(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    state = hass.states.get(WEATHER)
    assert state is not None
    assert state.state == "rainy"  # the demo's first hour is type 11, rain
    attrs = dict(state.attributes)
    assert attrs["temperature"] == 12.5
    assert attrs["apparent_temperature"] == 11.0
    assert attrs["dew_point"] == 6.0
    assert attrs["humidity"] == 60
    assert attrs["pressure"] == 1013.0
    assert attrs["wind_speed"] == 12.0
    assert attrs["wind_bearing"] == 200
    assert attrs["temperature_unit"] == "°C"
    assert attrs["wind_speed_unit"] == "km/h"
    assert attrs["pressure_unit"] == "hPa"
    assert attrs["precipitation_unit"] == "mm"
    registered = entity_registry.async_get(WEATHER)
    assert registered is not None
    assert registered.device_id == loxone_entry.runtime_data.hub_device_id
    hub = device_registry.async_get(registered.device_id)
    assert hub is not None
    assert (DOMAIN, miniserver.serial) in hub.identifiers


async def test_clear_sky_by_day_and_by_night(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    now = loxone_seconds()
    miniserver.set_value(SUNRISE, 0.0)
    miniserver.set_value(SUNSET, 24 * 60.0)  # every minute is day
    miniserver.set_weather(ACTUAL, now, [entry(now, 1)])
    await wait_for_state(hass, WEATHER, "sunny")
    miniserver.set_value(SUNSET, 0.0)  # no minute is day
    await wait_for_state(hass, WEATHER, "clear-night")


async def test_hourly_forecast_and_its_updates(
    hass: HomeAssistant,
    hass_ws_client: Callable[..., Awaitable[Any]],
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    forecast = await hourly(hass)
    assert len(forecast) == 24
    first, second = forecast[0], forecast[1]
    timestamp = miniserver.store.weathers[FORECAST].entries[0].timestamp
    assert first["datetime"] == (LOXONE_EPOCH + timedelta(seconds=timestamp)).isoformat()
    assert (first["condition"], second["condition"]) == ("rainy", "partlycloudy")
    assert first["precipitation"] == 1.2
    assert (second["temperature"], second["apparent_temperature"]) == (13.0, 11.5)
    assert (second["wind_bearing"], second["humidity"], second["pressure"]) == (210, 61, 1013.0)
    assert (second["wind_speed"], second["dew_point"]) == (12.0, 6.0)

    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "weather/subscribe_forecast", "entity_id": WEATHER, "forecast_type": "hourly"}
    )
    assert (await client.receive_json())["success"]
    assert len((await client.receive_json())["event"]["forecast"]) == 24
    now = loxone_seconds()
    miniserver.set_weather(FORECAST, now, [entry(now, 20), entry(now + 3600, 12)])
    update = (await client.receive_json())["event"]["forecast"]
    assert [hour["condition"] for hour in update] == ["snowy", "pouring"]
    assert update[1]["temperature"] == 8.0


async def test_forecast_timestamps_are_utc(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.set_weather(FORECAST, 0, [entry(0, 3), entry(86400 * 365, 3)])
    await hass.async_block_till_done()
    async with asyncio.timeout(3.0):
        while (forecast := await hourly(hass))[0]["datetime"] != "2009-01-01T00:00:00+00:00":
            await asyncio.sleep(0.01)
    assert forecast[1]["datetime"] == "2010-01-01T00:00:00+00:00"


async def test_no_weather_yet_is_unknown(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    now = loxone_seconds()
    miniserver.set_weather(ACTUAL, now, [])
    miniserver.set_weather(FORECAST, now, [])
    del miniserver.values[SUNRISE]
    config_entry = await add_miniserver(hass, miniserver)
    assert hass.states.get(WEATHER).state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert attributes(hass).get("temperature") is None
    assert await hourly(hass) == []
    miniserver.set_weather(ACTUAL, now, [entry(now, 1)])
    await wait_for_state(hass, WEATHER, "sunny")  # without sunrise every hour is day
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_unavailable_while_disconnected(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await miniserver.stop()
    await wait_for_state(hass, WEATHER, STATE_UNAVAILABLE)
    await miniserver.start()
    await wait_for_state(hass, WEATHER, "rainy")


async def test_other_units(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    structure["weatherServer"]["format"] |= {
        "temperature": "%.1f°F",
        "windSpeed": "%.1fm/s",
        "barometricPressure": "%.1f°",  # not a pressure: fall back to hPa
    }
    async with MiniserverSimulator(
        structure=structure, initial_states=demo_initial_states()
    ) as simulator:
        config_entry = await add_miniserver(hass, simulator)
        attrs = attributes(hass)
        assert attrs["temperature"] == pytest.approx(-10.8, abs=0.1)  # 12.5 °F shown in °C
        assert attrs["wind_speed"] == pytest.approx(43.2)  # 12 m/s shown in km/h
        assert attrs["pressure"] == 1013.0
        await hass.config_entries.async_unload(config_entry.entry_id)


async def test_no_weather_service_no_entity(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    del structure["weatherServer"]
    async with MiniserverSimulator(structure=structure) as simulator:
        config_entry = await add_miniserver(hass, simulator)
        assert hass.states.get(WEATHER) is None
        assert hass.states.async_entity_ids("weather") == []
        await hass.config_entries.async_unload(config_entry.entry_id)
