"""The Ezlo config flow against the simulated cloud and hub: every error, every recovery."""

from __future__ import annotations

from ipaddress import ip_address
from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_ZEROCONF,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from custom_components.hubrelay.const import (
    CONF_CONNECTION,
    CONF_HUB,
    CONF_IDENTITY,
    CONF_LOCAL_KEYS,
    CONF_SERIAL,
    CONF_SYSTEM,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.hub import account_flow
from tests.components.ezlo.conftest import (
    PASSWORD,
    USERNAME,
    EzloWorld,
    add_hub,
    sign_in,
    start_flow,
)


async def start_entry_flow(
    hass: HomeAssistant, entry: HubRelayConfigEntry, source: str
) -> ConfigFlowResult:
    """Start a reauth or reconfigure flow for an entry, as Home Assistant does."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": source, "entry_id": entry.entry_id},
        data=entry.data if source == SOURCE_REAUTH else None,
    )


async def test_local_mode_stores_keys_not_the_password(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    result = await sign_in(hass)
    assert result["step_id"] == "ezlo_hub"
    hubs = result["data_schema"].schema[CONF_HUB].config["options"]  # type: ignore[union-attr]
    assert [hub["value"] for hub in hubs] == [world.serial]  # the Vera unit is not offered
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "local"}
    )
    assert result["step_id"] == "ezlo_local"
    assert result["data_schema"] is not None
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested == {CONF_HOST: "127.0.0.1"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: " 127.0.0.1 "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry: HubRelayConfigEntry = result["result"]
    assert entry.unique_id == world.serial
    assert entry.title == "Ezlo Plus"
    keys = world.cloud.local_keys(world.serial)
    assert entry.data[CONF_LOCAL_KEYS]["token"] == keys.token
    assert CONF_PASSWORD not in entry.data
    assert PASSWORD not in repr(dict(entry.data))
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.data[CONF_SYSTEM] == "ezlo"
    assert entry.data[CONF_SERIAL] == world.serial
    assert entry.data[CONF_IDENTITY]["identity"]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (
        entry.supports_options is True
    )  # devices can be excluded  # the Loxone options do not apply
    await hass.config_entries.async_unload(entry.entry_id)


async def test_relay_mode_keeps_the_password(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world, "relay")
    assert entry.data[CONF_CONNECTION] == "relay"
    assert entry.data[CONF_PASSWORD] == PASSWORD
    assert CONF_LOCAL_KEYS not in entry.data
    assert entry.state is ConfigEntryState.LOADED
    assert world.relay.logins
    assert all(world.relay.logins)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_account_errors_and_recovery(hass: HomeAssistant, world: EzloWorld) -> None:
    result = await sign_in(hass, **{CONF_PASSWORD: "wrong"})
    assert result["errors"] == {"base": "invalid_auth"}
    world.cloud.down.add("auth")
    world.cloud.down.add("auth_alt")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {"base": "ezlo_cannot_connect"}
    world.cloud.down.clear()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["step_id"] == "ezlo_hub"


async def test_account_without_hubs(hass: HomeAssistant, world: EzloWorld) -> None:
    world.cloud.add_account("empty@example.com", "pw")
    result = await sign_in(hass, **{CONF_USERNAME: "empty@example.com", CONF_PASSWORD: "pw"})
    assert result["errors"] == {"base": "no_hubs"}


async def test_unexpected_error_and_recovery(hass: HomeAssistant, world: EzloWorld) -> None:
    flow_id = await start_flow(hass)
    account = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    with patch.object(account_flow, "account_units", side_effect=RuntimeError("bug")):
        result = await hass.config_entries.flow.async_configure(flow_id, account)
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(flow_id, account)
    assert result["step_id"] == "ezlo_hub"


async def test_hub_errors_and_recovery(hass: HomeAssistant, world: EzloWorld) -> None:
    result = await sign_in(hass)
    await world.relay.disconnect_hub()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "relay"}
    )
    assert result["step_id"] == "ezlo_hub"
    assert result["errors"] == {"base": "ezlo_cannot_connect"}
    world.relay.reconnect_hub()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "local"}
    )
    world.hub.local_keys.clear()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["step_id"] == "ezlo_local"
    assert result["errors"] == {"base": "invalid_auth"}
    keys = world.cloud.local_keys(world.serial)
    world.hub.local_keys[keys.user] = keys.token
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_same_hub_twice_aborts(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    result = await sign_in(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "relay"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reauth_fetches_new_keys(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    result = await start_entry_flow(hass, entry, SOURCE_REAUTH)
    assert result["step_id"] == "ezlo_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert CONF_PASSWORD not in entry.data
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    result = await start_entry_flow(hass, entry, SOURCE_RECONFIGURE)
    assert result["step_id"] == "ezlo_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CONNECTION: "local", CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {CONF_HOST: "host_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CONNECTION: "relay", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CONNECTION: "relay", CONF_PASSWORD: PASSWORD}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_CONNECTION] == "relay"
    assert CONF_HOST not in entry.data
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


def discovery(
    serial: str | None, host: str = "127.0.0.1", hostname: str = ""
) -> ZeroconfServiceInfo:
    """What Home Assistant's zeroconf hands the flow for an ``_ezlo._tcp`` announcement."""
    return ZeroconfServiceInfo(
        ip_address=ip_address("127.0.0.1"),
        ip_addresses=[ip_address("127.0.0.1")],
        port=17000,
        hostname=hostname or "ezlo.local.",
        type="_ezlo._tcp.local.",
        name="Ezlo hub._ezlo._tcp.local.",
        properties={"Hub Type": "h2.1", "Vendor": "eZLO"} | ({"Serial": serial} if serial else {}),
    )


async def test_discovered_hub_is_pre_filled(hass: HomeAssistant, world: EzloWorld) -> None:
    world.cloud.hub(world.serial).local_ip = "192.0.2.10"  # the cloud's idea is outdated
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(world.serial)
    )
    assert result["step_id"] == "ezlo"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["title_placeholders"] == {"name": f"Ezlo {world.serial}"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["step_id"] == "ezlo_hub"
    assert result["data_schema"] is not None
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested[CONF_HUB] == world.serial
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "local"}
    )
    assert result["data_schema"] is not None
    host_key = next(key for key in result["data_schema"].schema if str(key) == CONF_HOST)
    assert host_key.description == {"suggested_value": "127.0.0.1"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_discovery_by_host_name_and_unknown_devices(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=discovery(None, hostname=f"HUB{world.serial}.local."),
    )
    assert result["step_id"] == "ezlo"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["unique_id"] == world.serial
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(None)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_ezlo_hub"


async def test_discovery_moves_a_local_entry_to_its_new_address(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    local = await add_hub(hass, world)
    # The hub got a new address from DHCP; the entry still has the old one.
    hass.config_entries.async_update_entry(local, data={**local.data, CONF_HOST: "192.0.2.1"})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(world.serial)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert local.data[CONF_HOST] == "127.0.0.1"
    assert local.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_remove(local.entry_id)
    relay = await add_hub(hass, world, "relay")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(world.serial)
    )
    assert result["reason"] == "already_configured"
    assert CONF_HOST not in relay.data  # a relay entry keeps using the relay
    await hass.config_entries.async_unload(relay.entry_id)
