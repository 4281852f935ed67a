"""The Vera config flow against the simulators: local URL forms, MMS account, errors, reauth."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.hubrelay.const import (
    CONF_CONNECTION,
    CONF_IDENTITY,
    CONF_SERIAL,
    CONF_UNIT,
    CONF_URL,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.hub import account_flow
from tests.components.vera.conftest import (
    PASSWORD,
    USERNAME,
    VeraWorld,
    add_vera,
    start_flow,
)
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import HouseData, demo_house

ACCOUNT = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}


async def start_entry_flow(
    hass: HomeAssistant, entry: HubRelayConfigEntry, source: str
) -> ConfigFlowResult:
    """Start a reauth or reconfigure flow for an entry, as Home Assistant does."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": source, "entry_id": entry.entry_id},
        data=entry.data if source == SOURCE_REAUTH else None,
    )


@pytest.mark.parametrize("form", ["{host}:{port}", "http://{host}:{port}", "http://{host}:{port}/"])
async def test_local_url_forms_create_an_entry_without_secrets(
    hass: HomeAssistant, world: VeraWorld, form: str
) -> None:
    flow_id = await start_flow(hass, "vera_local")
    url = form.format(host="127.0.0.1", port=world.hub.port)
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: url})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == world.serial
    assert entry.data == {
        "system": "vera",
        CONF_CONNECTION: "local",
        CONF_URL: url.strip(),
        CONF_SERIAL: world.serial,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_local_errors_and_recovery(hass: HomeAssistant, world: VeraWorld) -> None:
    flow_id = await start_flow(hass, "vera_local")
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: "ftp://vera"})
    assert result["errors"] == {"base": "invalid_url"}
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: "127.0.0.1:1"})
    assert result["errors"] == {"base": "vera_cannot_connect"}
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: world.address})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # The same Vera cannot be added twice, locally or through the account.
    flow_id = await start_flow(hass, "vera_local")
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: world.address})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    flow_id = await start_flow(hass, "vera_account")
    result = await hass.config_entries.flow.async_configure(flow_id, ACCOUNT)
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_UNIT: world.serial})
    assert result["reason"] == "already_configured"
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    await hass.config_entries.async_unload(entry.entry_id)


def other_house() -> HouseData:
    """A second Vera with another serial."""
    house = demo_house()
    house.serial = "50099999"
    return house


async def test_account_lists_only_vera_units_and_stores_the_password(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    flow_id = await start_flow(hass, "vera_account")
    result = await hass.config_entries.flow.async_configure(flow_id, ACCOUNT)
    assert result["step_id"] == "vera_unit"
    options = result["data_schema"].schema[CONF_UNIT].config["options"]
    assert [option["value"] for option in options] == [world.serial]
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_UNIT: world.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert result["title"] == "VeraPlus"
    assert entry.unique_id == world.serial
    assert entry.data[CONF_CONNECTION] == "relay"
    assert entry.data[CONF_PASSWORD] == PASSWORD
    assert entry.data[CONF_IDENTITY]["identity"]
    assert CONF_URL not in entry.data
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_account_errors_and_recovery(hass: HomeAssistant, world: VeraWorld) -> None:
    flow_id = await start_flow(hass, "vera_account")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: USERNAME, CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    world.cloud.down = {"auth", "auth_alt"}
    result = await hass.config_entries.flow.async_configure(flow_id, ACCOUNT)
    assert result["errors"] == {"base": "vera_cannot_connect"}
    world.cloud.down = set()
    with patch.object(account_flow, "account_units", side_effect=RuntimeError("bug")):
        result = await hass.config_entries.flow.async_configure(flow_id, ACCOUNT)
    assert result["errors"] == {"base": "unknown"}
    world.cloud.add_account("ezlo.only", "pw")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: "ezlo.only", CONF_PASSWORD: "pw"}
    )
    assert result["errors"] == {"base": "no_units"}
    result = await hass.config_entries.flow.async_configure(flow_id, ACCOUNT)
    assert result["step_id"] == "vera_unit"
    world.relay.tunnel_up = False
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_UNIT: world.serial})
    assert result["step_id"] == "vera_unit"
    assert result["errors"] == {"base": "unit_offline"}
    world.relay.tunnel_up = True
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_UNIT: world.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_reauth_asks_for_the_password_again(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world, "relay")
    result = await start_entry_flow(hass, entry, SOURCE_REAUTH)
    assert result["step_id"] == "vera_reauth"
    assert result["description_placeholders"] == {"name": "VeraPlus", "username": USERNAME}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    world.cloud.account(USERNAME).password = "new pw"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new pw"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == "new pw"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_local_entry_needs_no_reauth(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world)
    result = await start_entry_flow(hass, entry, SOURCE_REAUTH)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "vera_local_no_auth"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_moves_a_relay_entry_to_a_local_url(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world, "relay")
    result = await start_entry_flow(hass, entry, SOURCE_RECONFIGURE)
    assert result["step_id"] == "vera_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: "127.0.0.1:1"}
    )
    assert result["errors"] == {"base": "vera_cannot_connect"}
    async with VeraLuupSimulator(other_house()) as other:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: f"127.0.0.1:{other.port}"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_vera"
    result = await start_entry_flow(hass, entry, SOURCE_RECONFIGURE)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: world.address}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        "system": "vera",
        CONF_CONNECTION: "local",
        CONF_URL: world.address,
        CONF_SERIAL: world.serial,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_vera_without_serial_is_refused(hass: HomeAssistant, world: VeraWorld) -> None:
    house = demo_house()
    house.serial = ""
    flow_id = await start_flow(hass, "vera_local")
    async with VeraLuupSimulator(house) as nameless:
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_URL: f"127.0.0.1:{nameless.port}"}
        )
    assert result["errors"] == {"base": "vera_cannot_connect"}
