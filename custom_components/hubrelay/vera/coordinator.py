"""One Vera long-poll session per config entry: availability, devices that come and go, commands.

The coordinator owns the `VeraSession` (local ``data_request`` or the MMS relay). Entities never
talk to the network: they subscribe to their device id through the session, so a long-poll answer
reaches only the entities of the devices that changed, and send commands through `async_command`,
which turns library errors into translated Home Assistant errors. A Luup reload is ridden out by
the session itself; only a lost hub makes entities unavailable, logged once when lost and once
when restored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
import logging
from typing import Any

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity

from ..const import (
    CONF_CONNECTION,
    CONF_IDENTITY,
    CONF_LIGHTS,
    CONF_SERIAL,
    CONF_URL,
    CONNECTION_RELAY,
    DOMAIN,
)
from ..hub.coordinator import DeviceHubCoordinator, HubRelayConfigEntry
from ..hub.mms import mms_client
from ..protocols.mms import StoredIdentity
from ..protocols.vera import (
    ActionResult,
    VeraActionError,
    VeraAuthError,
    VeraDevice,
    VeraError,
    VeraSession,
    VeraTimings,
)

_LOGGER = logging.getLogger(__name__)

#: Session timeouts and backoff (tests shorten them).
TIMINGS: VeraTimings | None = None

type DeviceEntities = Callable[[VeraCoordinator, VeraDevice], Sequence[Entity]]


def vera_session(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    *,
    on_identity: Callable[[StoredIdentity], None] | None = None,
) -> VeraSession:
    """Build the session an entry (or the flow) describes: local URL or the MMS relay."""
    http = async_get_clientsession(hass)
    if data[CONF_CONNECTION] == CONNECTION_RELAY:
        mms = mms_client(
            hass,
            data[CONF_USERNAME],
            data[CONF_PASSWORD],
            identity=data.get(CONF_IDENTITY),
            on_identity=on_identity,
        )
        return VeraSession.remote(http, mms, str(data[CONF_SERIAL]), timings=TIMINGS)
    return VeraSession.local(http, str(data[CONF_URL]), timings=TIMINGS)


def vera_device_id(serial: str, device_id: int) -> str:
    """Device registry identifier of one Vera device."""
    return f"{serial}_{device_id}"


class VeraCoordinator(DeviceHubCoordinator[VeraDevice]):
    """Own one Vera session for one config entry."""

    kind = "Vera"

    def __init__(self, hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
        """Prepare the session; nothing is sent before `async_setup`."""
        super().__init__(hass, entry)
        self.session = vera_session(hass, entry.data, on_identity=self._identity_changed)
        self._known: set[int] = set()

    @property
    def temperature_unit(self) -> str:
        """The controller's temperature unit, ``C`` or ``F``."""
        controller = self.session.controller
        return controller.temperature_unit if controller else "C"

    # -- life cycle ----------------------------------------------------------------------------
    async def async_setup(self) -> None:
        """Connect once, or raise what Home Assistant needs to retry or re-authenticate."""
        try:
            await self.session.connect()
        except VeraAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="vera_auth_failed"
            ) from err
        except VeraError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="vera_cannot_connect",
                translation_placeholders={"error": str(err)},
            ) from err
        self._available = True
        self._known = {device.id for device in self.wanted_devices()}
        unload = self.entry.async_on_unload
        unload(self.session.add_connection_listener(self._connection_changed))
        unload(self.session.add_structure_listener(self._structure_changed))
        unload(self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_stop))

    async def _async_close_session(self) -> None:
        """Stop the long poll."""
        await self.session.close()

    def hub_description(self) -> tuple[str, str | None, str | None]:
        """Manufacturer, model and firmware, as the controller reported them."""
        controller = self.session.controller
        if controller is None:
            return "Vera Control", None, None
        return "Vera Control", controller.model, controller.firmware

    def device_identifier(self, device: VeraDevice) -> str:
        """Device registry identifier of one of the Vera's devices."""
        return vera_device_id(self.serial, device.id)

    # -- what entities and platforms use -------------------------------------------------------
    def wanted_devices(self) -> list[VeraDevice]:
        """Return the hub's devices, less those the user excluded in the options."""
        excluded = self.excluded()
        return [d for d in self.session.devices.values() if str(d.id) not in excluded]

    def is_light(self, device: VeraDevice) -> bool:
        """Whether the user asked for this switch to be shown as a light."""
        return str(device.id) in self.entry.options.get(CONF_LIGHTS, ())

    # -- session callbacks ---------------------------------------------------------------------
    @callback
    def _identity_changed(self, identity: StoredIdentity) -> None:
        self.hass.config_entries.async_update_entry(
            self.entry, data={**self.entry.data, CONF_IDENTITY: identity.as_dict()}
        )

    @callback
    def _connection_changed(self, connected: bool, error: VeraError | None) -> None:
        if isinstance(error, VeraAuthError):
            self.entry.async_start_reauth(self.hass)
        self._set_available(connected, error)

    @callback
    def _structure_changed(self) -> None:
        """Add entities for new devices; remove the registry devices of vanished ones."""
        wanted = {device.id: device for device in self.wanted_devices()}
        for device_id in sorted(wanted.keys() - self._known):
            _LOGGER.debug("New Vera device %s", device_id)
            self._add_device(wanted[device_id])
        for device_id in self._known - wanted.keys():
            self._remove_device(vera_device_id(self.serial, device_id))
        self._known = set(wanted)

    # -- commands ------------------------------------------------------------------------------
    async def async_command(self, what: str, call: Callable[[], Awaitable[ActionResult]]) -> None:
        """Send one action; refusals and lost connections become translated errors."""
        if not self._available:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="vera_not_connected"
            )
        try:
            await call()
        except VeraActionError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="vera_command_failed",
                translation_placeholders={"device": what, "error": str(err)},
            ) from err
        except VeraError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="vera_command_not_delivered",
                translation_placeholders={"device": what},
            ) from err
