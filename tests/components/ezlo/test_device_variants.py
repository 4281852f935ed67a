"""Ezlo devices with fewer items than the demo's: each entity offers only what its items allow.

Real hubs carry thermostats without a mode item, dimmers without a switch item, plain on/off
lights, blinds with only a position or only a command, and garage doors whose state item says
``unknown``. These are added to the demo hub the way a hub reports them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from homeassistant.components.climate import ClimateEntityFeature, HVACMode
from homeassistant.components.cover import CoverEntityFeature
from homeassistant.components.light import ColorMode
from homeassistant.const import (
    STATE_CLOSED,
    STATE_OFF,
    STATE_ON,
    STATE_OPEN,
    STATE_OPENING,
    Platform,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.ezlo.conftest import EzloWorld, add_hub, start_world, wait_for
from tests.simulators.ezlo_hub_house import HubHouse, demo_house


def variants_house() -> tuple[HubHouse, dict[str, str]]:
    """The demo house plus one device of each reduced shape; returns it and name → device id."""
    house = demo_house()
    ids: dict[str, str] = {}

    cooler = ids["cooler"] = house.add_device("Cooler", "hvac", "hvac", "thermostat")
    house.add_item(cooler, "temp", "temperature", 77.0, scale="fahrenheit")
    house.add_item(
        cooler, "thermostat_setpoint_cooling", "temperature", 75.0, setter=True, scale="fahrenheit"
    )
    modes = ids["modes"] = house.add_device("Mode panel", "hvac", "hvac", "thermostat")
    house.add_item(modes, "thermostat_mode", "token", "heat", setter=True, enum=["heat", "cool"])
    radiator = ids["radiator"] = house.add_device("Radiator", "hvac", "hvac", "thermostat")
    house.add_item(radiator, "thermostat_mode", "token", "heat", setter=True, enum=["off", "heat"])
    house.add_item(
        radiator,
        "thermostat_setpoint",
        "temperature",
        20.0,
        setter=True,
        scale="celsius",
        minValue=5,
        maxValue=28,
    )

    porch = ids["porch"] = house.add_device("Porch light", "switch", "", "light.onoff")
    house.add_item(porch, "switch", "bool", False, setter=True)
    fader = ids["fader"] = house.add_device("Fader", "dimmable_light", "", "dimmer.plugin")
    house.add_item(fader, "dimmer", "int", 0, setter=True, minValue=0, maxValue=100)
    lamp = ids["readonly"] = house.add_device("Read-only lamp", "dimmable_light", "", "light.x")
    house.add_item(lamp, "switch", "bool", True)

    shade = ids["shade"] = house.add_device("Shade", "window_cov", "window_cov", "shutter.roller")
    house.add_item(shade, "dimmer", "int", 0, setter=True, minValue=0, maxValue=100)
    roller = ids["roller"] = house.add_device(
        "Roller", "window_cov", "window_cov", "shutter.roller"
    )
    house.add_item(
        roller, "shutter_command", "token", "stop", setter=True, enum=["open", "close", "stop"]
    )
    return house, ids


@pytest.fixture
async def variants(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]]:
    house, ids = variants_house()
    async for world in start_world(house, monkeypatch):
        entry = await add_hub(hass, world)
        yield world, entry, ids
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


def entity_of(hass: HomeAssistant, world: EzloWorld, domain: str, device_id: str) -> str:
    """The entity id of a device's entity on one platform, found by its unique id."""
    registry = er.async_get(hass)
    (entity_id,) = [
        e.entity_id
        for e in registry.entities.values()
        if e.platform == DOMAIN
        and e.domain == domain
        and e.unique_id.startswith(f"{world.serial}_{device_id}_")
    ]
    return entity_id


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


async def test_thermostat_without_a_mode_item_cools_only(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, ids = variants
    entity_id = entity_of(hass, world, "climate", ids["cooler"])
    state = state_of(hass, entity_id)
    assert state.state == HVACMode.COOL
    assert state.attributes["hvac_modes"] == [HVACMode.COOL]
    assert state.attributes["supported_features"] == ClimateEntityFeature.TARGET_TEMPERATURE
    # Home Assistant shows °C here; the thermostat reports °F.
    assert hass.config.units.temperature_unit == UnitOfTemperature.CELSIUS
    assert state.attributes["temperature"] == pytest.approx(23.9, abs=0.1)
    await call(hass, Platform.CLIMATE, "set_temperature", entity_id, temperature=25)
    assert world.hub.house.item_by_name("Cooler", "thermostat_setpoint_cooling")["value"] == 77


async def test_thermostat_with_only_a_mode_has_no_setpoint(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, ids = variants
    entity_id = entity_of(hass, world, "climate", ids["modes"])
    state = state_of(hass, entity_id)
    assert state.state == HVACMode.HEAT
    assert state.attributes["hvac_modes"] == [HVACMode.HEAT, HVACMode.COOL]
    assert state.attributes["supported_features"] == 0
    await call(hass, Platform.CLIMATE, "set_hvac_mode", entity_id, hvac_mode=HVACMode.COOL)
    await wait_for(hass, entity_id, HVACMode.COOL)


async def test_thermostat_with_one_setpoint_for_every_mode(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, ids = variants
    entity_id = entity_of(hass, world, "climate", ids["radiator"])
    state = state_of(hass, entity_id)
    assert state.attributes["hvac_modes"] == [HVACMode.OFF, HVACMode.HEAT]
    assert state.attributes["temperature"] == 20
    assert (state.attributes["min_temp"], state.attributes["max_temp"]) == (5, 28)
    await call(hass, Platform.CLIMATE, "set_temperature", entity_id, temperature=21.5)
    assert world.hub.house.item_by_name("Radiator", "thermostat_setpoint")["value"] == 21.5
    await call(hass, Platform.CLIMATE, "turn_off", entity_id)
    await wait_for(hass, entity_id, HVACMode.OFF)


async def test_on_off_light_and_dimmer_without_a_switch(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, ids = variants
    house = world.hub.house
    porch = entity_of(hass, world, "light", ids["porch"])
    assert state_of(hass, porch).attributes["supported_color_modes"] == [ColorMode.ONOFF]
    await call(hass, Platform.LIGHT, "turn_on", porch)
    await wait_for(hass, porch, STATE_ON)
    assert house.item_by_name("Porch light", "switch")["value"] is True

    fader = entity_of(hass, world, "light", ids["fader"])
    state = state_of(hass, fader)
    assert state.state == STATE_OFF
    assert state.attributes["supported_color_modes"] == [ColorMode.BRIGHTNESS]
    await call(hass, Platform.LIGHT, "turn_on", fader)  # no switch item: the dimmer to its top
    await wait_for(hass, fader, STATE_ON)
    assert house.item_by_name("Fader", "dimmer")["value"] == 100
    await call(hass, Platform.LIGHT, "turn_off", fader)  # and to its bottom
    await wait_for(hass, fader, STATE_OFF)
    assert house.item_by_name("Fader", "dimmer")["value"] == 0


async def test_a_light_nothing_can_switch_is_not_a_light(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, ids = variants
    registry = er.async_get(hass)
    lights = [
        e
        for e in registry.entities.values()
        if e.domain == "light" and ids["readonly"] in e.unique_id
    ]
    assert lights == []
    assert entity_of(hass, world, "light", ids["porch"])  # the same shape with a setter is one


async def test_blinds_with_only_a_position_or_only_a_command(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, ids = variants
    house = world.hub.house
    shade = entity_of(hass, world, "cover", ids["shade"])
    features = state_of(hass, shade).attributes["supported_features"]
    assert features & CoverEntityFeature.SET_POSITION
    assert not features & CoverEntityFeature.STOP
    await call(hass, Platform.COVER, "open_cover", shade)  # no command item: position 100
    await wait_for(hass, shade, STATE_OPEN)
    assert house.item_by_name("Shade", "dimmer")["value"] == 100

    roller = entity_of(hass, world, "cover", ids["roller"])
    features = state_of(hass, roller).attributes["supported_features"]
    assert features & CoverEntityFeature.STOP
    assert not features & CoverEntityFeature.SET_POSITION
    await call(hass, Platform.COVER, "close_cover", roller)
    assert house.item_by_name("Roller", "shutter_command")["value"] == "close"


async def test_garage_door_state_unknown_falls_back_to_the_command_item(
    hass: HomeAssistant, variants: tuple[EzloWorld, HubRelayConfigEntry, dict[str, str]]
) -> None:
    world, _, _ = variants
    house = world.hub.house
    garage = "cover.garage_door"
    assert state_of(hass, garage).state == STATE_CLOSED
    state_item = house.item_by_name("Garage door", "barrier_state")["_id"]
    world.hub.set_item_value(house.item_by_name("Garage door", "barrier")["_id"], "barrier_opening")
    world.hub.set_item_value(state_item, "unknown")
    await wait_for(hass, garage, STATE_OPENING)
