"""Digital up/down and left/right inputs and the maintenance counter against the simulator."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import control, state_uuid, wait_for_state
from tests.simulators.miniserver import MiniserverSimulator


async def press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)


def last_command(simulator: MiniserverSimulator, name: str) -> str:
    action = control(name)["uuidAction"]
    return next(cmd for uuid, cmd in reversed(simulator.commands) if uuid == action)


async def test_digital_inputs_send_pulses(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    expected = {
        ("living_room_scenes_up_down_up", "Scenes up/down"): "PulseUp",
        ("living_room_scenes_up_down_down", "Scenes up/down"): "PulseDown",
        ("living_room_scenes_left_right_right", "Scenes left/right"): "PulseUp",
        ("living_room_scenes_left_right_left", "Scenes left/right"): "PulseDown",
    }
    for (entity, name), command in expected.items():
        await press(hass, f"button.{entity}")
        assert last_command(miniserver, name) == command


async def test_hourcounter(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    name = "Heat pump service"
    state = hass.states.get("sensor.garage_heat_pump_service_operating_time")
    assert state is not None
    assert (state.state, state.attributes["unit_of_measurement"]) == ("1000.0", "h")
    assert state.attributes["device_class"] == "duration"
    await wait_for_state(hass, "sensor.garage_heat_pump_service_maintenance_due_in", "200.0")
    assert hass.states.get("binary_sensor.garage_heat_pump_service_counting").state == STATE_ON  # type: ignore[union-attr]
    overdue = "binary_sensor.garage_heat_pump_service_maintenance_overdue"
    assert hass.states.get(overdue).state == STATE_OFF  # type: ignore[union-attr]

    miniserver.set_value(state_uuid(name, "remaining"), 0.0)
    miniserver.set_value(state_uuid(name, "overdue"), 1.0)
    await wait_for_state(hass, overdue, STATE_ON)
    await press(hass, "button.garage_heat_pump_service_reset_maintenance")
    assert last_command(miniserver, name) == "reset"
    await wait_for_state(hass, overdue, STATE_OFF)
    await wait_for_state(hass, "sensor.garage_heat_pump_service_maintenance_due_in", "500.0")
    await wait_for_state(hass, "sensor.garage_heat_pump_service_operating_time", "1000.0")
