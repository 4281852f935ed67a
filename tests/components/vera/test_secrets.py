"""Secrets sweep for Vera: with debug logging on, no credential reaches a log, error or report.

Every config flow branch (local URL and MMS account), reauth, reconfigure, options, setup, outages
of the engine and the relay tunnel, revoked relay sessions, expired identities, commands (good,
refused, undelivered), diagnostics, unload and removal run against the simulators, which report
every secret they issue: the account password and its SHA1 hash, MMS identities and signatures,
MMS session tokens and the relay's own session tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import (
    CONF_EXCLUDED_DEVICES,
    CONF_IDENTITY,
    CONF_LIGHTS,
    CONF_UNIT,
    CONF_URL,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.hub import account_flow
from custom_components.hubrelay.vera.coordinator import VeraCoordinator
from tests.components.ezlo.test_secrets import MMS_KINDS, record_mms_secrets
from tests.components.loxone.test_secrets import (
    SecretSweep,
    configure,
    debug_sweep,
    entry_flow,
    refused,
    wait_until,
)
from tests.components.vera.conftest import PASSWORD, USERNAME, VeraWorld, start_flow, wait_for
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import demo_house

WRONG_PASSWORD = "Wrong Vera-Pass 1357"
NEW_PASSWORD = "New Vera-Pass 97531"
URL_PASSWORD = "Url-Pass-8642"
OTHER_USERNAME = "ezlo.only@example.com"
OTHER_PASSWORD = "Ezlo-Only-Pass 2468"
SWITCH = "switch.hall_hall_switch"
VERA_KINDS = MMS_KINDS | {"relay session token", "password typed into a URL"}


class _RecordingSessions(set[str]):
    """The relay simulator's session tokens, reporting every token it issues."""

    def __init__(self, on_token: Callable[[str], None]) -> None:
        super().__init__()
        self._on_token = on_token

    def add(self, token: str) -> None:
        self._on_token(token)
        super().add(token)


@pytest.fixture
def sweep(caplog: pytest.LogCaptureFixture) -> SecretSweep:
    return debug_sweep(caplog)


@pytest.fixture
async def vera(world: VeraWorld, sweep: SecretSweep, monkeypatch: pytest.MonkeyPatch) -> VeraWorld:
    """The demo Vera behind the simulated cloud and relay, every secret recorded."""
    record_mms_secrets(
        monkeypatch,
        sweep,
        world.cloud,
        {
            USERNAME: (PASSWORD, WRONG_PASSWORD),
            OTHER_USERNAME: (OTHER_PASSWORD,),
        },
    )
    sweep.add("password", NEW_PASSWORD)
    sweep.add("password typed into a URL", URL_PASSWORD)
    world.cloud.add_account(OTHER_USERNAME, OTHER_PASSWORD)
    world.relay._sessions = _RecordingSessions(
        lambda token: sweep.add("relay session token", token)
    )
    return world


async def add_vera(
    hass: HomeAssistant, sweep: SecretSweep, world: VeraWorld, connection: str
) -> HubRelayConfigEntry:
    if connection == "local":
        flow_id = await start_flow(hass, "vera_local")
        result = await configure(hass, sweep, "local", flow_id, {CONF_URL: world.address})
    else:
        flow_id = await start_flow(hass, "vera_account")
        account = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
        await configure(hass, sweep, "account", flow_id, account)
        result = await configure(hass, sweep, "unit", flow_id, {CONF_UNIT: world.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


def coordinator_of(entry: HubRelayConfigEntry) -> VeraCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, VeraCoordinator)
    return coordinator


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def commands_and_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sweep: SecretSweep,
    world: VeraWorld,
    entry: HubRelayConfigEntry,
) -> None:
    """Commands that work, are refused or are lost; the Loxone-only action; diagnostics."""
    await hass.services.async_call("switch", "turn_on", {"entity_id": SWITCH}, blocking=True)
    # The long poll delivers the change and waits again, so the failure below is the command's.
    await wait_for(hass, SWITCH, STATE_ON)
    await wait_until(lambda: world.hub.requests[-1].get("id") == "lu_sdata")
    scene_entity = er.async_get(hass).async_get_entity_id(
        "scene", DOMAIN, f"{world.serial}_scene_1"
    )
    scene = world.hub.house.scenes.pop(1)
    await refused(
        sweep,
        "refused scene",
        lambda: hass.services.async_call(
            "scene", "turn_on", {"entity_id": scene_entity}, blocking=True
        ),
        "vera_command_failed",
    )
    world.hub.house.scenes[1] = scene
    world.hub.fail_next(500, "", count=1)
    await refused(
        sweep,
        "undelivered command",
        lambda: hass.services.async_call(
            "switch", "turn_off", {"entity_id": SWITCH}, blocking=True
        ),
        "vera_command_not_delivered",
    )
    await refused(
        sweep,
        "send_command action",
        lambda: hass.services.async_call(
            DOMAIN,
            "send_command",
            {"config_entry_id": entry.entry_id, "control": "x", "command": "on"},
            blocking=True,
        ),
        "entry_not_loxone",
    )
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    sweep.see_diagnostics(f"{entry.data['connection']} entry diagnostics", result)


async def test_flows_leak_no_secret(
    hass: HomeAssistant, vera: VeraWorld, sweep: SecretSweep
) -> None:
    flow_id = await start_flow(hass, "vera_local")
    for where, url, error in (
        ("invalid URL", "ftp://vera", "invalid_url"),
        ("credentials in the URL", f"http://owner:{URL_PASSWORD}@{vera.address}", "invalid_url"),
        ("unreachable", "127.0.0.1:1", "vera_cannot_connect"),
    ):
        result = await configure(hass, sweep, where, flow_id, {CONF_URL: url})
        assert result["errors"] == {"base": error}
    result = await configure(hass, sweep, "local", flow_id, {CONF_URL: vera.address})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    local: HubRelayConfigEntry = result["result"]
    result = await entry_flow(hass, sweep, local, SOURCE_REAUTH)
    assert result["reason"] == "vera_local_no_auth"
    assert await hass.config_entries.async_remove(local.entry_id)

    flow_id = await start_flow(hass, "vera_account")
    account = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    result = await configure(
        hass, sweep, "wrong password", flow_id, account | {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    vera.cloud.down = {"auth", "auth_alt"}
    result = await configure(hass, sweep, "cloud down", flow_id, account)
    assert result["errors"] == {"base": "vera_cannot_connect"}
    vera.cloud.down = set()
    with patch.object(account_flow, "account_units", side_effect=RuntimeError("bug")):
        result = await configure(hass, sweep, "unexpected error", flow_id, account)
    assert result["errors"] == {"base": "unknown"}
    result = await configure(
        hass,
        sweep,
        "no units",
        flow_id,
        {CONF_USERNAME: OTHER_USERNAME, CONF_PASSWORD: OTHER_PASSWORD},
    )
    assert result["errors"] == {"base": "no_units"}
    result = await configure(hass, sweep, "account", flow_id, account)
    vera.relay.tunnel_up = False
    result = await configure(hass, sweep, "unit offline", flow_id, {CONF_UNIT: vera.serial})
    assert result["errors"] == {"base": "unit_offline"}
    vera.relay.tunnel_up = True
    result = await configure(hass, sweep, "unit", flow_id, {CONF_UNIT: vera.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    result = await configure(
        hass, sweep, "duplicate", await start_flow(hass, "vera_local"), {CONF_URL: vera.address}
    )
    assert result["reason"] == "already_configured"

    result = await entry_flow(hass, sweep, entry, SOURCE_REAUTH)
    result = await configure(
        hass, sweep, "reauth", result["flow_id"], {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    vera.cloud.account(USERNAME).password = NEW_PASSWORD
    result = await configure(
        hass, sweep, "reauth", result["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    sweep.see_flow("options", result)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LIGHTS: [], CONF_EXCLUDED_DEVICES: []}
    )
    sweep.see_flow("options", result)
    await hass.async_block_till_done()

    result = await entry_flow(hass, sweep, entry, SOURCE_RECONFIGURE)
    flow_id = result["flow_id"]
    result = await configure(hass, sweep, "reconfigure", flow_id, {CONF_URL: "127.0.0.1:1"})
    assert result["errors"] == {"base": "vera_cannot_connect"}
    other_house = demo_house()
    other_house.serial = "50099999"
    async with VeraLuupSimulator(other_house) as other:
        result = await configure(
            hass, sweep, "other Vera", flow_id, {CONF_URL: f"127.0.0.1:{other.port}"}
        )
    assert result["reason"] == "wrong_vera"
    result = await entry_flow(hass, sweep, entry, SOURCE_RECONFIGURE)
    result = await configure(
        hass, sweep, "reconfigure", result["flow_id"], {CONF_URL: vera.address}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    sweep.see_home_assistant(hass, "after the flows")
    assert await hass.config_entries.async_unload(entry.entry_id)
    sweep.assert_clean(VERA_KINDS)


async def test_relay_entry_leaks_no_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    vera: VeraWorld,
    sweep: SecretSweep,
) -> None:
    entry = await add_vera(hass, sweep, vera, "relay")
    coordinator = coordinator_of(entry)
    await commands_and_diagnostics(hass, hass_client, sweep, vera, entry)
    # The tunnel goes down and comes back.
    vera.relay.tunnel_up = False
    vera.hub.set_device(15, temperature="23.5")
    await wait_for(hass, SWITCH, STATE_UNAVAILABLE)
    vera.relay.tunnel_up = True
    await wait_until(lambda: coordinator.connected)
    # Refused sessions and an expired identity: renewed with the stored password.
    old = entry.data[CONF_IDENTITY]["identity"]
    vera.relay.reject_next(1)
    vera.cloud.revoke_sessions()
    vera.cloud.expire_identities()
    vera.relay.revoke_sessions()
    vera.hub.set_device(15, temperature="19.0")
    await wait_until(lambda: entry.data[CONF_IDENTITY]["identity"] != old)
    await wait_until(lambda: coordinator.connected)
    # The cloud refuses the password now: reauth, then a new password.
    vera.cloud.expire_identities()
    vera.cloud.fail_login_404 = True
    vera.relay.revoke_sessions()
    vera.hub.set_device(15, temperature="18.0")
    await wait_until(lambda: reauth_flows(hass))
    sweep.see_home_assistant(hass, "reauth asked while running")
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    sweep.see_home_assistant(hass, "setup with a refused password")
    vera.cloud.fail_login_404 = False
    (flow,) = reauth_flows(hass)
    result = await configure(
        hass, sweep, "reauth", flow["flow_id"], {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await configure(hass, sweep, "reauth", flow["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    vera.relay.tunnel_up = False
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    sweep.see_home_assistant(hass, "setup retry")
    vera.relay.tunnel_up = True
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_remove(entry.entry_id)
    sweep.assert_clean(VERA_KINDS)
