"""Vera units found on the network (DHCP, SSDP): the unit itself is asked for its serial, a new
one is offered for confirmation, and a local entry follows its unit to a new address."""

from __future__ import annotations

import socket

from homeassistant.config_entries import SOURCE_DHCP, SOURCE_SSDP, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
import pytest

from custom_components.hubrelay.const import CONF_SERIAL, CONF_URL, DOMAIN
from custom_components.hubrelay.vera import discovery
from custom_components.hubrelay.vera.repairs import unproven_move_issue_id
from tests.components.vera.conftest import VeraWorld, add_vera

#: Where the entry's Vera used to be (TEST-NET: stored, never contacted).
OLD_URL = "http://192.0.2.1:3480"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(autouse=True)
def luup_port(world: VeraWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ask discovered units on the simulator's port instead of 3480."""
    monkeypatch.setattr(discovery, "DISCOVERY_PORT", world.hub.port)


def ssdp(
    world: VeraWorld, location: str = "http://127.0.0.1:49451/luaupnp.xml", **upnp: str
) -> SsdpServiceInfo:
    """What Home Assistant's SSDP discovery hands the flow for the unit's answer."""
    return SsdpServiceInfo(
        ssdp_usn="uuid:4d494342-5342-5645-0107-000002c0fd47::urn:schemas-micasaverde-com:device:"
        "HomeAutomationGateway:1",
        ssdp_st="urn:schemas-micasaverde-com:device:HomeAutomationGateway:1",
        ssdp_location=location,
        upnp=world.hub.upnp_description() | upnp,
    )


def dhcp(ip: str = "127.0.0.1") -> DhcpServiceInfo:
    return DhcpServiceInfo(ip=ip, hostname="", macaddress="d0d3fc0a0b0c")


async def discover(
    hass: HomeAssistant, source: str, info: SsdpServiceInfo | DhcpServiceInfo
) -> dict[str, object]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=info
    )
    return dict(result)


async def test_a_new_vera_found_by_ssdp_is_confirmed_and_added(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    result = await discover(hass, SOURCE_SSDP, ssdp(world))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "vera_discovered"
    url = f"127.0.0.1:{world.hub.port}"
    assert result["description_placeholders"] == {"serial": world.serial, "url": url}
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["title_placeholders"] == {"name": f"Vera {world.serial}"}
    assert flows[0]["context"]["confirm_only"] is True
    result = dict(await hass.config_entries.flow.async_configure(str(result["flow_id"]), {}))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == world.serial  # type: ignore[attr-defined]
    assert result["data"] == {
        "system": "vera",
        "connection": "local",
        CONF_URL: url,
        CONF_SERIAL: world.serial,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED  # type: ignore[attr-defined]
    # The unit at the entry's own address is not asked again.
    requests = len(world.hub.requests)
    result = await discover(hass, SOURCE_DHCP, dhcp())
    assert result["reason"] == "already_configured"
    assert len(world.hub.requests) == requests
    await hass.config_entries.async_unload(entry.entry_id)  # type: ignore[attr-defined]


async def test_a_local_entry_follows_its_vera_to_a_new_address(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_URL: OLD_URL})
    result = await discover(hass, SOURCE_DHCP, dhcp())
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data[CONF_URL] == f"127.0.0.1:{world.hub.port}"
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_reached_by_host_name_keeps_it(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world)
    by_name = f"http://localhost:{world.hub.port}"
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_URL: by_name})
    result = await discover(hass, SOURCE_DHCP, dhcp())
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_URL] == by_name  # DNS follows the Vera by itself
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_relay_entry_keeps_the_relay(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world, "relay")
    result = await discover(hass, SOURCE_SSDP, ssdp(world))
    assert result["reason"] == "already_configured"
    assert CONF_URL not in entry.data
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_device_claiming_a_configured_vera_is_not_followed(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_URL: OLD_URL})
    data = dict(entry.data)
    # Its name claims our unit, but the unit answering there is another one.
    world.hub.house.serial = "45000001"
    result = await discover(hass, SOURCE_SSDP, ssdp(world, friendlyName=f"MiOS {entry.unique_id}"))
    assert result["reason"] == "vera_identity_unproven"
    assert result["description_placeholders"] == {"host": "127.0.0.1"}
    assert dict(entry.data) == data
    issue = ir.async_get(hass).async_get_issue(DOMAIN, unproven_move_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders == {
        "title": entry.title,
        "host": "127.0.0.1",
        "serial": "45000001",
    }
    # Our unit answering there again moves the entry and settles the warning.
    world.hub.house.serial = str(entry.unique_id)
    result = await discover(hass, SOURCE_SSDP, ssdp(world))
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, unproven_move_issue_id(entry.entry_id)) is None
    )
    # Removing the entry takes its warnings along.
    world.hub.house.serial = "45000001"
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_URL: OLD_URL})
    await discover(hass, SOURCE_SSDP, ssdp(world, friendlyName=f"MiOS {entry.unique_id}"))
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, unproven_move_issue_id(entry.entry_id)) is None
    )


async def test_unreachable_and_unusable_announcements_are_dropped(
    hass: HomeAssistant, world: VeraWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await discover(hass, SOURCE_SSDP, ssdp(world, location="no address"))
    assert result["reason"] == "not_vera"
    result = await discover(hass, SOURCE_SSDP, ssdp(world, location="http://[broken/x.xml"))
    assert result["reason"] == "not_vera"
    monkeypatch.setattr(discovery, "DISCOVERY_PORT", closed_port())
    result = await discover(hass, SOURCE_DHCP, dhcp())
    assert result["reason"] == "vera_unreachable"
    assert result["description_placeholders"] == {"host": "127.0.0.1"}
    assert not hass.config_entries.async_entries(DOMAIN)


def test_entry_addresses_are_read_as_typed() -> None:
    assert discovery.url_host("192.0.2.7") == "192.0.2.7"
    assert discovery.url_host("http://192.0.2.7:3480") == "192.0.2.7"
    assert discovery.url_host("http://[broken") is None
