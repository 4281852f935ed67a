"""Pushbutton presses as event entities and device triggers, against the Miniserver simulator.

No test waits for "nothing happened": each one that expects no event presses once more
afterwards and checks that only that press arrived, since tables travel in order on one socket.
"""

from __future__ import annotations

import asyncio

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.event import ATTR_EVENT_TYPE, ATTR_EVENT_TYPES
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import add_miniserver, state_uuid, wait_for_state

EVENT = "event.garage_garage_door_button_button"
ACTIVE = state_uuid("Garage door button", "active")


class Presses:
    """Every event the entity records, in order: (event type, timestamp)."""

    def __init__(self, hass: HomeAssistant, entity_id: str = EVENT) -> None:
        """Start recording."""
        self.seen: list[tuple[str, str]] = []

        @callback
        def _changed(event: Event) -> None:
            new = event.data["new_state"]
            if event.data["entity_id"] != entity_id or new is None:
                return
            # A state that only comes back (after unavailable, or restored) is no new event.
            if new.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN) and new.state not in {
                stamp for _, stamp in self.seen
            }:
                self.seen.append((new.attributes[ATTR_EVENT_TYPE], new.state))

        hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)

    async def wait_for(self, hass: HomeAssistant, count: int) -> None:
        """Wait (3 s at most) until `count` events arrived: presses travel over a real socket."""
        async with asyncio.timeout(3.0):
            while len(self.seen) < count:
                await asyncio.sleep(0.01)
        await hass.async_block_till_done()


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
    presses = Presses(hass)
    await miniserver.press(ACTIVE)  # 1 and 0 in one value table
    await presses.wait_for(hass, 1)
    await miniserver.press(ACTIVE, hold=0.05)  # 1 and 0 in two tables
    await presses.wait_for(hass, 2)
    assert [kind for kind, _ in presses.seen] == ["press_start", "press_start"]


async def test_two_quick_presses_are_two_events_in_order(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass)
    miniserver.push_values([(ACTIVE, 1.0), (ACTIVE, 0.0), (ACTIVE, 1.0), (ACTIVE, 0.0)])
    await presses.wait_for(hass, 2)
    first, second = (stamp for _, stamp in presses.seen)
    assert first < second


async def test_the_button_entity_still_sends_a_pulse_and_it_is_seen(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.garage_garage_door_button"}, blocking=True
    )
    await presses.wait_for(hass, 1)
    assert presses.seen[0][0] == "press_start"


async def test_reconnect_invents_no_press(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    presses = Presses(hass)
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
    presses = Presses(hass)
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 1)
    miniserver.set_value(ACTIVE, 1.0)  # held while the entry reloads
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.state == presses.seen[0][1]
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
    presses = Presses(hass)
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 1)
    await miniserver.stop()
    await wait_for_state(hass, EVENT, STATE_UNAVAILABLE)
    await miniserver.start()
    await wait_for_state(hass, EVENT, presses.seen[0][1])
    await miniserver.press(ACTIVE)
    await presses.wait_for(hass, 2)
    assert [call.data["type"] for call in calls] == ["press_start", "press_start"]


async def test_devices_without_buttons_offer_no_triggers(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    hub = loxone_entry.runtime_data.hub_device_id
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, hub)
    assert [t for t in triggers if t["domain"] == DOMAIN] == []
