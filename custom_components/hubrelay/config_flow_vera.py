"""The Vera steps of the config flow: a local URL, or an MMS account and one of its Vera units.

A local luup engine has no login, so a local entry stores only its URL (``ip``, ``ip:3480`` and
``http://ip:3480`` all work; the proxied ``/port_3480`` form is tried too). Remote access goes
through the MMS relay and has to keep the account password, for the same reason as the Ezlo
relay: an MMS identity lives about a day and MMS has no refresh call. Every path connects to the
Vera before anything is stored; its serial (the MMS ``PK_Device``) is the entry's unique id.
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
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio

from .config_flow_ezlo import (
    ACCOUNT_REQUIRED,
    ACCOUNT_SCHEMA,
    PASSWORD_REQUIRED,
    REAUTH_SCHEMA,
    missing_text,
)
from .const import (
    CONF_CONNECTION,
    CONF_EXCLUDED_DEVICES,
    CONF_IDENTITY,
    CONF_LIGHTS,
    CONF_SERIAL,
    CONF_SYSTEM,
    CONF_UNIT,
    CONF_URL,
    CONNECTION_LOCAL,
    CONNECTION_RELAY,
    SYSTEM_VERA,
)
from .coordinator_ezlo import mms_client
from .coordinator_vera import VeraCoordinator, vera_session
from .protocols.mms import MmsAuthError, MmsClient, MmsError, StoredIdentity
from .protocols.vera import (
    VeraAuthError,
    VeraDimmer,
    VeraError,
    VeraHubOfflineError,
    VeraInvalidUrlError,
    VeraProtocolError,
    VeraSwitch,
)

_LOGGER = logging.getLogger(__name__)

URL_SCHEMA = probatio.Schema({probatio.Required(CONF_URL): str})
#: An empty address asks for one instead of saying "this is not a Vera address".
URL_REQUIRED = {CONF_URL: "url_required"}


def _error_key(err: Exception) -> str:
    """Name the form error for a failed sign-in or connection."""
    if isinstance(err, VeraInvalidUrlError):
        return "invalid_url"
    if isinstance(err, MmsAuthError | VeraAuthError):
        return "invalid_auth"
    if isinstance(err, VeraHubOfflineError):
        return "unit_offline"
    if isinstance(err, MmsError | VeraError):
        return "cannot_connect"
    _LOGGER.exception("Unexpected error while connecting to the Vera")
    return "unknown"


async def _connect(hass: HomeAssistant, data: dict[str, Any]) -> str:
    """Load the Vera once as the entry would; return its serial and store a new identity."""
    identities: list[StoredIdentity] = []
    session = vera_session(hass, data, on_identity=identities.append)
    try:
        await session.connect()
        serial = session.serial
    finally:
        await session.close()
    if serial is None:
        raise VeraProtocolError("the Vera reported no serial number")
    if identities:
        data[CONF_IDENTITY] = identities[-1].as_dict()
    return serial


async def _account_units(client: MmsClient) -> dict[str, str]:
    """Return the account's Vera units (serial → name); Ezlo hubs are left out."""
    units: dict[str, str] = {}
    for device in await client.account_devices():
        if not (await client.device_info(device)).is_ezlo:
            units[device.serial] = device.name or f"Vera {device.serial}"
    return units


def _local_data(url: str) -> dict[str, Any]:
    return {CONF_SYSTEM: SYSTEM_VERA, CONF_CONNECTION: CONNECTION_LOCAL, CONF_URL: url.strip()}


class VeraFlowMixin(ConfigFlow):
    """The Vera steps; the integration's flow class mixes them in."""

    _vera_client: MmsClient
    _vera_password: str
    _vera_units: dict[str, str]

    async def async_step_vera(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask how the Vera is reached."""
        return self.async_show_menu(step_id="vera", menu_options=["vera_local", "vera_account"])

    async def async_step_vera_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Connect to a Vera on the local network by its address."""
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := missing_text(user_input, URL_REQUIRED)):
            data = _local_data(user_input[CONF_URL])
            try:
                serial = await _connect(self.hass, data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                await self.async_set_unique_id(serial)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=f"Vera {serial}", data={**data, CONF_SERIAL: serial}
                )
        return self.async_show_form(
            step_id="vera_local",
            data_schema=self.add_suggested_values_to_schema(URL_SCHEMA, user_input or {}),
            errors=errors,
        )

    async def async_step_vera_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to the MMS account and list its Vera units."""
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := missing_text(user_input, ACCOUNT_REQUIRED)):
            username = user_input[CONF_USERNAME].strip()
            client = mms_client(self.hass, username, user_input[CONF_PASSWORD])
            try:
                units = await _account_units(client)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                if units:
                    self._vera_client = client
                    self._vera_password = user_input[CONF_PASSWORD]
                    self._vera_units = units
                    return await self.async_step_vera_unit()
                errors["base"] = "no_units"
        return self.async_show_form(
            step_id="vera_account",
            data_schema=self.add_suggested_values_to_schema(
                ACCOUNT_SCHEMA, {CONF_USERNAME: (user_input or {}).get(CONF_USERNAME)}
            ),
            errors=errors,
        )

    async def async_step_vera_unit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the Vera unit and reach it once through the relay."""
        errors: dict[str, str] = {}
        if user_input is not None:
            serial = user_input[CONF_UNIT]
            await self.async_set_unique_id(serial)
            self._abort_if_unique_id_configured()
            client = self._vera_client
            data: dict[str, Any] = {
                CONF_SYSTEM: SYSTEM_VERA,
                CONF_CONNECTION: CONNECTION_RELAY,
                CONF_USERNAME: client.username,
                CONF_PASSWORD: self._vera_password,
                CONF_SERIAL: serial,
            }
            try:
                # A sign-in near its end is renewed here, so the cloud can fail here too.
                data[CONF_IDENTITY] = (await client.ensure_identity()).to_stored().as_dict()
                await _connect(self.hass, data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                return self.async_create_entry(title=self._vera_units[serial], data=data)
        options = [
            SelectOptionDict(value=serial, label=f"{name} ({serial})")
            for serial, name in self._vera_units.items()
        ]
        schema = probatio.Schema(
            {
                probatio.Required(CONF_UNIT): SelectSelector(
                    SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
                )
            }
        )
        return self.async_show_form(
            step_id="vera_unit",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
        )

    async def async_step_vera_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the MMS password again after MMS refused the stored one."""
        entry = self._get_reauth_entry()
        if entry.data[CONF_CONNECTION] != CONNECTION_RELAY:
            return self.async_abort(reason="vera_local_no_auth")
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := missing_text(user_input, PASSWORD_REQUIRED)):
            data = {**entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            data.pop(CONF_IDENTITY, None)
            try:
                await _connect(self.hass, data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="vera_reauth",
            data_schema=REAUTH_SCHEMA,
            description_placeholders={"name": entry.title, "username": entry.data[CONF_USERNAME]},
            errors=errors,
        )

    async def async_step_vera_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reach the Vera at a (new) local address; the stored password is then dropped."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := missing_text(user_input, URL_REQUIRED)):
            data = _local_data(user_input[CONF_URL])
            try:
                serial = await _connect(self.hass, data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = _error_key(err)
            else:
                await self.async_set_unique_id(serial)
                self._abort_if_unique_id_mismatch(reason="wrong_vera")
                return self.async_update_reload_and_abort(entry, data={**data, CONF_SERIAL: serial})
        suggested = user_input or {CONF_URL: entry.data.get(CONF_URL)}
        return self.async_show_form(
            step_id="vera_reconfigure",
            data_schema=self.add_suggested_values_to_schema(URL_SCHEMA, suggested),
            errors=errors,
        )


class VeraOptionsFlow(OptionsFlowWithReload):
    """Vera options: which switches are lights, devices to leave out."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer the Vera's devices (the entry must be loaded to know them)."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        # A loaded Vera entry's runtime data is always its Vera coordinator.
        coordinator = cast(VeraCoordinator, self.config_entry.runtime_data)
        devices = sorted(coordinator.session.devices.values(), key=lambda d: (d.name, d.id))
        switches = [
            d for d in devices if isinstance(d, VeraSwitch) and not isinstance(d, VeraDimmer)
        ]

        def choices(chosen: list[Any]) -> SelectSelector:
            options = [SelectOptionDict(value=str(d.id), label=d.name or str(d.id)) for d in chosen]
            return SelectSelector(SelectSelectorConfig(options=options, multiple=True))

        schema = probatio.Schema(
            {
                probatio.Optional(CONF_LIGHTS, default=[]): choices(switches),
                probatio.Optional(CONF_EXCLUDED_DEVICES, default=[]): choices(devices),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, self.config_entry.options),
        )


def is_vera_entry(data: Mapping[str, Any]) -> bool:
    """Tell a Vera entry's data from the other systems'."""
    return data.get(CONF_SYSTEM) == SYSTEM_VERA
