"""The Ezlo steps of the config flow: cloud account → hub → local or relay connection.

The account password signs in to the MMS cloud once to list the account's Ezlo hubs. Local mode
then fetches the hub's long-lived local keys and stores them (with the last MMS identity), not the
password. Relay mode has to keep the password: an MMS identity lives about a day and MMS has no
refresh call. Every path connects to the hub before anything is stored; the hub serial is the
entry's unique id. A hub found on the network (mDNS ``_ezlo._tcp``) starts the same steps with
the hub and its address pre-filled, and moves a configured local entry to its new address.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
import re
from types import MappingProxyType
from typing import Any, cast

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import probatio

from ..const import (
    CONF_CONNECTION,
    CONF_EXCLUDED_DEVICES,
    CONF_HUB,
    CONF_HUB_FINGERPRINT,
    CONF_IDENTITY,
    CONF_LOCAL_KEYS,
    CONF_SERIAL,
    CONF_SYSTEM,
    CONNECTION_LOCAL,
    CONNECTION_RELAY,
    DOMAIN,
    SYSTEM_EZLO,
)
from ..hub.account_flow import PASSWORD_REQUIRED, MmsAccountFlow, UnitKind
from ..hub.forms import PASSWORD_SELECTOR, echo, error_key, host_errors, missing_text
from ..hub.mms import mms_client
from ..hub.options_flow import DeviceOptionsFlow, device_choices
from ..hub.takeover import TakeoverFlow
from ..protocols.ezlo import EzloAuthError, EzloError, HubInfo, LocalHubTransport
from ..protocols.ezlo.mms_credentials import MmsCredentials
from ..protocols.mms import MmsAuthError, MmsClient, MmsError
from .coordinator import EzloCoordinator, async_is_same_hub, hub_session, hub_transport
from .repairs import report_unproven_move
from .takeover import EZLO_TAKEOVER

_LOGGER = logging.getLogger(__name__)

#: mDNS host name of a hub: ``HUB<serial>.local.``
HUB_HOSTNAME = re.compile(r"HUB(\d+)\.local\.?", re.IGNORECASE)

CONNECTION_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[CONNECTION_LOCAL, CONNECTION_RELAY],
        mode=SelectSelectorMode.LIST,
        translation_key=CONF_CONNECTION,
    )
)
LOCAL_SCHEMA = probatio.Schema({probatio.Required(CONF_HOST): str})
RECONFIGURE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_CONNECTION): CONNECTION_SELECTOR,
        probatio.Optional(CONF_HOST): str,
        probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)

#: The account's Ezlo hubs; the cloud and the hub refuse credentials the same way.
EZLO_HUBS = UnitKind(
    ezlo=True,
    default_name="Ezlo {serial}",
    none_found="no_hubs",
    errors=(
        ((MmsAuthError, EzloAuthError), "invalid_auth"),
        ((MmsError, EzloError), "ezlo_cannot_connect"),
    ),
    doing="connecting to the Ezlo hub",
)


def _discovered_serial(info: ZeroconfServiceInfo) -> str | None:
    """Read the serial from the TXT record (``Serial=``), else from the ``HUB<serial>`` name."""
    for key in ("Serial", "serial"):
        if value := info.properties.get(key):
            return str(value)
    match = HUB_HOSTNAME.fullmatch(info.hostname)
    return match.group(1) if match else None


async def _verify(
    hass: HomeAssistant,
    client: MmsClient,
    password: str,
    serial: str,
    connection: str,
    host: str,
) -> tuple[HubInfo, dict[str, Any]]:
    """Connect to the hub the chosen way; return its info and the entry data to reach it again."""
    data: dict[str, Any] = {
        CONF_SYSTEM: SYSTEM_EZLO,
        CONF_CONNECTION: connection,
        CONF_USERNAME: client.username,
        CONF_SERIAL: serial,
    }
    keys = None
    if connection == CONNECTION_LOCAL:
        keys = await client.hub_local_keys(serial)
        data |= {CONF_HOST: host.strip(), CONF_LOCAL_KEYS: keys.as_dict()}
    else:
        data[CONF_PASSWORD] = password
    transport = hub_transport(data, serial, MmsCredentials(client, serial, local_keys=keys))
    session = hub_session(hass, transport)
    try:
        await session.connect()
        info = session.hub_info
    finally:
        await session.close()
    if isinstance(transport, LocalHubTransport) and transport.identity is not None:
        # Pinned from here on: the hub proved it is the account's hub by taking its local key.
        data[CONF_HUB_FINGERPRINT] = transport.identity.fingerprint
    data[CONF_IDENTITY] = (await client.ensure_identity()).to_stored().as_dict()
    return info, data


class EzloFlow(MmsAccountFlow, TakeoverFlow):
    """The Ezlo steps; the integration's flow class mixes them in."""

    _ezlo_serial: str
    #: Hubs found on the network: serial -> address (pre-fills the hub and local steps).
    _ezlo_found: Mapping[str, str] = MappingProxyType({})

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """Offer a hub found on the network; a known local hub just gets its new address."""
        serial = _discovered_serial(discovery_info)
        if serial is None:
            return self.async_abort(reason="not_ezlo_hub")
        host = str(discovery_info.ip_address)
        await self.async_set_unique_id(serial)
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, serial)
        if (
            entry is not None
            and entry.data.get(CONF_CONNECTION) == CONNECTION_LOCAL
            and entry.data.get(CONF_HOST) != host
        ):
            # An announcement is no proof: move the entry only to a hub presenting its pins.
            if not await async_is_same_hub(self.hass, host, entry.data):
                report_unproven_move(self.hass, entry, host)
                return self.async_abort(reason="hub_identity_unproven")
            self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        self._abort_if_unique_id_configured()
        self._ezlo_found = {serial: host}
        self.context["title_placeholders"] = {"name": EZLO_HUBS.default_name.format(serial=serial)}
        return await self.async_step_ezlo()

    async def async_step_ezlo(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Sign in to the Ezlo cloud account and list its hubs."""
        return await self._async_step_account(
            "ezlo", user_input, EZLO_HUBS, self.async_step_ezlo_hub
        )

    async def async_step_ezlo_hub(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the hub and how to reach it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._ezlo_serial = user_input[CONF_HUB]
            await self._async_pick_unit(self._ezlo_serial)
            if user_input[CONF_CONNECTION] == CONNECTION_LOCAL:
                return await self.async_step_ezlo_local()
            result = await self._ezlo_create(CONNECTION_RELAY, "", errors)
            if result is not None:
                return result
        return self._show_unit_form(
            "ezlo_hub",
            CONF_HUB,
            user_input or {CONF_HUB: next(iter(self._ezlo_found), None)},
            errors,
            {probatio.Required(CONF_CONNECTION, default=CONNECTION_LOCAL): CONNECTION_SELECTOR},
        )

    async def async_step_ezlo_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the hub's address on the local network."""
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := host_errors(user_input[CONF_HOST])):
            result = await self._ezlo_create(CONNECTION_LOCAL, user_input[CONF_HOST], errors)
            if result is not None:
                return result
        found = self._ezlo_found.get(self._ezlo_serial)
        internal_ip = found or self._mms_units[self._ezlo_serial].info.internal_ip
        return self.async_show_form(
            step_id="ezlo_local",
            data_schema=self.add_suggested_values_to_schema(
                LOCAL_SCHEMA, echo(user_input or {CONF_HOST: internal_ip})
            ),
            errors=errors,
        )

    async def _ezlo_create(
        self, connection: str, host: str, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Test the connection and create the entry, or fill `errors` and return None."""
        serial = self._ezlo_serial
        try:
            _info, data = await _verify(
                self.hass, self._mms_client, self._mms_password, serial, connection, host
            )
        except Exception as err:  # noqa: BLE001 - every failure becomes a form error
            errors["base"] = error_key(err, EZLO_HUBS.errors, EZLO_HUBS.doing)
            return None
        return await self.async_create_hub_entry(
            self._mms_units[serial].name, data, serial, EZLO_TAKEOVER.schemes
        )

    async def async_step_ezlo_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to the cloud again; store new local keys or the new password."""
        entry = self._get_reauth_entry()

        async def verify(password: str) -> dict[str, Any]:
            _info, data = await _verify(
                self.hass,
                mms_client(self.hass, entry.data[CONF_USERNAME], password),
                password,
                entry.data[CONF_SERIAL],
                entry.data[CONF_CONNECTION],
                entry.data.get(CONF_HOST, ""),
            )
            return data

        return await self._async_step_password("ezlo_reauth", user_input, EZLO_HUBS, verify)

    async def async_step_ezlo_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the hub is reached (new IP address, local or relay)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            connection = user_input[CONF_CONNECTION]
            host = user_input.get(CONF_HOST, "").strip()
            errors = missing_text(user_input, PASSWORD_REQUIRED)
            if connection == CONNECTION_LOCAL:
                errors |= host_errors(host)
            if not errors:
                try:
                    info, data = await _verify(
                        self.hass,
                        mms_client(self.hass, entry.data[CONF_USERNAME], user_input[CONF_PASSWORD]),
                        user_input[CONF_PASSWORD],
                        entry.data[CONF_SERIAL],
                        connection,
                        host,
                    )
                except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                    errors["base"] = error_key(err, EZLO_HUBS.errors, EZLO_HUBS.doing)
                else:
                    await self.async_set_unique_id(info.serial)
                    return self._async_reconfigured(data, "wrong_hub")
        suggested = echo(user_input or entry.data)
        return self.async_show_form(
            step_id="ezlo_reconfigure",
            data_schema=self.add_suggested_values_to_schema(RECONFIGURE_SCHEMA, suggested),
            errors=errors,
        )


class EzloOptionsFlow(DeviceOptionsFlow):
    """Ezlo options: devices to leave out of Home Assistant."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Home Assistant opens options here; the form is the Ezlo step."""
        return await self.async_step_ezlo_options(user_input)

    async def async_step_ezlo_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and store the Ezlo options."""
        return await self._async_step_devices(user_input, step_id="ezlo_options")

    def _fields(self) -> Mapping[Any, Any]:
        # A loaded Ezlo entry's runtime data is always its Ezlo coordinator.
        coordinator = cast(EzloCoordinator, self.config_entry.runtime_data)
        devices = sorted(coordinator.session.devices.values(), key=lambda d: d.name or d.id)
        return {
            probatio.Optional(CONF_EXCLUDED_DEVICES, default=[]): device_choices(
                (d.id, d.name or d.id) for d in devices
            ),
        }
