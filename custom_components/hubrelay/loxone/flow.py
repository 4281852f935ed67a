"""The Loxone steps of the config flow: sign in to a Miniserver, store a token (never the password).

The flow connects before it creates anything, so a wrong password, a blocked user or an
unreachable Miniserver is a form error, not a broken entry. The Miniserver serial is the unique
id: the same Miniserver cannot be added twice, and reauth or reconfigure cannot switch an entry
to another Miniserver.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.selector import NumberSelector, NumberSelectorConfig, NumberSelectorMode
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
from homeassistant.util.network import is_ip_address
import probatio

from ..const import (
    CONF_CLIENT_UUID,
    CONF_FORGET_VISU_PASSWORD,
    CONF_PUBLIC_KEY,
    CONF_SERIAL,
    CONF_SYSTEM,
    CONF_TOKEN,
    CONF_USE_TLS,
    CONF_VERIFY_TLS,
    CONF_VISU_PASSWORD,
    DEFAULT_LOXONE_PORT,
    DOMAIN,
    SYSTEM_LOXONE,
)
from ..hub.forms import PASSWORD_SELECTOR, ErrorKeys, echo, error_key, host_errors, missing_text
from ..hub.takeover import TakeoverFlow
from ..protocols.loxone import (
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneCloudDNSError,
    LoxoneError,
    LoxoneIdentityError,
    MiniserverClient,
    MiniserverIdentity,
    Token,
    new_client_uuid,
    sign_in,
)
from ..protocols.loxone.messages import normalize_serial
from . import coordinator as coordinator_loxone, discovery
from .repairs import report_unproven_move
from .takeover import LOXONE_TAKEOVER

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


#: Which form error a failed sign-in shows.
SIGN_IN_ERRORS: ErrorKeys = (
    (LoxoneIdentityError, "identity_changed"),
    (LoxoneAuthenticationError, "invalid_auth"),
    (LoxoneBlockedError, "blocked"),
    (LoxoneCloudDNSError, "cloud_dns"),
    (LoxoneError, "miniserver_cannot_connect"),
)


def _error_key(err: Exception) -> str:
    return error_key(err, SIGN_IN_ERRORS, "signing in to the Miniserver")


async def _sign_in(
    hass: HomeAssistant, connection: Mapping[str, Any], username: str, password: str, uuid: str
) -> MiniserverIdentity:
    """Sign in; an existing entry's `connection` carries its pins, so an impostor gets nothing."""
    return await sign_in(
        async_get_clientsession(hass),
        await coordinator_loxone.async_resolve_endpoint(hass, connection),
        username=username,
        password=password,
        client_uuid=uuid,
        timings=coordinator_loxone.TIMINGS,
        **coordinator_loxone.pins(connection),
    )


async def _identity_with_token(hass: HomeAssistant, data: Mapping[str, Any]) -> tuple[str, str]:
    """Connect with the stored token (no password needed); return serial and key fingerprint.

    The entry's pins go along: a peer at the new address that is not the same Miniserver gets
    `LoxoneIdentityError` before the token is used.
    """
    client = MiniserverClient(
        async_get_clientsession(hass),
        await coordinator_loxone.async_resolve_endpoint(hass, data),
        username=data[CONF_USERNAME],
        client_uuid=data[CONF_CLIENT_UUID],
        token=Token.from_dict(data[CONF_TOKEN]),
        status_updates=False,
        timings=coordinator_loxone.TIMINGS,
        **coordinator_loxone.pins(data),
    )
    try:
        await client.connect()
        return str(client.serial), str(client.public_key)
    finally:
        await client.close()


def _movable(data: Mapping[str, Any], host: str) -> bool:
    """Tell whether an entry is reached at another IP address that an announcement could replace.

    An ignored entry has no address, and one reached by host name or through CloudDNS by its
    serial follows the Miniserver by itself.
    """
    current = str(data.get(CONF_HOST) or "").strip()
    return is_ip_address(current.strip("[]")) and current != host


class LoxoneFlow(TakeoverFlow):
    """The Loxone steps; the integration's flow class mixes them in."""

    #: The Miniserver found on the network: its address, pre-filled in the sign-in form.
    _loxone_found: Mapping[str, Any] = MappingProxyType({})

    async def _async_loxone_dhcp(self, info: DhcpServiceInfo) -> ConfigFlowResult:
        """Offer a Miniserver that asked DHCP for an address: its MAC address is its serial."""
        return await self._async_loxone_discovered(
            info.ip, discovery.DISCOVERY_PORT, normalize_serial(info.macaddress)
        )

    async def _async_loxone_ssdp(self, info: SsdpServiceInfo) -> ConfigFlowResult:
        """Offer a Miniserver that answered SSDP: it names its serial and web port."""
        found = discovery.ssdp_address(info)
        if found is None:
            return self.async_abort(reason="not_loxone_miniserver")
        host, port, serial = found
        return await self._async_loxone_discovered(host, port, serial)

    async def _async_loxone_discovered(self, host: str, port: int, serial: str) -> ConfigFlowResult:
        """Offer a Miniserver found on the network; follow a configured one only once it proved it.

        The announcement is no proof: a configured Miniserver is moved to `host` only when the
        device there presents the entry's pinned serial and key, and a new one is offered only
        when it answers with the serial it announced. Nothing secret is sent to find out.
        """
        unique_id = format_mac(serial)
        await self.async_set_unique_id(unique_id)
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, unique_id)
        if entry is not None and _movable(entry.data, host):
            try:
                await discovery.async_prove_identity(self.hass, host, entry.data)
            except LoxoneIdentityError:
                report_unproven_move(self.hass, entry, host)
                return self.async_abort(
                    reason="miniserver_identity_unproven", description_placeholders={"host": host}
                )
            except LoxoneError:
                return self.async_abort(
                    reason="miniserver_unreachable", description_placeholders={"host": host}
                )
            self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        self._abort_if_unique_id_configured()
        try:
            answered = await discovery.async_probe_serial(self.hass, host, port)
        except LoxoneError:
            return self.async_abort(
                reason="miniserver_unreachable", description_placeholders={"host": host}
            )
        if normalize_serial(answered) != normalize_serial(serial):
            return self.async_abort(reason="not_loxone_miniserver")
        self._loxone_found = {
            CONF_HOST: host,
            CONF_PORT: port,
            CONF_USE_TLS: False,
            CONF_VERIFY_TLS: True,
        }
        self.context["title_placeholders"] = {"name": f"Miniserver {normalize_serial(serial)}"}
        return await self.async_step_loxone_discovered()

    async def async_step_loxone_discovered(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to the Miniserver found on the network; its address is already filled in.

        What is typed goes through the `loxone` step, so a failed sign-in shows its form.
        """
        if user_input is not None:
            return await self.async_step_loxone(user_input)
        found = dict(self._loxone_found)
        return self.async_show_form(
            step_id="loxone_discovered",
            data_schema=self.add_suggested_values_to_schema(LOXONE_SCHEMA, found),
            description_placeholders={"host": str(found.get(CONF_HOST, ""))},
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
                return await self.async_create_hub_entry(
                    identity.name or f"Miniserver {identity.serial}",
                    {
                        CONF_SYSTEM: SYSTEM_LOXONE,
                        **connection,
                        CONF_USERNAME: username,
                        CONF_SERIAL: identity.serial,
                        CONF_CLIENT_UUID: client_uuid,
                        CONF_TOKEN: identity.token.as_dict(),
                        CONF_PUBLIC_KEY: identity.public_key,
                    },
                    identity.serial,
                    LOXONE_TAKEOVER.schemes,
                )
        return self.async_show_form(
            step_id="loxone",
            data_schema=self.add_suggested_values_to_schema(LOXONE_SCHEMA, echo(user_input or {})),
            errors=errors,
        )

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
                        CONF_PUBLIC_KEY: identity.public_key,
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

    async def async_step_loxone_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the Miniserver is reached; the stored token proves it is the same one.

        The form keeps Home Assistant's own step id, `reconfigure`, which hands it back here.
        """
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := _connection_errors(user_input)):
            connection = _connection(user_input)
            try:
                serial, public_key = await _identity_with_token(
                    self.hass, {**entry.data, **connection}
                )
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                await self.async_set_unique_id(format_mac(serial))
                self._abort_if_unique_id_mismatch(reason="wrong_miniserver")
                return self.async_update_reload_and_abort(
                    entry, data_updates={**connection, CONF_PUBLIC_KEY: public_key}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, echo(user_input or entry.data)
            ),
            errors=errors,
        )


class LoxoneOptionsFlow(OptionsFlowWithReload):
    """Loxone options: the visualisation password that secured controls ask for.

    A stored password is never sent back to the form: left empty it stays as it is, and a
    box forgets it.
    """

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Home Assistant opens options here; the form is the Miniserver step."""
        return await self.async_step_loxone_options(user_input)

    async def async_step_loxone_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and store the Miniserver options."""
        if user_input is not None:
            options = dict(self.config_entry.options)
            if user_input.get(CONF_FORGET_VISU_PASSWORD):
                options.pop(CONF_VISU_PASSWORD, None)
            elif password := user_input.get(CONF_VISU_PASSWORD):
                options[CONF_VISU_PASSWORD] = password
            return self.async_create_entry(data=options)
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_VISU_PASSWORD): PASSWORD_SELECTOR,
                probatio.Optional(CONF_FORGET_VISU_PASSWORD, default=False): bool,
            }
        )
        return self.async_show_form(step_id="loxone_options", data_schema=schema)
