"""Secrets sweep for Ezlo: with debug logging on, no credential reaches a log, error or report.

Every config flow branch, reauth, reconfigure, discovery, options, setup, reconnects (hub reboot,
relay drop, hub off the cloud), local keys renewed through the cloud, expired identities and
revoked cloud tokens and sessions, commands, diagnostics, unload and removal run against the
simulators, which report every secret they issue: the account password and its SHA1 hash, MMS
identities and signatures, MMS session tokens, Ezlo cloud tokens and the hub's local keys.
`record_mms_secrets` is shared with the Vera sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_ZEROCONF,
    ConfigEntryState,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import (
    CONF_CONNECTION,
    CONF_EXCLUDED_DEVICES,
    CONF_HUB,
    CONF_LOCAL_KEYS,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.ezlo.coordinator import EzloCoordinator
from custom_components.hubrelay.hub import account_flow
from tests.components.ezlo.conftest import PASSWORD, USERNAME, EzloWorld, start_flow, wait_for
from tests.components.loxone.test_secrets import (
    SecretSweep,
    configure,
    debug_sweep,
    entry_flow,
    refused,
    wait_until,
)
from tests.simulators.mms_cloud import MmsCloudSimulator
from tests.simulators.mms_cloud_records import TicketSigner, sha1_password

WRONG_PASSWORD = "Wrong Ezlo-Pass 1357"
HOST_PASSWORD = "Host-Pass-9753"
OTHER_USERNAME = "no.hubs@example.com"
OTHER_PASSWORD = "No-Hubs-Pass 2468"
LAMP = "switch.living_room_lamp_switch"
SCENE = "scene.ezlo_plus_good_night"
MMS_KINDS = {
    "password",
    "wrong password",
    "password SHA1 hash",
    "MMS identity",
    "MMS identity signature",
    "MMS session token",
}
EZLO_KINDS = MMS_KINDS | {
    "Ezlo cloud token",
    "local key token",
    "local key user",
    "password typed into the host field",
}


class _RecordingSessions(dict[str, str]):
    """The MMS simulator's session token table, reporting every token it stores."""

    def __init__(self, on_token: Callable[[str], None]) -> None:
        super().__init__()
        self._on_token = on_token

    def __setitem__(self, token: str, username: str) -> None:
        self._on_token(token)
        super().__setitem__(token, username)


def record_mms_secrets(
    monkeypatch: pytest.MonkeyPatch,
    sweep: SecretSweep,
    cloud: MmsCloudSimulator,
    accounts: dict[str, tuple[str, ...]],
) -> None:
    """Make the MMS simulator report identities, signatures, session and cloud tokens.

    ``accounts`` maps each username to the passwords the test types for it (right or wrong):
    each, and its SHA1 hash as the MMS login sends it, is a secret.
    """
    issue_identity, issue_jwt = TicketSigner.issue_identity, TicketSigner.issue_jwt

    def identity(signer: TicketSigner, *args: Any, **kwargs: Any) -> tuple[str, str]:
        ticket, signature = issue_identity(signer, *args, **kwargs)
        sweep.add("MMS identity", ticket)
        sweep.add("MMS identity signature", signature)
        return ticket, signature

    def jwt(signer: TicketSigner, *args: Any, **kwargs: Any) -> str:
        token = issue_jwt(signer, *args, **kwargs)
        sweep.add("Ezlo cloud token", token)
        return token

    monkeypatch.setattr(TicketSigner, "issue_identity", identity)
    monkeypatch.setattr(TicketSigner, "issue_jwt", jwt)
    for role in cloud._sessions:
        cloud._sessions[role] = _RecordingSessions(
            lambda token: sweep.add("MMS session token", token)
        )
    for username, (password, *wrong) in accounts.items():
        sweep.add("password", password)
        sweep.add("password SHA1 hash", sha1_password(username, password))
        for typo in wrong:
            sweep.add("wrong password", typo)
            sweep.add("wrong password", sha1_password(username, typo))


@pytest.fixture
def sweep(caplog: pytest.LogCaptureFixture) -> SecretSweep:
    return debug_sweep(caplog)


def record_local_keys(sweep: SecretSweep, world: EzloWorld) -> None:
    """The hub's local key pair as the cloud hands it out now."""
    keys = world.cloud.local_keys(world.serial)
    sweep.add("local key user", keys.user)
    sweep.add("local key token", keys.token)


@pytest.fixture
async def ezlo(world: EzloWorld, sweep: SecretSweep, monkeypatch: pytest.MonkeyPatch) -> EzloWorld:
    """The demo hub behind the simulated cloud, every secret recorded."""
    record_mms_secrets(
        monkeypatch,
        sweep,
        world.cloud,
        {USERNAME: (PASSWORD, WRONG_PASSWORD), OTHER_USERNAME: (OTHER_PASSWORD,)},
    )
    sweep.add("password typed into the host field", HOST_PASSWORD)
    world.cloud.add_account(OTHER_USERNAME, OTHER_PASSWORD)
    record_local_keys(sweep, world)
    return world


async def add_hub(
    hass: HomeAssistant, sweep: SecretSweep, world: EzloWorld, connection: str
) -> HubRelayConfigEntry:
    account = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    result = await configure(hass, sweep, "account", await start_flow(hass), account)
    choice = {CONF_HUB: world.serial, CONF_CONNECTION: connection}
    result = await configure(hass, sweep, "hub", result["flow_id"], choice)
    if connection == "local":
        result = await configure(hass, sweep, "local", result["flow_id"], {CONF_HOST: "127.0.0.1"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


def coordinator_of(entry: HubRelayConfigEntry) -> EzloCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, EzloCoordinator)
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
    world: EzloWorld,
    entry: HubRelayConfigEntry,
) -> None:
    """A command that works, one the hub refuses, the Loxone-only action, diagnostics."""
    await hass.services.async_call("switch", "turn_on", {"entity_id": LAMP}, blocking=True)
    scenes = list(world.hub.house.scenes.items())
    world.hub.house.scenes.clear()
    await refused(
        sweep,
        "refused scene",
        lambda: hass.services.async_call("scene", "turn_on", {"entity_id": SCENE}, blocking=True),
        "hub_command_failed",
    )
    world.hub.house.scenes.update(scenes)
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
    sweep.see_diagnostics(f"{entry.data[CONF_CONNECTION]} entry diagnostics", result)


async def test_flows_leak_no_secret(
    hass: HomeAssistant, ezlo: EzloWorld, sweep: SecretSweep
) -> None:
    flow_id = await start_flow(hass)
    account = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    result = await configure(
        hass, sweep, "wrong password", flow_id, account | {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    ezlo.cloud.down |= {"auth", "auth_alt"}
    result = await configure(hass, sweep, "cloud down", flow_id, account)
    assert result["errors"] == {"base": "ezlo_cannot_connect"}
    ezlo.cloud.down.clear()
    with patch.object(account_flow, "account_units", side_effect=RuntimeError("bug")):
        result = await configure(hass, sweep, "unexpected error", flow_id, account)
    assert result["errors"] == {"base": "unknown"}
    result = await configure(
        hass,
        sweep,
        "no hubs",
        flow_id,
        {CONF_USERNAME: OTHER_USERNAME, CONF_PASSWORD: OTHER_PASSWORD},
    )
    assert result["errors"] == {"base": "no_hubs"}
    result = await configure(hass, sweep, "account", flow_id, account)
    await ezlo.relay.disconnect_hub()
    relay = {CONF_HUB: ezlo.serial, CONF_CONNECTION: "relay"}
    result = await configure(hass, sweep, "hub off the cloud", flow_id, relay)
    assert result["errors"] == {"base": "ezlo_cannot_connect"}
    ezlo.relay.reconnect_hub()
    result = await configure(hass, sweep, "hub", flow_id, relay | {CONF_CONNECTION: "local"})
    # A password typed into the host field ("user:password@host") is refused, not echoed.
    result = await configure(
        hass,
        sweep,
        "credentials in the host",
        flow_id,
        {CONF_HOST: f"me:{HOST_PASSWORD}@127.0.0.1"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"]
    keys = dict(ezlo.hub.local_keys)
    ezlo.hub.local_keys.clear()
    result = await configure(hass, sweep, "keys refused", flow_id, {CONF_HOST: "127.0.0.1"})
    assert result["errors"] == {"base": "invalid_auth"}
    ezlo.hub.local_keys.update(keys)
    result = await configure(hass, sweep, "local", flow_id, {CONF_HOST: "127.0.0.1"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    result = await configure(hass, sweep, "account", await start_flow(hass), account)
    result = await configure(hass, sweep, "duplicate", result["flow_id"], relay)
    assert result["reason"] == "already_configured"

    result = await entry_flow(hass, sweep, entry, SOURCE_REAUTH)
    result = await configure(
        hass, sweep, "reauth", result["flow_id"], {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await configure(hass, sweep, "reauth", result["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    result = await entry_flow(hass, sweep, entry, SOURCE_RECONFIGURE)
    flow_id = result["flow_id"]
    result = await configure(
        hass, sweep, "reconfigure", flow_id, {CONF_CONNECTION: "local", CONF_PASSWORD: PASSWORD}
    )
    assert result["errors"] == {CONF_HOST: "host_required"}
    result = await configure(
        hass,
        sweep,
        "reconfigure",
        flow_id,
        {CONF_CONNECTION: "relay", CONF_PASSWORD: WRONG_PASSWORD},
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await configure(
        hass, sweep, "reconfigure", flow_id, {CONF_CONNECTION: "relay", CONF_PASSWORD: PASSWORD}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    discovery = ZeroconfServiceInfo(
        ip_address=ip_address("127.0.0.1"),
        ip_addresses=[ip_address("127.0.0.1")],
        port=17000,
        hostname=f"HUB{ezlo.serial}.local.",
        type="_ezlo._tcp.local.",
        name="Ezlo hub._ezlo._tcp.local.",
        properties={"Serial": ezlo.serial},
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery
    )
    sweep.see_flow("discovery", result)
    assert result["reason"] == "already_configured"

    result = await hass.config_entries.options.async_init(entry.entry_id)
    sweep.see_flow("options", result)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_EXCLUDED_DEVICES: []}
    )
    sweep.see_flow("options", result)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    sweep.see_home_assistant(hass, "after the flows")
    assert await hass.config_entries.async_unload(entry.entry_id)
    sweep.assert_clean(EZLO_KINDS)


async def test_local_entry_leaks_no_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ezlo: EzloWorld,
    sweep: SecretSweep,
) -> None:
    entry = await add_hub(hass, sweep, ezlo, "local")
    coordinator = coordinator_of(entry)
    await commands_and_diagnostics(hass, hass_client, sweep, ezlo, entry)

    device_id = ezlo.hub.house.item_by_name("Lamp switch", "switch")["deviceId"]
    lamp = coordinator.device_items(device_id)["switch"]
    await ezlo.hub.reboot(0.3)
    await wait_for(hass, LAMP, STATE_UNAVAILABLE)
    await refused(
        sweep,
        "while rebooting",
        lambda: coordinator.async_set_item(lamp, False),
        "hub_not_connected",
    )
    await wait_until(lambda: coordinator.connected)
    # The hub refuses the stored key: a new one comes from the cloud (new cloud token too).
    user = ezlo.cloud.local_keys(ezlo.serial).user
    ezlo.cloud.revoke_cloud_tokens()
    ezlo.cloud.revoke_sessions()
    ezlo.cloud.hub(ezlo.serial).local_token = "renewed-local-token-0123456789"
    ezlo.hub.rotate_local_key(user, "renewed-local-token-0123456789")
    record_local_keys(sweep, ezlo)
    await ezlo.hub.drop_connections()
    await wait_until(lambda: entry.data[CONF_LOCAL_KEYS]["token"].startswith("renewed"))
    await wait_until(lambda: coordinator.connected)
    # Refused key and an expired identity: no password is stored, so reauth.
    ezlo.hub.rotate_local_key(user, "rotated-local-token-9876543210")
    sweep.add("local key token", "rotated-local-token-9876543210")
    ezlo.cloud.expire_identities()
    ezlo.cloud.fail_login_404 = True
    await ezlo.hub.drop_connections()
    await wait_until(lambda: reauth_flows(hass))
    sweep.see_home_assistant(hass, "reauth asked while running")
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    sweep.see_home_assistant(hass, "setup with refused keys")
    # The cloud now hands out the key the hub holds.
    ezlo.cloud.fail_login_404 = False
    ezlo.cloud.hub(ezlo.serial).local_token = "rotated-local-token-9876543210"
    (flow,) = reauth_flows(hass)
    result = await configure(hass, sweep, "reauth", flow["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    await ezlo.hub.reboot(30)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    sweep.see_home_assistant(hass, "setup retry")
    ezlo.hub.rebooting = False
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_remove(entry.entry_id)
    sweep.assert_clean(EZLO_KINDS)


async def test_relay_entry_leaks_no_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ezlo: EzloWorld,
    sweep: SecretSweep,
) -> None:
    entry = await add_hub(hass, sweep, ezlo, "relay")
    coordinator = coordinator_of(entry)
    await commands_and_diagnostics(hass, hass_client, sweep, ezlo, entry)
    await ezlo.relay.drop_connections()
    await wait_until(lambda: not coordinator.connected)
    await wait_until(lambda: coordinator.connected)
    # An expired identity is renewed with the stored password; "already logged in" is fine.
    ezlo.cloud.expire_identities()
    ezlo.cloud.revoke_sessions()
    ezlo.relay.answer_already_logged_in = True
    await ezlo.relay.drop_connections()
    await wait_until(lambda: not coordinator.connected)
    await wait_until(lambda: coordinator.connected)
    await ezlo.relay.disconnect_hub()
    await wait_until(lambda: not coordinator.connected)
    ezlo.relay.reconnect_hub()
    await wait_until(lambda: coordinator.connected)
    # The cloud refuses the password now: reauth, then a new password.
    ezlo.cloud.expire_identities()
    ezlo.cloud.fail_login_404 = True
    await ezlo.relay.drop_connections()
    await wait_until(lambda: reauth_flows(hass))
    sweep.see_home_assistant(hass, "reauth asked while running")
    ezlo.cloud.fail_login_404 = False
    (flow,) = reauth_flows(hass)
    result = await configure(
        hass, sweep, "reauth", flow["flow_id"], {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await configure(hass, sweep, "reauth", flow["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    sweep.see_diagnostics("relay entry diagnostics after reauth", result)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_remove(entry.entry_id)
    # A relay entry never needs the hub's local keys or the Ezlo cloud token.
    sweep.assert_clean(EZLO_KINDS - {"Ezlo cloud token"})
