"""The Vera steps of the config flow: a local URL, or an MMS account and one of its Vera units.

A local luup engine has no login, so a local entry stores only its URL (``ip``, ``ip:3480`` and
``http://ip:3480`` all work; the proxied ``/port_3480`` form is tried too). Remote access goes
through the MMS relay and has to keep the account password, for the same reason as the Ezlo
relay: an MMS identity lives about a day and MMS has no refresh call. Every path connects to the
Vera before anything is stored; its serial (the MMS ``PK_Device``) is the entry's unique id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, cast

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import SelectSelector
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
import probatio

from ..const import (
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
    DOMAIN,
    SYSTEM_VERA,
)
from ..hub.account_flow import MmsAccountFlow, UnitKind
from ..hub.forms import echo, error_key, missing_text
from ..hub.options_flow import DeviceOptionsFlow, device_choices
from ..hub.takeover import TakeoverFlow
from ..protocols.mms import MmsAuthError, MmsError, StoredIdentity
from ..protocols.vera import (
    VeraAuthError,
    VeraDevice,
    VeraDimmer,
    VeraError,
    VeraHubOfflineError,
    VeraInvalidUrlError,
    VeraProtocolError,
    VeraSwitch,
)
from . import discovery
from .coordinator import VeraCoordinator, vera_session
from .repairs import clear_issues, report_unproven_move
from .takeover import VERA_TAKEOVER

URL_SCHEMA = probatio.Schema({probatio.Required(CONF_URL): str})
#: An empty address asks for one instead of saying "this is not a Vera address".
URL_REQUIRED = {CONF_URL: "url_required"}

#: The account's Vera units. Unlike an Ezlo hub, a Vera the relay cannot reach is reported
#: as offline (`unit_offline`), and a local address can be malformed (`invalid_url`).
VERA_UNITS = UnitKind(
    ezlo=False,
    default_name="Vera {serial}",
    none_found="no_units",
    errors=(
        (VeraInvalidUrlError, "invalid_url"),
        ((MmsAuthError, VeraAuthError), "invalid_auth"),
        (VeraHubOfflineError, "unit_offline"),
        ((MmsError, VeraError), "vera_cannot_connect"),
    ),
    doing="connecting to the Vera",
)


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


def _local_data(url: str) -> dict[str, Any]:
    return {CONF_SYSTEM: SYSTEM_VERA, CONF_CONNECTION: CONNECTION_LOCAL, CONF_URL: url.strip()}


class VeraFlow(MmsAccountFlow, TakeoverFlow):
    """The Vera steps; the integration's flow class mixes them in."""

    #: The unit found on the network: the entry data its confirmation creates.
    _vera_found: Mapping[str, Any] = MappingProxyType({})

    async def _async_vera_dhcp(self, info: DhcpServiceInfo) -> ConfigFlowResult:
        """Offer a unit of Vera's MAC block that asked DHCP for an address."""
        return await self._async_vera_discovered(info.ip, None)

    async def _async_vera_ssdp(self, info: SsdpServiceInfo) -> ConfigFlowResult:
        """Offer a unit that answered SSDP; the serial its name claims must be confirmed."""
        host = discovery.ssdp_host(info)
        if host is None:
            return self.async_abort(reason="not_vera")
        return await self._async_vera_discovered(host, discovery.announced_serial(info))

    async def _async_vera_discovered(self, host: str, claimed: str | None) -> ConfigFlowResult:
        """Ask the unit at `host` for its serial; offer it, or move its local entry there.

        A Vera proves nothing but the serial its luup engine reports (it has no key to pin), so
        that answer, never the announcement, decides which entry the unit is; a local entry has
        no secret for a wrong device to learn.
        """
        for entry in self._async_current_entries(include_ignore=False):
            if (
                entry.data.get(CONF_CONNECTION) == CONNECTION_LOCAL
                and discovery.url_host(str(entry.data.get(CONF_URL, ""))) == host
            ):
                return self.async_abort(reason="already_configured")
        data = _local_data(discovery.local_url(host))
        try:
            serial = await _connect(self.hass, data)
        except VeraError:
            return self.async_abort(
                reason="vera_unreachable", description_placeholders={"host": host}
            )
        entries = self.hass.config_entries
        named = entries.async_entry_for_domain_unique_id(DOMAIN, claimed) if claimed else None
        if named is not None and claimed != serial:
            report_unproven_move(self.hass, named, host, serial)
            return self.async_abort(
                reason="vera_identity_unproven", description_placeholders={"host": host}
            )
        await self.async_set_unique_id(serial)
        known = entries.async_entry_for_domain_unique_id(DOMAIN, serial)
        if known is not None and discovery.follows_address(known.data):
            clear_issues(self.hass, known)
            self._abort_if_unique_id_configured(updates={CONF_URL: data[CONF_URL]})
        self._abort_if_unique_id_configured()
        self._vera_found = {**data, CONF_SERIAL: serial}
        self.context["title_placeholders"] = {"name": VERA_UNITS.default_name.format(serial=serial)}
        return await self.async_step_vera_discovered()

    async def async_step_vera_discovered(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding the unit found on the network at the address it answered on."""
        found = dict(self._vera_found)
        if user_input is not None:
            serial = str(found[CONF_SERIAL])
            return await self.async_create_hub_entry(
                VERA_UNITS.default_name.format(serial=serial), found, serial, VERA_TAKEOVER.schemes
            )
        self._set_confirm_only()
        return self.async_show_form(
            step_id="vera_discovered",
            description_placeholders={"serial": found[CONF_SERIAL], "url": found[CONF_URL]},
        )

    async def async_step_vera(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask how the Vera is reached."""
        return self.async_show_menu(step_id="vera", menu_options=["vera_local", "vera_account"])

    async def async_step_vera_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Connect to a Vera on the local network by its address."""
        errors: dict[str, str] = {}
        if (found := await self._vera_at(user_input, errors)) is not None:
            serial, data = found
            await self.async_set_unique_id(serial)
            self._abort_if_unique_id_configured()
            return await self.async_create_hub_entry(
                VERA_UNITS.default_name.format(serial=serial), data, serial, VERA_TAKEOVER.schemes
            )
        return self.async_show_form(
            step_id="vera_local",
            data_schema=self.add_suggested_values_to_schema(URL_SCHEMA, echo(user_input or {})),
            errors=errors,
        )

    async def _vera_at(
        self, user_input: Mapping[str, Any] | None, errors: dict[str, str]
    ) -> tuple[str, dict[str, Any]] | None:
        """Reach the Vera at the address typed in: its serial and local entry data, or None."""
        if user_input is None:
            return None
        if missing := missing_text(user_input, URL_REQUIRED):
            errors.update(missing)
            return None
        data = _local_data(user_input[CONF_URL])
        try:
            serial = await _connect(self.hass, data)
        except Exception as err:  # noqa: BLE001 - every failure becomes a form error
            errors["base"] = error_key(err, VERA_UNITS.errors, VERA_UNITS.doing)
            return None
        return serial, {**data, CONF_SERIAL: serial}

    async def async_step_vera_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to the MMS account and list its Vera units."""
        return await self._async_step_account(
            "vera_account", user_input, VERA_UNITS, self.async_step_vera_unit
        )

    async def async_step_vera_unit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the Vera unit and reach it once through the relay."""
        errors: dict[str, str] = {}
        if user_input is not None:
            serial = user_input[CONF_UNIT]
            await self._async_pick_unit(serial)
            client = self._mms_client
            data: dict[str, Any] = {
                CONF_SYSTEM: SYSTEM_VERA,
                CONF_CONNECTION: CONNECTION_RELAY,
                CONF_USERNAME: client.username,
                CONF_PASSWORD: self._mms_password,
                CONF_SERIAL: serial,
            }
            try:
                # A sign-in near its end is renewed here, so the cloud can fail here too.
                data[CONF_IDENTITY] = (await client.ensure_identity()).to_stored().as_dict()
                await _connect(self.hass, data)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = error_key(err, VERA_UNITS.errors, VERA_UNITS.doing)
            else:
                return await self.async_create_hub_entry(
                    self._mms_units[serial].name, data, serial, VERA_TAKEOVER.schemes
                )
        return self._show_unit_form("vera_unit", CONF_UNIT, user_input or {}, errors)

    async def async_step_vera_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the MMS password again after MMS refused the stored one."""
        entry = self._get_reauth_entry()
        if entry.data[CONF_CONNECTION] != CONNECTION_RELAY:
            return self.async_abort(reason="vera_local_no_auth")

        async def verify(password: str) -> dict[str, Any]:
            data = {**entry.data, CONF_PASSWORD: password}
            data.pop(CONF_IDENTITY, None)
            await _connect(self.hass, data)
            return data

        return await self._async_step_password("vera_reauth", user_input, VERA_UNITS, verify)

    async def async_step_vera_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reach the Vera at a (new) local address; the stored password is then dropped."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if (found := await self._vera_at(user_input, errors)) is not None:
            serial, data = found
            await self.async_set_unique_id(serial)
            return self._async_reconfigured(data, "wrong_vera")
        suggested = echo(user_input or {CONF_URL: entry.data.get(CONF_URL)})
        return self.async_show_form(
            step_id="vera_reconfigure",
            data_schema=self.add_suggested_values_to_schema(URL_SCHEMA, suggested),
            errors=errors,
        )


class VeraOptionsFlow(DeviceOptionsFlow):
    """Vera options: which switches are lights, devices to leave out."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Home Assistant opens options here; the form is the Vera step."""
        return await self.async_step_vera_options(user_input)

    async def async_step_vera_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and store the Vera options."""
        return await self._async_step_devices(user_input, step_id="vera_options")

    def _fields(self) -> Mapping[Any, Any]:
        # A loaded Vera entry's runtime data is always its Vera coordinator.
        coordinator = cast(VeraCoordinator, self.config_entry.runtime_data)
        devices = sorted(coordinator.session.devices.values(), key=lambda d: (d.name, d.id))
        switches = [
            d for d in devices if isinstance(d, VeraSwitch) and not isinstance(d, VeraDimmer)
        ]

        def choices(chosen: Sequence[VeraDevice]) -> SelectSelector:
            return device_choices((str(d.id), d.name or str(d.id)) for d in chosen)

        return {
            probatio.Optional(CONF_LIGHTS, default=[]): choices(switches),
            probatio.Optional(CONF_EXCLUDED_DEVICES, default=[]): choices(devices),
        }
