"""Set-up, state updates and commands against the simulated Miniserver."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.hubrelay.const import CONF_TOKEN, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.loxone.conftest import control, state_uuid, wait_for_state
from tests.simulators.miniserver import MiniserverSimulator


async def test_entry_loads_with_devices_and_entities(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    assert loxone_entry.state is ConfigEntryState.LOADED
    assert "password" not in loxone_entry.data
    assert loxone_entry.data[CONF_TOKEN]["token"]
    devices = dr.async_get(hass)
    hub = devices.async_get_device_by_identifier((DOMAIN, "504F94A0B1C2"), loxone_entry.entry_id)
    assert hub is not None
    assert hub.manufacturer == "Loxone"
    entities = er.async_entries_for_config_entry(er.async_get(hass), loxone_entry.entry_id)
    assert len(entities) > 20
    state = hass.states.get("switch.hall_hall_light")
    assert state is not None


async def test_switch_round_trip(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.hall_hall_light"}, blocking=True
    )
    assert miniserver.commands[-1] == (control("Hall light")["uuidAction"], "on")
    await wait_for_state(hass, "switch.hall_hall_light", STATE_ON)
    miniserver.set_value(state_uuid("Hall light", "active"), 0.0)
    await wait_for_state(hass, "switch.hall_hall_light", STATE_OFF)
