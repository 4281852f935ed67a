"""Sauna and pool controllers against the simulator."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from homeassistant.components.climate import HVACAction, HVACMode
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import add_miniserver, control, state_uuid, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator

SAUNA = "climate.garden_sauna"
POOL = "climate.garden_pool"


async def call(hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


def last_command(simulator: MiniserverSimulator, name: str) -> str:
    action = control(name)["uuidAction"]
    return next(cmd for uuid, cmd in reversed(simulator.commands) if uuid == action)


def attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


async def wait_for_attribute(hass: HomeAssistant, entity_id: str, name: str, value: Any) -> None:
    async with asyncio.timeout(3.0):
        while attribute(hass, entity_id, name) != value:
            await asyncio.sleep(0.01)


async def test_sauna(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, SAUNA, HVACMode.OFF)
    assert attribute(hass, SAUNA, "hvac_action") == HVACAction.OFF
    assert (
        attribute(hass, SAUNA, "current_temperature"),
        attribute(hass, SAUNA, "temperature"),
    ) == (
        24.0,
        85.0,
    )
    assert attribute(hass, SAUNA, "preset_mode") == "finnish_manual"
    assert (attribute(hass, SAUNA, "current_humidity"), attribute(hass, SAUNA, "humidity")) == (
        12.0,
        40.0,
    )
    await call(hass, "climate", "turn_on", SAUNA)
    assert last_command(miniserver, "Sauna") == "on"
    await wait_for_state(hass, SAUNA, HVACMode.HEAT)
    assert attribute(hass, SAUNA, "hvac_action") == HVACAction.HEATING
    miniserver.set_value(state_uuid("Sauna", "power"), 0.0)  # at temperature
    await wait_for_attribute(hass, SAUNA, "hvac_action", HVACAction.IDLE)

    await call(hass, "climate", "set_temperature", SAUNA, temperature=90)
    assert last_command(miniserver, "Sauna") == "temp/90"
    await call(hass, "climate", "set_humidity", SAUNA, humidity=55)
    assert last_command(miniserver, "Sauna") == "humidity/55"
    await call(hass, "climate", "set_preset_mode", SAUNA, preset_mode="herbal")
    assert last_command(miniserver, "Sauna") == "mode/4"
    await wait_for_attribute(hass, SAUNA, "preset_mode", "herbal")
    assert (attribute(hass, SAUNA, "temperature"), attribute(hass, SAUNA, "humidity")) == (90, 55)

    await call(hass, "switch", "turn_on", "switch.garden_sauna_fan")
    assert last_command(miniserver, "Sauna") == "fanon"
    await wait_for_state(hass, "switch.garden_sauna_fan", STATE_ON)
    await call(hass, "switch", "turn_off", "switch.garden_sauna_fan")
    assert last_command(miniserver, "Sauna") == "fanoff"
    await call(hass, "button", "press", "button.garden_sauna_start_timer")
    assert last_command(miniserver, "Sauna") == "starttimer"
    await call(hass, "climate", "set_hvac_mode", SAUNA, hvac_mode=HVACMode.OFF)
    assert last_command(miniserver, "Sauna") == "off"
    await wait_for_state(hass, SAUNA, HVACMode.OFF)
    await call(hass, "climate", "set_temperature", SAUNA, temperature=80, hvac_mode=HVACMode.HEAT)
    assert last_command(miniserver, "Sauna") == "ontemp/80"
    await wait_for_state(hass, SAUNA, HVACMode.HEAT)
    await call(hass, "climate", "turn_off", SAUNA)
    await wait_for_state(hass, SAUNA, HVACMode.OFF)

    assert hass.states.get("sensor.garden_sauna_bench_temperature").state == "22.5"  # type: ignore[union-attr]
    door = "binary_sensor.garden_sauna_door"
    assert hass.states.get(door).state == STATE_OFF  # type: ignore[union-attr]
    miniserver.set_value(state_uuid("Sauna", "doorClosed"), 0.0)
    await wait_for_state(hass, door, STATE_ON)
    miniserver.set_value(state_uuid("Sauna", "lessWater"), 1.0)
    await wait_for_state(hass, "binary_sensor.garden_sauna_water_low", STATE_ON)


async def test_pool(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, POOL, HVACMode.AUTO)
    assert attribute(hass, POOL, "hvac_modes") == ["off", "auto", "heat"]  # no cooling output
    assert (attribute(hass, POOL, "current_temperature"), attribute(hass, POOL, "temperature")) == (
        24.5,
        27.0,
    )
    await call(hass, "climate", "set_temperature", POOL, temperature=28.5, hvac_mode=HVACMode.HEAT)
    assert miniserver.commands[-2:] == [
        (control("Pool")["uuidAction"], "tempMode/2"),
        (control("Pool")["uuidAction"], "targetTemp/28.5"),
    ]
    await wait_for_state(hass, POOL, HVACMode.HEAT)
    await call(hass, "climate", "set_hvac_mode", POOL, hvac_mode=HVACMode.OFF)
    assert last_command(miniserver, "Pool") == "tempMode/0"
    await wait_for_state(hass, POOL, HVACMode.OFF)

    pump = "switch.garden_pool_pump"
    assert hass.states.get(pump).state == STATE_ON  # type: ignore[union-attr]
    await call(hass, "switch", "turn_off", pump)
    assert last_command(miniserver, "Pool") == "pump/0"
    await wait_for_state(hass, pump, STATE_OFF)
    await call(hass, "switch", "turn_off", "switch.garden_pool_heating_approved")
    assert last_command(miniserver, "Pool") == "approveHeating/0"
    await wait_for_state(hass, "switch.garden_pool_heating_approved", STATE_OFF)

    cycle = "sensor.garden_pool_cycle"
    assert hass.states.get(cycle).state == "none"  # type: ignore[union-attr]
    for button, command, shown in (
        ("filter", "filter", "filter"),
        ("backwash", "backwash", "flushing"),
        ("circulate", "circulate", "circulate"),
        ("drain", "drain", "drain"),
    ):
        await call(hass, "button", "press", f"button.garden_pool_{button}")
        assert last_command(miniserver, "Pool") == command
        await wait_for_state(hass, cycle, shown)
    await wait_for_state(hass, "sensor.garden_pool_cycle_remaining", "1800.0")
    water = hass.states.get("sensor.garden_pool_water_level")
    assert water is not None
    assert (water.state, water.attributes["unit_of_measurement"]) == ("118.0", "cm")

    error = "binary_sensor.garden_pool_error"
    miniserver.set_value(state_uuid("Pool", "error"), 1.0)  # there was an error: not now
    miniserver.set_value(state_uuid("Pool", "error"), 2.0)
    await wait_for_state(hass, error, STATE_ON)
    await call(hass, "button", "press", "button.garden_pool_acknowledge_error")
    assert last_command(miniserver, "Pool") == "ackError"
    await wait_for_state(hass, error, STATE_OFF)


async def test_sauna_without_evaporator_and_pool_with_cooling(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    controls = {c["name"]: c for c in structure["controls"].values()}
    controls["Sauna"]["details"] = {"hasVaporizer": False, "hasDoorSensor": False}
    controls["Pool"]["details"] = controls["Pool"]["details"] | {"hasCooling": True}
    del controls["Pool"]["states"]["error"]  # a block without the state: its flag stays unknown
    async with MiniserverSimulator(structure=structure) as simulator:
        entry = await add_miniserver(hass, simulator)
        ids = {
            e.entity_id for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        }
        assert "binary_sensor.garden_sauna_water_low" not in ids
        assert "binary_sensor.garden_sauna_door" not in ids
        await wait_for_state(hass, SAUNA, HVACMode.OFF)
        assert attribute(hass, SAUNA, "preset_modes") is None
        assert attribute(hass, SAUNA, "humidity") is None
        action = control("Sauna")["uuidAction"]
        await call(hass, "climate", "set_temperature", SAUNA, temperature=70, hvac_mode="off")
        assert simulator.commands[-2:] == [(action, "off"), (action, "temp/70")]

        assert attribute(hass, POOL, "hvac_modes") == ["off", "auto", "heat", "cool"]
        await call(hass, "climate", "set_hvac_mode", POOL, hvac_mode=HVACMode.COOL)
        assert simulator.commands[-1] == (control("Pool")["uuidAction"], "tempMode/3")
        await wait_for_state(hass, POOL, HVACMode.COOL)
        await call(hass, "climate", "set_temperature", POOL, temperature=26)
        assert simulator.commands[-1] == (control("Pool")["uuidAction"], "targetTemp/26")
        assert hass.states.get("binary_sensor.garden_pool_error").state == STATE_UNKNOWN  # type: ignore[union-attr]
        await hass.config_entries.async_unload(entry.entry_id)
