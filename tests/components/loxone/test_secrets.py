"""Secrets sweep for Loxone: with debug logging on, no credential reaches a log, error or report.

Every config flow branch, reauth, reconfigure, options, setup, token refresh, forced reconnects,
commands (good, refused, secured), the `send_command` action, diagnostics, unload and removal run
against the simulator, which records every secret it hands out or receives: the password and its
hashes, the user salt, one-time keys, JWTs, the AES session key and IV, command salts, the
visualisation password and the HMACs sent in its place. `SecretSweep` is shared with the Ezlo and
Vera sweeps; it checks every form a secret could take (URL-encoded, base64, hex case).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
import dataclasses
import json
import logging
import re
import traceback
from typing import Any
from unittest.mock import patch
from urllib.parse import quote, quote_plus

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import probatio
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import CONF_TOKEN, CONF_VISU_PASSWORD, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import coordinator as coordinator_module
from tests.components.loxone.conftest import FAST, control, form_input
from tests.simulators import (
    miniserver as miniserver_module,
    miniserver_protocol as protocol_module,
    miniserver_session,
)
from tests.simulators.miniserver import MiniserverSimulator, UserSpec
from tests.simulators.miniserver_crypto import SessionKey, sha_hex_upper, unwrap_session_key
from tests.simulators.miniserver_protocol import Answer, Commands, Context, new_one_time_key

DEBUG_LOGGERS = ("custom_components.hubrelay", "aiohttp.client", "websockets")
"""Loggers turned to DEBUG besides the root logger, in case something set them higher."""
NOT_OURS = (
    "tests.",
    "aiohttp.access",
    "aiohttp.server",
    "aiohttp.web",
    "pytest_homeassistant_custom_component.",
)
"""The simulators' logs (what the peer logs is not Home Assistant's log) and the test harness's
storage mock, which logs stored data verbatim where Home Assistant writes its storage silently."""
MIN_FORM = 8
"""Shorter strings would match by chance in free text; a shorter secret (a four-digit
visualisation password) is looked for as a whole value or word in what is structured: form
fields, diagnostics, states, repair placeholders and log arguments."""
_HEX = re.compile(r"[0-9A-Fa-f]+")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def encoded_forms(value: str) -> set[str]:
    """The forms a secret can take in a log or a report: as is, URL-encoded, base64, hex."""
    forms = {
        value,
        value.lower(),  # host names are lower-cased on the way
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json.dumps(value)[1:-1],
        _b64(value.encode()),
        base64.urlsafe_b64encode(value.encode()).decode("ascii").rstrip("="),
    }
    if _HEX.fullmatch(value):
        forms.add(value.upper())
        if len(value) % 2 == 0:
            forms.add(_b64(bytes.fromhex(value)))
    return {form for form in forms if len(form) >= MIN_FORM}


class SecretSweep:
    """The secrets in play during one test and every text a user or a log could show.

    Texts are kept and checked at the end, so a secret learnt late (a refreshed token) is also
    looked for in what was logged before it existed. A leak is reported by the secret's name and
    where it showed, never by its value.
    """

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog
        self._names: dict[str, str] = {}
        self._short: dict[str, str] = {}
        self._texts: list[tuple[str, str]] = []
        self._values: list[tuple[str, str]] = []

    def add(self, name: str, value: str | bytes | None) -> None:
        """Remember a secret (bytes are looked for as hex and base64)."""
        if value is None:
            return
        text = value.hex() if isinstance(value, bytes) else value
        if not text:
            raise ValueError(f"{name} is empty")
        if len(text) < MIN_FORM:
            self._short.setdefault(text, name)
            return
        for form in encoded_forms(text):
            self._names.setdefault(form, name)

    def names(self) -> set[str]:
        """The kinds of secret recorded so far."""
        return set(self._names.values()) | set(self._short.values())

    def see(self, where: str, text: str) -> None:
        """Keep a text a user or a log could show."""
        self._texts.append((where, text))

    def see_values(self, where: str, data: Any) -> None:
        """Keep every text leaf of structured data (and the data as text)."""
        self.see(where, json.dumps(data, default=str))
        self._values.extend((where, leaf) for leaf in _leaves(data))

    def see_error(self, where: str, err: BaseException) -> None:
        """An error raised to the user: its message, placeholders and chained tracebacks."""
        self.see(where, str(err))
        self.see(where, repr(getattr(err, "translation_placeholders", None)))
        self.see(where, "".join(traceback.format_exception(err)))

    def see_flow(self, where: str, result: ConfigFlowResult) -> None:
        """What a flow step shows: title, placeholders, errors, reason, the form's pre-fills."""
        shown: dict[str, Any] = {
            key: result.get(key)
            for key in ("title", "description_placeholders", "errors", "reason", "step_id")
        }
        if (schema := result.get("data_schema")) is not None:
            shown["form"] = schema_prefills(schema)
        self.see_values(where, shown)

    def see_home_assistant(self, hass: HomeAssistant, where: str) -> None:
        """What the UI shows: flows in progress, repairs, entries, devices, entity states."""
        progress = hass.config_entries.flow.async_progress()
        self.see(f"{where}: flows in progress", json.dumps(progress, default=str))
        issues = [
            (issue.translation_key, issue.translation_placeholders)
            for issue in ir.async_get(hass).issues.values()
        ]
        self.see_values(f"{where}: repair issues", issues)
        devices = dr.async_get(hass)
        for entry in hass.config_entries.async_entries(DOMAIN):
            self.see(f"{where}: entry title and reason", f"{entry.title} {entry.reason}")
            for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
                self.see(f"{where}: device registry", repr(device))
        states = [state.as_dict() for state in hass.states.async_all()]
        self.see_values(f"{where}: entity states", states)

    def see_diagnostics(self, where: str, data: Mapping[str, Any]) -> None:
        """A diagnostics download as the user gets it."""
        self.see_values(where, data)

    def _log_texts(self) -> Iterator[tuple[str, str]]:
        formatter = logging.Formatter()
        for record in self._caplog.records:
            if record.name.startswith(NOT_OURS):
                continue
            parts = [record.getMessage()]
            if record.exc_info:
                parts.append(formatter.formatException(record.exc_info))
            if record.exc_text:
                parts.append(record.exc_text)
            if record.stack_info:
                parts.append(record.stack_info)
            yield f"log of {record.name} ({record.levelname})", "\n".join(parts)

    def _log_values(self) -> Iterator[tuple[str, str]]:
        for record in self._caplog.records:
            if not record.name.startswith(NOT_OURS):
                for leaf in _leaves(record.args):
                    yield f"log argument of {record.name} ({record.levelname})", leaf

    def leaks(self) -> list[str]:
        """Every (secret name, place) where a secret showed."""
        found = {
            f"{name} in {where}"
            for where, text in [*self._texts, *self._log_texts()]
            for form, name in self._names.items()
            if form in text
        }
        found |= {
            f"{name} in {where}"
            for where, leaf in [*self._values, *self._log_values()]
            for secret, name in self._short.items()
            if re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", leaf)
        }
        return sorted(found)

    def assert_clean(self, expected_kinds: set[str]) -> None:
        """Fail naming each leak; also fail when an expected kind of secret was never recorded."""
        missing = expected_kinds - self.names()
        assert not missing, f"these secrets were never in play: {sorted(missing)}"
        assert self._caplog.records, "nothing was logged: debug logging is not on"
        leaks = self.leaks()
        assert not leaks, "secrets leaked: " + "; ".join(leaks)


def _leaves(data: Any) -> Iterator[str]:
    """Every text (and number, as text) inside nested mappings and sequences."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield str(key)
            yield from _leaves(value)
    elif isinstance(data, list | tuple | set | frozenset):
        for value in data:
            yield from _leaves(value)
    elif data is not None:
        yield str(data)


def schema_prefills(schema: Any) -> dict[str, Any]:
    """What a form sends to the browser besides the labels: suggested values and defaults."""
    prefills: dict[str, Any] = {}
    for key in schema.schema:
        description = getattr(key, "description", None) or {}
        if "suggested_value" in description:
            prefills[f"{key} (suggested)"] = description["suggested_value"]
        default = getattr(key, "default", None)
        if callable(default) and (value := default()) is not probatio.UNDEFINED:
            prefills[f"{key} (default)"] = value
    return prefills


def debug_sweep(caplog: pytest.LogCaptureFixture) -> SecretSweep:
    """Debug logging on for the whole test, and a sweep reading it."""
    caplog.set_level(logging.DEBUG)
    for name in DEBUG_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return SecretSweep(caplog)


# -- Loxone --------------------------------------------------------------------------------------

USERNAME = "hubrelay-user"
PASSWORD = "Lox-Pass 7391!/+"
WRONG_PASSWORD = "Wrong-Pass 1357"
HOST_PASSWORD = "Host-Pass-9753"
VISU_PASSWORD = "Visu-Secret 2468"
WRONG_VISU_PASSWORD = "Visu-Wrong 8642"
SWITCH = "switch.hall_hall_light"
ALARM = "Burglar alarm"
#: Commands whose first argument is an HMAC proving a password, token or visu password.
CREDENTIAL_HASH = re.compile(
    r"^(?:jdev/sys/(?:getjwt|gettoken|refreshjwt|refreshtoken|checktoken|killtoken)"
    r"|authwithtoken|jdev/sps/ios)/([0-9A-Fa-f]{40,})(?:/|$)"
)
LOXONE_KINDS = {
    "password",
    "wrong password",
    "password typed into the host field",
    "password hash",
    "user salt",
    "one-time key",
    "token",
    "credential HMAC",
    "AES session key",
    "AES session IV",
    "command salt",
    "visualisation password",
    "wrong visualisation password",
    "visualisation salt",
    "visualisation password hash",
}


@pytest.fixture
def sweep(caplog: pytest.LogCaptureFixture) -> SecretSweep:
    return debug_sweep(caplog)


def record_miniserver_secrets(
    monkeypatch: pytest.MonkeyPatch, sweep: SecretSweep, visu_passwords: tuple[str, ...]
) -> None:
    """Make the simulator report every secret it issues, unwraps or receives.

    ``visu_passwords`` are the visualisation passwords the test types: each salted hash of them
    is a secret too.
    """

    def one_time_key() -> str:
        key = new_one_time_key()
        sweep.add("one-time key", key)
        return key

    def unwrap(blob: str) -> SessionKey:
        key = unwrap_session_key(blob)
        sweep.add("AES session key", key.key)
        sweep.add("AES session IV", key.iv)
        return key

    run, decrypt = Commands.run, Commands.decrypt_command

    def recording_run(self: Commands, ctx: Context, command: str, *, encrypted: bool) -> Answer:
        answer = run(self, ctx, command, encrypted=encrypted)
        if match := CREDENTIAL_HASH.match(command):
            sweep.add("credential HMAC", match.group(1))
        value = answer.value if isinstance(answer.value, dict) else {}
        sweep.add("token", value.get("token"))
        if (salt := value.get("salt")) is None:
            return answer
        if command.startswith("jdev/sys/getvisusalt/"):
            sweep.add("visualisation salt", salt)
            for visu in visu_passwords:
                sweep.add(
                    "visualisation password hash", sha_hex_upper(f"{visu}:{salt}", value["hashAlg"])
                )
        else:
            sweep.add("user salt", salt)
        return answer

    def recording_decrypt(
        self: Commands, ctx: Context, cipher: str, session_key: SessionKey
    ) -> str | None:
        plain = decrypt(self, ctx, cipher, session_key)
        sweep.add("command salt", ctx.salt)
        return plain

    monkeypatch.setattr(protocol_module, "new_one_time_key", one_time_key)
    monkeypatch.setattr(miniserver_session, "unwrap_session_key", unwrap)
    monkeypatch.setattr(miniserver_module, "unwrap_session_key", unwrap)
    monkeypatch.setattr(Commands, "run", recording_run)
    monkeypatch.setattr(Commands, "decrypt_command", recording_decrypt)


@pytest.fixture
async def miniserver(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, sweep: SecretSweep
) -> AsyncIterator[MiniserverSimulator]:
    """The demo house with our user and visualisation password; every secret recorded.

    Parametrised indirectly with the user's ``hash_alg`` and the ``firmware`` (before 10.2:
    legacy tokens, refreshed in place).
    """
    options: dict[str, str] = getattr(request, "param", {})
    record_miniserver_secrets(monkeypatch, sweep, (VISU_PASSWORD, WRONG_VISU_PASSWORD))
    user = UserSpec(PASSWORD, options.get("hash_alg", "SHA1"))
    for name, value in (
        ("password", PASSWORD),
        ("wrong password", WRONG_PASSWORD),
        ("password typed into the host field", HOST_PASSWORD),
        ("password hash", user.password_hash()),
        ("password hash", sha_hex_upper(f"{WRONG_PASSWORD}:{user.salt}", user.hash_alg)),
        ("visualisation password", VISU_PASSWORD),
        ("wrong visualisation password", WRONG_VISU_PASSWORD),
    ):
        sweep.add(name, value)
    async with MiniserverSimulator(
        users={USERNAME: user},
        visu_password=VISU_PASSWORD,
        firmware=options.get("firmware", "14.5.12.7"),
    ) as simulator:
        yield simulator


def account(simulator: MiniserverSimulator, **overrides: Any) -> dict[str, Any]:
    """The Loxone form filled in with our user."""
    return form_input(simulator, **{CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD} | overrides)


async def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    """Wait for something a real socket makes true a little later."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def configure(
    hass: HomeAssistant, sweep: SecretSweep, where: str, flow_id: str, data: dict[str, Any]
) -> ConfigFlowResult:
    """Submit one flow step and keep what it shows."""
    result = await hass.config_entries.flow.async_configure(flow_id, data)
    sweep.see_flow(where, result)
    return result


async def loxone_form(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    flow_id: str = result["flow_id"]
    return flow_id


async def add_entry(
    hass: HomeAssistant, sweep: SecretSweep, simulator: MiniserverSimulator
) -> HubRelayConfigEntry:
    result = await configure(hass, sweep, "user step", await loxone_form(hass), account(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    sweep.add("token", entry.data[CONF_TOKEN]["token"])
    return entry


async def entry_flow(
    hass: HomeAssistant, sweep: SecretSweep, entry: HubRelayConfigEntry, source: str
) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": source, "entry_id": entry.entry_id},
        data=entry.data if source == SOURCE_REAUTH else None,
    )
    sweep.see_flow(f"{source} start", result)
    return result


async def send(hass: HomeAssistant, entry: HubRelayConfigEntry, name: str, command: str) -> None:
    await hass.services.async_call(
        DOMAIN,
        "send_command",
        {"config_entry_id": entry.entry_id, "control": name, "command": command},
        blocking=True,
    )


async def refused(sweep: SecretSweep, where: str, call: Callable[[], Any], key: str) -> None:
    """Run a call that must fail with a translated error; keep what the user sees of it."""
    with pytest.raises(HomeAssistantError) as caught:
        await call()
    assert caught.value.translation_key == key
    sweep.see_error(where, caught.value)


async def test_flows_leak_no_secret(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    sweep: SecretSweep,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flow_id = await loxone_form(hass)
    for where, change, error in (
        ("wrong password", {CONF_PASSWORD: WRONG_PASSWORD}, "invalid_auth"),
        ("unknown user", {CONF_USERNAME: "nobody-here"}, "invalid_auth"),
        ("unreachable", {CONF_PORT: 1}, "miniserver_cannot_connect"),
    ):
        result = await configure(hass, sweep, where, flow_id, account(miniserver, **change))
        assert result["errors"] == {"base": error}
    # A password typed into the host field ("user:password@host") is refused, not echoed.
    result = await configure(
        hass,
        sweep,
        "credentials in the host",
        flow_id,
        account(miniserver, **{CONF_HOST: f"{USERNAME}:{HOST_PASSWORD}@127.0.0.1"}),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"]
    monkeypatch.setattr(coordinator_module, "CLOUD_DNS_URL", "http://127.0.0.1:1/")
    result = await configure(
        hass, sweep, "CloudDNS", flow_id, account(miniserver, **{CONF_HOST: "504F94A0B1C2"})
    )
    assert result["errors"] == {"base": "cloud_dns"}
    with patch.object(coordinator_module, "build_endpoint", side_effect=RuntimeError("bug")):
        result = await configure(hass, sweep, "unexpected error", flow_id, account(miniserver))
    assert result["errors"] == {"base": "unknown"}
    miniserver.block_after_failures = 1
    result = await configure(
        hass, sweep, "blocking", flow_id, account(miniserver, **{CONF_PASSWORD: WRONG_PASSWORD})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await configure(hass, sweep, "blocked", flow_id, account(miniserver))
    assert result["errors"] == {"base": "blocked"}
    miniserver.block_after_failures = None
    miniserver.unblock()
    result = await configure(hass, sweep, "user step", flow_id, account(miniserver))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    sweep.add("token", entry.data[CONF_TOKEN]["token"])
    result = await configure(hass, sweep, "duplicate", await loxone_form(hass), account(miniserver))
    assert result["reason"] == "already_configured"

    result = await entry_flow(hass, sweep, entry, SOURCE_REAUTH)
    credentials = {CONF_USERNAME: USERNAME, CONF_PASSWORD: WRONG_PASSWORD}
    result = await configure(hass, sweep, "reauth", result["flow_id"], credentials)
    assert result["errors"] == {"base": "invalid_auth"}
    credentials[CONF_PASSWORD] = PASSWORD
    result = await configure(hass, sweep, "reauth", result["flow_id"], credentials)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    sweep.add("token", entry.data[CONF_TOKEN]["token"])

    connection = {key: value for key, value in account(miniserver).items() if key in entry.data}
    del connection[CONF_USERNAME]
    result = await entry_flow(hass, sweep, entry, SOURCE_RECONFIGURE)
    result = await configure(
        hass, sweep, "reconfigure", result["flow_id"], {**connection, CONF_PORT: 1}
    )
    assert result["errors"] == {"base": "miniserver_cannot_connect"}
    async with MiniserverSimulator(serial="504F94FFFFFF") as other:
        result = await configure(
            hass, sweep, "reconfigure", result["flow_id"], {**connection, CONF_PORT: other.port}
        )
        assert result["errors"] == {"base": "identity_changed"}
    result = await configure(hass, sweep, "reconfigure", result["flow_id"], connection)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    sweep.see_flow("options", result)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_VISU_PASSWORD: VISU_PASSWORD}
    )
    sweep.see_flow("options", result)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    sweep.see_home_assistant(hass, "after the flows")
    assert await hass.config_entries.async_unload(entry.entry_id)
    # No secured command ran, so no visualisation salt or hash was ever in play here.
    sweep.assert_clean(LOXONE_KINDS - {"visualisation salt", "visualisation password hash"})


@pytest.mark.parametrize(
    "miniserver",
    [{}, {"hash_alg": "SHA256"}, {"firmware": "9.3.2.20"}],
    ids=["jwt", "sha256_user", "legacy_token"],
    indirect=True,
)
async def test_running_entry_leaks_no_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    miniserver: MiniserverSimulator,
    sweep: SecretSweep,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tokens refreshed every few tenths of a second, command salts rotated every other command.
    monkeypatch.setattr(
        coordinator_module,
        "TIMINGS",
        dataclasses.replace(FAST, token_refresh_max=0.3, token_refresh_min=0.1, salt_max_uses=2),
    )
    entry = await add_entry(hass, sweep, miniserver)
    hass.config_entries.async_update_entry(entry, options={CONF_VISU_PASSWORD: VISU_PASSWORD})
    # A refresh is persisted (a legacy token keeps its value, only its validity changes).
    first = entry.data[CONF_TOKEN]
    await wait_until(lambda: entry.data[CONF_TOKEN] != first)
    sweep.add("token", entry.data[CONF_TOKEN]["token"])

    for command in ("on", "off", "on"):
        await send(hass, entry, "Hall light", command)
    await hass.services.async_call("switch", "turn_off", {"entity_id": SWITCH}, blocking=True)
    await send(hass, entry, ALARM, "on")
    assert miniserver.commands[-1] == (control(ALARM)["uuidAction"], "on")
    await refused(
        sweep,
        "failing command",
        lambda: send(hass, entry, "Hall light", "nonsense"),
        "command_failed",
    )
    hass.config_entries.async_update_entry(entry, options={CONF_VISU_PASSWORD: WRONG_VISU_PASSWORD})
    executed = len(miniserver.commands)
    await refused(
        sweep, "wrong visu password", lambda: send(hass, entry, ALARM, "off"), "visu_password_wrong"
    )
    assert len(miniserver.commands) == executed

    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    sweep.see_diagnostics("entry diagnostics", result)

    coordinator = entry.runtime_data
    await miniserver.drop_connections()
    await wait_until(lambda: miniserver.sessions == 1 and coordinator.connected)
    miniserver.set_out_of_service(0.2)
    await wait_until(lambda: not coordinator.connected)
    await wait_until(lambda: coordinator.connected)
    miniserver.send_malformed_frame("bad_json")
    await miniserver.restart(downtime=0.2)
    await wait_until(lambda: miniserver.sessions == 1 and coordinator.connected)
    miniserver.response_delay = 0.5
    task = hass.async_create_task(send(hass, entry, "Hall light", "on"))
    await asyncio.sleep(0.1)
    await miniserver.drop_connections()
    await refused(sweep, "command lost", lambda: task, "command_not_delivered")
    miniserver.response_delay = 0.0
    await miniserver.stop()
    await wait_until(lambda: not coordinator.connected)
    await refused(
        sweep, "while disconnected", lambda: send(hass, entry, "Hall light", "on"), "not_connected"
    )
    await miniserver.start()
    await wait_until(lambda: coordinator.connected)
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    sweep.see_diagnostics("entry diagnostics after reconnecting", result)
    sweep.see_home_assistant(hass, "running")
    assert await hass.config_entries.async_unload(entry.entry_id)
    sweep.add("token", entry.data[CONF_TOKEN]["token"])
    sweep.assert_clean(LOXONE_KINDS)


async def test_rejected_credentials_leak_no_secret(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    sweep: SecretSweep,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await add_entry(hass, sweep, miniserver)
    coordinator = entry.runtime_data
    # The token is refused while reconnecting: reauth.
    for token in miniserver.tokens.issued:
        token.killed = True
    await miniserver.drop_connections()
    await wait_until(lambda: hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    assert not coordinator.connected
    sweep.see_home_assistant(hass, "reauth asked while running")
    assert await hass.config_entries.async_unload(entry.entry_id)
    # Setup with the refused token (reauth), later with a token request failing with 500 (retry).
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    sweep.see_home_assistant(hass, "setup with a refused token")
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    credentials = {CONF_USERNAME: USERNAME, CONF_PASSWORD: WRONG_PASSWORD}
    result = await configure(hass, sweep, "reauth", flow["flow_id"], credentials)
    assert result["errors"] == {"base": "invalid_auth"}
    credentials[CONF_PASSWORD] = PASSWORD
    result = await configure(hass, sweep, "reauth", flow["flow_id"], credentials)
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    sweep.add("token", entry.data[CONF_TOKEN]["token"])
    assert await hass.config_entries.async_unload(entry.entry_id)
    miniserver.fail_next_auth(500)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    sweep.see_home_assistant(hass, "setup retry")
    assert await hass.config_entries.async_unload(entry.entry_id)
    # Removal kills the token; an unreachable Miniserver makes that a logged warning.
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await hass.config_entries.async_remove(entry.entry_id)
    other = await add_entry(hass, sweep, miniserver)
    assert await hass.config_entries.async_unload(other.entry_id)
    await miniserver.stop()
    await hass.config_entries.async_remove(other.entry_id)
    assert "Could not invalidate the token" in caplog.text
    # No secured command ran, so no visualisation salt or hash was ever in play here.
    sweep.assert_clean(LOXONE_KINDS - {"visualisation salt", "visualisation password hash"})


SHORT_VISU_PASSWORD = "4711"


def test_the_sweep_finds_a_short_secret_only_where_it_stands_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sweep = debug_sweep(caplog)
    sweep.add("visualisation password", SHORT_VISU_PASSWORD)
    sweep.see_values("a counter", {"uptime": "147112", "text": "47110 events"})
    logging.getLogger("custom_components.hubrelay.test").debug("port %s", 14711)
    assert sweep.leaks() == []
    sweep.see_values("a form", {"visu_password (suggested)": SHORT_VISU_PASSWORD})
    sweep.see_diagnostics("diagnostics", {"options": {"visu": f"pin {SHORT_VISU_PASSWORD}"}})
    logging.getLogger("custom_components.hubrelay.test").debug("pin %s", SHORT_VISU_PASSWORD)
    assert sweep.leaks() == [
        "visualisation password in a form",
        "visualisation password in diagnostics",
        "visualisation password in log argument of custom_components.hubrelay.test (DEBUG)",
    ]


async def test_a_short_visualisation_password_is_never_shown(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    monkeypatch: pytest.MonkeyPatch,
    sweep: SecretSweep,
) -> None:
    # A four-digit visualisation password, as many installations use: typed into the options,
    # used for a secured command, and then never in a form, a state, diagnostics or a log.
    record_miniserver_secrets(monkeypatch, sweep, (SHORT_VISU_PASSWORD,))
    sweep.add("visualisation password", SHORT_VISU_PASSWORD)
    user = UserSpec(PASSWORD)
    sweep.add("password", PASSWORD)
    sweep.add("password hash", user.password_hash())
    async with MiniserverSimulator(
        users={USERNAME: user}, visu_password=SHORT_VISU_PASSWORD
    ) as simulator:
        entry = await add_entry(hass, sweep, simulator)
        result = await hass.config_entries.options.async_init(entry.entry_id)
        sweep.see_flow("options", result)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_VISU_PASSWORD: SHORT_VISU_PASSWORD}
        )
        sweep.see_flow("options stored", result)
        await hass.async_block_till_done()
        result = await hass.config_entries.options.async_init(entry.entry_id)
        sweep.see_flow("options opened again", result)
        hass.config_entries.options.async_abort(result["flow_id"])
        await send(hass, entry, ALARM, "on")
        assert simulator.commands[-1] == (control(ALARM)["uuidAction"], "on")
        sweep.see_diagnostics(
            "entry diagnostics", await get_diagnostics_for_config_entry(hass, hass_client, entry)
        )
        sweep.see_home_assistant(hass, "after a secured command")
        assert await hass.config_entries.async_unload(entry.entry_id)
    sweep.assert_clean({"visualisation password", "visualisation salt", "token"})
