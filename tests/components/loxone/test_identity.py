"""A Miniserver proves who it is before it gets a credential (issue 13, item 3).

The entry pins the serial and RSA key fingerprint of its first sign-in. Another device answering
at the address (same or other serial, another key) gets no token, password or key exchange: the
entry is not ready, a repair issue explains it, and its fix flow accepts a Miniserver the user
really reset or replaced (a replaced one keeps its entities' ids and history).
"""

from __future__ import annotations

import asyncio
import re

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest

from custom_components.hubrelay.const import CONF_PUBLIC_KEY, CONF_SERIAL, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone.repairs import identity_issue_id
from custom_components.hubrelay.repairs import async_create_fix_flow
from tests.components.loxone.conftest import add_miniserver
from tests.simulators.miniserver import MiniserverSimulator

SWITCH = "switch.hall_hall_light"
#: What a credential exchange looks like on the wire; an impostor must see none of it.
CREDENTIAL_COMMANDS = re.compile(r"keyexchange|getkey|getjwt|gettoken|authwithtoken|refresh")


async def wait_for(condition: object, seconds: float = 5.0) -> None:
    assert callable(condition)
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


def credential_commands(simulator: MiniserverSimulator, since: int) -> list[str]:
    return [c for c in simulator.received[since:] if CREDENTIAL_COMMANDS.search(c)]


async def fix(hass: HomeAssistant, entry: HubRelayConfigEntry) -> dict[str, object]:
    """Run the issue's fix flow through Home Assistant's repairs component, as the UI does."""
    assert await async_setup_component(hass, "repairs", {})
    manager = hass.data["repairs"]["flow_manager"]
    result = await manager.async_init(DOMAIN, data={"issue_id": identity_issue_id(entry.entry_id)})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    shown: dict[str, object] = dict(result)
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return shown


async def test_the_first_sign_in_pins_serial_and_key(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    assert entry.data[CONF_SERIAL] == miniserver.serial
    assert re.fullmatch(r"[0-9a-f]{64}", entry.data[CONF_PUBLIC_KEY])
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_from_before_pinning_learns_its_key(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    pinned = entry.data[CONF_PUBLIC_KEY]
    await hass.config_entries.async_unload(entry.entry_id)
    data = dict(entry.data)
    del data[CONF_PUBLIC_KEY]
    hass.config_entries.async_update_entry(entry, data=data)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.data[CONF_PUBLIC_KEY] == pinned
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_impostor_at_the_address_gets_no_credential_until_accepted(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    coordinator = entry.runtime_data
    pinned = entry.data[CONF_PUBLIC_KEY]
    # Another key at the same address (same serial, as a reset Miniserver or a forger shows).
    miniserver.key_label = "impostor"
    since = len(miniserver.received)
    await miniserver.drop_connections()
    issues = ir.async_get(hass)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id)))
    issue = issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "identity_changed"
    assert issue.is_fixable
    await asyncio.sleep(0.5)  # reconnect attempts go on, all refused before any credential
    assert not coordinator.connected
    assert credential_commands(miniserver, since) == []
    assert hass.states.get(SWITCH).state == "unavailable"  # type: ignore[union-attr]
    assert not hass.config_entries.flow.async_progress()  # no re-authentication asked for

    shown = await fix(hass, entry)
    assert shown["description_placeholders"]["serial"] == miniserver.serial  # type: ignore[index]
    await wait_for(lambda: entry.state is ConfigEntryState.LOADED and entry.runtime_data.connected)
    assert issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id)) is None
    assert entry.data[CONF_PUBLIC_KEY] != pinned  # the new key is pinned now
    assert hass.states.get(SWITCH).state != "unavailable"  # type: ignore[union-attr]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_setup_against_an_impostor_is_not_ready(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    miniserver.key_label = "impostor"
    since = len(miniserver.received)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "identity" in entry.reason
    assert ir.async_get(hass).async_get_issue(DOMAIN, identity_issue_id(entry.entry_id))
    assert credential_commands(miniserver, since) == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reauth_sends_no_password_to_an_impostor(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    miniserver.key_label = "impostor"
    since = len(miniserver.received)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
    )
    assert result["errors"] == {"base": "identity_changed"}
    assert credential_commands(miniserver, since) == []


async def test_a_replaced_miniserver_keeps_entity_ids_and_history(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    old = miniserver.serial
    entities = er.async_get(hass)
    before = {
        e.entity_id: e.unique_id
        for e in er.async_entries_for_config_entry(entities, entry.entry_id)
    }
    # The user replaced the Miniserver and restored the configuration: same UUIDs, new serial.
    miniserver.serial = "504F94FFEE01"
    miniserver.key_label = "replacement"
    await miniserver.drop_connections()
    issues = ir.async_get(hass)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id)))
    issue = issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "serial_changed"

    await fix(hass, entry)
    await wait_for(lambda: entry.state is ConfigEntryState.LOADED)
    assert entry.unique_id == dr.format_mac("504F94FFEE01")
    assert entry.data[CONF_SERIAL] == "504F94FFEE01"
    after = {
        e.entity_id: e.unique_id
        for e in er.async_entries_for_config_entry(entities, entry.entry_id)
    }
    assert after.keys() == before.keys()
    assert all(
        after[entity_id] == unique_id.replace(old, "504F94FFEE01", 1)
        for entity_id, unique_id in before.items()
    )
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert not [d for d in devices if any(old in key for _domain, key in d.identifiers)]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_fix_for_a_removed_entry_or_a_taken_serial_aborts(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    flow = await async_create_fix_flow(
        hass,
        "identity_changed_gone",
        {"system": "loxone", "entry_id": "gone", "serial": "1", "public_key": "ab"},
    )
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["reason"] == "entry_removed"
    async with MiniserverSimulator(serial="504F94FFEE02") as other:
        other_entry = await add_miniserver(hass, other)
        flow = await async_create_fix_flow(
            hass,
            "identity_changed_x",
            {
                "system": "loxone",
                "entry_id": entry.entry_id,
                "serial": other.serial,
                "public_key": "ab",
            },
        )
        flow.hass = hass
        result = await flow.async_step_init()
        assert result["reason"] == "already_configured"
        assert result["description_placeholders"] == {"serial": other.serial}
        await hass.config_entries.async_unload(other_entry.entry_id)
    with pytest.raises(ValueError, match="no fixable issue"):
        await async_create_fix_flow(hass, "x", {"system": "vera"})
    await hass.config_entries.async_unload(entry.entry_id)
