"""One Loxone session per config entry: connection, tokens, availability and per-state fan-out.

The coordinator owns the `MiniserverClient`. Entities never talk to the network: they subscribe
to the state UUIDs they show and send commands through `async_send_command`, which turns library
errors into translated Home Assistant errors. Nothing is polled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import logging
import re
import ssl
from typing import Any, TypedDict, cast

from homeassistant.const import CONF_HOST, CONF_PORT, CONF_USERNAME, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
from homeassistant.util.network import is_ip_address

from ..const import (
    CONF_CLIENT_UUID,
    CONF_PUBLIC_KEY,
    CONF_SERIAL,
    CONF_TOKEN,
    CONF_USE_TLS,
    CONF_VERIFY_TLS,
    CONF_VISU_PASSWORD,
    DOMAIN,
)
from ..hub.coordinator import HubCoordinator, HubRelayConfigEntry
from ..protocols.loxone import (
    ConnectionState,
    Control,
    Endpoint,
    LLResponse,
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneCommandError,
    LoxoneError,
    LoxoneIdentityError,
    LoxoneInvalidCommandError,
    LoxoneStructure,
    LoxoneVisuPasswordError,
    MiniserverClient,
    StateValue,
    Timings,
    Token,
    resolve_cloud_dns,
    tls_endpoint_by_ip,
)
from ..protocols.loxone.cloud_dns import CLOUD_DNS_URL
from .intercom import holds_intercom_secrets
from .repairs import clear_identity_issue, report_identity_changed, report_weak_password

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
#: Timeouts and backoffs of every Miniserver session (tests shorten them).
TIMINGS = Timings()
#: Roots a Gen 2 certificate is checked against: the system's (tests trust their own CA).
TLS_CONTEXT: ssl.SSLContext | None = None
_SERIAL = re.compile(r"(?:[0-9A-Fa-f]{2}:?){5}[0-9A-Fa-f]{2}")

type StateListener = Callable[[bytes, StateValue], None]


def _not_ready(err: LoxoneError) -> ConfigEntryNotReady:
    """Tell Home Assistant to retry setup later, saying why."""
    return ConfigEntryNotReady(
        translation_domain=DOMAIN,
        translation_key="cannot_connect",
        translation_placeholders={"error": str(err)},
    )


class Pins(TypedDict):
    """The identity an entry pinned, as `MiniserverClient` and `sign_in` take it."""

    expected_serial: str | None
    expected_public_key: str | None


def pins(data: Mapping[str, Any]) -> Pins:
    """Return the serial and key fingerprint an entry (or a flow's data) pinned."""
    return Pins(
        expected_serial=data.get(CONF_SERIAL), expected_public_key=data.get(CONF_PUBLIC_KEY)
    )


def structure_store_key(entry: HubRelayConfigEntry) -> str:
    """Storage key of the structure file cached for an entry."""
    return f"{DOMAIN}.{entry.entry_id}.structure"


def is_serial(host: str) -> bool:
    """Tell whether the user gave a Miniserver serial (reached through CloudDNS), not a host."""
    return _SERIAL.fullmatch(host.strip()) is not None


async def async_resolve_endpoint(hass: HomeAssistant, data: Mapping[str, Any]) -> Endpoint:
    """Describe the Miniserver an entry (or a flow) points at, asking CloudDNS for a serial."""
    host = str(data[CONF_HOST]).strip()
    if is_serial(host):
        address = await resolve_cloud_dns(
            async_get_clientsession(hass),
            host,
            base_url=CLOUD_DNS_URL,
            http_timeout=TIMINGS.http_timeout,
        )
        return address.endpoint(verify_tls=data.get(CONF_VERIFY_TLS, True))
    if (
        data.get(CONF_USE_TLS)
        and data.get(CONF_VERIFY_TLS, True)
        and not data.get(CONF_SERIAL)
        and is_ip_address(host.strip("[]"))
    ):
        # A first verified sign-in by IP: learn the serial under chain verification, so the
        # certificate's dyndns name can be checked; verification never has to be turned off.
        return await tls_endpoint_by_ip(
            async_get_clientsession(hass),
            host,
            data[CONF_PORT],
            ssl_context=TLS_CONTEXT,
            http_timeout=TIMINGS.http_timeout,
        )
    return build_endpoint(data)


def build_endpoint(data: Mapping[str, Any]) -> Endpoint:
    """Describe a Miniserver reached directly by host and port."""
    return Endpoint.build(
        data[CONF_HOST],
        data[CONF_PORT],
        use_tls=data.get(CONF_USE_TLS, False),
        verify_tls=data.get(CONF_VERIFY_TLS, True),
        serial=data.get(CONF_SERIAL),
        ssl_context=TLS_CONTEXT,
    )


class LoxoneCoordinator(HubCoordinator):
    """Own one Miniserver session for one config entry."""

    kind = "Miniserver"

    def __init__(
        self,
        hass: HomeAssistant,
        entry: HubRelayConfigEntry,
        endpoint: Endpoint,
        store: Store[dict[str, Any]],
        cached_structure: LoxoneStructure | None,
    ) -> None:
        """Prepare the session; nothing is sent before `async_setup`."""
        super().__init__(hass, entry)
        self._store = store
        self._set_up = False
        self.client = MiniserverClient(
            async_get_clientsession(hass),
            endpoint,
            username=entry.data[CONF_USERNAME],
            client_uuid=entry.data[CONF_CLIENT_UUID],
            token=Token.from_dict(entry.data[CONF_TOKEN]),
            structure=cached_structure,
            on_token_refreshed=self._token_refreshed,
            on_structure_changed=self._structure_changed,
            timings=TIMINGS,
            **pins(entry.data),
        )

    @classmethod
    async def async_create(
        cls, hass: HomeAssistant, entry: HubRelayConfigEntry
    ) -> LoxoneCoordinator:
        """Build the coordinator with the structure file cached by an earlier session.

        With the cache the client only asks `LoxAPPversion3` and skips the download when the
        Miniserver's configuration did not change.
        """
        store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, structure_store_key(entry))
        cached: LoxoneStructure | None = None
        if (raw := await store.async_load()) is not None:
            try:
                # Off the event loop: reading a structure of thousands of controls takes a while.
                cached = await hass.async_add_executor_job(LoxoneStructure.from_json, raw)
            except LoxoneError:
                _LOGGER.debug("Ignoring an unreadable cached structure file")
            if cached is not None and holds_intercom_secrets(cached):
                # Written before such files were kept off the disk: it goes now.
                cached = None
                await store.async_remove()
        try:
            endpoint = await async_resolve_endpoint(hass, entry.data)
        except LoxoneError as err:
            raise _not_ready(err) from err
        return cls(hass, entry, endpoint, store, cached)

    # -- what entities and platforms read ------------------------------------------------------
    def state(self, uuid: str) -> StateValue | None:
        """Return the cached value of a state UUID."""
        return self.client.get_state(uuid)

    @callback
    def subscribe(self, uuid: str, listener: StateListener) -> Callable[[], None]:
        """Call `listener` for every event of one state; return the unsubscribe callable."""
        return self.client.subscribe(uuid, listener)

    # -- life cycle ----------------------------------------------------------------------------
    async def async_setup(self) -> None:
        """Connect once, or raise what Home Assistant needs to retry or re-authenticate."""
        try:
            await self.client.connect()
        except LoxoneAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except LoxoneBlockedError as err:
            raise ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="blocked") from err
        except LoxoneIdentityError as err:
            report_identity_changed(self.hass, self.entry, err)
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="miniserver_identity_changed",
                translation_placeholders={"title": self.entry.title},
            ) from err
        except LoxoneError as err:
            raise _not_ready(err) from err
        clear_identity_issue(self.hass, self.entry)
        if CONF_PUBLIC_KEY not in self.entry.data and self.client.public_key is not None:
            # An entry from before pinning: the Miniserver it reached with its token is the one.
            self.hass.config_entries.async_update_entry(
                self.entry, data={**self.entry.data, CONF_PUBLIC_KEY: self.client.public_key}
            )
        #: The structure file the entities were built from (a changed one reloads the entry).
        #: connect() either loaded one or raised, so it is never None here.
        self.structure = cast(LoxoneStructure, self.client.structure)
        self._available = True
        self._set_up = True
        report_weak_password(self.hass, self.entry, Token.from_dict(self.entry.data[CONF_TOKEN]))
        self.entry.async_on_unload(self.client.add_connection_listener(self._connection_changed))
        self.entry.async_on_unload(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_stop)
        )
        self.client.start()

    async def _async_close_session(self) -> None:
        """Close the session."""
        await self.client.close()

    # -- callbacks from the client -------------------------------------------------------------
    @callback
    def _token_refreshed(self, token: Token) -> None:
        # Persist every renewed token: the password is not stored, so a lost token means reauth.
        self.hass.config_entries.async_update_entry(
            self.entry, data={**self.entry.data, CONF_TOKEN: token.as_dict()}
        )
        report_weak_password(self.hass, self.entry, token)

    @callback
    def _structure_changed(self, structure: LoxoneStructure) -> None:
        if holds_intercom_secrets(structure):
            # Downloaded at every start instead of leaving a camera password on the disk.
            self.entry.async_create_task(
                self.hass, self._store.async_remove(), "hubrelay forget cached structure"
            )
        else:
            self._store.async_delay_save(lambda: dict(structure.raw), 0)
        if self._set_up:
            _LOGGER.info("The Miniserver configuration changed; reloading its entities")
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)

    @callback
    def _connection_changed(self, state: ConnectionState) -> None:
        if state is ConnectionState.AUTH_FAILED:
            self.entry.async_start_reauth(self.hass)
        elif state is ConnectionState.CONNECTED:
            clear_identity_issue(self.hass, self.entry)
        elif state is ConnectionState.IDENTITY_REFUSED and isinstance(
            error := self.client.last_error, LoxoneIdentityError
        ):
            report_identity_changed(self.hass, self.entry, error)
        self._set_available(state is ConnectionState.CONNECTED, self.client.last_error)

    # -- commands ------------------------------------------------------------------------------
    async def async_send_command(self, control: Control, command: str) -> LLResponse:
        """Send a command to a control (with the visualisation password when it is secured).

        Return the Miniserver's answer, for the few commands that answer with data (`history`).
        """
        if not self._available:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="not_connected")
        try:
            if control.is_secured:
                password = self.entry.options.get(CONF_VISU_PASSWORD)
                if not password:
                    raise ServiceValidationError(
                        translation_domain=DOMAIN,
                        translation_key="visu_password_missing",
                        translation_placeholders={"control": control.name},
                    )
                return await self.client.send_secured_command(
                    control.uuid_action, command, password
                )
            return await self.client.send_command(control.uuid_action, command)
        except LoxoneInvalidCommandError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="command_invalid",
                translation_placeholders={"control": control.name},
            ) from err
        except LoxoneVisuPasswordError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="visu_password_wrong",
                translation_placeholders={"control": control.name},
            ) from err
        except LoxoneCommandError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_failed",
                translation_placeholders={"control": control.name, "code": str(err.code)},
            ) from err
        except LoxoneError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_not_delivered",
                translation_placeholders={"control": control.name},
            ) from err

    async def async_secured_details(self, control: Control) -> dict[str, Any]:
        """Fetch a control's secured details (credentials inside: never log or store them)."""
        if not self._available:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="not_connected")
        try:
            return await self.client.get_secured_details(control.uuid_action)
        except LoxoneError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="secured_details_failed",
                translation_placeholders={"control": control.name},
            ) from err
