"""The session owner at runtime: setup failures, reconnects, reauth, tokens, commands, removal."""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.hubrelay.const import CONF_TOKEN, CONF_VISU_PASSWORD, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import coordinator as coordinator_module
from tests.components.loxone.conftest import add_miniserver, control, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator

SWITCH = "switch.hall_hall_light"


async def wait_until(predicate: object, seconds: float = 3.0) -> None:
    """Wait for a condition that a real socket makes true a little later."""
    assert callable(predicate)
    async with asyncio.timeout(seconds):
        while not predicate():
            await asyncio.sleep(0.01)


async def send(hass: HomeAssistant, entry: HubRelayConfigEntry, name: str, command: str) -> None:
    await hass.services.async_call(
        DOMAIN,
        "send_command",
        {"config_entry_id": entry.entry_id, "control": name, "command": command},
        blocking=True,
    )


async def test_unreachable_miniserver_retries_setup(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    await miniserver.stop()
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None


async def test_blocked_user_retries_setup(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    miniserver.block_after_failures = 1
    miniserver.fail_next_auth(401)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)
    assert miniserver.is_blocked()
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "blocks" in str(entry.reason)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_rejected_token_starts_reauth(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    for token in miniserver.tokens.issued:
        token.killed = True
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_token_rejected_while_reconnecting_starts_reauth(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    for token in miniserver.tokens.issued:
        token.killed = True
    await miniserver.drop_connections()
    await wait_until(lambda: hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert hass.states.get(SWITCH).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconnect_marks_unavailable_then_refreshes(
    hass: HomeAssistant, miniserver: MiniserverSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    entry = await add_miniserver(hass, miniserver)
    active = control("Hall light")["states"]["active"]
    miniserver.set_value(active, 0.0)
    await wait_for_state(hass, SWITCH, "off")
    await miniserver.stop()
    await wait_for_state(hass, SWITCH, STATE_UNAVAILABLE)
    # The value changes while Home Assistant cannot see it; the full refresh must bring it.
    miniserver.set_value(active, 1.0)
    await miniserver.start()
    await wait_for_state(hass, SWITCH, STATE_ON)
    assert caplog.text.count("Connection to Miniserver Demo House lost") == 1
    assert caplog.text.count("Connection to Miniserver Demo House restored") == 1
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("fault", ["mid_table", "malformed", "truncated", "out_of_service"])
async def test_recovers_from_faults(
    hass: HomeAssistant, miniserver: MiniserverSimulator, fault: str
) -> None:
    entry = await add_miniserver(hass, miniserver)
    coordinator = entry.runtime_data
    if fault == "mid_table":
        await miniserver.drop_connections(mid_table=True)
    elif fault == "malformed":
        miniserver.send_malformed_frame()
    elif fault == "truncated":
        miniserver.send_truncated_table()
    else:
        miniserver.set_out_of_service(0.1)
    active = control("Hall light")["states"]["active"]
    miniserver.set_value(active, 0.0)
    await wait_for_state(hass, SWITCH, "off")
    miniserver.set_value(active, 1.0)
    await wait_for_state(hass, SWITCH, STATE_ON)
    assert coordinator.connected
    await hass.config_entries.async_unload(entry.entry_id)


async def test_refreshed_token_is_persisted(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    miniserver.token_lifetime = 3.0
    entry = await add_miniserver(hass, miniserver)
    first = entry.data[CONF_TOKEN]
    await wait_until(lambda: entry.data[CONF_TOKEN] != first, 5.0)
    assert entry.data[CONF_TOKEN]["valid_until"] > first["valid_until"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_structure_is_cached_and_a_changed_one_reloads(
    hass: HomeAssistant, miniserver: MiniserverSimulator, hass_storage: dict[str, Any]
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.async_block_till_done()
    cached = hass_storage[f"{DOMAIN}.{entry.entry_id}.structure"]["data"]
    assert cached["lastModified"] == DEMO_HOUSE["lastModified"]
    await hass.config_entries.async_reload(entry.entry_id)  # now from the cached structure
    assert entry.state is ConfigEntryState.LOADED
    changed = copy.deepcopy(DEMO_HOUSE)
    changed["lastModified"] = "2030-01-01 00:00:00"
    hall = next(c for c in changed["controls"].values() if c["name"] == "Hall light")
    hall["name"] = "Hall ceiling"
    gone = next(uuid for uuid, c in changed["controls"].items() if c["name"] == "Stair light")
    del changed["controls"][gone]
    miniserver.structure = changed
    await miniserver.drop_connections()
    # Same control UUID, so the same entity (ids stay stable), now named after the new name.
    await wait_until(lambda: getattr(hass.states.get(SWITCH), "name", None) == "Hall ceiling", 5.0)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The removed control's device and entity are gone, not left behind as unavailable.
    devices = dr.async_get(hass)
    assert (
        devices.async_get_device_by_identifier((DOMAIN, f"504F94A0B1C2_{gone}"), entry.entry_id)
        is None
    )
    assert er.async_get(hass).async_get("switch.hall_stair_light") is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_command_while_disconnected_is_a_clear_error(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await miniserver.stop()
    await wait_for_state(hass, SWITCH, STATE_UNAVAILABLE)
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, entry, "Hall light", "on")
    assert err.value.translation_key == "not_connected"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_send_command_action(hass: HomeAssistant, miniserver: MiniserverSimulator) -> None:
    entry = await add_miniserver(hass, miniserver)
    garage = control("Garage door button")
    await send(hass, entry, garage["uuidAction"], "pulse")
    await send(hass, entry, "garage door button", "pulse")
    assert miniserver.commands[-2:] == [(garage["uuidAction"], "pulse")] * 2
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, entry, "Hall light", "nonsense")
    assert err.value.translation_key == "command_failed"
    for name, key in (("No such thing", "control_not_found"),):
        with pytest.raises(ServiceValidationError) as validation:
            await send(hass, entry, name, "on")
        assert validation.value.translation_key == key
    with pytest.raises(ServiceValidationError) as validation:
        await hass.services.async_call(
            DOMAIN,
            "send_command",
            {"config_entry_id": "missing", "control": "x", "command": "on"},
            blocking=True,
        )
    assert validation.value.translation_key == "entry_not_found"
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as validation:
        await send(hass, entry, "Hall light", "on")
    assert validation.value.translation_key == "entry_not_loaded"


@pytest.mark.parametrize(
    "command",
    ["../../dev/sys/reboot", "on?x=1", "on#top", "a%2Fb", "on/%252e%252e/reboot", "x" * 1025],
)
async def test_send_command_refuses_path_tricks(
    hass: HomeAssistant, miniserver: MiniserverSimulator, command: str
) -> None:
    # The action's command becomes part of the Miniserver path: nothing may leave its control.
    entry = await add_miniserver(hass, miniserver)
    before = len(miniserver.received)
    with pytest.raises(ServiceValidationError) as validation:
        await send(hass, entry, "Hall light", command)
    assert validation.value.translation_key == "command_invalid"
    assert miniserver.received[before:] == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_ambiguous_control_name(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    for item in structure["controls"].values():
        if item["type"] == "Switch":
            item["name"] = "Twin"
    async with MiniserverSimulator(structure=structure) as simulator:
        entry = await add_miniserver(hass, simulator)
        with pytest.raises(ServiceValidationError) as validation:
            await send(hass, entry, "Twin", "on")
        assert validation.value.translation_key == "control_ambiguous"
        await hass.config_entries.async_unload(entry.entry_id)


async def test_secured_control_needs_the_visualisation_password(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    alarm = control("Burglar alarm")
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, entry, "Burglar alarm", "on")
    assert err.value.translation_key == "visu_password_missing"
    hass.config_entries.async_update_entry(entry, options={CONF_VISU_PASSWORD: "wrong"})
    with pytest.raises(ServiceValidationError) as err:
        await send(hass, entry, "Burglar alarm", "on")
    assert err.value.translation_key == "visu_password_wrong"
    hass.config_entries.async_update_entry(entry, options={CONF_VISU_PASSWORD: "1234"})
    await send(hass, entry, "Burglar alarm", "on")
    assert miniserver.commands[-1] == (alarm["uuidAction"], "on")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unload_closes_and_removal_kills_the_token(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    assert miniserver.sessions == 1
    assert await hass.config_entries.async_unload(entry.entry_id)
    await wait_until(lambda: miniserver.sessions == 0)
    token = miniserver.tokens.find_by_value(entry.data[CONF_TOKEN]["token"])
    assert token is not None
    assert not token.killed
    await hass.config_entries.async_remove(entry.entry_id)
    assert token.killed


async def test_removal_of_an_unreachable_miniserver_is_quiet(
    hass: HomeAssistant, miniserver: MiniserverSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    await miniserver.stop()
    await hass.config_entries.async_remove(entry.entry_id)
    assert "Could not invalidate the token" in caplog.text


async def test_home_assistant_stop_closes_the_session(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, miniserver: MiniserverSimulator
) -> None:
    caplog.set_level(logging.INFO)
    await add_miniserver(hass, miniserver)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await wait_until(lambda: miniserver.sessions == 0)
    # A deliberate close is not a lost connection.
    assert "lost" not in caplog.text


async def test_two_miniservers_side_by_side(hass: HomeAssistant) -> None:
    async with (
        MiniserverSimulator() as first,
        MiniserverSimulator(serial="504F94FFFFFF") as second,
    ):
        one = await add_miniserver(hass, first)
        two = await add_miniserver(hass, second)
        assert one.runtime_data.connected
        assert two.runtime_data.connected
        ids = {state.entity_id for state in hass.states.async_all("switch")}
        assert {SWITCH, "switch.hall_hall_light_2"} <= ids
        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": "switch.hall_hall_light_2"}, blocking=True
        )
        # (Each session also reads the NFC Code Touch's history once: not a command of ours.)
        assert [cmd for _, cmd in second.commands if cmd != "history"][-1] == "off"
        assert not [cmd for _, cmd in first.commands if cmd != "history"]
        for entry in (one, two):
            await hass.config_entries.async_unload(entry.entry_id)


async def test_unreadable_structure_cache_is_ignored(
    hass: HomeAssistant, miniserver: MiniserverSimulator, hass_storage: dict[str, Any]
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[f"{DOMAIN}.{entry.entry_id}.structure"] = {
        "version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}.structure",
        "data": {"not": "a structure"},
    }
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_cloud_dns_failure_retries_setup(
    hass: HomeAssistant, miniserver: MiniserverSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "host": "504F94A0B1C2"})
    # Nothing listens on port 1: CloudDNS is unreachable.
    monkeypatch.setattr(coordinator_module, "CLOUD_DNS_URL", "http://127.0.0.1:1/")
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_command_lost_with_the_connection_is_reported(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    miniserver.response_delay = 0.5
    task = hass.async_create_task(send(hass, entry, "Hall light", "on"))
    await asyncio.sleep(0.1)
    await miniserver.drop_connections()
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "command_not_delivered"
    miniserver.response_delay = 0.0
    await hass.config_entries.async_unload(entry.entry_id)
