"""Keypad buttons as event entities and device triggers, against the Ezlo hub simulator.

A test that expects no event presses once more afterwards and checks that only that press
arrived: broadcasts travel in order on one socket.
"""

from __future__ import annotations

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.event import ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE
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
from .conftest import EzloWorld, add_hub, item_id, wait_for

BUTTON_1 = "event.living_room_hall_keypad_button_1"
BUTTON_2 = "event.living_room_hall_keypad_button_2"
BUTTON_3 = "event.living_room_hall_keypad_button_3"


def keypad(world: EzloWorld) -> str:
    return item_id(world, "Hall keypad", "button_state")


async def test_a_reported_button_has_an_event_entity(
    hass: HomeAssistant, ezlo_entry: HubRelayConfigEntry
) -> None:
    entry = er.async_get(hass).async_get(BUTTON_1)
    assert entry is not None
    assert entry.translation_key == "button_1"
    assert entry.capabilities == {
        ATTR_EVENT_TYPES: ["multi_press_end", "long_press_start", "long_press_end"]
    }
    assert hass.states.get(BUTTON_3) is None


async def test_single_double_and_long_presses(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, BUTTON_1)
    await world.hub.press_button(keypad(world), 1)
    await presses.wait_for(hass, 1)
    await world.hub.press_button(keypad(world), 1, presses=2)
    await presses.wait_for(hass, 2)
    await world.hub.press_button(keypad(world), 1, hold=0.05)
    await presses.wait_for(hass, 4)
    assert [
        (kind, attributes.get("multi_press_count")) for _, kind, attributes in presses.seen
    ] == [
        ("multi_press_end", 1),
        ("multi_press_end", 2),
        ("long_press_start", None),
        ("long_press_end", None),
    ]


async def test_two_quick_presses_are_two_events(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, BUTTON_1)
    # The same value twice: each broadcast is a press of its own.
    await world.hub.press_button(keypad(world), 1)
    await world.hub.press_button(keypad(world), 1, presses=3)
    await presses.wait_for(hass, 2)
    assert [attributes["multi_press_count"] for _, _, attributes in presses.seen] == [1, 3]


async def test_a_new_button_gets_its_entity_with_its_first_press(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    presses = Presses(hass, BUTTON_1, BUTTON_3)
    await world.hub.press_button(keypad(world), 3, presses=2)
    await presses.wait_for(hass, 1)
    assert presses.kinds() == [(BUTTON_3, "multi_press_end")]
    # Known from now on, also after a restart, which fires nothing.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(BUTTON_3)
    assert state is not None
    assert state.attributes["multi_press_count"] == 2
    await world.hub.press_button(keypad(world), 1)
    await presses.wait_for(hass, 2)
    assert presses.kinds() == [(BUTTON_3, "multi_press_end"), (BUTTON_1, "multi_press_end")]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconnect_invents_no_press(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, BUTTON_1, BUTTON_3)
    await world.hub.reboot(0.5)
    await wait_for(hass, BUTTON_1, STATE_UNAVAILABLE)
    # Pressed while the hub was away: the items loaded after reconnecting show it.
    world.hub.house.items[keypad(world)]["value"] = {
        "button_number": 3,
        "button_state": "press_1_time",
    }
    world.hub.house.items[keypad(world)]["value"] = {
        "button_number": 1,
        "button_state": "press_2_times",
    }
    await wait_for(hass, BUTTON_1, "unknown")
    await world.hub.press_button(keypad(world), 1)
    await presses.wait_for(hass, 1)
    assert presses.kinds() == [(BUTTON_1, "multi_press_end")]
    assert presses.seen[0][2]["multi_press_count"] == 1
    assert hass.states.get(BUTTON_3) is None


async def test_device_trigger_fires_once_per_double_press(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    entity = er.async_get(hass).async_get(BUTTON_1)
    assert entity is not None
    assert entity.device_id is not None
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, entity.device_id
    )
    ours = {t["type"]: t for t in triggers if t["domain"] == DOMAIN}
    assert list(ours) == [
        "long_press_start",
        "long_press_end",
        "multi_press_1",
        "multi_press_2",
        "multi_press_3",
        "multi_press_4",
        "multi_press_5",
    ]
    assert {t["subtype"] for t in ours.values()} == {"button_1"}
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": ours["multi_press_2"],
                "actions": {"action": "test.automation", "data": {"type": "{{ trigger.type }}"}},
            }
        },
    )
    presses = Presses(hass, BUTTON_1)
    await world.hub.press_button(keypad(world), 1, presses=2)
    await world.hub.press_button(keypad(world), 1)
    await world.hub.press_button(keypad(world), 1, presses=2)
    await presses.wait_for(hass, 3)
    assert [call.data["type"] for call in calls] == ["multi_press_2", "multi_press_2"]


async def test_values_that_name_no_press_fire_nothing(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    world.hub.house.items[keypad(world)]["value"] = {"button_number": 0, "button_state": "released"}
    entry = await add_hub(hass, world)
    assert hass.states.get(BUTTON_1) is None  # no button named yet: no entity
    presses = Presses(hass, BUTTON_1, BUTTON_2)
    world.hub.set_item_value(keypad(world), "not a press")
    world.hub.set_item_value(keypad(world), {"button_number": 1, "button_state": 7})
    # A button that reports something unknown exists, but nothing happened to it.
    world.hub.set_item_value(keypad(world), {"button_number": 2, "button_state": "wiggled"})
    await world.hub.press_button(keypad(world), 2)
    await presses.wait_for(hass, 1)
    assert presses.kinds() == [(BUTTON_2, "multi_press_end")]
    assert hass.states.get(BUTTON_1) is None
    await hass.config_entries.async_unload(entry.entry_id)
