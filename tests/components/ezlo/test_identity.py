"""A local Ezlo hub proves who it is before it gets its local key (issue 13, items 1 and 2).

The entry pins the hub's serial and TLS key at set-up. A device that announces the hub's serial
on the network, or answers at its address, with another key gets no key and does not move the
entry; the user is told through a repair issue, and Reconfigure pins a hub that was really reset.
"""

from __future__ import annotations

import asyncio
import re

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir

from custom_components.hubrelay.const import CONF_CONNECTION, CONF_HUB_FINGERPRINT, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.ezlo.repairs import identity_issue_id, unproven_move_issue_id
from tests.components.ezlo.conftest import PASSWORD, EzloWorld, add_hub
from tests.components.ezlo.test_config_flow import discovery, start_entry_flow
from tests.simulators.ezlo_hub import EzloHubSimulator

LOGIN = "hub.offline.login.ui"


async def wait_for(condition: object, seconds: float = 5.0) -> None:
    assert callable(condition)
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


async def become_impostor(hub: EzloHubSimulator) -> int:
    """Restart the hub with another TLS key at the same address; return where requests start."""
    await hub.stop()
    hub.key_label = "impostor"
    await hub.start()
    return len(hub.requests)


def logins(hub: EzloHubSimulator, since: int) -> list[str]:
    return [method for method, _params in hub.requests[since:] if method == LOGIN]


async def test_a_local_entry_pins_the_hub_key(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    assert re.fullmatch(r"[0-9a-f]{64}", entry.data[CONF_HUB_FINGERPRINT])
    relay = entry.data[CONF_CONNECTION]
    assert relay == "local"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_from_before_pinning_learns_the_key(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    pinned = entry.data[CONF_HUB_FINGERPRINT]
    await hass.config_entries.async_unload(entry.entry_id)
    data = dict(entry.data)
    del data[CONF_HUB_FINGERPRINT]
    hass.config_entries.async_update_entry(entry, data=data)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.data[CONF_HUB_FINGERPRINT] == pinned
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_announcement_does_not_move_the_entry_to_an_impostor(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    await hass.config_entries.async_unload(entry.entry_id)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "192.0.2.1"})
    since = await become_impostor(world.hub)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(world.serial)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "hub_identity_unproven"
    assert entry.data[CONF_HOST] == "192.0.2.1"
    assert logins(world.hub, since) == []
    # The user is asked, through Repairs, whether the hub really moved.
    issue = ir.async_get(hass).async_get_issue(DOMAIN, unproven_move_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders == {"title": entry.title, "host": "127.0.0.1"}


async def test_an_entry_without_a_pin_is_not_moved_by_an_announcement(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    await hass.config_entries.async_unload(entry.entry_id)
    data = {**entry.data, CONF_HOST: "192.0.2.1"}
    del data[CONF_HUB_FINGERPRINT]
    hass.config_entries.async_update_entry(entry, data=data)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(world.serial)
    )
    assert result["reason"] == "hub_identity_unproven"
    assert entry.data[CONF_HOST] == "192.0.2.1"


async def test_an_impostor_at_the_address_gets_no_key(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry: HubRelayConfigEntry = await add_hub(hass, world)
    coordinator = entry.runtime_data
    since = await become_impostor(world.hub)
    issues = ir.async_get(hass)
    await wait_for(lambda: issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id)))
    await asyncio.sleep(0.3)  # reconnects go on, refused before anything is sent
    assert not coordinator.connected
    assert logins(world.hub, since) == []
    assert not hass.config_entries.flow.async_progress()  # no re-authentication asked for

    # The hub was really reset: Reconfigure signs in to the cloud again and pins it anew.
    result = await start_entry_flow(hass, entry, SOURCE_RECONFIGURE)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_CONNECTION: "local", CONF_HOST: "127.0.0.1", CONF_PASSWORD: PASSWORD},
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert issues.async_get_issue(DOMAIN, identity_issue_id(entry.entry_id)) is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_setup_against_an_impostor_is_not_ready(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    await hass.config_entries.async_unload(entry.entry_id)
    since = await become_impostor(world.hub)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert ir.async_get(hass).async_get_issue(DOMAIN, identity_issue_id(entry.entry_id))
    assert logins(world.hub, since) == []
    await hass.config_entries.async_unload(entry.entry_id)
