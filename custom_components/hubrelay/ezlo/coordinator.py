"""One Ezlo hub session per config entry: credentials, availability, devices and commands.

The coordinator owns the `EzloHubSession` (local WebSocket or NMA relay). Entities never talk to
the network: they subscribe to their item ids through the session (so an item broadcast reaches
only its own entities) and send values through `async_set_item`, which turns library errors into
translated Home Assistant errors. Nothing is polled. New MMS identities and local keys are
written back to the entry as they arrive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
import logging
import ssl
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity

from ..const import (
    CONF_CONNECTION,
    CONF_HUB_FINGERPRINT,
    CONF_IDENTITY,
    CONF_LOCAL_KEYS,
    CONF_SERIAL,
    CONNECTION_RELAY,
    DOMAIN,
)
from ..hub.coordinator import DeviceHubCoordinator, HubRelayConfigEntry
from ..hub.mms import mms_client
from ..protocols.ezlo import (
    ConnectionState,
    Device,
    EzloAuthError,
    EzloError,
    EzloHubSession,
    EzloIdentityError,
    EzloRpcError,
    EzloValueError,
    Item,
    LocalHubTransport,
    RelayTransport,
    Transport,
)
from ..protocols.ezlo.mms_credentials import MmsCredentials
from ..protocols.mms import HubLocalKeys, StoredIdentity
from .repairs import clear_identity_issue, report_identity_changed

_LOGGER = logging.getLogger(__name__)

#: Session timeouts and backoff (tests shorten them).
SESSION_OPTIONS: dict[str, Any] = {}
#: The hub's local WebSocket port (tests use the simulator's free port).
LOCAL_PORT = 17000
#: TLS for the relay: normal verification (tests trust the simulator's certificate).
RELAY_SSL: ssl.SSLContext | bool = True

type DeviceEntities = Callable[[EzloCoordinator, Device], Sequence[Entity]]


#: How long a discovered address may take to show who it is.
PROBE_TIMEOUT = 10.0


def hub_transport(data: Mapping[str, Any], serial: str, credentials: MmsCredentials) -> Transport:
    """Reach the hub the way the entry (or flow) says: local WebSocket or the NMA relay.

    A local hub must present the entry's serial and, once pinned, its TLS key before it is sent
    the local key.
    """
    if data[CONF_CONNECTION] == CONNECTION_RELAY:
        return RelayTransport(serial, credentials.relay, ssl_context=RELAY_SSL)
    return LocalHubTransport(
        data[CONF_HOST],
        port=LOCAL_PORT,
        key_provider=credentials.local_key,
        expected_serial=serial,
        expected_fingerprint=data.get(CONF_HUB_FINGERPRINT),
    )


async def async_is_same_hub(hass: HomeAssistant, host: str, data: Mapping[str, Any]) -> bool:
    """Tell whether the hub at `host` presents the entry's pinned serial and TLS key.

    Nothing secret is sent; an entry with no pinned key proves nothing, so it is never moved.
    """
    fingerprint = data.get(CONF_HUB_FINGERPRINT)
    if not fingerprint:
        return False
    transport = LocalHubTransport(
        host,
        port=LOCAL_PORT,
        expected_serial=str(data[CONF_SERIAL]),
        expected_fingerprint=fingerprint,
    )
    try:
        await transport.probe(
            async_get_clientsession(hass),
            connect_timeout=PROBE_TIMEOUT,
            request_timeout=PROBE_TIMEOUT,
        )
    except EzloError as err:
        _LOGGER.warning(
            "The device at %s does not prove it is Ezlo hub %s: %s", host, data[CONF_SERIAL], err
        )
        return False
    return True


def hub_session(hass: HomeAssistant, transport: Transport) -> EzloHubSession:
    """Build a session on Home Assistant's shared HTTP session."""
    return EzloHubSession(async_get_clientsession(hass), transport, **SESSION_OPTIONS)


def ezlo_device_id(serial: str, device_id: str) -> str:
    """Device registry identifier of one Ezlo device."""
    return f"{serial}_{device_id}"


class EzloCoordinator(DeviceHubCoordinator[Device]):
    """Own one Ezlo hub session for one config entry."""

    kind = "Ezlo hub"

    def __init__(self, hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
        """Prepare credentials and the session; nothing is sent before `async_setup`."""
        super().__init__(hass, entry)
        data = entry.data
        relay = data[CONF_CONNECTION] == CONNECTION_RELAY
        self.mms = mms_client(
            hass,
            data[CONF_USERNAME],
            data.get(CONF_PASSWORD) if relay else None,
            identity=data.get(CONF_IDENTITY),
            on_identity=self._identity_changed,
        )
        keys = data.get(CONF_LOCAL_KEYS)
        self.credentials = MmsCredentials(
            self.mms,
            self.serial,
            local_keys=HubLocalKeys.from_dict(keys) if keys else None,
            on_local_keys=self._keys_changed,
        )
        self.transport = hub_transport(data, self.serial, self.credentials)
        self.session = hub_session(hass, self.transport)
        #: Device registry id of the hub device, set by entry setup.
        self.hub_device_id = ""

    # -- life cycle ----------------------------------------------------------------------------
    async def async_setup(self) -> None:
        """Connect once, or raise what Home Assistant needs to retry or re-authenticate."""
        try:
            await self.session.connect()
        except EzloIdentityError as err:
            await self.session.close()
            report_identity_changed(self.hass, self.entry, err)
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="hub_identity_changed",
                translation_placeholders={"title": self.entry.title},
            ) from err
        except EzloAuthError as err:
            await self.session.close()
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="hub_auth_failed"
            ) from err
        except EzloError as err:
            await self.session.close()
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="hub_cannot_connect",
                translation_placeholders={"error": str(err)},
            ) from err
        self._available = True
        self._pin_hub_key()
        clear_identity_issue(self.hass, self.entry)
        unload = self.entry.async_on_unload
        unload(self.session.on_connection_state(self._state_changed))
        unload(self.session.on_device_added(self._device_added))
        unload(self.session.on_device_removed(self._device_removed))
        unload(self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_stop))

    def _pin_hub_key(self) -> None:
        """Pin the TLS key of a local hub whose entry predates pinning (the hub it reached)."""
        transport = self.transport
        if (
            isinstance(transport, LocalHubTransport)
            and transport.identity is not None
            and CONF_HUB_FINGERPRINT not in self.entry.data
        ):
            self._update_data(CONF_HUB_FINGERPRINT, transport.identity.fingerprint)

    async def _async_close_session(self) -> None:
        """Close the session."""
        await self.session.close()

    def hub_description(self) -> tuple[str, str | None, str | None]:
        """Manufacturer, model and firmware, as `hub.info.get` reported them."""
        info = self.session.hub_info
        return "Ezlo", info.model, info.firmware

    def device_identifier(self, device: Device) -> str:
        """Device registry identifier of one of the hub's devices."""
        return ezlo_device_id(self.serial, device.id)

    # -- what entities and platforms use -------------------------------------------------------
    def wanted_devices(self) -> list[Device]:
        """Return the hub's devices, less those the user excluded in the options."""
        excluded = self.excluded()
        return [device for device in self.session.devices.values() if device.id not in excluded]

    def device_items(self, device_id: str) -> dict[str, Item]:
        """Return the items of one device by name (the first of each name)."""
        items: dict[str, Item] = {}
        for item in self.session.device_items(device_id):
            items.setdefault(item.name, item)
        return items

    # -- session callbacks ---------------------------------------------------------------------
    @callback
    def _identity_changed(self, identity: StoredIdentity) -> None:
        self._update_data(CONF_IDENTITY, identity.as_dict())

    @callback
    def _keys_changed(self, keys: HubLocalKeys) -> None:
        self._update_data(CONF_LOCAL_KEYS, keys.as_dict())

    def _update_data(self, key: str, value: Any) -> None:
        self.hass.config_entries.async_update_entry(
            self.entry, data={**self.entry.data, key: value}
        )

    @callback
    def _state_changed(self, state: ConnectionState) -> None:
        if state is ConnectionState.AUTH_FAILED:
            self.entry.async_start_reauth(self.hass)
        elif state is ConnectionState.CONNECTED:
            clear_identity_issue(self.hass, self.entry)
        elif isinstance(error := self.session.last_error, EzloIdentityError):
            report_identity_changed(self.hass, self.entry, error)
        self._set_available(state is ConnectionState.CONNECTED, state.value)

    @callback
    def _device_added(self, device: Device) -> None:
        _LOGGER.debug("New Ezlo device %s", device.id)
        if device.id not in self.excluded():
            self._add_device(device)

    @callback
    def _device_removed(self, device_id: str) -> None:
        self._remove_device(ezlo_device_id(self.serial, device_id))

    # -- commands ------------------------------------------------------------------------------
    async def async_set_item(self, item: Item, value: object) -> None:
        """Set an item's value on the hub."""
        await self._command(item.name, lambda: self.session.set_item_value(item.id, value))

    async def async_run_scene(self, scene_id: str, name: str) -> None:
        """Run a hub scene."""
        await self._command(name, lambda: self.session.run_scene(scene_id))

    async def async_switch_mode(self, mode_id: str) -> None:
        """Switch the house mode."""
        await self._command("house mode", lambda: self.session.switch_mode(mode_id))

    async def _command(self, what: str, call: Callable[[], Awaitable[None]]) -> None:
        if not self._available:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="hub_not_connected")
        try:
            await call()
        except EzloValueError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="hub_value_refused",
                translation_placeholders={"item": what, "error": str(err)},
            ) from err
        except EzloRpcError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="hub_command_failed",
                translation_placeholders={"item": what, "error": err.message},
            ) from err
        except EzloError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="hub_command_not_delivered",
                translation_placeholders={"item": what},
            ) from err
