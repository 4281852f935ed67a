"""Scene-controller buttons as event entities and device triggers, against the Vera simulator.

A test that expects no event presses another button afterwards and checks that only that press
arrived: the long poll delivers changes in order.
"""

from __future__ import annotations

import time

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.event import ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry

from ..presses import Presses
from .conftest import VeraWorld, add_vera, wait_for

CONTROLLER = 25
BUTTONS = [f"event.hall_hall_scene_controller_button_{n}" for n in range(1, 5)]
LAST_SCENE = "sensor.hall_hall_scene_controller_last_scene"


async def test_one_event_entity_per_button(
    hass: HomeAssistant, vera_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    for number, entity_id in enumerate(BUTTONS, start=1):
        entry = registry.async_get(entity_id)
        assert entry is not None
        assert entry.translation_key == f"button_{number}"
        assert entry.capabilities == {ATTR_EVENT_TYPES: ["press_start"]}
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == STATE_UNKNOWN
    assert hass.states.get(LAST_SCENE) is not None


async def test_presses_reach_their_button_in_order(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, *BUTTONS)
    now = int(time.time())
    world.hub.press_scene_controller(CONTROLLER, 2, at=now)
    await presses.wait_for(hass, 1)
    await wait_for(hass, LAST_SCENE, "2.0")  # the "Last scene" sensor stays
    world.hub.press_scene_controller(CONTROLLER, 2, at=now + 1)  # the same button again
    await presses.wait_for(hass, 2)
    world.hub.press_scene_controller(CONTROLLER, 4, at=now + 1)
    await presses.wait_for(hass, 3)
    assert presses.kinds() == [
        (BUTTONS[1], "press_start"),
        (BUTTONS[1], "press_start"),
        (BUTTONS[3], "press_start"),
    ]


async def test_press_during_an_outage_is_not_invented(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, *BUTTONS)
    world.hub.fail_next(500, "ERROR: down", count=10_000)
    world.hub.set_device(15, temperature="23.5")  # wakes the held poll
    await wait_for(hass, BUTTONS[0], STATE_UNAVAILABLE)
    world.hub.press_scene_controller(CONTROLLER, 1)
    world.hub._failures.clear()
    await wait_for(hass, BUTTONS[0], STATE_UNKNOWN)
    await wait_for(hass, LAST_SCENE, "1.0")
    world.hub.press_scene_controller(CONTROLLER, 3)
    await presses.wait_for(hass, 1)
    assert presses.kinds() == [(BUTTONS[2], "press_start")]


async def test_luup_reload_and_restart_fire_nothing(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world)
    presses = Presses(hass, *BUTTONS)
    now = int(time.time())
    # Pressed while the engine restarts: the full answer after it is the state, not a press.
    world.hub.reload_luup(empty_answers=2)
    world.hub.press_scene_controller(CONTROLLER, 1, at=now)
    await wait_for(hass, LAST_SCENE, "1.0")
    # Pressed while the entry reloads (a Home Assistant restart): the same.
    await hass.config_entries.async_unload(entry.entry_id)
    world.hub.press_scene_controller(CONTROLLER, 2, at=now + 1)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(LAST_SCENE).state == "2.0"  # type: ignore[union-attr]
    world.hub.press_scene_controller(CONTROLLER, 3, at=now + 2)
    await presses.wait_for(hass, 1)
    assert presses.kinds() == [(BUTTONS[2], "press_start")]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_device_trigger_fires_once_per_press_of_its_button(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    entity = registry.async_get(BUTTONS[1])
    assert entity is not None
    assert entity.device_id is not None
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, entity.device_id
    )
    ours = [t for t in triggers if t["domain"] == DOMAIN]
    assert [(t["type"], t["subtype"]) for t in ours] == [
        ("press_start", f"button_{number}") for number in range(1, 5)
    ]
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": ours[1],
                "actions": {"action": "test.automation", "data": {"type": "{{ trigger.type }}"}},
            }
        },
    )
    presses = Presses(hass, *BUTTONS)
    now = int(time.time())
    world.hub.press_scene_controller(CONTROLLER, 2, at=now)
    await presses.wait_for(hass, 1)
    world.hub.press_scene_controller(CONTROLLER, 1, at=now)
    await presses.wait_for(hass, 2)
    world.hub.press_scene_controller(CONTROLLER, 2, at=now + 1)
    await presses.wait_for(hass, 3)
    assert [call.data["type"] for call in calls] == ["press_start", "press_start"]


async def test_a_button_beyond_num_buttons_gets_its_entity_with_its_first_press(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world)
    button_6 = "event.hall_hall_scene_controller_button_6"
    assert hass.states.get(button_6) is None
    presses = Presses(hass, button_6, *BUTTONS)
    now = int(time.time())
    world.hub.press_scene_controller(CONTROLLER, 6, at=now)
    await presses.wait_for(hass, 1)
    # Numbers past the last translated button are not buttons of their own.
    world.hub.press_scene_controller(CONTROLLER, 11, at=now)
    await wait_for(hass, LAST_SCENE, "11.0")
    assert hass.states.get("event.hall_hall_scene_controller_button_11") is None
    # Known from now on, also after a restart, which fires nothing.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(button_6)
    assert state is not None
    assert state.state in presses.stamps[button_6]
    world.hub.press_scene_controller(CONTROLLER, 6, at=now + 1)
    await presses.wait_for(hass, 2)
    assert presses.kinds() == [(button_6, "press_start"), (button_6, "press_start")]
    await hass.config_entries.async_unload(entry.entry_id)
