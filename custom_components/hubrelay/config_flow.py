"""Add hubs from the UI: pick the system, sign in, store a token (never the password).

The Loxone steps live here, the Ezlo steps in `config_flow_ezlo` and the Vera steps in
`config_flow_vera` (both mixed into the same flow).

The flow connects before it creates anything, so a wrong password, a blocked user or an
unreachable Miniserver is a form error, not a broken entry. The Miniserver serial is the unique
id: the same Miniserver cannot be added twice, and reauth or reconfigure cannot switch an entry
to another Miniserver.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any, cast

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)
import probatio

from . import coordinator as coordinator_loxone
from .config_flow_ezlo import (
    PASSWORD_SELECTOR,
    EzloFlowMixin,
    host_errors,
    is_ezlo_entry,
    missing_text,
)
from .config_flow_vera import VeraFlowMixin, VeraOptionsFlow, is_vera_entry
from .const import (
    CONF_CLIENT_UUID,
    CONF_EXCLUDED_DEVICES,
    CONF_SERIAL,
    CONF_SYSTEM,
    CONF_TOKEN,
    CONF_USE_TLS,
    CONF_VERIFY_TLS,
    CONF_VISU_PASSWORD,
    DEFAULT_LOXONE_PORT,
    DOMAIN,
    SYSTEM_EZLO,
    SYSTEM_LOXONE,
    SYSTEM_VERA,
)
from .coordinator_ezlo import EzloCoordinator
from .data import HubRelayConfigEntry
from .protocols.loxone import (
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneCloudDNSError,
    LoxoneError,
    MiniserverClient,
    MiniserverIdentity,
    Token,
    new_client_uuid,
    sign_in,
)

_LOGGER = logging.getLogger(__name__)

PORT_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=1, max=65535, step=1, mode=NumberSelectorMode.BOX)
)

CONNECTION_FIELDS: dict[Any, Any] = {
    probatio.Required(CONF_HOST): str,
    probatio.Required(CONF_PORT, default=DEFAULT_LOXONE_PORT): PORT_SELECTOR,
    probatio.Required(CONF_USE_TLS, default=False): bool,
    probatio.Required(CONF_VERIFY_TLS, default=True): bool,
}
CREDENTIAL_FIELDS: dict[Any, Any] = {
    probatio.Required(CONF_USERNAME): str,
    probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
}
LOXONE_SCHEMA = probatio.Schema({**CONNECTION_FIELDS, **CREDENTIAL_FIELDS})
RECONFIGURE_SCHEMA = probatio.Schema(CONNECTION_FIELDS)
REAUTH_SCHEMA = probatio.Schema(CREDENTIAL_FIELDS)


#: The sign-in fields a user can leave empty, and the error each then shows.
CREDENTIALS_REQUIRED = {CONF_USERNAME: "username_required", CONF_PASSWORD: "password_required"}


def _connection_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Check host and port before connecting.

    An empty host, a URL or ``host:port`` in the host field, or a port the number box lets
    through (``nan``, ``80.5``) is a typo to point at, not a Miniserver that cannot be reached.
    """
    host = str(user_input[CONF_HOST]).strip()
    errors = (
        {}
        if coordinator_loxone.is_serial(host)
        else host_errors(host, required="miniserver_host_required")
    )
    if not float(user_input[CONF_PORT]).is_integer():
        errors[CONF_PORT] = "invalid_port"
    return errors


def _connection(user_input: Mapping[str, Any]) -> dict[str, Any]:
    return {
        CONF_HOST: str(user_input[CONF_HOST]).strip(),
        CONF_PORT: int(user_input[CONF_PORT]),
        CONF_USE_TLS: bool(user_input[CONF_USE_TLS]),
        CONF_VERIFY_TLS: bool(user_input[CONF_VERIFY_TLS]),
    }


def _error_key(err: Exception) -> str:
    """Name the form error for a failed sign-in."""
    if isinstance(err, LoxoneAuthenticationError):
        return "invalid_auth"
    if isinstance(err, LoxoneBlockedError):
        return "blocked"
    if isinstance(err, LoxoneCloudDNSError):
        return "cloud_dns"
    if isinstance(err, LoxoneError):
        return "cannot_connect"
    _LOGGER.exception("Unexpected error while signing in to the Miniserver")
    return "unknown"


async def _sign_in(
    hass: HomeAssistant, connection: Mapping[str, Any], username: str, password: str, uuid: str
) -> MiniserverIdentity:
    return await sign_in(
        async_get_clientsession(hass),
        await coordinator_loxone.async_resolve_endpoint(hass, connection),
        username=username,
        password=password,
        client_uuid=uuid,
        timings=coordinator_loxone.TIMINGS,
    )


async def _serial_with_token(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Connect with the stored token (no password needed) and return the serial."""
    client = MiniserverClient(
        async_get_clientsession(hass),
        await coordinator_loxone.async_resolve_endpoint(hass, data),
        username=data[CONF_USERNAME],
        client_uuid=data[CONF_CLIENT_UUID],
        token=Token.from_dict(data[CONF_TOKEN]),
        status_updates=False,
        timings=coordinator_loxone.TIMINGS,
    )
    try:
        await client.connect()
        return str(client.serial)
    finally:
        await client.close()


class HubRelayConfigFlow(EzloFlowMixin, VeraFlowMixin, ConfigFlow, domain=DOMAIN):
    """Add a hub: a menu of systems, then the system's own steps."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(
        config_entry: HubRelayConfigEntry,
    ) -> HubRelayOptionsFlow | EzloOptionsFlow | VeraOptionsFlow:
        """Options for an existing entry: each system has its own."""
        if is_vera_entry(config_entry.data):
            return VeraOptionsFlow()
        return EzloOptionsFlow() if is_ezlo_entry(config_entry.data) else HubRelayOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which kind of hub to add."""
        return self.async_show_menu(
            step_id="user", menu_options=[SYSTEM_LOXONE, SYSTEM_EZLO, SYSTEM_VERA]
        )

    async def async_step_loxone(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Sign in to a Miniserver and create its entry with a token."""
        errors: dict[str, str] = {}
        if user_input is not None and not (
            errors := _connection_errors(user_input)
            | missing_text(user_input, CREDENTIALS_REQUIRED)
        ):
            connection = _connection(user_input)
            username = user_input[CONF_USERNAME].strip()
            client_uuid = new_client_uuid()
            try:
                identity = await _sign_in(
                    self.hass, connection, username, user_input[CONF_PASSWORD], client_uuid
                )
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                await self.async_set_unique_id(format_mac(identity.serial))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=identity.name or f"Miniserver {identity.serial}",
                    data={
                        CONF_SYSTEM: SYSTEM_LOXONE,
                        **connection,
                        CONF_USERNAME: username,
                        CONF_SERIAL: identity.serial,
                        CONF_CLIENT_UUID: client_uuid,
                        CONF_TOKEN: identity.token.as_dict(),
                    },
                )
        return self.async_show_form(
            step_id="loxone",
            data_schema=self.add_suggested_values_to_schema(
                LOXONE_SCHEMA, {k: v for k, v in (user_input or {}).items() if k != CONF_PASSWORD}
            ),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Ask for the password again after the hub refused the stored token or keys."""
        if is_ezlo_entry(entry_data):
            return await self.async_step_ezlo_reauth()
        if is_vera_entry(entry_data):
            return await self.async_step_vera_reauth()
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in again and store the new token."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None and not (
            errors := missing_text(user_input, CREDENTIALS_REQUIRED)
        ):
            username = user_input[CONF_USERNAME].strip()
            try:
                identity = await _sign_in(
                    self.hass,
                    entry.data,
                    username,
                    user_input[CONF_PASSWORD],
                    entry.data[CONF_CLIENT_UUID],
                )
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                await self.async_set_unique_id(format_mac(identity.serial))
                self._abort_if_unique_id_mismatch(reason="wrong_miniserver")
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_USERNAME: username,
                        CONF_TOKEN: identity.token.as_dict(),
                    },
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                REAUTH_SCHEMA, {CONF_USERNAME: entry.data[CONF_USERNAME]}
            ),
            description_placeholders={"name": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the Miniserver is reached; the stored token proves it is the same one."""
        entry = self._get_reconfigure_entry()
        if is_ezlo_entry(entry.data):
            return await self.async_step_ezlo_reconfigure()
        if is_vera_entry(entry.data):
            return await self.async_step_vera_reconfigure()
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := _connection_errors(user_input)):
            connection = _connection(user_input)
            try:
                serial = await _serial_with_token(self.hass, {**entry.data, **connection})
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                await self.async_set_unique_id(format_mac(serial))
                self._abort_if_unique_id_mismatch(reason="wrong_miniserver")
                return self.async_update_reload_and_abort(entry, data_updates=connection)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, user_input or dict(entry.data)
            ),
            errors=errors,
        )


class HubRelayOptionsFlow(OptionsFlowWithReload):
    """Loxone options: the visualisation password that secured controls ask for."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and store the options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_VISU_PASSWORD): PASSWORD_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, self.config_entry.options),
        )


class EzloOptionsFlow(OptionsFlowWithReload):
    """Ezlo options: devices to leave out of Home Assistant."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer the hub's devices (the entry must be loaded to know them)."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        # A loaded Ezlo entry's runtime data is always its Ezlo coordinator.
        coordinator = cast(EzloCoordinator, self.config_entry.runtime_data)
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        devices = sorted(coordinator.session.devices.values(), key=lambda d: d.name or d.id)
        options = [SelectOptionDict(value=d.id, label=d.name or d.id) for d in devices]
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_EXCLUDED_DEVICES, default=[]): SelectSelector(
                    SelectSelectorConfig(options=options, multiple=True)
                ),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, self.config_entry.options),
        )
