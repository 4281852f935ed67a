"""Ezlo entities against the simulated hub: what is created, and changes in both directions."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from homeassistant.components.climate import HVACAction, HVACMode
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.ezlo.conftest import EzloWorld, add_hub, item_id, start_world, wait_for
from tests.simulators.ezlo_hub_house import recorded_house

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "ezlo"


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    """Call an entity action and wait for it."""
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


async def test_demo_hub_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    world: EzloWorld,
    ezlo_entry: HubRelayConfigEntry,
) -> None:
    entries = er.async_entries_for_config_entry(entity_registry, ezlo_entry.entry_id)
    # The simulator numbers its ids per process; name them so the snapshot is stable.
    house = world.hub.house
    names = {key: record["name"] for key, record in [*house.devices.items(), *house.scenes.items()]}

    def stable(unique_id: str) -> str:
        serial, rest = unique_id.split("_", 1)
        key, _, suffix = rest.partition("_")
        if rest.startswith("scene_"):
            key, _, run = rest.removeprefix("scene_").partition("_")
            return f"{serial}_scene_<{names[key]}>" + (f"_{run}" if run else "")
        return f"{serial}_<{names[key]}>_{suffix}" if key in names else unique_id

    summary = sorted(
        (
            e.entity_id,
            stable(e.unique_id),
            e.original_device_class,
            e.translation_key,
            e.entity_category,
        )
        for e in entries
    )
    assert summary == snapshot
    states = {e.entity_id: hass.states.get(e.entity_id) for e in entries}
    assert all(state is not None for state in states.values())
    assert hass.states.get("sensor.kitchen_multisensor_temperature").state == "21.5"  # type: ignore[union-attr]
    assert hass.states.get("binary_sensor.front_door_door").state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get("select.ezlo_plus_house_mode").state == "Home"  # type: ignore[union-attr]


async def test_recorded_hub_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = FIXTURES / "ezlopi-recorded-responses.json"
    if not path.is_file():
        pytest.skip("shared fixtures not present")
    async for world in start_world(recorded_house(path), monkeypatch):
        entry = await add_hub(hass, world)
        entries = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        summary = sorted((e.entity_id, e.unique_id, e.original_device_class) for e in entries)
        assert summary == snapshot
        recorded = json.loads(path.read_text(encoding="utf-8"))
        assert len(summary) >= len(recorded["hub.devices.list"]["result"]["devices"])
        await hass.config_entries.async_unload(entry.entry_id)


async def test_switch_round_trip(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    entity_id = "switch.living_room_lamp_switch"
    assert hass.states.get(entity_id).state == STATE_OFF  # type: ignore[union-attr]
    await call(hass, Platform.SWITCH, "turn_on", entity_id)
    await wait_for(hass, entity_id, STATE_ON)
    assert world.hub.house.item_by_name("Lamp switch", "switch")["value"] is True
    await call(hass, Platform.SWITCH, "turn_off", entity_id)
    await wait_for(hass, entity_id, STATE_OFF)
    world.hub.set_item_value(item_id(world, "Lamp switch", "switch"), True)
    await wait_for(hass, entity_id, STATE_ON)


async def test_an_item_update_writes_only_its_entities(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    writes: list[str] = []
    hass.bus.async_listen("state_changed", lambda event: writes.append(event.data["entity_id"]))
    world.hub.set_item_value(item_id(world, "Multisensor", "temp"), 23.0)
    await wait_for(hass, "sensor.kitchen_multisensor_temperature", "23.0")
    # The same value again writes nothing.
    world.hub.set_item_value(item_id(world, "Multisensor", "temp"), 23.0)
    world.hub.set_item_value(item_id(world, "Front door", "dw_state"), "dw_is_closed")
    await wait_for(hass, "binary_sensor.front_door_door", STATE_OFF)
    assert writes == ["sensor.kitchen_multisensor_temperature", "binary_sensor.front_door_door"]
    world.hub.set_item_value(item_id(world, "Front door", "dw_state"), "unknown")
    await wait_for(hass, "binary_sensor.front_door_door", STATE_UNKNOWN)


async def test_dimmer_and_colour_round_trip(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    dimmer = "light.living_room_ceiling_dimmer"
    state = hass.states.get(dimmer)
    assert state is not None
    assert state.attributes["brightness"] == 102  # 40 %
    await call(hass, Platform.LIGHT, "turn_on", dimmer, brightness=255)
    await wait_for(hass, dimmer, STATE_ON)
    house = world.hub.house
    assert house.item_by_name("Ceiling dimmer", "dimmer")["value"] == 100
    await call(hass, Platform.LIGHT, "turn_off", dimmer)
    await wait_for(hass, dimmer, STATE_OFF)
    bulb = "light.bedroom_color_bulb"
    await call(hass, Platform.LIGHT, "turn_on", bulb, rgb_color=[0, 0, 255], brightness=3)
    await wait_for(hass, bulb, STATE_ON)
    assert house.item_by_name("Color bulb", "rgbcolor")["value"] == {
        "red": 0,
        "green": 0,
        "blue": 255,
    }
    assert house.item_by_name("Color bulb", "dimmer")["value"] == 1
    assert house.item_by_name("Color bulb", "switch")["value"] is True


async def test_thermostat_round_trip(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    entity_id = "climate.living_room_thermostat"
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == HVACMode.HEAT
    assert state.attributes["temperature"] == 21.0
    assert state.attributes["current_temperature"] == 20.5
    assert state.attributes["hvac_action"] == HVACAction.HEATING
    assert state.attributes["fan_mode"] == "auto_low"
    await call(hass, Platform.CLIMATE, "set_temperature", entity_id, temperature=22.5)
    house = world.hub.house
    assert house.item_by_name("Thermostat", "thermostat_setpoint_heating")["value"] == 22.5
    await call(hass, Platform.CLIMATE, "set_hvac_mode", entity_id, hvac_mode=HVACMode.COOL)
    await wait_for(hass, entity_id, HVACMode.COOL)
    await call(hass, Platform.CLIMATE, "set_temperature", entity_id, temperature=24)
    assert house.item_by_name("Thermostat", "thermostat_setpoint_cooling")["value"] == 24
    await call(
        hass,
        Platform.CLIMATE,
        "set_temperature",
        entity_id,
        hvac_mode=HVACMode.HEAT_COOL,
        target_temp_low=19,
        target_temp_high=26,
    )
    await wait_for(hass, entity_id, HVACMode.HEAT_COOL)
    assert house.item_by_name("Thermostat", "thermostat_setpoint_heating")["value"] == 19
    assert house.item_by_name("Thermostat", "thermostat_setpoint_cooling")["value"] == 26
    await call(hass, Platform.CLIMATE, "set_fan_mode", entity_id, fan_mode="circulation")
    assert house.item_by_name("Thermostat", "thermostat_fan_mode")["value"] == "circulation"
    with pytest.raises(ServiceValidationError, match="cannot take that value"):
        # Within the heating range HA knows, below the cooling setpoint's own minimum.
        await call(
            hass,
            Platform.CLIMATE,
            "set_temperature",
            entity_id,
            target_temp_low=6,
            target_temp_high=8,
        )
    world.hub.set_item_value(item_id(world, "Thermostat", "thermostat_mode"), "off")
    await wait_for(hass, entity_id, HVACMode.OFF)


async def test_covers_lock_scene_and_house_mode(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    house = world.hub.house
    blind = "cover.living_room_living_blind"
    assert hass.states.get(blind).attributes["current_position"] == 100  # type: ignore[union-attr]
    await call(hass, Platform.COVER, "set_cover_position", blind, position=30)
    assert house.item_by_name("Living blind", "dimmer")["value"] == 30
    await call(hass, Platform.COVER, "close_cover", blind)
    assert house.item_by_name("Living blind", "shutter_command")["value"] == "close"
    await call(hass, Platform.COVER, "open_cover", blind)
    await call(hass, Platform.COVER, "stop_cover", blind)
    assert house.item_by_name("Living blind", "shutter_command")["value"] == "stop"
    world.hub.set_item_value(item_id(world, "Living blind", "shutter_state"), "closing")
    await wait_for(hass, blind, "closing")

    garage = "cover.garage_door"
    assert hass.states.get(garage).state == "closed"  # type: ignore[union-attr]
    await call(hass, Platform.COVER, "open_cover", garage)
    world.hub.set_item_value(item_id(world, "Garage door", "barrier_state"), "barrier_opened")
    await wait_for(hass, garage, "open")
    await call(hass, Platform.COVER, "close_cover", garage)
    assert house.item_by_name("Garage door", "barrier")["value"] == "barrier_closed"

    lock = "lock.front_lock"
    assert hass.states.get(lock).state == "locked"  # type: ignore[union-attr]
    await call(hass, Platform.LOCK, "unlock", lock)
    await wait_for(hass, lock, "unlocked")
    await call(hass, Platform.LOCK, "lock", lock)
    await wait_for(hass, lock, "locked")
    world.hub.set_item_value(item_id(world, "Front lock", "door_lock"), "unknown")
    await wait_for(hass, lock, STATE_UNKNOWN)

    await call(hass, Platform.SCENE, "turn_on", "scene.ezlo_plus_good_night")
    assert ("hub.scenes.run", {"sceneId": next(iter(house.scenes))}) in world.hub.requests

    mode = "select.ezlo_plus_house_mode"
    await call(hass, Platform.SELECT, "select_option", mode, option="Night")
    await wait_for(hass, mode, "Night")
    assert house.modes is not None
    assert house.modes["current"] == "3"


async def test_weather_station_gathers_its_items(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    stations = [state.entity_id for state in hass.states.async_all("weather")]
    assert len(stations) == 1
    station = stations[0]
    state = hass.states.get(station)
    assert state is not None
    assert state.state == STATE_UNKNOWN  # Ezlo reports no condition
    assert state.attributes["temperature"] == 7.5
    assert state.attributes["humidity"] == 81.0
    # Home Assistant converts from the items' scales (kPa, m/s) to the system's metric units.
    assert state.attributes["pressure"] == 1013.0
    assert state.attributes["pressure_unit"] == "hPa"
    assert state.attributes["wind_speed"] == pytest.approx(11.52)
    assert state.attributes["wind_speed_unit"] == "km/h"
    world.hub.set_item_value(item_id(world, "Weather station", "temp"), 9.0)
    async with asyncio.timeout(3):
        while hass.states.get(station).attributes["temperature"] != 9.0:  # type: ignore[union-attr]
            await asyncio.sleep(0.01)
