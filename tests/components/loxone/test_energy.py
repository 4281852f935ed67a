"""Energy controls against the simulator: managers, flow monitor, inverter, supply, wallboxes."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import add_miniserver, control, state_uuid, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE, uid
from tests.simulators.miniserver import MiniserverSimulator


async def call(hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


def last_command(simulator: MiniserverSimulator, name: str) -> str:
    action = control(name)["uuidAction"]
    return next(cmd for uuid, cmd in reversed(simulator.commands) if uuid == action)


def state_of(hass: HomeAssistant, entity_id: str) -> tuple[str, str | None, str | None]:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return (
        state.state,
        state.attributes.get(ATTR_UNIT_OF_MEASUREMENT),
        state.attributes.get("device_class"),
    )


async def test_energy_manager_gen2(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_energy_manager"
    assert state_of(hass, f"sensor.{base}_grid_power") == ("-1.6", "kW", "power")
    assert state_of(hass, f"sensor.{base}_production_power") == ("5.4", "kW", "power")
    assert state_of(hass, f"sensor.{base}_storage_power") == ("-0.8", "kW", "power")
    assert state_of(hass, f"sensor.{base}_state_of_charge") == ("62.0", "%", "battery")
    # One power sensor per load in the manager's `loads` list, named as the manager names it.
    assert state_of(hass, f"sensor.{base}_heat_pump_power") == ("2.1", "kW", "power")
    assert state_of(hass, f"sensor.{base}_pool_pump_power")[0] == "0.0"

    miniserver.set_value(state_uuid("Energy manager", "Gpwr"), 2.25)
    await wait_for_state(hass, f"sensor.{base}_grid_power", "2.25")

    await call(hass, "number", "set_value", f"number.{base}_minimum_state_of_charge", value=25)
    assert last_command(miniserver, "Energy manager") == "setMinSoc/25"
    await wait_for_state(hass, f"number.{base}_minimum_state_of_charge", "25.0")
    await call(hass, "number", "set_value", f"number.{base}_maximum_storage_power", value=3.5)
    assert last_command(miniserver, "Energy manager") == "setMaxSpwr/3.5"
    await wait_for_state(hass, f"number.{base}_maximum_storage_power", "3.5")

    # A load added to the manager's list gets its sensor while the entry runs.
    loads = json.loads(miniserver.texts[state_uuid("Energy manager", "loads")])
    loads.append(loads[1] | {"uuid": uid("garage.energy_manager.load.sauna"), "name": "Sauna"})
    loads[-1]["pwr"] = 6.0
    miniserver.set_text(state_uuid("Energy manager", "loads"), json.dumps(loads))
    await wait_for_state(hass, f"sensor.{base}_sauna_power", "6.0")


async def test_energy_manager_gen2_locked_parameters_are_not_offered(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    structure = _demo_with(
        "Energy manager", details={"MinSocLocked": True, "MaxSpwrLocked": True, "HasSsoc": False}
    )
    async with MiniserverSimulator(structure=structure) as simulator:
        entry = await _add(hass, simulator)
        ids = {e.entity_id for e in er.async_entries_for_config_entry(entity_registry, entry)}
        assert "sensor.garage_energy_manager_grid_power" in ids
        assert "sensor.garage_energy_manager_state_of_charge" not in ids
        assert not any(i.startswith("number.garage_energy_manager") for i in ids)
        await hass.config_entries.async_unload(entry)


async def test_energy_manager_gen1(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_surplus_manager"
    assert state_of(hass, f"sensor.{base}_power") == ("2.5", "kW", "power")
    assert state_of(hass, f"sensor.{base}_state_of_charge") == ("80.0", "%", "battery")
    assert hass.states.get(f"switch.{base}_boiler").state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(f"switch.{base}_dryer").state == STATE_OFF  # type: ignore[union-attr]
    await call(hass, "switch", "turn_on", f"switch.{base}_dryer")
    assert last_command(miniserver, "Surplus manager") == "turnOn/1"
    await wait_for_state(hass, f"switch.{base}_dryer", STATE_ON)
    await call(hass, "switch", "turn_off", f"switch.{base}_boiler")
    assert last_command(miniserver, "Surplus manager") == "turnOff/0"
    await wait_for_state(hass, f"switch.{base}_boiler", STATE_OFF)


async def test_energy_flow_monitor(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_energy_flow"
    assert state_of(hass, f"sensor.{base}_grid_power") == ("-1.6", "kW", "power")
    assert state_of(hass, f"sensor.{base}_production_power") == ("5.4", "kW", "power")
    assert state_of(hass, f"sensor.{base}_storage_power") == ("-0.8", "kW", "power")
    # Root nodes with a live state of their own, except grid/production/storage (shown above).
    assert state_of(hass, f"sensor.{base}_heat_pump_power") == ("1.2", "kW", "power")
    assert state_of(hass, f"sensor.{base}_car_power") == ("3.7", "kW", "power")
    assert hass.states.get(f"sensor.{base}_grid_power_2") is None
    assert hass.states.get(f"sensor.{base}_house_power") is None
    miniserver.set_value(state_uuid("Energy flow", "actual2"), 11.0)
    await wait_for_state(hass, f"sensor.{base}_car_power", "11.0")


async def test_fronius(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_solar_inverter"
    assert state_of(hass, f"sensor.{base}_production_power") == ("5.4", "kW", "power")
    assert state_of(hass, f"sensor.{base}_consumption_power") == ("3.0", "kW", "power")
    assert state_of(hass, f"sensor.{base}_grid_power") == ("-1.6", "kW", "power")
    assert state_of(hass, f"sensor.{base}_storage_power") == ("-0.8", "kW", "power")
    assert state_of(hass, f"sensor.{base}_state_of_charge") == ("62.0", "%", "battery")
    assert state_of(hass, f"sensor.{base}_production_energy") == ("24133.7", "kWh", "energy")
    assert state_of(hass, f"sensor.{base}_production_energy_today") == ("18.2", "kWh", "energy")
    assert state_of(hass, f"sensor.{base}_consumption_energy_today") == ("11.9", "kWh", "energy")
    assert hass.states.get(f"binary_sensor.{base}_connectivity").state == STATE_ON  # type: ignore[union-attr]
    miniserver.set_value(state_uuid("Solar inverter", "online"), 1.0)  # 1 = offline
    await wait_for_state(hass, f"binary_sensor.{base}_connectivity", STATE_OFF)


async def test_power_supply(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_power_supply"
    assert state_of(hass, f"sensor.{base}_output_power") == ("0.42", "kW", "power")
    # Only the outputs that have a name in Loxone Config.
    assert state_of(hass, f"sensor.{base}_lights_1_power") == ("0.12", "kW", "power")
    assert state_of(hass, f"sensor.{base}_heating_3_power") == ("0.3", "kW", "power")
    assert hass.states.get(f"sensor.{base}_cp2_power") is None
    assert state_of(hass, f"sensor.{base}_state_of_charge") == ("97.0", "%", "battery")
    assert hass.states.get(f"sensor.{base}_backup_supply_end").state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert hass.states.get(f"binary_sensor.{base}_backup_mode").state == STATE_OFF  # type: ignore[union-attr]
    assert hass.states.get(f"binary_sensor.{base}_fuse_tripped").state == STATE_OFF  # type: ignore[union-attr]
    miniserver.set_value(state_uuid("Power supply", "deviceInfo"), 0x01 | 0x10)
    miniserver.set_value(state_uuid("Power supply", "fuse"), 0x04)
    miniserver.set_value(state_uuid("Power supply", "supplyTimeRemaining"), 1_800_000_000)
    await wait_for_state(hass, f"binary_sensor.{base}_backup_mode", STATE_ON)
    await wait_for_state(hass, f"binary_sensor.{base}_fuse_tripped", STATE_ON)
    await wait_for_state(hass, f"sensor.{base}_backup_supply_end", "2027-01-15T08:00:00+00:00")
    miniserver.set_value(state_uuid("Power supply", "deviceInfo"), 0x10)  # battery test only
    await wait_for_state(hass, f"binary_sensor.{base}_backup_mode", STATE_OFF)


async def test_wallbox_gen2(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_wallbox"
    assert state_of(hass, f"sensor.{base}_power") == ("3.7", "kW", "power")
    assert state_of(hass, f"sensor.{base}_energy") == ("1523.4", "kWh", "energy")
    assert state_of(hass, f"sensor.{base}_session_energy") == ("7.4", "kWh", "energy")
    assert hass.states.get(f"binary_sensor.{base}_vehicle_connected").state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(f"binary_sensor.{base}_charging_active").state == STATE_ON  # type: ignore[union-attr]

    switch = f"switch.{base}_charging"
    assert hass.states.get(switch).state == STATE_ON  # type: ignore[union-attr]
    await call(hass, "switch", "turn_off", switch)
    assert last_command(miniserver, "Wallbox") == "allow/off"
    await wait_for_state(hass, switch, STATE_OFF)
    await call(hass, "switch", "turn_on", switch)
    assert last_command(miniserver, "Wallbox") == "allow/on"
    await wait_for_state(hass, switch, STATE_ON)

    mode = f"select.{base}_charging_mode"
    state = hass.states.get(mode)
    assert state is not None
    assert state.state == "Solar only"
    assert state.attributes["options"] == [
        "Solar only",
        "Fast",
        "manual",
    ]  # unnamed mode 3 left out
    await call(hass, "select", "select_option", mode, option="Fast")
    assert last_command(miniserver, "Wallbox") == "setmode/2"
    await wait_for_state(hass, mode, "Fast")

    limit = f"number.{base}_charging_limit"
    state = hass.states.get(limit)
    assert state is not None
    assert (state.attributes["min"], state.attributes["max"]) == (1.4, 11.0)
    await call(hass, "number", "set_value", limit, value=7.2)
    assert last_command(miniserver, "Wallbox") == "manualLimit/7.2"
    await wait_for_state(hass, limit, "7.2")
    await wait_for_state(hass, mode, "manual")  # a manual limit switches to the manual mode

    unplug = f"select.{base}_mode_after_unplugging"
    await wait_for_state(hass, unplug, "keep")
    await call(hass, "select", "select_option", unplug, option="Solar only")
    assert last_command(miniserver, "Wallbox") == "modeUnplug/1"
    await wait_for_state(hass, unplug, "Solar only")

    session = {"connect": 1764680000, "energy": 0.3, "power": 7.2}
    miniserver.set_text(state_uuid("Wallbox", "session"), json.dumps(session))
    await wait_for_state(hass, f"sensor.{base}_session_energy", "0.3")
    miniserver.set_text(state_uuid("Wallbox", "session"), "{}")  # no car, no session
    await wait_for_state(hass, f"sensor.{base}_session_energy", STATE_UNKNOWN)


async def test_car_charger_gen1(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    base = "garage_old_charger"
    assert state_of(hass, f"sensor.{base}_power") == ("0.0", "kW", "power")
    assert state_of(hass, f"sensor.{base}_session_energy") == ("4.2", "kWh", "energy")
    assert state_of(hass, f"sensor.{base}_charging_duration")[1:] == ("s", "duration")
    assert hass.states.get(f"binary_sensor.{base}_vehicle_connected").state == STATE_ON  # type: ignore[union-attr]

    switch = f"switch.{base}_charging"
    await call(hass, "switch", "turn_on", switch)
    assert last_command(miniserver, "Old charger") == "charge/on"
    await wait_for_state(hass, switch, STATE_ON)
    await call(hass, "switch", "turn_off", switch)
    assert last_command(miniserver, "Old charger") == "charge/off"
    await wait_for_state(hass, switch, STATE_OFF)

    mode = f"select.{base}_limit_mode"
    assert hass.states.get(mode).state == "manual"  # type: ignore[union-attr]
    await call(hass, "select", "select_option", mode, option="automatic")
    assert last_command(miniserver, "Old charger") == "limitMode/2"
    await wait_for_state(hass, mode, "automatic")

    limit = f"number.{base}_charging_limit"
    state = hass.states.get(limit)
    assert state is not None
    assert (state.state, state.attributes["min"], state.attributes["max"]) == ("7.0", 1.4, 11.0)
    await call(hass, "number", "set_value", limit, value=3.6)
    assert last_command(miniserver, "Old charger") == "limit/3.6"
    await wait_for_state(hass, limit, "3.6")
    # The Gen. 1 block reports its range live.
    miniserver.set_value(state_uuid("Old charger", "maxLimit"), 22.0)
    await wait_for_state(hass, limit, "3.6")
    async with asyncio.timeout(3.0):
        while hass.states.get(limit).attributes["max"] != 22.0:  # type: ignore[union-attr]
            await asyncio.sleep(0.01)


def _demo_with(name: str, *, details: dict[str, Any]) -> dict[str, Any]:
    """The demo house with more details on one control."""
    structure = copy.deepcopy(DEMO_HOUSE)
    target = next(c for c in structure["controls"].values() if c["name"] == name)
    target["details"] = target.get("details", {}) | details
    return structure


async def _add(hass: HomeAssistant, simulator: MiniserverSimulator) -> str:
    entry = await add_miniserver(hass, simulator)
    return entry.entry_id
