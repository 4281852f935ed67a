"""Bad input on every Ezlo config-flow field: a clear error, nothing stored, flow still usable.

Account, hub choice, local address, reauth, reconfigure and options each get wrong types (the
schema refuses them), empty or blank text (a named error before anything is sent), and cloud,
relay or hub addresses that answer with something that is not MMS or an Ezlo hub.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import ssl
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest

from custom_components.hubrelay.const import CONF_CONNECTION, CONF_EXCLUDED_DEVICES, CONF_HUB
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.ezlo import coordinator as coordinator_ezlo
from custom_components.hubrelay.hub import mms as hub_mms
from tests.components.bad_input import (
    HTTP_KINDS,
    KINDS,
    MISSING,
    assert_form_errors,
    assert_nothing_stored,
    assert_schema_rejects,
    case,
    impostor,
    submit,
    with_changes,
)
from tests.components.ezlo.conftest import FAST, PASSWORD, USERNAME, EzloWorld, start_flow
from tests.components.ezlo.test_config_flow import start_entry_flow
from tests.simulators.ezlo_hub import server_context
from tests.simulators.ezlo_hub_house import DEFAULT_SERIAL

ACCOUNT = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
#: A silent cloud or hub fails a submit in well under a second.
QUICK_SESSION = {**FAST, "request_timeout": 0.3, "connect_timeout": 0.5}
QUICK_MMS_TIMEOUT = 0.3


@pytest.fixture(autouse=True)
def quick_timeouts(world: EzloWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten the documented knobs the world fixture points at the simulators."""
    monkeypatch.setattr(coordinator_ezlo, "SESSION_OPTIONS", QUICK_SESSION)
    monkeypatch.setattr(
        hub_mms,
        "MMS_OPTIONS",
        {**hub_mms.MMS_OPTIONS, "request_timeout": QUICK_MMS_TIMEOUT},
    )


@pytest.fixture(autouse=True)
async def unload_created_entries(hass: HomeAssistant) -> AsyncIterator[None]:
    """Unload what the correct submits created, so no hub session outlives the test."""
    yield
    for entry in hass.config_entries.async_entries():
        await hass.config_entries.async_unload(entry.entry_id)


def point_mms_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """Every MMS role (both auth servers, account, device, cloud) answered by one server."""
    host = f"127.0.0.1:{port}"
    monkeypatch.setattr(
        hub_mms,
        "MMS_OPTIONS",
        {
            "auth_hosts": (host, host),
            "scheme": "http",
            "cloud_url": host,
            "api_cloud_url": host,
            "request_timeout": QUICK_MMS_TIMEOUT,
        },
    )


def tls_for(kind: str, common_name: str) -> ssl.SSLContext | None:
    """The HTTP impostors speak TLS like the hub or relay they stand in for; raw TCP does not."""
    if kind not in HTTP_KINDS:
        return None
    return server_context(common_name, hub_cipher_only=common_name != "nma-relay")


#: What a foreign server's answer becomes at the cloud sign-in. MMS refuses a login with HTTP
#: 404 (documented in the MMS library), so any 404 reads as a wrong password.
MMS_OUTCOME = {
    kind: "invalid_auth" if kind == "not_found" else "ezlo_cannot_connect" for kind in KINDS
}


def login_count(world: EzloWorld) -> int:
    """Sign-ins the cloud saw: an empty field must not cost one."""
    return sum(1 for _role, _method, path in world.cloud.requests if "/autha/" in path)


# -- account -----------------------------------------------------------------------------------

ACCOUNT_CASES = [
    case({CONF_USERNAME: 5}, CONF_USERNAME),
    case({CONF_USERNAME: None}, CONF_USERNAME),
    case({CONF_USERNAME: [USERNAME]}, CONF_USERNAME),
    case({CONF_PASSWORD: 5}, CONF_PASSWORD),
    case({CONF_PASSWORD: None}, CONF_PASSWORD),
    case({CONF_USERNAME: MISSING}, CONF_USERNAME),
    case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
    case({CONF_HOST: "127.0.0.1"}, "base"),
    case({CONF_USERNAME: ""}, {CONF_USERNAME: "username_required"}),
    case({CONF_USERNAME: "   "}, {CONF_USERNAME: "username_required"}),
    case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
    case({CONF_PASSWORD: "\t "}, {CONF_PASSWORD: "password_required"}),
    case(
        {CONF_USERNAME: "", CONF_PASSWORD: ""},
        {CONF_USERNAME: "username_required", CONF_PASSWORD: "password_required"},
    ),
]


@pytest.mark.parametrize(("change", "outcome"), ACCOUNT_CASES)
async def test_account_bad_input(
    hass: HomeAssistant, world: EzloWorld, change: dict[str, Any], outcome: str | dict[str, str]
) -> None:
    flow_id = await start_flow(hass)
    data = with_changes(ACCOUNT, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "ezlo", outcome)
    assert login_count(world) == 0
    assert_nothing_stored(hass)
    result = await submit(hass, flow_id, ACCOUNT)
    assert result["step_id"] == "ezlo_hub"


async def test_account_username_with_spaces_is_trimmed(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    flow_id = await start_flow(hass)
    result = await submit(hass, flow_id, {**ACCOUNT, CONF_USERNAME: f"  {USERNAME} "})
    result = await submit(hass, flow_id, {CONF_HUB: world.serial, CONF_CONNECTION: "relay"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_USERNAME] == USERNAME
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_account_cloud_that_is_not_mms(
    hass: HomeAssistant, world: EzloWorld, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A proxy, captive portal or dead network between Home Assistant and the Ezlo cloud."""
    flow_id = await start_flow(hass)
    cloud = hub_mms.MMS_OPTIONS
    async with impostor(kind) as port:
        point_mms_at(monkeypatch, port)
        result = await submit(hass, flow_id, ACCOUNT)
    assert_form_errors(result, "ezlo", {"base": MMS_OUTCOME[kind]})
    assert_nothing_stored(hass)
    monkeypatch.setattr(hub_mms, "MMS_OPTIONS", cloud)
    result = await submit(hass, flow_id, ACCOUNT)
    assert result["step_id"] == "ezlo_hub"


# -- hub choice --------------------------------------------------------------------------------


async def signed_in(hass: HomeAssistant) -> str:
    """A flow past the account step, showing the hub choice."""
    flow_id = await start_flow(hass)
    result = await submit(hass, flow_id, ACCOUNT)
    assert result["step_id"] == "ezlo_hub"
    return flow_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        case({CONF_HUB: "00000000"}, CONF_HUB),
        case({CONF_HUB: "50000456"}, CONF_HUB),  # the account's Vera is not offered
        case({CONF_HUB: int(DEFAULT_SERIAL)}, CONF_HUB),  # the right serial, as a number
        case({CONF_HUB: MISSING}, CONF_HUB),
        case({CONF_CONNECTION: "cloud"}, CONF_CONNECTION),
        case({CONF_CONNECTION: ""}, CONF_CONNECTION),
        case({CONF_CONNECTION: True}, CONF_CONNECTION),
        case({CONF_HOST: "127.0.0.1"}, "base"),
    ],
)
async def test_hub_choice_schema_refuses(
    hass: HomeAssistant, world: EzloWorld, change: dict[str, Any], field: str
) -> None:
    flow_id = await signed_in(hass)
    good = {CONF_HUB: world.serial, CONF_CONNECTION: "local"}
    await assert_schema_rejects(hass, flow_id, with_changes(good, change), field)
    assert_nothing_stored(hass)
    result = await submit(hass, flow_id, good)
    assert result["step_id"] == "ezlo_local"


@pytest.mark.parametrize("kind", KINDS)
async def test_relay_that_is_not_an_ezlo_relay(
    hass: HomeAssistant, world: EzloWorld, kind: str
) -> None:
    """The cloud names a relay (``Server_Relay``) that answers like something else."""
    flow_id = await signed_in(hass)
    record = world.cloud.hub(world.serial)
    relay = record.relay_url
    async with impostor(kind, ssl_context=tls_for(kind, "nma-relay")) as port:
        record.relay_url = f"wss://127.0.0.1:{port}"
        result = await submit(hass, flow_id, {CONF_HUB: world.serial, CONF_CONNECTION: "relay"})
    assert_form_errors(result, "ezlo_hub", {"base": "ezlo_cannot_connect"})
    assert_nothing_stored(hass)
    record.relay_url = relay
    result = await submit(hass, flow_id, {CONF_HUB: world.serial, CONF_CONNECTION: "relay"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


# -- local address -----------------------------------------------------------------------------


async def at_local_step(hass: HomeAssistant, world: EzloWorld) -> str:
    """A flow that chose the hub and the local connection, asking for the address."""
    flow_id = await signed_in(hass)
    result = await submit(hass, flow_id, {CONF_HUB: world.serial, CONF_CONNECTION: "local"})
    assert result["step_id"] == "ezlo_local"
    return flow_id


LOCAL_CASES = [
    case({CONF_HOST: 5}, CONF_HOST),
    case({CONF_HOST: None}, CONF_HOST),
    case({CONF_HOST: MISSING}, CONF_HOST),
    case({CONF_PASSWORD: PASSWORD}, "base"),
    case({CONF_HOST: ""}, {CONF_HOST: "host_required"}),
    case({CONF_HOST: "  "}, {CONF_HOST: "host_required"}),
    case({CONF_HOST: "http://127.0.0.1"}, {CONF_HOST: "invalid_host"}),
    case({CONF_HOST: "https://127.0.0.1:17000/"}, {CONF_HOST: "invalid_host"}),
    case({CONF_HOST: "127.0.0.1:17000"}, {CONF_HOST: "invalid_host"}),
    case({CONF_HOST: "ezlo hub"}, {CONF_HOST: "invalid_host"}),
]


@pytest.mark.parametrize(("change", "outcome"), LOCAL_CASES)
async def test_local_address_bad_input(
    hass: HomeAssistant, world: EzloWorld, change: dict[str, Any], outcome: str | dict[str, str]
) -> None:
    flow_id = await at_local_step(hass, world)
    data = with_changes({CONF_HOST: "127.0.0.1"}, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "ezlo_local", outcome)
    assert world.hub.requests == []
    assert_nothing_stored(hass)
    result = await submit(hass, flow_id, {CONF_HOST: "127.0.0.1"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", [*KINDS, "plain_http"])
async def test_local_address_that_is_not_an_ezlo_hub(
    hass: HomeAssistant, world: EzloWorld, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The address answers over TLS like some other device, without TLS, or not at all."""
    flow_id = await at_local_step(hass, world)
    hub_port = coordinator_ezlo.LOCAL_PORT
    tls = None if kind == "plain_http" else tls_for(kind, world.serial)
    async with impostor("html" if kind == "plain_http" else kind, ssl_context=tls) as port:
        monkeypatch.setattr(coordinator_ezlo, "LOCAL_PORT", port)
        result = await submit(hass, flow_id, {CONF_HOST: "127.0.0.1"})
    assert_form_errors(result, "ezlo_local", {"base": "ezlo_cannot_connect"})
    assert_nothing_stored(hass)
    monkeypatch.setattr(coordinator_ezlo, "LOCAL_PORT", hub_port)
    result = await submit(hass, flow_id, {CONF_HOST: "127.0.0.1"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


# -- reauth ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        case({CONF_PASSWORD: 5}, CONF_PASSWORD),
        case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
        case({CONF_USERNAME: USERNAME}, "base"),
        case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
        case({CONF_PASSWORD: "    "}, {CONF_PASSWORD: "password_required"}),
    ],
)
async def test_reauth_bad_input_keeps_the_keys(
    hass: HomeAssistant,
    world: EzloWorld,
    ezlo_entry: HubRelayConfigEntry,
    change: dict[str, Any],
    outcome: str | dict[str, str],
) -> None:
    before = dict(ezlo_entry.data)
    logins = login_count(world)
    result = await start_entry_flow(hass, ezlo_entry, SOURCE_REAUTH)
    flow_id = result["flow_id"]
    data = with_changes({CONF_PASSWORD: PASSWORD}, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "ezlo_reauth", outcome)
    assert login_count(world) == logins
    assert ezlo_entry.data == before
    result = await submit(hass, flow_id, {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_reauth_cloud_that_is_not_mms(
    hass: HomeAssistant,
    world: EzloWorld,
    ezlo_entry: HubRelayConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    before = dict(ezlo_entry.data)
    result = await start_entry_flow(hass, ezlo_entry, SOURCE_REAUTH)
    cloud = hub_mms.MMS_OPTIONS
    async with impostor(kind) as port:
        point_mms_at(monkeypatch, port)
        result = await submit(hass, result["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert_form_errors(result, "ezlo_reauth", {"base": MMS_OUTCOME[kind]})
    assert ezlo_entry.data == before
    monkeypatch.setattr(hub_mms, "MMS_OPTIONS", cloud)
    result = await submit(hass, result["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


# -- reconfigure -------------------------------------------------------------------------------

RECONFIGURE_LOCAL = {CONF_CONNECTION: "local", CONF_HOST: "127.0.0.1", CONF_PASSWORD: PASSWORD}


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        case({CONF_CONNECTION: "cloud"}, CONF_CONNECTION),
        case({CONF_CONNECTION: MISSING}, CONF_CONNECTION),
        case({CONF_HOST: 17000}, CONF_HOST),
        case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
        case({CONF_PASSWORD: ["pw"]}, CONF_PASSWORD),
        case({CONF_USERNAME: USERNAME}, "base"),
        case({CONF_HOST: ""}, {CONF_HOST: "host_required"}),
        case({CONF_HOST: " "}, {CONF_HOST: "host_required"}),
        case({CONF_HOST: "wss://127.0.0.1:17000"}, {CONF_HOST: "invalid_host"}),
        case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
        case({CONF_PASSWORD: "  "}, {CONF_PASSWORD: "password_required"}),
        case(
            {CONF_HOST: "", CONF_PASSWORD: ""},
            {CONF_HOST: "host_required", CONF_PASSWORD: "password_required"},
        ),
        case({CONF_CONNECTION: "relay", CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
    ],
)
async def test_reconfigure_bad_input_keeps_the_connection(
    hass: HomeAssistant,
    world: EzloWorld,
    ezlo_entry: HubRelayConfigEntry,
    change: dict[str, Any],
    outcome: str | dict[str, str],
) -> None:
    before = dict(ezlo_entry.data)
    logins = login_count(world)
    result = await start_entry_flow(hass, ezlo_entry, SOURCE_RECONFIGURE)
    flow_id = result["flow_id"]
    data = with_changes(RECONFIGURE_LOCAL, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "ezlo_reconfigure", outcome)
    assert login_count(world) == logins
    assert ezlo_entry.data == before
    result = await submit(hass, flow_id, RECONFIGURE_LOCAL)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_reconfigure_to_relay_ignores_a_host_it_does_not_use(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    result = await start_entry_flow(hass, ezlo_entry, SOURCE_RECONFIGURE)
    result = await submit(
        hass,
        result["flow_id"],
        {CONF_CONNECTION: "relay", CONF_HOST: "http://left over", CONF_PASSWORD: PASSWORD},
    )
    assert result["reason"] == "reconfigure_successful"
    assert CONF_HOST not in ezlo_entry.data
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("connection", ["local", "relay"])
async def test_reconfigure_to_something_that_is_not_the_hub(
    hass: HomeAssistant,
    world: EzloWorld,
    ezlo_entry: HubRelayConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    connection: str,
    kind: str,
) -> None:
    before = dict(ezlo_entry.data)
    result = await start_entry_flow(hass, ezlo_entry, SOURCE_RECONFIGURE)
    record = world.cloud.hub(world.serial)
    relay, hub_port = record.relay_url, coordinator_ezlo.LOCAL_PORT
    name = world.serial if connection == "local" else "nma-relay"
    async with impostor(kind, ssl_context=tls_for(kind, name)) as port:
        if connection == "local":
            monkeypatch.setattr(coordinator_ezlo, "LOCAL_PORT", port)
        else:
            record.relay_url = f"wss://127.0.0.1:{port}"
        result = await submit(
            hass, result["flow_id"], {**RECONFIGURE_LOCAL, CONF_CONNECTION: connection}
        )
    assert_form_errors(result, "ezlo_reconfigure", {"base": "ezlo_cannot_connect"})
    assert ezlo_entry.data == before
    record.relay_url = relay
    monkeypatch.setattr(coordinator_ezlo, "LOCAL_PORT", hub_port)
    result = await submit(hass, result["flow_id"], RECONFIGURE_LOCAL)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {CONF_EXCLUDED_DEVICES: ["no-such-device"]},
        {CONF_EXCLUDED_DEVICES: "not a list"},
        {CONF_EXCLUDED_DEVICES: [5]},
        {"lights": []},
    ],
)
async def test_options_schema_refuses(
    hass: HomeAssistant, ezlo_entry: HubRelayConfigEntry, options: dict[str, Any]
) -> None:
    result = await hass.config_entries.options.async_init(ezlo_entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert ezlo_entry.options == {}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_EXCLUDED_DEVICES: []}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert ezlo_entry.options == {CONF_EXCLUDED_DEVICES: []}
    await hass.async_block_till_done()
