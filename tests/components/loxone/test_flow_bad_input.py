"""Bad input on every Loxone config-flow field: a clear error, nothing stored, flow still usable.

Each case submits one wrong value to the form a user would see, checks the exact outcome (the
schema refuses it, which the frontend shows under the field, or the form comes back with a named
error), that nothing was stored or changed, and then that a correct submit still goes through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest

from custom_components.hubrelay.const import (
    CONF_USE_TLS,
    CONF_VERIFY_TLS,
    CONF_VISU_PASSWORD,
    DOMAIN,
)
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import coordinator as coordinator_module
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
from tests.components.loxone.conftest import FAST, form_input
from tests.components.loxone.test_config_flow import start_entry_flow, start_loxone_form
from tests.simulators.miniserver import MiniserverSimulator

#: Short enough that a silent server fails the submit in about a second per request, long enough
#: that a loaded 2-core CI machine still signs in to the simulator in time (0.3 s failed there).
QUICK = replace(FAST, http_timeout=1.0, command_timeout=1.0, file_timeout=2.0)


@pytest.fixture(autouse=True)
def quick_timings(fast_timings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow uses the integration's timing knob; shorten it further for silent servers."""
    monkeypatch.setattr(coordinator_module, "TIMINGS", QUICK)


@pytest.fixture
async def user_flow(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The Loxone form, opened from the menu, and the input that signs in to the simulator."""
    yield await start_loxone_form(hass), form_input(miniserver)
    for entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(entry.entry_id)


async def finish(hass: HomeAssistant, flow_id: str, data: dict[str, Any]) -> HubRelayConfigEntry:
    """Submit correct input after a failure: the same flow must still create the entry."""
    result = await submit(hass, flow_id, data)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


# -- the menu ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "choice",
    [
        {"next_step_id": "bogus"},
        {"next_step_id": "reauth_confirm"},
        {"next_step_id": 5},
        {"next_step_id": "loxone", "extra": 1},
    ],
)
async def test_menu_refuses_what_it_does_not_offer(
    hass: HomeAssistant, choice: dict[str, Any]
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with pytest.raises(InvalidData):
        await submit(hass, result["flow_id"], choice)
    result = await submit(hass, result["flow_id"], {"next_step_id": "loxone"})
    assert result["step_id"] == "loxone"


# -- the Loxone form: the schema refuses wrong types ------------------------------------------

SCHEMA_CASES = [
    case({CONF_PORT: "abc"}, CONF_PORT),
    case({CONF_PORT: 0}, CONF_PORT),
    case({CONF_PORT: 70000}, CONF_PORT),
    case({CONF_PORT: -1}, CONF_PORT),
    case({CONF_PORT: "inf"}, CONF_PORT),
    case({CONF_PORT: None}, CONF_PORT),
    case({CONF_PORT: [80]}, CONF_PORT),
    case({CONF_HOST: 5}, CONF_HOST),
    case({CONF_HOST: None}, CONF_HOST),
    case({CONF_HOST: ["127.0.0.1"]}, CONF_HOST),
    case({CONF_USE_TLS: "true"}, CONF_USE_TLS),
    case({CONF_USE_TLS: 1}, CONF_USE_TLS),
    case({CONF_VERIFY_TLS: "no"}, CONF_VERIFY_TLS),
    case({CONF_USERNAME: 5}, CONF_USERNAME),
    case({CONF_USERNAME: None}, CONF_USERNAME),
    case({CONF_PASSWORD: 1234}, CONF_PASSWORD),
    case({CONF_PASSWORD: {"secret": "x"}}, CONF_PASSWORD),
    case({CONF_HOST: MISSING}, CONF_HOST),
    case({CONF_USERNAME: MISSING}, CONF_USERNAME),
    case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
    case({"ssl": True}, "base"),
]


@pytest.mark.parametrize(("change", "field"), SCHEMA_CASES)
async def test_form_schema_refuses_wrong_types(
    hass: HomeAssistant,
    user_flow: tuple[str, dict[str, Any]],
    change: dict[str, Any],
    field: str,
) -> None:
    flow_id, good = user_flow
    await assert_schema_rejects(hass, flow_id, with_changes(good, change), field)
    assert_nothing_stored(hass)
    await finish(hass, flow_id, good)


# -- the Loxone form: named errors before anything is sent ------------------------------------

PRE_CONNECT_CASES = [
    case({CONF_HOST: ""}, {CONF_HOST: "miniserver_host_required"}),
    case({CONF_HOST: "   "}, {CONF_HOST: "miniserver_host_required"}),
    case({CONF_HOST: "http://127.0.0.1"}, {CONF_HOST: "invalid_host"}),
    case({CONF_HOST: "127.0.0.1:80"}, {CONF_HOST: "invalid_host"}),
    case({CONF_HOST: "127.0.0.1/ws"}, {CONF_HOST: "invalid_host"}),
    case({CONF_HOST: "mini server"}, {CONF_HOST: "invalid_host"}),
    case({CONF_PORT: "nan"}, {CONF_PORT: "invalid_port"}),
    case({CONF_PORT: 80.5}, {CONF_PORT: "invalid_port"}),
    case({CONF_USERNAME: ""}, {CONF_USERNAME: "username_required"}),
    case({CONF_USERNAME: " \t "}, {CONF_USERNAME: "username_required"}),
    case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
    case({CONF_PASSWORD: "   "}, {CONF_PASSWORD: "password_required"}),
    case(
        {CONF_HOST: "", CONF_USERNAME: "", CONF_PASSWORD: ""},
        {
            CONF_HOST: "miniserver_host_required",
            CONF_USERNAME: "username_required",
            CONF_PASSWORD: "password_required",
        },
    ),
]


@pytest.mark.parametrize(("change", "errors"), PRE_CONNECT_CASES)
async def test_form_names_the_wrong_field(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    user_flow: tuple[str, dict[str, Any]],
    change: dict[str, Any],
    errors: dict[str, str],
) -> None:
    flow_id, good = user_flow
    result = await submit(hass, flow_id, with_changes(good, change))
    assert_form_errors(result, "loxone", errors)
    # No sign-in was tried: an empty password must not count towards the Miniserver's block.
    assert miniserver.failed_auths == 0
    assert_nothing_stored(hass)
    await finish(hass, flow_id, good)


async def test_form_tidies_what_it_can(
    hass: HomeAssistant, miniserver: MiniserverSimulator, user_flow: tuple[str, dict[str, Any]]
) -> None:
    """Spaces around host and username, a port typed as text: accepted and stored clean."""
    flow_id, good = user_flow
    padded = {
        **good,
        CONF_HOST: " 127.0.0.1 ",
        CONF_PORT: str(miniserver.port),
        CONF_USERNAME: " admin ",
    }
    entry = await finish(hass, flow_id, padded)
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.data[CONF_PORT] == miniserver.port
    assert entry.data[CONF_USERNAME] == "admin"


async def test_form_fields_with_defaults_may_be_left_out(
    hass: HomeAssistant, user_flow: tuple[str, dict[str, Any]]
) -> None:
    """The TLS switches are filled in by the schema (plain HTTP, verify) when not sent."""
    flow_id, good = user_flow
    entry = await finish(
        hass, flow_id, with_changes(good, {CONF_USE_TLS: MISSING, CONF_VERIFY_TLS: MISSING})
    )
    assert entry.data[CONF_USE_TLS] is False
    assert entry.data[CONF_VERIFY_TLS] is True


# -- the Loxone form: unreachable and not a Miniserver ----------------------------------------


async def test_form_tls_to_a_plain_http_miniserver(
    hass: HomeAssistant, user_flow: tuple[str, dict[str, Any]]
) -> None:
    flow_id, good = user_flow
    result = await submit(hass, flow_id, {**good, CONF_USE_TLS: True})
    assert_form_errors(result, "loxone", {"base": "miniserver_cannot_connect"})
    assert_nothing_stored(hass)
    await finish(hass, flow_id, good)


@pytest.mark.parametrize("kind", KINDS)
async def test_form_server_that_is_not_a_miniserver(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    user_flow: tuple[str, dict[str, Any]],
    kind: str,
) -> None:
    """HTML, 404, foreign JSON, a WebSocket speaking garbage (its HTTP calls answered by the
    real simulator), a port that hangs up, one that never answers, and none at all.
    """
    flow_id, good = user_flow
    async with impostor(kind, upstream=miniserver.base_url) as port:
        result = await submit(hass, flow_id, {**good, CONF_PORT: port})
    assert_form_errors(result, "loxone", {"base": "miniserver_cannot_connect"})
    assert_nothing_stored(hass)
    await finish(hass, flow_id, good)


@pytest.mark.parametrize("kind", KINDS)
async def test_form_cloud_dns_that_is_not_cloud_dns(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    user_flow: tuple[str, dict[str, Any]],
    kind: str,
) -> None:
    """A serial in the host field asks CloudDNS; whatever else answers there is `cloud_dns`,
    except silence, which the library reports as a timeout (`cannot_connect`).
    """
    flow_id, good = user_flow
    async with impostor(kind) as port:
        monkeypatch.setattr(coordinator_module, "CLOUD_DNS_URL", f"http://127.0.0.1:{port}/")
        result = await submit(hass, flow_id, {**good, CONF_HOST: "504F94A0B1C2"})
    error = "miniserver_cannot_connect" if kind == "silent" else "cloud_dns"
    assert_form_errors(result, "loxone", {"base": error})
    assert_nothing_stored(hass)
    await finish(hass, flow_id, good)


# -- reauth ------------------------------------------------------------------------------------

REAUTH_GOOD = {CONF_USERNAME: "admin", CONF_PASSWORD: "admin"}


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        case({CONF_USERNAME: 5}, CONF_USERNAME),
        case({CONF_PASSWORD: None}, CONF_PASSWORD),
        case({CONF_PASSWORD: MISSING}, CONF_PASSWORD),
        case({CONF_HOST: "127.0.0.1"}, "base"),
        case({CONF_USERNAME: ""}, {CONF_USERNAME: "username_required"}),
        case({CONF_USERNAME: "  "}, {CONF_USERNAME: "username_required"}),
        case({CONF_PASSWORD: ""}, {CONF_PASSWORD: "password_required"}),
        case({CONF_PASSWORD: " "}, {CONF_PASSWORD: "password_required"}),
    ],
)
async def test_reauth_bad_input_keeps_the_token(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
    change: dict[str, Any],
    outcome: str | dict[str, str],
) -> None:
    before = dict(loxone_entry.data)
    result = await start_entry_flow(hass, loxone_entry, SOURCE_REAUTH)
    flow_id = result["flow_id"]
    data = with_changes(REAUTH_GOOD, change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "reauth_confirm", outcome)
        assert miniserver.failed_auths == 0
    assert loxone_entry.data == before
    result = await submit(hass, flow_id, REAUTH_GOOD)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", ["nothing_listens", "html", "silent"])
async def test_reauth_miniserver_gone(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry, kind: str
) -> None:
    """The stored address now refuses, answers with a web page, or stays silent."""
    result = await start_entry_flow(hass, loxone_entry, SOURCE_REAUTH)
    good_port = loxone_entry.data[CONF_PORT]
    async with impostor(kind) as port:
        hass.config_entries.async_update_entry(
            loxone_entry, data={**loxone_entry.data, CONF_PORT: port}
        )
        before = dict(loxone_entry.data)
        result = await submit(hass, result["flow_id"], REAUTH_GOOD)
    assert_form_errors(result, "reauth_confirm", {"base": "miniserver_cannot_connect"})
    assert loxone_entry.data == before
    hass.config_entries.async_update_entry(
        loxone_entry, data={**loxone_entry.data, CONF_PORT: good_port}
    )
    result = await submit(hass, result["flow_id"], REAUTH_GOOD)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


# -- reconfigure -------------------------------------------------------------------------------


def connection_of(miniserver: MiniserverSimulator) -> dict[str, Any]:
    """The reconfigure form filled in correctly for the simulator."""
    return {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: miniserver.port,
        CONF_USE_TLS: False,
        CONF_VERIFY_TLS: True,
    }


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        case({CONF_PORT: "abc"}, CONF_PORT),
        case({CONF_PORT: 0}, CONF_PORT),
        case({CONF_PORT: 65536}, CONF_PORT),
        case({CONF_HOST: 10}, CONF_HOST),
        case({CONF_HOST: MISSING}, CONF_HOST),
        case({CONF_USE_TLS: "yes"}, CONF_USE_TLS),
        case({CONF_VERIFY_TLS: None}, CONF_VERIFY_TLS),
        case({CONF_PASSWORD: "admin"}, "base"),
        case({CONF_HOST: ""}, {CONF_HOST: "miniserver_host_required"}),
        case({CONF_HOST: "  "}, {CONF_HOST: "miniserver_host_required"}),
        case({CONF_HOST: "https://127.0.0.1/"}, {CONF_HOST: "invalid_host"}),
        case({CONF_PORT: "nan"}, {CONF_PORT: "invalid_port"}),
        case({CONF_PORT: 443.25}, {CONF_PORT: "invalid_port"}),
    ],
)
async def test_reconfigure_bad_input_keeps_the_connection(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
    change: dict[str, Any],
    outcome: str | dict[str, str],
) -> None:
    before = dict(loxone_entry.data)
    result = await start_entry_flow(hass, loxone_entry, SOURCE_RECONFIGURE)
    flow_id = result["flow_id"]
    data = with_changes(connection_of(miniserver), change)
    if isinstance(outcome, str):
        await assert_schema_rejects(hass, flow_id, data, outcome)
    else:
        assert_form_errors(await submit(hass, flow_id, data), "reconfigure", outcome)
    assert loxone_entry.data == before
    result = await submit(hass, flow_id, connection_of(miniserver))
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


@pytest.mark.parametrize("kind", KINDS)
async def test_reconfigure_to_a_server_that_is_not_a_miniserver(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
    kind: str,
) -> None:
    before = dict(loxone_entry.data)
    result = await start_entry_flow(hass, loxone_entry, SOURCE_RECONFIGURE)
    async with impostor(kind, upstream=miniserver.base_url) as port:
        result = await submit(
            hass, result["flow_id"], {**connection_of(miniserver), CONF_PORT: port}
        )
    assert_form_errors(result, "reconfigure", {"base": "miniserver_cannot_connect"})
    assert loxone_entry.data == before
    result = await submit(hass, result["flow_id"], connection_of(miniserver))
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{CONF_VISU_PASSWORD: 1234}, {CONF_VISU_PASSWORD: None}, {"visu": "1234"}],
)
async def test_options_schema_refuses_wrong_types(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry, options: dict[str, Any]
) -> None:
    result = await hass.config_entries.options.async_init(loxone_entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert loxone_entry.options == {}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VISU_PASSWORD: "1234"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loxone_entry.options == {CONF_VISU_PASSWORD: "1234"}
    await hass.async_block_till_done()
