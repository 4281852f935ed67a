"""Miniservers found on the network (DHCP, SSDP): offered with the address filled in, and a
configured one followed to a new address only after it presented its pinned serial and key."""

from __future__ import annotations

import socket

from homeassistant.config_entries import SOURCE_DHCP, SOURCE_IGNORE, SOURCE_SSDP, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.hubrelay.const import CONF_PUBLIC_KEY, CONF_SERIAL, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import discovery
from custom_components.hubrelay.loxone.repairs import unproven_move_issue_id
from tests.components.loxone.conftest import add_miniserver
from tests.components.loxone.test_identity import credential_commands
from tests.simulators.miniserver import MiniserverSimulator

#: Where an entry's Miniserver used to be (TEST-NET: stored, never contacted).
OLD_HOST = "192.0.2.1"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def ssdp(simulator: MiniserverSimulator, **upnp: str) -> SsdpServiceInfo:
    """What Home Assistant's SSDP discovery hands the flow for the simulator's answer."""
    return SsdpServiceInfo(
        ssdp_usn="uuid:aabbccdd-eeff-0011-2233-445566778899::upnp:rootdevice",
        ssdp_st="upnp:rootdevice",
        ssdp_location=f"{simulator.base_url}/upnp.xml",
        upnp=simulator.upnp_description() | upnp,
    )


def dhcp(simulator: MiniserverSimulator, ip: str = "127.0.0.1") -> DhcpServiceInfo:
    """What Home Assistant's DHCP watcher hands the flow: the MAC is the serial."""
    return DhcpServiceInfo(ip=ip, hostname="", macaddress=simulator.serial.lower())


async def discover(
    hass: HomeAssistant, source: str, info: SsdpServiceInfo | DhcpServiceInfo
) -> dict[str, object]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=info
    )
    return dict(result)


def moved_away(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """The Miniserver got a new address; the entry still has the old one."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: OLD_HOST})


async def test_a_new_miniserver_found_by_ssdp_is_offered_with_its_address(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "loxone_discovered"
    assert result["description_placeholders"] == {"host": "127.0.0.1"}
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["title_placeholders"] == {"name": f"Miniserver {miniserver.serial}"}
    assert flows[0]["context"]["unique_id"] == format_mac(miniserver.serial)
    schema = result["data_schema"]
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema.schema  # type: ignore[attr-defined]
        if key.description
    }
    assert suggested[CONF_HOST] == "127.0.0.1"
    assert suggested[CONF_PORT] == miniserver.port
    # Finding it sent nothing but the unauthenticated API question.
    assert credential_commands(miniserver, 0) == []
    form = {**suggested, CONF_USERNAME: "admin", CONF_PASSWORD: "wrong"}
    result = dict(await hass.config_entries.flow.async_configure(str(result["flow_id"]), form))
    assert result["step_id"] == "loxone"  # a failed sign-in shows the ordinary form
    assert result["errors"] == {"base": "invalid_auth"}
    form[CONF_PASSWORD] = "admin"
    result = dict(await hass.config_entries.flow.async_configure(str(result["flow_id"]), form))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry: HubRelayConfigEntry = result["result"]  # type: ignore[assignment]
    assert entry.unique_id == format_mac(miniserver.serial)
    assert entry.data[CONF_HOST] == "127.0.0.1"
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_new_miniserver_found_by_dhcp_is_asked_on_its_web_port(
    hass: HomeAssistant, miniserver: MiniserverSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery, "DISCOVERY_PORT", miniserver.port)
    result = await discover(hass, SOURCE_DHCP, dhcp(miniserver))
    assert result["step_id"] == "loxone_discovered"
    result = await discover(hass, SOURCE_DHCP, dhcp(miniserver))
    assert result["reason"] == "already_in_progress"


async def test_unreachable_or_lying_announcements_are_dropped(
    hass: HomeAssistant, miniserver: MiniserverSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing answers on the Miniserver's web port at that address.
    monkeypatch.setattr(discovery, "DISCOVERY_PORT", closed_port())
    result = await discover(hass, SOURCE_DHCP, dhcp(miniserver))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "miniserver_unreachable"
    assert result["description_placeholders"] == {"host": "127.0.0.1"}
    # The device answers with another serial than it announced.
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver, serialNumber="504F94000001"))
    assert result["reason"] == "not_loxone_miniserver"
    # An answer without a serial or an address cannot be followed.
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver, serialNumber=""))
    assert result["reason"] == "not_loxone_miniserver"
    info = ssdp(miniserver)
    info.ssdp_location = "http://[broken/upnp.xml"
    result = await discover(hass, SOURCE_SSDP, info)
    assert result["reason"] == "not_loxone_miniserver"
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_a_known_miniserver_at_its_address_is_left_alone(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    since = len(miniserver.received)
    result = await discover(hass, SOURCE_DHCP, dhcp(miniserver))
    assert result["reason"] == "already_configured"
    assert miniserver.received[since:] == []  # nothing was asked
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_known_miniserver_that_proves_itself_is_followed_to_its_new_address(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    moved_away(hass, entry)
    since = len(miniserver.received)
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver))
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.state is ConfigEntryState.LOADED
    # The proof came before the reloaded entry used its token.
    assert miniserver.received[since : since + 2] == ["jdev/cfg/apiKey", "jdev/cfg/api"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_device_that_fails_the_proof_gets_nothing_and_the_user_is_warned(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    moved_away(hass, entry)
    data = dict(entry.data)
    since = len(miniserver.received)
    miniserver.key_label = "impostor"  # same serial, another key: not the pinned Miniserver
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver))
    assert result["reason"] == "miniserver_identity_unproven"
    assert result["description_placeholders"] == {"host": "127.0.0.1"}
    assert dict(entry.data) == data
    assert credential_commands(miniserver, since) == []
    issue = ir.async_get(hass).async_get_issue(DOMAIN, unproven_move_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders == {"title": entry.title, "host": "127.0.0.1"}
    # Nothing answering at the announced address is no proof either, but no warning.
    ir.async_get(hass).async_delete(DOMAIN, unproven_move_issue_id(entry.entry_id))
    await miniserver.stop()
    result = await discover(hass, SOURCE_DHCP, dhcp(miniserver))
    assert result["reason"] == "miniserver_unreachable"
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, unproven_move_issue_id(entry.entry_id)) is None
    )
    assert entry.data[CONF_HOST] == OLD_HOST
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_without_a_pinned_key_is_never_moved(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    await hass.config_entries.async_unload(entry.entry_id)
    data = {**entry.data, CONF_HOST: OLD_HOST}
    del data[CONF_PUBLIC_KEY]
    hass.config_entries.async_update_entry(entry, data=data)
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver))
    assert result["reason"] == "miniserver_identity_unproven"
    assert entry.data[CONF_HOST] == OLD_HOST


async def test_an_entry_reached_by_host_name_keeps_it(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "localhost"})
    since = len(miniserver.received)
    result = await discover(hass, SOURCE_DHCP, dhcp(miniserver))
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "localhost"  # DNS follows the Miniserver by itself
    assert miniserver.received[since:] == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_ignored_and_cloud_dns_entries_stay_as_they_are(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    unique_id = format_mac(miniserver.serial)
    ignored = MockConfigEntry(domain=DOMAIN, source=SOURCE_IGNORE, unique_id=unique_id, data={})
    ignored.add_to_hass(hass)
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver))
    assert result["reason"] == "already_configured"
    assert await hass.config_entries.async_remove(ignored.entry_id)
    by_serial = MockConfigEntry(
        domain=DOMAIN,
        unique_id=unique_id,
        data={"system": "loxone", CONF_HOST: miniserver.serial, CONF_SERIAL: miniserver.serial},
    )
    by_serial.add_to_hass(hass)
    result = await discover(hass, SOURCE_SSDP, ssdp(miniserver))
    assert result["reason"] == "already_configured"
    assert by_serial.data[CONF_HOST] == miniserver.serial
