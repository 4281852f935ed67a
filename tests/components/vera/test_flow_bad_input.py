"""Bad input on every Vera config-flow field: a clear error, nothing stored, flow still usable.

Local address, account, unit choice, reauth, reconfigure and options each get wrong types (the
schema refuses them), empty or blank text (a named error before anything is sent), addresses
that are no URL, and servers that answer like something other than a Vera, MMS or its relay.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest

from custom_components.hubrelay.const import (
    CONF_EXCLUDED_DEVICES,
    CONF_LIGHTS,
    CONF_UNIT,
    CONF_URL,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.hub import mms as hub_mms
from custom_components.hubrelay.vera import coordinator as coordinator_vera
from tests.components.bad_input import (
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
from tests.components.vera.conftest import (
    EZLO_SERIAL,
    FAST,
    PASSWORD,
    USERNAME,
    VeraWorld,
    add_vera,
    start_flow,
)
from tests.components.vera.test_config_flow import start_entry_flow

ACCOUNT = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
#: A silent Vera, relay or cloud fails a submit in well under a second.
QUICK = replace(FAST, request_timeout=0.3, poll_timeout=0.3)
QUICK_MMS_TIMEOUT = 0.3


@pytest.fixture(autouse=True)
def quick_timeouts(world: VeraWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten the documented knobs the world fixture points at the simulators."""
    monkeypatch.setattr(coordinator_vera, "TIMINGS", QUICK)
    monkeypatch.setattr(
        hub_mms,
        "MMS_OPTIONS",
        {**hub_mms.MMS_OPTIONS, "request_timeout": QUICK_MMS_TIMEOUT},
    )


@pytest.fixture(autouse=True)
async def unload_created_entries(hass: HomeAssistant) -> AsyncIterator[None]:
    """Unload what the correct submits created, so no long poll outlives the test."""
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


#: What a foreign server's answer becomes at the cloud sign-in. MMS refuses a login with HTTP
#: 404 (documented in the MMS library), so any 404 reads as a wrong password.
MMS_OUTCOME = {
    kind: "invalid_auth" if kind == "not_found" else "vera_cannot_connect" for kind in KINDS
}


def login_count(world: VeraWorld) -> int:
    """Sign-ins the cloud saw: an empty field must not cost one."""
    return sum(1 for _role, _method, path in world.cloud.requests if "/autha/" in path)


async def finish_local(hass: HomeAssistant, world: VeraWorld, flow_id: str) -> None:
    """The correct address after a failure: the same flow still creates the entry."""
    result = await submit(hass, flow_id, {CONF_URL: world.address})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()


# -- the menu ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "choice",
    [
        {"next_step_id": "vera_unit"},
        {"next_step_id": "vera_reauth"},
        {"next_step_id": None},
        {"next_step_id": "vera_local", CONF_URL: "127.0.0.1"},
    ],
)
async def test_vera_menu_refuses_what_it_does_not_offer(
    hass: HomeAssistant, world: VeraWorld, choice: dict[str, Any]
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await submit(hass, result["flow_id"], {"next_step_id": "vera"})
    with pytest.raises(InvalidData):
        await submit(hass, result["flow_id"], choice)
    result = await submit(hass, result["flow_id"], {"next_step_id": "vera_local"})
    assert result["step_id"] == "vera_local"


# -- local address -----------------------------------------------------------------------------

#: Typed addresses that are no http URL of a host: refused before any request.
NOT_URLS = [
    "ftp://vera",
    "http://",
    "http://:80",
    "127.0.0.1:abc",
    "127.0.0.1:99999",
    "127.0.0.1:-1",
    "[::1",
    "http://127.0.0.1:3480/x",
    "user:pw@127.0.0.1",
    "127.0.0.1/?a=b",
    "vera plus",
    "vera plus:3480",
]

LOCAL_CASES = [
    case({CONF_URL: 3480}, CONF_URL),
    case({CONF_URL: None}, CONF_URL),
    case({CONF_URL: ["127.0.0.1"]}, CONF_URL),
    case({CONF_URL: MISSING}, CONF_URL),
    case({CONF_USERNAME: "x"}, "base"),
    case({CONF_URL: ""}, {CONF_URL: "url_required"}),
    case({CONF_URL: " \t "}, {CONF_URL: "url_required"}),
    *(case({CONF_URL: url}, {"base": "invalid_url"}) for url in NOT_URLS),
]


@pytest.mark.parametrize(("change", "outcome"), LOCAL_CASES)
async def test_local_address_bad_input(
    hass: HomeAssistant, world: VeraWorld, change: dict[str, Any], outcome: str | dict[str, str]
) -> None:
    flow_id = await start_flow(hass, "vera_local")
    data = with_changes({CONF_URL: world.address}, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "vera_local", outcome)
    assert world.hub.requests == []
    assert_nothing_stored(hass)
    await finish_local(hass, world, flow_id)


async def test_local_address_with_spaces_is_trimmed(hass: HomeAssistant, world: VeraWorld) -> None:
    flow_id = await start_flow(hass, "vera_local")
    result = await submit(hass, flow_id, {CONF_URL: f"  http://{world.address}/ "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == f"http://{world.address}/"
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_local_address_that_is_not_a_vera(
    hass: HomeAssistant, world: VeraWorld, kind: str
) -> None:
    """HTML, 404, foreign JSON, a WebSocket server, a hang-up, silence, and nothing at all."""
    flow_id = await start_flow(hass, "vera_local")
    async with impostor(kind) as port:
        result = await submit(hass, flow_id, {CONF_URL: f"http://127.0.0.1:{port}"})
    assert_form_errors(result, "vera_local", {"base": "vera_cannot_connect"})
    assert_nothing_stored(hass)
    await finish_local(hass, world, flow_id)


async def test_local_port_zero(hass: HomeAssistant, world: VeraWorld) -> None:
    flow_id = await start_flow(hass, "vera_local")
    result = await submit(hass, flow_id, {CONF_URL: "127.0.0.1:0"})
    assert_form_errors(result, "vera_local", {"base": "vera_cannot_connect"})
    await finish_local(hass, world, flow_id)


# -- account -----------------------------------------------------------------------------------

ACCOUNT_CASES = [
    case({CONF_USERNAME: 5}, CONF_USERNAME),
    case({CONF_USERNAME: MISSING}, CONF_USERNAME),
    case({CONF_PASSWORD: False}, CONF_PASSWORD),
    case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
    case({CONF_URL: "127.0.0.1"}, "base"),
    case({CONF_USERNAME: ""}, {CONF_USERNAME: "username_required"}),
    case({CONF_USERNAME: "  "}, {CONF_USERNAME: "username_required"}),
    case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
    case({CONF_PASSWORD: "   "}, {CONF_PASSWORD: "password_required"}),
]


@pytest.mark.parametrize(("change", "outcome"), ACCOUNT_CASES)
async def test_account_bad_input(
    hass: HomeAssistant, world: VeraWorld, change: dict[str, Any], outcome: str | dict[str, str]
) -> None:
    flow_id = await start_flow(hass, "vera_account")
    data = with_changes(ACCOUNT, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "vera_account", outcome)
    assert login_count(world) == 0
    assert_nothing_stored(hass)
    result = await submit(hass, flow_id, ACCOUNT)
    assert result["step_id"] == "vera_unit"


async def test_account_username_with_spaces_is_trimmed(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    flow_id = await start_flow(hass, "vera_account")
    await submit(hass, flow_id, {**ACCOUNT, CONF_USERNAME: f" {USERNAME}\t"})
    result = await submit(hass, flow_id, {CONF_UNIT: world.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_USERNAME] == USERNAME
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_account_cloud_that_is_not_mms(
    hass: HomeAssistant, world: VeraWorld, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    flow_id = await start_flow(hass, "vera_account")
    cloud = hub_mms.MMS_OPTIONS
    async with impostor(kind) as port:
        point_mms_at(monkeypatch, port)
        result = await submit(hass, flow_id, ACCOUNT)
    assert_form_errors(result, "vera_account", {"base": MMS_OUTCOME[kind]})
    assert_nothing_stored(hass)
    monkeypatch.setattr(hub_mms, "MMS_OPTIONS", cloud)
    result = await submit(hass, flow_id, ACCOUNT)
    assert result["step_id"] == "vera_unit"


# -- unit choice -------------------------------------------------------------------------------


async def signed_in(hass: HomeAssistant) -> str:
    """A flow past the account step, showing the unit choice."""
    flow_id = await start_flow(hass, "vera_account")
    result = await submit(hass, flow_id, ACCOUNT)
    assert result["step_id"] == "vera_unit"
    return flow_id


async def finish_unit(hass: HomeAssistant, world: VeraWorld, flow_id: str) -> None:
    """Pick the right unit after a failure: the same flow still creates the entry."""
    result = await submit(hass, flow_id, {CONF_UNIT: world.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        case({CONF_UNIT: "00000000"}, CONF_UNIT),
        case({CONF_UNIT: EZLO_SERIAL}, CONF_UNIT),  # the account's Ezlo hub is not offered
        case({CONF_UNIT: 50012345}, CONF_UNIT),
        case({CONF_UNIT: MISSING}, CONF_UNIT),
        case({CONF_URL: "127.0.0.1"}, "base"),
    ],
)
async def test_unit_choice_schema_refuses(
    hass: HomeAssistant, world: VeraWorld, change: dict[str, Any], field: str
) -> None:
    flow_id = await signed_in(hass)
    await assert_schema_rejects(
        hass, flow_id, with_changes({CONF_UNIT: world.serial}, change), field
    )
    assert_nothing_stored(hass)
    await finish_unit(hass, world, flow_id)


@pytest.mark.parametrize("kind", KINDS)
async def test_relay_that_is_not_a_vera_relay(
    hass: HomeAssistant, world: VeraWorld, kind: str
) -> None:
    """The cloud names a relay (``Server_Relay``) that answers like something else."""
    flow_id = await signed_in(hass)
    record = world.cloud.hub(world.serial)
    relay = record.relay_url
    async with impostor(kind) as port:
        record.relay_url = f"127.0.0.1:{port}"
        result = await submit(hass, flow_id, {CONF_UNIT: world.serial})
    assert_form_errors(result, "vera_unit", {"base": "vera_cannot_connect"})
    assert_nothing_stored(hass)
    record.relay_url = relay
    await finish_unit(hass, world, flow_id)


async def test_cloud_gone_when_the_unit_is_picked(hass: HomeAssistant, world: VeraWorld) -> None:
    """The sign-in is near its end, so picking the unit signs in again, and the cloud is down."""
    world.cloud.identity_lifetime = 60.0  # within the client's renewal margin
    flow_id = await signed_in(hass)
    world.cloud.down = {"auth", "auth_alt"}
    result = await submit(hass, flow_id, {CONF_UNIT: world.serial})
    assert_form_errors(result, "vera_unit", {"base": "vera_cannot_connect"})
    assert_nothing_stored(hass)
    world.cloud.down = set()
    await finish_unit(hass, world, flow_id)


# -- reauth ------------------------------------------------------------------------------------


@pytest.fixture
async def relay_entry(hass: HomeAssistant, world: VeraWorld) -> HubRelayConfigEntry:
    """A loaded entry that reaches the Vera through the MMS relay."""
    return await add_vera(hass, world, "relay")


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        case({CONF_PASSWORD: 5}, CONF_PASSWORD),
        case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
        case({CONF_USERNAME: USERNAME}, "base"),
        case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
        case({CONF_PASSWORD: "\t"}, {CONF_PASSWORD: "password_required"}),
    ],
)
async def test_reauth_bad_input_keeps_the_password(
    hass: HomeAssistant,
    world: VeraWorld,
    relay_entry: HubRelayConfigEntry,
    change: dict[str, Any],
    outcome: str | dict[str, str],
) -> None:
    before = dict(relay_entry.data)
    logins = login_count(world)
    result = await start_entry_flow(hass, relay_entry, SOURCE_REAUTH)
    flow_id = result["flow_id"]
    data = with_changes({CONF_PASSWORD: PASSWORD}, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "vera_reauth", outcome)
    assert login_count(world) == logins
    assert relay_entry.data == before
    result = await submit(hass, flow_id, {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_reauth_cloud_that_is_not_mms(
    hass: HomeAssistant,
    world: VeraWorld,
    relay_entry: HubRelayConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    before = dict(relay_entry.data)
    result = await start_entry_flow(hass, relay_entry, SOURCE_REAUTH)
    cloud = hub_mms.MMS_OPTIONS
    async with impostor(kind) as port:
        point_mms_at(monkeypatch, port)
        result = await submit(hass, result["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert_form_errors(result, "vera_reauth", {"base": MMS_OUTCOME[kind]})
    assert relay_entry.data == before
    monkeypatch.setattr(hub_mms, "MMS_OPTIONS", cloud)
    result = await submit(hass, result["flow_id"], {CONF_PASSWORD: PASSWORD})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


# -- reconfigure -------------------------------------------------------------------------------

RECONFIGURE_CASES = [
    case({CONF_URL: 5}, CONF_URL),
    case({CONF_URL: MISSING}, CONF_URL),
    case({CONF_PASSWORD: PASSWORD}, "base"),
    case({CONF_URL: ""}, {CONF_URL: "url_required"}),
    case({CONF_URL: "   "}, {CONF_URL: "url_required"}),
    case({CONF_URL: "http://"}, {"base": "invalid_url"}),
    case({CONF_URL: "vera plus"}, {"base": "invalid_url"}),
]


@pytest.mark.parametrize(("change", "outcome"), RECONFIGURE_CASES)
async def test_reconfigure_bad_input_keeps_the_connection(
    hass: HomeAssistant,
    world: VeraWorld,
    relay_entry: HubRelayConfigEntry,
    change: dict[str, Any],
    outcome: str | dict[str, str],
) -> None:
    """A relay entry stays a relay entry, password and all, until a good address is given."""
    before = dict(relay_entry.data)
    result = await start_entry_flow(hass, relay_entry, SOURCE_RECONFIGURE)
    flow_id = result["flow_id"]
    data = with_changes({CONF_URL: world.address}, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "vera_reconfigure", outcome)
    assert relay_entry.data == before
    result = await submit(hass, flow_id, {CONF_URL: world.address})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_reconfigure_to_a_server_that_is_not_a_vera(
    hass: HomeAssistant, world: VeraWorld, relay_entry: HubRelayConfigEntry, kind: str
) -> None:
    before = dict(relay_entry.data)
    result = await start_entry_flow(hass, relay_entry, SOURCE_RECONFIGURE)
    async with impostor(kind) as port:
        result = await submit(hass, result["flow_id"], {CONF_URL: f"127.0.0.1:{port}"})
    assert_form_errors(result, "vera_reconfigure", {"base": "vera_cannot_connect"})
    assert relay_entry.data == before
    result = await submit(hass, result["flow_id"], {CONF_URL: world.address})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {CONF_LIGHTS: ["no-such-device"]},
        {CONF_LIGHTS: "1"},
        {CONF_EXCLUDED_DEVICES: [1]},
        {CONF_EXCLUDED_DEVICES: None},
        {"visu_password": "1234"},
    ],
)
async def test_options_schema_refuses(
    hass: HomeAssistant, world: VeraWorld, options: dict[str, Any]
) -> None:
    entry = await add_vera(hass, world)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert entry.options == {}
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_LIGHTS: [], CONF_EXCLUDED_DEVICES: []}
    await hass.async_block_till_done()
