"""The Alarm Clock against the simulator: entry switches, next alarm, ringing, snooze, dismiss."""

from __future__ import annotations

import json

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import control, state_uuid, wait_for_state
from tests.simulators.miniserver import MiniserverSimulator

NAME = "Wake-up"
BASE = "bedroom_wake_up"


def last_command(simulator: MiniserverSimulator) -> str:
    action = control(NAME)["uuidAction"]
    return next(cmd for uuid, cmd in reversed(simulator.commands) if uuid == action)


async def call(hass: HomeAssistant, domain: str, service: str, entity_id: str) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id}, blocking=True)


async def test_alarm_entries_are_switches(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, f"switch.{BASE}_weekdays", STATE_ON)
    await wait_for_state(hass, f"switch.{BASE}_weekend", STATE_OFF)
    await call(hass, "switch", "turn_on", f"switch.{BASE}_weekend")
    assert last_command(miniserver) == "entryList/put/2/Weekend/30600/1/8,9"
    await wait_for_state(hass, f"switch.{BASE}_weekend", STATE_ON)
    await call(hass, "switch", "turn_off", f"switch.{BASE}_weekdays")
    assert last_command(miniserver) == "entryList/put/1/Weekdays/23400/0/3,4,5,6,7"
    await wait_for_state(hass, f"switch.{BASE}_weekdays", STATE_OFF)

    # An entry added in the app gets its switch; a night-light entry repeats by `daily`.
    entries = json.loads(miniserver.texts[state_uuid(NAME, "entryList")])
    entries["7"] = {
        "name": "Nap time",
        "isActive": True,
        "alarmTime": 50400,
        "nightLight": True,
        "daily": True,
    }
    miniserver.set_text(state_uuid(NAME, "entryList"), json.dumps(entries))
    await wait_for_state(hass, f"switch.{BASE}_nap_time", STATE_ON)
    await call(hass, "switch", "turn_off", f"switch.{BASE}_nap_time")
    assert last_command(miniserver) == "entryList/put/7/Nap%20time/50400/0/1"
    await wait_for_state(hass, f"switch.{BASE}_nap_time", STATE_OFF)

    # A deleted entry's switch has nothing to show.
    miniserver.set_text(state_uuid(NAME, "entryList"), json.dumps({}))
    await wait_for_state(hass, f"switch.{BASE}_nap_time", STATE_UNKNOWN)


async def test_next_alarm_ringing_snooze_and_dismiss(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, f"sensor.{BASE}_next_alarm", "2026-11-27T08:00:00+00:00")
    ringing = f"binary_sensor.{BASE}_ringing"
    assert hass.states.get(ringing).state == STATE_OFF  # type: ignore[union-attr]
    for command in ("snooze", "dismiss"):
        miniserver.set_value(state_uuid(NAME, "isAlarmActive"), 1.0)
        await wait_for_state(hass, ringing, STATE_ON)
        await call(hass, "button", "press", f"button.{BASE}_{command}")
        assert last_command(miniserver) == command
        await wait_for_state(hass, ringing, STATE_OFF)
    miniserver.set_value(state_uuid(NAME, "nextEntryTime"), 0.0)  # no entry will ring
    await wait_for_state(hass, f"sensor.{BASE}_next_alarm", STATE_UNKNOWN)
