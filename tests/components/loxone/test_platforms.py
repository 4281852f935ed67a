"""Every mapped control type: the state Home Assistant shows and the command it sends."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.hubrelay.const import CONF_VISU_PASSWORD
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import coordinator as coordinator_module
from custom_components.hubrelay.loxone.formats import MAX_PRECISION
from tests.components.loxone.conftest import (
    FAST,
    add_miniserver,
    control,
    state_uuid,
    wait_for_state,
)
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "loxone"


async def call(hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


def last_command(simulator: MiniserverSimulator, name: str) -> str:
    action = control(name)["uuidAction"]
    return next(cmd for uuid, cmd in reversed(simulator.commands) if uuid == action)


async def test_timed_switch(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "switch.hall_stair_light"
    await call(hass, "switch", "turn_on", entity)
    assert last_command(miniserver, "Stair light") == "pulse"
    miniserver.set_value(state_uuid("Stair light", "deactivationDelay"), -1.0)
    await wait_for_state(hass, entity, STATE_ON)
    await call(hass, "switch", "turn_off", entity)
    assert last_command(miniserver, "Stair light") == "off"
    miniserver.set_value(state_uuid("Stair light", "deactivationDelay"), 0.0)
    await wait_for_state(hass, entity, STATE_OFF)


async def test_pushbutton(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await call(hass, "button", "press", "button.garage_garage_door_button")
    assert last_command(miniserver, "Garage door button") == "pulse"


async def test_dimmer_respects_min_max_and_step(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "light.kitchen_kitchen_spots"
    for state, value in (("min", 20.0), ("max", 80.0), ("step", 5.0), ("position", 50.0)):
        miniserver.set_value(state_uuid("Kitchen spots", state), value)
    await wait_for_state(hass, entity, STATE_ON)
    state = hass.states.get(entity)
    assert state is not None
    assert state.attributes["brightness"] == 128  # 50 is half-way between 20 and 80
    await call(hass, "light", "turn_on", entity, brightness=255)
    assert last_command(miniserver, "Kitchen spots") == "80"
    await call(hass, "light", "turn_on", entity, brightness=1)
    assert last_command(miniserver, "Kitchen spots") == "20"
    await call(hass, "light", "turn_on", entity, brightness=100)
    assert last_command(miniserver, "Kitchen spots") == "45"  # 43.5 rounded to a step of 5
    await call(hass, "light", "turn_on", entity)
    assert last_command(miniserver, "Kitchen spots") == "on"
    await call(hass, "light", "turn_off", entity)
    assert last_command(miniserver, "Kitchen spots") == "off"
    miniserver.set_value(state_uuid("Kitchen spots", "position"), 0.0)
    await wait_for_state(hass, entity, STATE_OFF)


async def test_eib_dimmer_runs_zero_to_hundred(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "light.office_office_desk_lamp"
    miniserver.set_value(state_uuid("Office desk lamp", "position"), 100.0)
    await wait_for_state(hass, entity, STATE_ON)
    assert hass.states.get(entity).attributes["brightness"] == 255  # type: ignore[union-attr]
    await call(hass, "light", "turn_on", entity, brightness=2)
    assert last_command(miniserver, "Office desk lamp") == "1"  # never rounded down to off


async def test_numbers(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    slider = "number.bedroom_wake_up_volume"
    miniserver.set_value(state_uuid("Wake-up volume", "value"), 35.0)
    await wait_for_state(hass, slider, "35.0")
    state = hass.states.get(slider)
    assert state is not None
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        0.0,
        100.0,
        5.0,
    )
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "%"
    await call(hass, "number", "set_value", slider, value=40)
    assert last_command(miniserver, "Wake-up volume") == "40"
    selector = "number.office_fan_level"
    miniserver.set_value(state_uuid("Fan level", "max"), 4.0)
    miniserver.set_value(state_uuid("Fan level", "value"), 3.0)
    await wait_for_state(hass, selector, "3.0")
    assert hass.states.get(selector).attributes["max"] == 4.0  # type: ignore[union-attr]


async def test_radio_select(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "select.living_room_music_source"
    state = hass.states.get(entity)
    assert state is not None
    assert state.attributes["options"] == ["Off", "Radio", "Spotify", "TV"]
    await call(hass, "select", "select_option", entity, option="Spotify")
    assert last_command(miniserver, "Music source") == "2"
    await wait_for_state(hass, entity, "Spotify")
    await call(hass, "select", "select_option", entity, option="Off")
    assert last_command(miniserver, "Music source") == "reset"
    await wait_for_state(hass, entity, "Off")


async def test_sensors_carry_units_and_text(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.set_value(state_uuid("Outdoor temperature", "value"), 12.5)
    await wait_for_state(hass, "sensor.garden_outdoor_temperature", "12.5")
    temperature = hass.states.get("sensor.garden_outdoor_temperature")
    assert temperature is not None
    assert temperature.attributes["device_class"] == "temperature"
    assert temperature.attributes[ATTR_UNIT_OF_MEASUREMENT] == "°C"
    energy = hass.states.get("sensor.garage_heat_pump_meter_energy")
    assert energy is not None
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kWh"
    miniserver.set_text(state_uuid("Last event", "text"), "Front door opened")
    await wait_for_state(hass, "sensor.hall_last_event", "Front door opened")


async def test_binary_sensors(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.set_value(state_uuid("Front door contact", "active"), 1.0)
    await wait_for_state(hass, "binary_sensor.hall_front_door_contact", STATE_ON)
    miniserver.set_value(state_uuid("Smoke alarm", "level"), 2.0)
    smoke = next(
        s.entity_id for s in hass.states.async_all("binary_sensor") if "smoke" in s.entity_id
    )
    await wait_for_state(hass, smoke, STATE_ON)
    assert hass.states.get(smoke).attributes["device_class"] == "smoke"  # type: ignore[union-attr]
    miniserver.set_value(state_uuid("Living room presence", "active"), 1.0)
    await wait_for_state(hass, "binary_sensor.living_room_living_room_presence", STATE_ON)


async def test_an_event_writes_only_the_entities_of_its_state(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    writes: list[str] = []
    hass.bus.async_listen("state_changed", lambda event: writes.append(event.data["entity_id"]))
    miniserver.set_value(state_uuid("Outdoor temperature", "value"), 30.5)
    await wait_for_state(hass, "sensor.garden_outdoor_temperature", "30.5")
    # The same value again (e.g. the full refresh after a reconnect) writes nothing.
    miniserver.set_value(state_uuid("Outdoor temperature", "value"), 30.5)
    assert hass.states.get("switch.hall_hall_light").state == STATE_OFF  # type: ignore[union-attr]
    miniserver.set_value(state_uuid("Hall light", "active"), 1.0)
    await wait_for_state(hass, "switch.hall_hall_light", STATE_ON)
    assert writes == ["sensor.garden_outdoor_temperature", "switch.hall_hall_light"]


async def test_demo_house_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    entries = er.async_entries_for_config_entry(entity_registry, loxone_entry.entry_id)
    summary = sorted(
        (e.entity_id, e.unique_id, e.original_device_class, e.translation_key) for e in entries
    )
    assert summary == snapshot


@pytest.mark.parametrize("fixture", ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"])
async def test_real_structure_files(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    fixture: str,
) -> None:
    path = FIXTURES / fixture
    if not path.is_file():
        pytest.skip("shared fixtures not present")
    structure = json.loads(path.read_text(encoding="utf-8"))
    serial = structure["msInfo"]["serialNr"].replace(":", "")
    async with MiniserverSimulator(structure=structure, serial=serial) as simulator:
        entry = await add_miniserver(hass, simulator)
        entries = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        summary = sorted((e.entity_id, e.original_device_class) for e in entries)
        assert summary == snapshot
        assert all(hass.states.get(e.entity_id) is not None for e in entries if not e.disabled_by)
        await hass.config_entries.async_unload(entry.entry_id)


async def test_bidirectional_meter_and_unknown_values(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    meter = next(c for c in structure["controls"].values() if c["type"] == "Meter")
    meter["states"]["totalNeg"] = "0badc0de-0000-0000-0000000000000001"
    meter["details"]["type"] = "bidirectional"
    async with MiniserverSimulator(
        structure=structure, initial_states={"0badc0de-0000-0000-0000000000000001": 4.5}
    ) as simulator:
        entry = await add_miniserver(hass, simulator)
        returned = hass.states.get("sensor.garage_heat_pump_meter_energy_returned")
        assert returned is not None
        assert returned.state == "4.5"
        await hass.config_entries.async_unload(entry.entry_id)


async def test_light_controller_moods_and_master_brightness(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "light.living_room_living_room_lights"
    lights = "Living room lights"
    state = hass.states.get(entity)
    assert state is not None
    assert state.state == STATE_OFF  # only the "off" mood (778) is active
    assert state.attributes["effect_list"] == ["Reading", "Evening", "Bright"]
    await call(hass, "light", "turn_on", entity, effect="Evening")
    assert last_command(miniserver, lights) == "changeTo/2"
    await wait_for_state(hass, entity, STATE_ON)
    assert hass.states.get(entity).attributes["effect"] == "Evening"  # type: ignore[union-attr]
    master = control(lights)["subControls"][control(lights)["details"]["masterValue"]]
    miniserver.set_value(master["states"]["position"], 100.0)
    await call(hass, "light", "turn_on", entity, brightness=128)
    assert miniserver.commands[-1] == (master["uuidAction"], "50")
    await call(hass, "light", "turn_off", entity)
    assert last_command(miniserver, lights) == "off"
    await wait_for_state(hass, entity, STATE_OFF)
    await call(hass, "light", "turn_on", entity)
    assert last_command(miniserver, lights) == "on"
    miniserver.set_text(control(lights)["states"]["activeMoods"], "not json")
    await wait_for_state(hass, entity, "unknown")


async def test_light_controller_circuits_are_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    circuits = {
        e.original_name: e
        for e in er.async_entries_for_config_entry(entity_registry, loxone_entry.entry_id)
        if e.disabled_by is not None
        and e.domain == "light"
        and control("Living room lights")["uuidAction"] in e.unique_id
    }
    assert set(circuits) == {"Ceiling", "Reading lamp", "LED strip"}
    reading = circuits["Reading lamp"].entity_id
    entity_registry.async_update_entity(reading, disabled_by=None)
    await hass.config_entries.async_reload(loxone_entry.entry_id)
    await call(hass, "light", "turn_on", reading)
    action = control("Living room lights")["subControls"]
    reading_action = next(s["uuidAction"] for s in action.values() if s["name"] == "Reading lamp")
    assert miniserver.commands[-1] == (reading_action, "on")
    await wait_for_state(hass, reading, STATE_ON)
    await call(hass, "light", "turn_off", reading)
    await wait_for_state(hass, reading, STATE_OFF)


async def test_color_picker(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "light.bedroom_bedroom_led"
    led = "Bedroom LED"
    miniserver.set_text(state_uuid(led, "color"), "hsv(120,100,50)")
    await wait_for_state(hass, entity, STATE_ON)
    state = hass.states.get(entity)
    assert state is not None
    assert state.attributes["color_mode"] == "hs"
    assert state.attributes["hs_color"] == (120.0, 100.0)
    assert state.attributes["brightness"] == 128
    await call(hass, "light", "turn_on", entity, hs_color=(240, 50))
    assert last_command(miniserver, led) == "hsv(240,50,50)"
    await call(hass, "light", "turn_on", entity, color_temp_kelvin=9000, brightness=255)
    assert last_command(miniserver, led) == "temp(100,6500)"
    await wait_for_state(hass, entity, STATE_ON)
    assert hass.states.get(entity).attributes["color_mode"] == "color_temp"  # type: ignore[union-attr]
    await call(hass, "light", "turn_off", entity)
    assert last_command(miniserver, led) == "temp(0,6500)"
    await wait_for_state(hass, entity, STATE_OFF)
    await call(hass, "light", "turn_on", entity)
    assert last_command(miniserver, led) == "temp(100,6500)"
    miniserver.set_text(state_uuid(led, "color"), "hsv(10,20,0)")
    await wait_for_state(hass, entity, STATE_OFF)
    await call(hass, "light", "turn_off", entity)
    assert last_command(miniserver, led) == "hsv(10,20,0)"
    await call(hass, "light", "turn_on", entity)
    assert last_command(miniserver, led) == "hsv(10,20,100)"
    miniserver.set_text(state_uuid(led, "color"), "garbage")
    await wait_for_state(hass, entity, "unknown")


async def test_alarm_panel_uses_the_visualisation_password(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "alarm_control_panel.hall_burglar_alarm"
    hass.config_entries.async_update_entry(loxone_entry, options={CONF_VISU_PASSWORD: "1234"})
    await hass.async_block_till_done()
    await wait_for_state(hass, entity, "disarmed")
    await call(hass, "alarm_control_panel", "alarm_arm_home", entity)
    assert last_command(miniserver, "Burglar alarm") == "on/0"
    await wait_for_state(hass, entity, "armed_home")
    await call(hass, "alarm_control_panel", "alarm_arm_away", entity)
    await wait_for_state(hass, entity, "armed_away")
    miniserver.set_value(state_uuid("Burglar alarm", "level"), 3.0)
    await wait_for_state(hass, entity, "triggered")
    await call(hass, "alarm_control_panel", "alarm_disarm", entity)
    await wait_for_state(hass, entity, "disarmed")
    miniserver.set_value(state_uuid("Burglar alarm", "armedDelay"), 30.0)
    await wait_for_state(hass, entity, "arming")


async def test_central_light_switch_follows_its_controllers(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "switch.whole_house_all_lights"
    await wait_for_state(hass, entity, STATE_OFF)
    await call(hass, "switch", "turn_on", entity)
    assert last_command(miniserver, "All lights") == "on"
    await wait_for_state(hass, entity, STATE_ON)
    assert hass.states.get("light.living_room_living_room_lights").state == STATE_ON  # type: ignore[union-attr]
    await call(hass, "switch", "turn_off", entity)
    await wait_for_state(hass, entity, STATE_OFF)


async def test_operating_mode_sensor(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = "sensor.demo_house_operating_mode"
    state = hass.states.get(entity)
    assert state is not None
    assert state.state == "Wednesday"
    assert "Party" in state.attributes["options"]
    miniserver.set_value(DEMO_HOUSE["globalStates"]["operatingMode"], -5.0)
    await wait_for_state(hass, entity, "Party")


async def test_keepalive_latency_is_a_disabled_diagnostic(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    miniserver: MiniserverSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        coordinator_module, "TIMINGS", dataclasses.replace(FAST, keepalive_interval=0.05)
    )
    assert await async_setup_component(hass, "homeassistant", {})
    entry = await add_miniserver(hass, miniserver)
    entity = "sensor.demo_house_keepalive_latency"
    registered = entity_registry.async_get(entity)
    assert registered is not None
    assert registered.entity_category == "diagnostic"
    assert registered.disabled_by is not None
    entity_registry.async_update_entity(entity, disabled_by=None)
    await hass.config_entries.async_reload(entry.entry_id)
    async with asyncio.timeout(3):
        while entry.runtime_data.client.latency is None:
            await asyncio.sleep(0.01)
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": entity}, blocking=True
    )
    state = hass.states.get(entity)
    assert state is not None
    assert 0 < float(state.state) < 1000
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "ms"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_absurd_format_precision_keeps_the_other_sensors(hass: HomeAssistant) -> None:
    # A hostile or broken structure file: `%.5000f` once failed the whole sensor platform.
    structure = copy.deepcopy(DEMO_HOUSE)
    analogs = [u for u, c in structure["controls"].items() if c["type"] == "InfoOnlyAnalog"]
    structure["controls"][analogs[0]]["details"]["format"] = "%.5000f°C"
    async with MiniserverSimulator(structure=structure) as simulator:
        entry = await add_miniserver(hass, simulator)
        registry = er.async_get(hass)
        by_uuid = {
            uuid: next(
                e
                for e in er.async_entries_for_config_entry(registry, entry.entry_id)
                if e.domain == "sensor" and uuid in e.unique_id
            )
            for uuid in analogs
        }
        for uuid, registered in by_uuid.items():
            assert hass.states.get(registered.entity_id) is not None, uuid
        broken = by_uuid[analogs[0]]
        state = hass.states.get(broken.entity_id)
        assert state is not None
        assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "°C"
        assert broken.options["sensor"]["suggested_display_precision"] == MAX_PRECISION
        await hass.config_entries.async_unload(entry.entry_id)
