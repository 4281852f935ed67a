"""The demo component's settings reach every HubRelay entry, whichever was set up first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import _async_get_or_create_resolver
import pytest

from custom_components.hubrelay.const import CONF_USE_TLS, CONF_VERIFY_TLS, DOMAIN
from custom_components.hubrelay.ezlo import coordinator as coordinator_ezlo
from custom_components.hubrelay.hub import mms as hub_mms
from custom_components.hubrelay.loxone import coordinator as coordinator_loxone
from custom_components.hubrelay.protocols.loxone import Timings
from custom_components.hubrelay.vera import coordinator as coordinator_vera
from tests.demo import hubrelay_demo
from tests.simulators.dns_server import DnsServer
from tests.simulators.ezlo_hub import certificate
from tests.simulators.miniserver import MiniserverSimulator, dyndns_name
from tests.simulators.tls_authority import TestAuthority

SOAK_LOXONE: dict[str, Any] = {
    "keepalive_interval": 5.0,
    "keepalive_timeout": 5.0,
    "long_backoff": 3.0,
}


@pytest.fixture(autouse=True)
def restore_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the demo component sets is put back after the test."""
    monkeypatch.setattr(coordinator_loxone, "TIMINGS", Timings())
    monkeypatch.setattr(coordinator_loxone, "TLS_CONTEXT", None)
    monkeypatch.setattr(coordinator_vera, "TIMINGS", None)
    monkeypatch.setattr(coordinator_ezlo, "SESSION_OPTIONS", {})
    monkeypatch.setattr(coordinator_ezlo, "LOCAL_PORT", coordinator_ezlo.LOCAL_PORT)
    monkeypatch.setattr(coordinator_ezlo, "RELAY_SSL", coordinator_ezlo.RELAY_SSL)
    monkeypatch.setattr(hub_mms, "MMS_OPTIONS", dict(hub_mms.MMS_OPTIONS))


@pytest.fixture
async def miniserver() -> AsyncIterator[MiniserverSimulator]:
    """The demo house on a free loopback port, user admin/admin."""
    async with MiniserverSimulator() as simulator:
        yield simulator


def write_endpoints(hass: HomeAssistant, **extra: Any) -> dict[str, Any]:
    """What the demo writes next to configuration.yaml, with the soak's shorter delays."""
    timings = {
        "loxone": SOAK_LOXONE,
        "ezlo": {"keepalive_interval": 5.0, "backoff": {"initial": 0.5}},
        "vera": {"backoff_max": 3.0},
    }
    endpoints = {
        "mms": {},
        "local_port": 17001,
        "relay_ca_pem": certificate("nma-relay")[0].decode("ascii"),
        "timings": timings,
        **extra,
    }
    Path(hass.config.path(hubrelay_demo.ENDPOINTS_FILE)).write_text(json.dumps(endpoints))
    return endpoints


async def add_miniserver(hass: HomeAssistant, port: int, *, use_tls: bool) -> ConfigFlowResult:
    """Add a Miniserver on 127.0.0.1 through the config flow, certificate verified."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_USE_TLS: use_tls,
            CONF_VERIFY_TLS: True,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: "admin",
        },
    )


async def test_an_entry_set_up_before_the_demo_settings_gets_them(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    """After a restart Home Assistant may set an entry up first: it is reloaded with them."""
    result = await add_miniserver(hass, miniserver.port, use_tls=False)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.runtime_data.client._timings == Timings()

    write_endpoints(hass)
    assert await hubrelay_demo.async_setup(hass, {})
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client._timings == Timings(**SOAK_LOXONE)
    assert coordinator_loxone.TLS_CONTEXT is None  # no Loxone root in the file: system roots
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_loxone_root_lets_a_verified_tls_sign_in_through(hass: HomeAssistant) -> None:
    """The soak's TLS Miniserver is added with verification on: only the file's root trusts it."""
    authority = TestAuthority("Demo Loxone Root")
    serial = "504F94A0B1C3"
    tls = authority.server_context(dyndns_name("127.0.0.1", serial))
    async with MiniserverSimulator(serial=serial, tls=tls) as miniserver:
        write_endpoints(hass, loxone_ca_pem=authority.ca_pem.decode("ascii"))
        assert await hubrelay_demo.async_setup(hass, {})
        result = await add_miniserver(hass, miniserver.port, use_tls=True)
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
        await hass.async_block_till_done()
        entry = result["result"]
        assert entry.data[CONF_VERIFY_TLS] is True
        assert entry.state is ConfigEntryState.LOADED
        assert entry.runtime_data.connected
        await hass.config_entries.async_unload(entry.entry_id)


async def test_ready_answers_after_the_reloads(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    hass_ws_client: Callable[..., Awaitable[Any]],
) -> None:
    """The soak asks after a restart: once answered, no reload can take its entities away."""
    result = await add_miniserver(hass, miniserver.port, use_tls=False)
    await hass.async_block_till_done()
    entry = result["result"]
    write_endpoints(hass)
    assert await hubrelay_demo.async_setup(hass, {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "hubrelay_demo/ready"})
    answer = await client.receive_json()
    assert answer["success"]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client._timings == Timings(**SOAK_LOXONE)
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("disable_mock_zeroconf_resolver", "mock_async_zeroconf")
async def test_host_names_resolve_through_the_soaks_dns_server(hass: HomeAssistant) -> None:
    """Home Assistant's own resolver (the one of its shared HTTP sessions) asks the soak's DNS."""
    async with DnsServer({"auth.mios.test": "127.0.0.7"}) as dns:
        write_endpoints(hass, dns_port=dns.port)
        assert await hubrelay_demo.async_setup(hass, {})
        resolver = _async_get_or_create_resolver(hass)
        answers = await resolver.resolve("auth.mios.test", 443)
        assert [answer["host"] for answer in answers] == ["127.0.0.7"]
        assert ("auth.mios.test", 1) in dns.queries
