"""Pushbutton presses as event entities and device triggers, against the Miniserver simulator.

No test waits for "nothing happened": each one that expects no event presses once more
afterwards and checks that only that press arrived, since tables travel in order on one socket.
"""

from __future__ import annotations

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType, DeviceNotFound
from homeassistant.components.event import ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)

from custom_components.hubrelay import device_trigger
from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.simulators.miniserver import MiniserverSimulator

from ..presses import Presses
from .conftest import add_miniserver, state_uuid, wait_for_state

EVENT = "event.garage_garage_door_button_button"
ACTIVE = state_uuid("Garage door button", "active")


async def test_event_entity_beside_the_button(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = er.async_get(hass).async_get(EVENT)
    assert entry is not None
    assert entry.translation_key == "button"
    assert entry.capabilities == {ATTR_EVENT_TYPES: ["press_start"]}
    assert hass.states.get("button.garage_garage_door_button") is not None
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.attributes["device_class"] == "button"


async def test_a_tap_is_one_press(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, EVENT)
    await miniserver.press(ACTIVE)  # 1 and 0 in one value table
    await presses.wait_for(hass, 1)
    await miniserver.press(ACTIVE, hold=0.05)  # 1 and 0 in two tables
    await presses.wait_for(hass, 2)
    assert presses.kinds() == [(EVENT, "press_start"), (EVENT, "press_start")]


async def test_two_quick_presses_are_two_events_in_order(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, EVENT)
    miniserver.push_values([(ACTIVE, 1.0), (ACTIVE, 0.0), (ACTIVE, 1.0), (ACTIVE, 0.0)])
    await presses.wait_for(hass, 2)
    assert presses.kinds() == [(EVENT, "press_start"), (EVENT, "press_start")]


async def test_the_button_entity_still_sends_a_pulse_and_it_is_seen(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, EVENT)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.garage_garage_door_button"}, blocking=True
    )
    await presses.wait_for(hass, 1)
    assert presses.kinds() == [(EVENT, "press_start")]


async def test_reconnect_invents_no_press(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass, EVENT)
    await miniserver.stop()
    await wait_for_state(hass, EVENT, STATE_UNAVAILABLE)
    # Pressed while Home Assistant could not see it, and held when the session comes back:
    # the table after reconnecting shows `active` 1, which is the state, not a press.
    miniserver.push_values([(ACTIVE, 1.0), (ACTIVE, 0.0), (ACTIVE, 1.0)])
    await miniserver.start()
    await wait_for_state(hass, EVENT, STATE_UNKNOWN)
    miniserver.set_value(ACTIVE, 0.0)
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 1)
    assert len(presses.seen) == 1


async def test_restart_fires_nothing_and_keeps_the_last_press(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    presses = Presses(hass, EVENT)
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 1)
    miniserver.set_value(ACTIVE, 1.0)  # held while the entry reloads
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.state in presses.stamps[EVENT]
    miniserver.set_value(ACTIVE, 0.0)
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 2)
    assert len(presses.seen) == 2
    await hass.config_entries.async_unload(entry.entry_id)


async def test_device_trigger_fires_once_per_press(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = er.async_get(hass).async_get(EVENT)
    assert entity is not None
    assert entity.device_id is not None
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, entity.device_id
    )
    ours = [t for t in triggers if t["domain"] == DOMAIN]
    assert ours == [
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": entity.device_id,
            "entity_id": entity.id,
            "type": "press_start",
            "subtype": "button",
            "metadata": {"secondary": False},
        }
    ]
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": ours[0],
                "actions": {"action": "test.automation", "data": {"type": "{{ trigger.type }}"}},
            }
        },
    )
    presses = Presses(hass, EVENT)
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 1)
    await miniserver.stop()
    await wait_for_state(hass, EVENT, STATE_UNAVAILABLE)
    await miniserver.start()
    await wait_for_state(hass, EVENT, next(iter(presses.stamps[EVENT])))
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 2)
    assert [call.data["type"] for call in calls] == ["press_start", "press_start"]


async def test_devices_without_buttons_offer_no_triggers(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    hub = loxone_entry.runtime_data.hub_device_id
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, hub)
    assert [t for t in triggers if t["domain"] == DOMAIN] == []


async def test_an_unknown_device_has_no_triggers(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    with pytest.raises(DeviceNotFound):
        await device_trigger.async_get_triggers(hass, "no-such-device")
