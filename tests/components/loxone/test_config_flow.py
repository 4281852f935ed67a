"""The config flow against the simulated Miniserver: every error, every recovery."""

from __future__ import annotations

from collections.abc import AsyncIterator
import re
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.hubrelay.const import (
    CONF_CLIENT_UUID,
    CONF_FORGET_VISU_PASSWORD,
    CONF_PUBLIC_KEY,
    CONF_SERIAL,
    CONF_SYSTEM,
    CONF_TOKEN,
    CONF_USE_TLS,
    CONF_VERIFY_TLS,
    CONF_VISU_PASSWORD,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import coordinator as coordinator_module
from tests.components.loxone.conftest import add_miniserver, form_input
from tests.simulators.miniserver import MiniserverSimulator, UserSpec


async def start_loxone_form(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["loxone", "ezlo", "vera"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "loxone"
    flow_id: str = result["flow_id"]
    return flow_id


async def start_entry_flow(
    hass: HomeAssistant, entry: HubRelayConfigEntry, source: str
) -> ConfigFlowResult:
    """Start a reauth or reconfigure flow for an entry, as Home Assistant does."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": source, "entry_id": entry.entry_id},
        data=entry.data if source == SOURCE_REAUTH else None,
    )


async def test_user_flow_stores_a_token_not_the_password(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    flow_id = await start_loxone_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry: HubRelayConfigEntry = result["result"]
    assert entry.unique_id == "50:4f:94:a0:b1:c2"
    assert entry.title == miniserver.structure["msInfo"]["msName"]
    data = dict(entry.data)
    token = data.pop(CONF_TOKEN)
    client_uuid = data.pop(CONF_CLIENT_UUID)
    assert re.fullmatch(r"[0-9a-f]{64}", data.pop(CONF_PUBLIC_KEY))
    assert data == {
        CONF_SYSTEM: "loxone",
        CONF_HOST: "127.0.0.1",
        CONF_PORT: miniserver.port,
        CONF_USE_TLS: False,
        CONF_VERIFY_TLS: True,
        CONF_USERNAME: "admin",
        CONF_SERIAL: "504F94A0B1C2",
    }
    assert "admin" not in str(token)
    assert [t.token for t in miniserver.tokens.issued] == [token["token"]]
    assert client_uuid
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({CONF_PASSWORD: "wrong"}, "invalid_auth"),
        ({CONF_USERNAME: "nobody"}, "invalid_auth"),
        ({CONF_PORT: 1}, "miniserver_cannot_connect"),
    ],
)
async def test_user_flow_recovers_from_errors(
    hass: HomeAssistant, miniserver: MiniserverSimulator, change: dict[str, Any], error: str
) -> None:
    flow_id = await start_loxone_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, form_input(miniserver, **change)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_user_flow_reports_a_blocked_user(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    miniserver.block_after_failures = 1
    flow_id = await start_loxone_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, form_input(miniserver, **{CONF_PASSWORD: "wrong"})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["errors"] == {"base": "blocked"}
    miniserver.unblock()
    result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_user_flow_unexpected_error_is_unknown(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    flow_id = await start_loxone_form(hass)
    # A bug of ours, not a Miniserver failure: injected where nothing real can raise it.
    with patch.object(coordinator_module, "build_endpoint", side_effect=RuntimeError("bug")):
        result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_same_miniserver_cannot_be_added_twice(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    flow_id = await start_loxone_form(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form_input(miniserver))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def cloud_dns(
    monkeypatch: pytest.MonkeyPatch, miniserver: MiniserverSimulator
) -> AsyncIterator[dict[str, Any]]:
    """A loopback stand-in for Loxone CloudDNS; the test sets its answer."""
    answer: dict[str, Any] = {
        "Code": 200,
        "IP": f"127.0.0.1:{miniserver.port}",
        "PortOpen": True,
        "IPHTTPS": "",
        "PortOpenHTTPS": False,
        "DataCenter": "loxonecloud.com",
    }

    async def getip(request: web.Request) -> web.Response:
        assert request.query["snr"] == "504F94A0B1C2"
        return web.json_response(answer)

    app = web.Application()
    app.router.add_get("/", getip)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setattr(coordinator_module, "CLOUD_DNS_URL", f"http://127.0.0.1:{port}/")
    yield answer
    await runner.cleanup()


async def test_serial_is_resolved_through_cloud_dns(
    hass: HomeAssistant, miniserver: MiniserverSimulator, cloud_dns: dict[str, Any]
) -> None:
    flow_id = await start_loxone_form(hass)
    cloud_dns["Code"] = 418
    result = await hass.config_entries.flow.async_configure(
        flow_id, form_input(miniserver, **{CONF_HOST: "50:4F:94:A0:B1:C2"})
    )
    assert result["errors"] == {"base": "cloud_dns"}
    cloud_dns["Code"] = 200
    result = await hass.config_entries.flow.async_configure(
        flow_id, form_input(miniserver, **{CONF_HOST: "504F94A0B1C2"})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HOST] == "504F94A0B1C2"
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    assert entry.runtime_data.connected
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reauth_stores_a_new_token(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    old_token = entry.data[CONF_TOKEN]["token"]
    result = await start_entry_flow(hass, entry, SOURCE_REAUTH)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN]["token"] != old_token
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reauth_refuses_another_miniserver(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    async with MiniserverSimulator(serial="504F94FFFFFF") as other:
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
        result = await start_entry_flow(hass, entry, SOURCE_REAUTH)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}
        )
        # The pinned serial is checked before the password is used: the other one learns nothing.
        assert result["errors"] == {"base": "identity_changed"}
        assert not [c for c in other.received if "getkey" in c or "getjwt" in c]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_checks_it_is_the_same_miniserver(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    connection = {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: miniserver.port,
        CONF_USE_TLS: False,
        CONF_VERIFY_TLS: True,
    }
    result = await start_entry_flow(hass, entry, SOURCE_RECONFIGURE)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**connection, CONF_PORT: 1}
    )
    assert result["errors"] == {"base": "miniserver_cannot_connect"}
    async with MiniserverSimulator(serial="504F94FFFFFF") as other:
        # Another serial at the new address: refused before our token is used.
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {**connection, CONF_PORT: other.port}
        )
        assert result["errors"] == {"base": "identity_changed"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], connection)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_refuses_another_miniserver_that_accepts_the_token(
    hass: HomeAssistant,
) -> None:
    async with (
        MiniserverSimulator() as first,
        MiniserverSimulator(serial="504F94FFFFFF") as second,
    ):
        entry = await add_miniserver(hass, first)
        # Same user database on both, and the token copied over: only the serial tells.
        token = entry.data[CONF_TOKEN]["token"]
        adopted = first.tokens.find_by_value(token)
        assert adopted is not None
        second.tokens.issued.append(adopted)
        result = await start_entry_flow(hass, entry, SOURCE_RECONFIGURE)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_HOST: "127.0.0.1",
                CONF_PORT: second.port,
                CONF_USE_TLS: False,
                CONF_VERIFY_TLS: True,
            },
        )
        assert result["errors"] == {"base": "identity_changed"}
        assert not [c for c in second.received if "authwithtoken" in c]
        await hass.config_entries.async_unload(entry.entry_id)


async def test_options_store_the_visualisation_password(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "loxone_options"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VISU_PASSWORD: "1234"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_VISU_PASSWORD: "1234"}
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


def _suggested(schema: Any) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description and "suggested_value" in key.description
    }


async def test_options_never_send_the_stored_password_back(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    hass.config_entries.async_update_entry(entry, options={CONF_VISU_PASSWORD: "1234"})
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "1234" not in str(_suggested(result["data_schema"]))
    # Left empty, the stored password stays.
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == {CONF_VISU_PASSWORD: "1234"}
    # The box forgets it.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_FORGET_VISU_PASSWORD: True}
    )
    await hass.async_block_till_done()
    assert entry.options == {}
    await hass.config_entries.async_unload(entry.entry_id)


async def test_sha256_user(hass: HomeAssistant) -> None:
    async with MiniserverSimulator(users={"admin": UserSpec("secret", "SHA256")}) as simulator:
        flow_id = await start_loxone_form(hass)
        result = await hass.config_entries.flow.async_configure(
            flow_id, form_input(simulator, **{CONF_PASSWORD: "secret"})
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][CONF_TOKEN]["hash_alg"] == "SHA256"
        await hass.async_block_till_done()
        await hass.config_entries.async_unload(result["result"].entry_id)
