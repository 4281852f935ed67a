"""Vera entities against the simulated luup engine: what is created, and changes both ways."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from homeassistant.components.climate import HVACMode
from homeassistant.const import (
    STATE_CLOSED,
    STATE_OFF,
    STATE_ON,
    STATE_OPEN,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.vera.conftest import VeraWorld, add_vera, start_world, wait_for
from tests.simulators.vera_luup_house import demo_house, recorded_house

FIXTURE = (
    Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "vera" / "vera-ui7-sdata.json"
)


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    """Call an entity action and wait for it."""
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


def summary(hass: HomeAssistant, entry: HubRelayConfigEntry) -> list[tuple[object, ...]]:
    """What a snapshot pins: ids, unique ids, classes, units and the state right after setup."""
    rows = []
    for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        state = hass.states.get(e.entity_id)
        assert state is not None
        rows.append(
            (
                e.entity_id,
                e.unique_id,
                e.original_device_class,
                e.translation_key,
                e.entity_category,
                e.unit_of_measurement,
                state.state,
            )
        )
    return sorted(rows)


async def test_demo_vera_entities(
    hass: HomeAssistant,
    snapshot: SnapshotAssertion,
    world: VeraWorld,
    vera_entry: HubRelayConfigEntry,
) -> None:
    assert summary(hass, vera_entry) == snapshot
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{world.serial}_14"), vera_entry.entry_id
    )
    assert device is not None
    assert device.suggested_area == "Living"
    hub = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, world.serial), vera_entry.entry_id
    )
    assert hub is not None
    assert (hub.model, hub.sw_version) == ("MiCasaVerde VeraPlus", "1.7.5186")
    assert device.via_device_id == hub.id


async def test_recorded_vera_entities(
    hass: HomeAssistant, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not FIXTURE.is_file():
        pytest.skip("shared fixtures not present")
    house = recorded_house(json.loads(FIXTURE.read_text()))
    async for world in start_world(house, monkeypatch):
        entry = await add_vera(hass, world)
        assert entry.unique_id == "45200488"
        assert summary(hass, entry) == snapshot
        await hass.config_entries.async_unload(entry.entry_id)


async def test_switch_light_and_rgb_round_trips(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    await call(hass, "switch", "turn_on", "switch.hall_hall_switch")
    await wait_for(hass, "switch.hall_hall_switch", STATE_ON)
    await call(hass, "light", "turn_on", "light.living_living_dimmer", brightness=128)
    await wait_for(hass, "light.living_living_dimmer", STATE_ON)
    assert world.hub.house.devices[11]["level"] == "50"
    await call(hass, "light", "turn_off", "light.living_living_dimmer")
    await wait_for(hass, "light.living_living_dimmer", STATE_OFF)
    await call(hass, "light", "turn_on", "light.living_living_rgb_bulb", rgb_color=(255, 0, 0))
    await wait_for(hass, "light.living_living_rgb_bulb", STATE_ON)
    state = hass.states.get("light.living_living_rgb_bulb")
    assert state is not None
    assert state.attributes["rgb_color"] == (255, 0, 0)
    await call(hass, "light", "turn_on", "light.living_living_dimmer")
    await wait_for(hass, "light.living_living_dimmer", STATE_ON)


async def test_lock_cover_arm_and_scene_round_trips(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    await call(hass, "lock", "unlock", "lock.hall_front_door_lock")
    await wait_for(hass, "lock.hall_front_door_lock", "unlocked")
    await call(hass, "lock", "lock", "lock.hall_front_door_lock")
    await wait_for(hass, "lock.hall_front_door_lock", "locked")
    await call(hass, "cover", "open_cover", "cover.living_living_blind")
    await wait_for(hass, "cover.living_living_blind", STATE_OPEN)
    await call(hass, "cover", "set_cover_position", "cover.living_living_blind", position=30)
    await call(hass, "cover", "stop_cover", "cover.living_living_blind")
    await call(hass, "cover", "close_cover", "cover.living_living_blind")
    await wait_for(hass, "cover.living_living_blind", STATE_CLOSED)
    await call(hass, "switch", "turn_on", "switch.hall_front_door_armed")
    await wait_for(hass, "switch.hall_front_door_armed", STATE_ON)
    await call(hass, "switch", "turn_off", "switch.hall_front_door_armed")
    await wait_for(hass, "switch.hall_front_door_armed", STATE_OFF)
    await call(hass, "scene", "turn_on", "scene.vera_50012345_movie")
    assert any(action[2] == "RunScene" for action in world.hub.actions)
    assert [a[1].rsplit(":", 1)[-1] for a in world.hub.actions if a[0] == 24] == [
        "WindowCovering1",
        "Dimming1",
        "WindowCovering1",
        "WindowCovering1",
    ]


async def test_thermostat_shows_the_setpoint_of_its_mode(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    entity_id = "climate.living_living_thermostat"

    def attributes() -> dict[str, object]:
        state = hass.states.get(entity_id)
        assert state is not None
        return dict(state.attributes)

    assert attributes()["temperature"] == 21.0  # heating: the heat setpoint, never the cool one
    await call(hass, "climate", "set_hvac_mode", entity_id, hvac_mode=HVACMode.COOL)
    await wait_for(hass, entity_id, HVACMode.COOL)
    assert attributes()["temperature"] == 25.0
    await call(hass, "climate", "set_temperature", entity_id, temperature=24)
    await wait_for_attribute(hass, entity_id, "temperature", 24.0)
    assert world.hub.house.devices[14]["cool"] in {"24", "24.0"}
    await call(
        hass,
        "climate",
        "set_temperature",
        entity_id,
        hvac_mode=HVACMode.HEAT_COOL,
        target_temp_low=19,
        target_temp_high=26,
    )
    await wait_for(hass, entity_id, HVACMode.HEAT_COOL)
    await wait_for_attribute(hass, entity_id, "target_temp_high", 26.0)
    assert attributes()["target_temp_low"] == 19.0
    await call(hass, "climate", "set_fan_mode", entity_id, fan_mode="on")
    await wait_for_attribute(hass, entity_id, "fan_mode", "on")
    await call(hass, "climate", "turn_off", entity_id)
    await wait_for(hass, entity_id, HVACMode.OFF)
    await call(hass, "climate", "turn_on", entity_id)
    await wait_for(hass, entity_id, HVACMode.HEAT)


async def wait_for_attribute(
    hass: HomeAssistant, entity_id: str, name: str, expected: object
) -> None:
    """Wait until an attribute shows `expected`."""
    for _ in range(300):
        state = hass.states.get(entity_id)
        if state is not None and state.attributes.get(name) == expected:
            return
        await hass.async_block_till_done()
        await asyncio.sleep(0.01)
    raise AssertionError(f"{entity_id}.{name} never became {expected!r}")


async def test_a_device_change_the_sensor_does_not_show_writes_nothing(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    sensor = "sensor.living_living_temperature_temperature"
    writes: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: writes.append(event.data["entity_id"])
        if event.data["entity_id"] == sensor
        else None,
    )
    world.hub.set_device(15, comment="calibrating")  # a new device record, the same temperature
    world.hub.set_device(20, tripped="1")  # after the comment, in the same or a later answer
    await wait_for(hass, "binary_sensor.hall_front_door", STATE_ON)
    assert writes == []
    world.hub.set_device(15, temperature="22.5")
    await wait_for(hass, sensor, "22.5")
    assert writes == [sensor]


async def test_hub_changes_reach_only_their_entities(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    power = hass.states.get("sensor.hall_hall_switch_power")
    assert power is not None
    world.hub.set_device(20, tripped="1")
    await wait_for(hass, "binary_sensor.hall_front_door", STATE_ON)
    world.hub.set_device(15, temperature="22.5")
    await wait_for(hass, "sensor.living_living_temperature_temperature", "22.5")
    world.hub.press_scene_controller(25, 3)
    await wait_for(hass, "sensor.hall_hall_scene_controller_last_scene", "3.0")
    world.hub.set_device(10, status="1")
    await wait_for(hass, "switch.hall_hall_switch", STATE_ON)
    # The switch's power sensor did not change, so it was not written again.
    after = hass.states.get("sensor.hall_hall_switch_power")
    assert after is not None
    assert after.last_updated == power.last_updated
    world.hub.set_device(13, commFailure="1")
    await wait_for(hass, "lock.hall_front_door_lock", STATE_UNAVAILABLE)
    await wait_for(hass, "sensor.hall_front_door_lock_battery", STATE_UNAVAILABLE)
    assert hass.states.get("switch.hall_hall_switch").state == STATE_ON  # type: ignore[union-attr]
    world.hub.set_device(13, commFailure="0")
    await wait_for(hass, "lock.hall_front_door_lock", "locked")


async def test_fahrenheit_controller(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    house = demo_house()
    house.temperature_unit = "F"
    house.devices[15]["temperature"] = "70.3"
    async for world in start_world(house, monkeypatch):
        entry = await add_vera(hass, world)
        state = hass.states.get("sensor.living_living_temperature_temperature")
        assert state is not None
        # Home Assistant shows it in the system's unit (metric in tests): 70.3 °F is 21.3 °C.
        assert round(float(state.state), 1) == 21.3
        climate = hass.states.get("climate.living_living_thermostat")
        assert climate is not None
        assert climate.attributes["current_temperature"] == pytest.approx(-6.4, abs=0.1)
        await call(hass, "switch", "turn_on", "switch.hall_hall_switch")
        await wait_for(hass, "switch.hall_hall_switch", STATE_ON)
        await call(hass, "switch", "turn_off", "switch.hall_hall_switch")
        await wait_for(hass, "switch.hall_hall_switch", STATE_OFF)
        await hass.config_entries.async_unload(entry.entry_id)
