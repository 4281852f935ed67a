"""The Miniserver session a Home Assistant config entry owns.

`MiniserverClient` connects (HTTP preflight, key exchange, token authentication, structure file,
status updates), keeps a cache of the states the structure file names (a peer cannot grow it with
UUIDs of its choosing), calls subscribers per raw state UUID, sends keepalives, refreshes the
token before it expires, and - once `start()`ed - reconnects in place with exponential backoff and
jitter, refreshing every state afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Mapping
import contextlib
from datetime import UTC, datetime
from enum import StrEnum
import json
import logging
import random
import struct
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

import aiohttp
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from ..bounded import off_loop
from .commands import control_path
from .connection import CLOSE_USER_DISABLED, MiniserverConnection
from .endpoint import Endpoint
from .errors import (
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneCommandError,
    LoxoneConnectionError,
    LoxoneError,
    LoxoneIdentityError,
    LoxoneNoEventSlotsError,
    LoxoneOutOfServiceError,
    LoxoneProtocolError,
    LoxoneTimeoutError,
    LoxoneVisuPasswordError,
)
from .events import (
    VALUE_EVENT_SIZE,
    DecodedTable,
    StateValue,
    TextState,
    decode_daytimer_table,
    decode_text_columns,
    decode_value_table,
    decode_weather_table,
)
from .frames import MessageType
from .http_api import fetch_api_info, fetch_public_key
from .messages import ApiInfo, LLResponse, check_answer, ll_from_document
from .pinning import check_identity, public_key_fingerprint
from .structure import LoxoneStructure
from .system import SYSTEM_FIGURES, SystemMessage, parse_message_center
from .timings import Timings
from .tokens import (
    Token,
    TokenPermission,
    UserKey,
    acquire_command,
    refresh_verb,
    token_command,
    uses_jwt,
)
from .uuids import as_uuid_bytes

_LOGGER = logging.getLogger(__name__)

CODE_WRONG_VISU_PASSWORD = 500

type StateCallback = Callable[[bytes, StateValue], None]
type ConnectionListener = Callable[[ConnectionState], None]

_VALUE_EVENT = struct.Struct("<16sd")
_unpack_value = _VALUE_EVENT.unpack
_VALUE_TABLE = MessageType.VALUE_TABLE
_TEXT_TABLE = MessageType.TEXT_TABLE


class _ValueEvents:
    """The events of an intact value table, unpacked afresh by every walk over them."""

    __slots__ = ("_payload",)

    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def __iter__(self) -> Iterator[tuple[bytes, float]]:
        return _VALUE_EVENT.iter_unpack(self._payload)


class _TextEvents:
    """The events of a text table decoded into columns, paired afresh by every walk over them."""

    __slots__ = ("_states", "_uuids")

    def __init__(self, uuids: list[bytes], states: list[TextState]) -> None:
        self._uuids = uuids
        self._states = states

    def __iter__(self) -> Iterator[tuple[bytes, TextState]]:
        return zip(self._uuids, self._states, strict=True)


_DECODERS: dict[MessageType, Callable[[bytes], DecodedTable[Any]]] = {
    MessageType.VALUE_TABLE: decode_value_table,  # a damaged one
    MessageType.DAYTIMER_TABLE: decode_daytimer_table,
    MessageType.WEATHER_TABLE: decode_weather_table,
}


def _read_structure(payload: str | bytes) -> LoxoneStructure:
    """Decode a downloaded structure file (in the executor when it is big)."""
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError) as err:
        raise LoxoneProtocolError("the structure file is not JSON") from err
    if isinstance(document, dict) and "LL" in document:
        check_answer(ll_from_document(document), "the structure file download")
    return LoxoneStructure.from_json(document)


class ConnectionState(StrEnum):
    """What connection listeners are told."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    AUTH_FAILED = "auth_failed"
    """The token (and password, if any) were refused: new credentials are needed."""
    IDENTITY_REFUSED = "identity_refused"
    """Another Miniserver answers at the address (serial or key not the pinned ones); it gets
    no credential and is asked again with backoff, in case the pinned one comes back."""


class MiniserverClient:
    """One session with one Miniserver, kept alive across connection losses."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        endpoint: Endpoint,
        *,
        username: str,
        client_uuid: str,
        password: str | None = None,
        token: Token | None = None,
        client_info: str = "HubRelay",
        permission: TokenPermission = TokenPermission.APP,
        structure: LoxoneStructure | None = None,
        status_updates: bool = True,
        encrypt_commands: bool = True,
        on_token_refreshed: Callable[[Token], None] | None = None,
        on_structure_changed: Callable[[LoxoneStructure], None] | None = None,
        timings: Timings | None = None,
        rng: random.Random | None = None,
        expected_serial: str | None = None,
        expected_public_key: str | None = None,
    ) -> None:
        """Describe the session; nothing is sent before `connect()` or `start()`.

        Give a stored `token`, a `password`, or both: the password is only used when there is no
        usable token. `structure` is a cached structure file, downloaded again only when the
        Miniserver reports another `lastModified`. `on_token_refreshed` receives every new or
        renewed token so it can be persisted; `on_structure_changed` every downloaded structure.
        `expected_serial` and `expected_public_key` (a `public_key` fingerprint from the first
        sign-in) pin the Miniserver: a peer presenting another one gets `LoxoneIdentityError`
        before the key exchange, so no token or password is ever used with it.
        """
        self._session = session
        self._endpoint = endpoint
        self._username = username
        self._password = password
        self._token = token
        self._client_uuid = client_uuid
        self._client_info = client_info
        self._permission = permission
        self._structure = structure
        self._status_updates = status_updates
        self._encrypt = encrypt_commands
        self._on_token_refreshed = on_token_refreshed
        self._on_structure_changed = on_structure_changed
        self._timings = timings or Timings()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._api_info: ApiInfo | None = None
        self._public_key: RSAPublicKey | None = None
        self._expected_serial = expected_serial
        self._expected_public_key = expected_public_key
        self._connection: MiniserverConnection | None = None
        self._connection_tasks: list[asyncio.Task[None]] = []
        self._connect_lock = asyncio.Lock()
        self._supervisor: asyncio.Task[None] | None = None
        self._states: dict[bytes, StateValue] = {}
        #: Raw keys of the states the structure names: the cache holds these and subscribed ones.
        #: Invariant the table handler relies on: every cached key is in one of the two.
        self._known: frozenset[bytes] = (
            structure.state_keys if structure is not None else frozenset()
        )
        self._unknown_logged = False
        self._subscribers: dict[bytes, tuple[StateCallback, ...]] = {}
        self._listeners: list[ConnectionListener] = []
        self._state = ConnectionState.DISCONNECTED
        self._latency: float | None = None
        self._last_error: LoxoneError | None = None

    # -- what callers read ---------------------------------------------------------------------
    @property
    def api_info(self) -> ApiInfo | None:
        """Serial, firmware and flags from the last HTTP preflight."""
        return self._api_info

    @property
    def serial(self) -> str | None:
        """The Miniserver's serial (MAC without separators), once known."""
        if self._api_info is not None:
            return self._api_info.serial
        return self._structure.ms_info.serial if self._structure is not None else None

    @property
    def public_key(self) -> str | None:
        """SHA-256 fingerprint of the Miniserver's RSA key (DER SPKI, hex), once fetched; pin it."""
        return None if self._public_key is None else public_key_fingerprint(self._public_key)

    @property
    def structure(self) -> LoxoneStructure | None:
        """The structure file of the current (or last) session."""
        return self._structure

    @property
    def token(self) -> Token | None:
        """The token in use (persist it through `on_token_refreshed`)."""
        return self._token

    @property
    def connected(self) -> bool:
        """Tell whether an authenticated WebSocket is open."""
        return self._connection is not None and not self._connection.closed

    @property
    def connection_state(self) -> ConnectionState:
        """The state last reported to connection listeners."""
        return self._state

    @property
    def latency(self) -> float | None:
        """Round-trip seconds of the last keepalive on the current connection."""
        return self._latency

    @property
    def last_error(self) -> LoxoneError | None:
        """Why the last connection attempt failed or the last connection ended."""
        return self._last_error

    @property
    def states(self) -> Mapping[bytes, StateValue]:
        """Read-only view of the states received, keyed by raw 16-byte UUID.

        Only states the structure file names (or that have a subscriber) are kept, so a peer
        cannot grow this cache with UUIDs of its choosing.
        """
        return MappingProxyType(self._states)

    def get_state(self, uuid: bytes | str) -> StateValue | None:
        """Return the cached value of one state (raw bytes or 8-4-4-16 text UUID)."""
        return self._states.get(as_uuid_bytes(uuid))

    # -- subscriptions -------------------------------------------------------------------------
    def subscribe(self, uuid: bytes | str, callback: StateCallback) -> Callable[[], None]:
        """Call `callback(uuid_bytes, value)` for every event of this state; return unsubscribe."""
        key = as_uuid_bytes(uuid)
        self._subscribers[key] = (*self._subscribers.get(key, ()), callback)

        def unsubscribe() -> None:
            remaining = tuple(cb for cb in self._subscribers.get(key, ()) if cb is not callback)
            if remaining:
                self._subscribers[key] = remaining
            elif self._subscribers.pop(key, None) is not None and key not in self._known:
                # Cached only for its subscribers: the cache keeps what the structure names.
                self._states.pop(key, None)

        return unsubscribe

    def add_connection_listener(self, listener: ConnectionListener) -> Callable[[], None]:
        """Call `listener(state)` on every connection state change; return a remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _on_table(self, kind: MessageType, payload: bytes) -> None:
        """Take one event table: cache its states, then call their subscribers in table order.

        A value table of one event (what a live change sends) takes a path of its own: one
        unpack, two lookups, the callbacks. Other tables go into the cache in one C-level
        `dict.update` (a value table straight from `struct.iter_unpack`), a text table as it is
        decoded; the table is walked again only when that added keys (to drop the states nobody
        may cache) and to call subscribers.
        """
        if kind is _VALUE_TABLE and len(payload) == VALUE_EVENT_SIZE:
            uuid, value = _unpack_value(payload)
            callbacks = self._subscribers.get(uuid)
            if callbacks is None:
                if uuid in self._known:
                    self._states[uuid] = value
                else:
                    self._ignored(1)
                return
            self._states[uuid] = value
            for callback in callbacks:
                try:
                    callback(uuid, value)
                except Exception:
                    _LOGGER.exception("A Loxone state subscriber failed")
            return
        states = self._states
        subscribers = self._subscribers
        cached = len(states)
        events: Iterable[tuple[bytes, StateValue]]
        if kind is _TEXT_TABLE:  # decoded straight into the cache
            uuids, texts, problem = decode_text_columns(payload, states)
            events = _TextEvents(uuids, texts)
        else:
            if kind is _VALUE_TABLE and not len(payload) % VALUE_EVENT_SIZE:
                # decoded in C, once per walk, without a list in between
                events, problem = _ValueEvents(payload), None
            else:
                events, problem = _DECODERS[kind](payload)
            states.update(events)
        if problem is not None:
            _LOGGER.warning("The Miniserver sent a damaged %s: %s", kind.name.lower(), problem)
        if len(states) != cached:
            # New keys: drop those the structure does not name and nobody subscribed to. Walk
            # the table, never the structure (a set difference iterates its right side).
            known = self._known
            unknown = [uuid for uuid, _ in events if uuid not in known and uuid not in subscribers]
            if unknown:
                for uuid in unknown:
                    states.pop(uuid, None)
                if len(unknown) > len(states):
                    # Deleting never shrinks a dict: copy it, so that a table full of states
                    # nobody may cache leaves no slack behind.
                    self._states = dict(states)
                self._ignored(len(unknown))
        if not subscribers:
            return
        for uuid, value in events:  # unknown states have no subscriber, so none is called
            callbacks = subscribers.get(uuid)
            if callbacks is None:
                continue
            for callback in callbacks:
                try:
                    callback(uuid, value)
                except Exception:
                    _LOGGER.exception("A Loxone state subscriber failed")

    def _ignored(self, count: int) -> None:
        if not self._unknown_logged:
            self._unknown_logged = True
            _LOGGER.debug("Ignored %d states the structure file does not name (logged once)", count)

    def _use_structure(self, structure: LoxoneStructure) -> None:
        """Adopt a structure file; the cache keeps only the states it names or subscribers'."""
        self._structure = structure
        self._known = known = structure.state_keys
        states, subscribers = self._states, self._subscribers
        for uuid in [key for key in states if key not in known and key not in subscribers]:
            del states[uuid]

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        self._state = state
        for listener in tuple(self._listeners):
            try:
                listener(state)
            except Exception:
                _LOGGER.exception("A Loxone connection listener failed")

    # -- life cycle ----------------------------------------------------------------------------
    async def connect(self) -> None:
        """Open and authenticate a session once; raise a typed error when that fails.

        `LoxoneAuthenticationError`: credentials or token refused; `LoxoneBlockedError`: too many
        failed logins; `LoxoneConnectionError` (and subclasses): unreachable, out of service, no
        event slot, timeout.
        """
        async with self._connect_lock:
            if self.connected:
                return
            if self._connection is not None:
                await self._drop_connection(self._connection)
            try:
                connection = await self._establish()
            except LoxoneCommandError as err:
                self._last_error = LoxoneConnectionError(f"connection setup failed: {err}")
                raise self._last_error from err
            except LoxoneError as err:
                self._last_error = err
                raise
            self._connection = connection
            self._last_error = None
            loop = asyncio.get_running_loop()
            self._connection_tasks = [
                loop.create_task(self._keepalive_loop(connection), name="loxone-keepalive"),
                loop.create_task(self._token_loop(connection), name="loxone-token-refresh"),
            ]
            self._set_state(ConnectionState.CONNECTED)

    def start(self) -> None:
        """Keep the session up in the background (connect, and reconnect after every loss)."""
        if self._supervisor is None or self._supervisor.done():
            self._supervisor = asyncio.get_running_loop().create_task(
                self._supervise(), name="loxone-supervisor"
            )

    async def close(self) -> None:
        """Stop reconnecting, close the WebSocket and end every background task."""
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        if self._connection is not None:
            await self._drop_connection(self._connection, notify=False)

    async def _drop_connection(
        self, connection: MiniserverConnection, *, notify: bool = True
    ) -> None:
        await connection.close()
        tasks, self._connection_tasks = self._connection_tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._connection is connection:
            self._connection = None
            self._latency = None
            self._last_error = connection.reason
            if notify:
                self._set_state(ConnectionState.DISCONNECTED)

    async def _supervise(self) -> None:
        failures = 0
        auth_failures = 0
        while True:
            connection = self._connection
            if connection is not None:
                reason = await connection.wait_closed()
                _LOGGER.debug("Lost the Miniserver connection: %s", reason)
                await self._drop_connection(connection)
                await asyncio.sleep(self._delay_after(reason, 0))
                continue
            try:
                await self.connect()
            except LoxoneAuthenticationError as err:
                auth_failures += 1
                if auth_failures > self._timings.auth_retries:
                    _LOGGER.warning("The Miniserver refused the credentials: %s", err)
                    self._set_state(ConnectionState.AUTH_FAILED)
                    return
                delay = self._delay_after(err, failures)
            except LoxoneIdentityError as err:
                self._set_state(ConnectionState.IDENTITY_REFUSED)
                delay = self._delay_after(err, failures)
            except LoxoneError as err:
                delay = self._delay_after(err, failures)
            except Exception as err:
                _LOGGER.exception("Unexpected failure while connecting to the Miniserver")
                self._last_error = LoxoneConnectionError(f"unexpected failure: {err!r}")
                delay = self._delay_after(self._last_error, failures)
            else:
                failures = auth_failures = 0
                continue
            failures += 1
            _LOGGER.debug(
                "Miniserver connection attempt %d failed (%s); retrying in %.1f s",
                failures,
                self._last_error,
                delay,
            )
            await asyncio.sleep(delay)

    def _delay_after(self, error: LoxoneError, failures: int) -> float:
        timings = self._timings
        if isinstance(error, LoxoneOutOfServiceError):
            base = timings.out_of_service_delay
        elif isinstance(error, (LoxoneBlockedError, LoxoneNoEventSlotsError)) or (
            isinstance(error, LoxoneConnectionError) and error.close_code == CLOSE_USER_DISABLED
        ):
            base = timings.long_backoff
        else:
            base = min(timings.reconnect_max, timings.reconnect_min * 2**failures)
        return base * (1 + timings.reconnect_jitter * self._rng.random())

    # -- establishing a session ----------------------------------------------------------------
    async def _establish(self) -> MiniserverConnection:
        timings = self._timings
        self._api_info = api = await fetch_api_info(
            self._session, self._endpoint, timings.http_timeout
        )
        if self._status_updates and api.has_event_slots is False:
            raise LoxoneNoEventSlotsError("the Miniserver has no free event slot")
        # Asked on every connection: a key that changed since the last one is refused here,
        # before any credential, and reported instead of failing later in the key exchange.
        public_key = await fetch_public_key(self._session, self._endpoint, timings.http_timeout)
        check_identity(
            api.serial,
            public_key_fingerprint(public_key),
            expected_serial=self._expected_serial,
            expected_public_key=self._expected_public_key,
        )
        self._public_key = public_key
        connection = await MiniserverConnection.open(
            self._session, self._endpoint, on_table=self._on_table, timings=timings
        )
        try:
            try:
                await connection.key_exchange(self._public_key)
            except LoxoneProtocolError:
                self._public_key = None  # fetch it again next time: the Miniserver may be new
                raise
            await self._authenticate(connection, api)
            await self._load_structure(connection)
            if self._status_updates:
                check_answer(
                    await connection.request(
                        "jdev/sps/enablebinstatusupdate", encrypted=self._encrypt
                    ),
                    "status updates",
                )
        except BaseException:
            await connection.close()
            raise
        return connection

    async def _authenticate(self, connection: MiniserverConnection, api: ApiInfo) -> None:
        if self._token is not None:
            try:
                await self._auth_with_token(connection, self._token)
            except LoxoneAuthenticationError:
                if self._password is None:
                    raise
                _LOGGER.info("The Miniserver refused the stored token; asking for a new one")
                self._token = None
            else:
                return
        if self._password is None:
            raise LoxoneAuthenticationError("no usable token and no password to get one")
        await self._acquire_token(connection, api, self._password)

    async def _one_time_key(self, connection: MiniserverConnection) -> str:
        answer = check_answer(
            await connection.request("jdev/sys/getkey", encrypted=True), "the key request"
        )
        return str(answer.value)

    async def _token_request(
        self, connection: MiniserverConnection, verb: str, token: Token, *, secret_answer: bool
    ) -> LLResponse:
        key = await self._one_time_key(connection)
        command = token_command(verb, token.hash(key), self._username)
        answer = await connection.request(command, encrypted=True, encrypt_response=secret_answer)
        return check_answer(answer, verb, credential=True)

    async def _auth_with_token(self, connection: MiniserverConnection, token: Token) -> None:
        answer = await self._token_request(connection, "authwithtoken", token, secret_answer=False)
        if isinstance(answer.value, dict) and "validUntil" in answer.value:
            self._token = token.with_validity(answer.value)

    async def _acquire_token(
        self, connection: MiniserverConnection, api: ApiInfo, password: str
    ) -> None:
        answer = check_answer(
            await connection.request(
                f"jdev/sys/getkey2/{quote(self._username, safe='')}", encrypted=True
            ),
            "the user key request",
            credential=True,  # 401: no such user
        )
        user_key = UserKey.from_value(answer.value)
        command = acquire_command(
            user_key,
            self._username,
            password,
            self._permission,
            self._client_uuid,
            self._client_info,
            jwt=uses_jwt(api.firmware),
        )
        answer = check_answer(
            await connection.request(command, encrypted=True, encrypt_response=True),
            "the token request",
            credential=True,
        )
        token = Token.from_value(answer.value, user_key.hash_alg)
        if token.unsecure_pass:
            _LOGGER.warning(
                "The Miniserver reports that user %s has a weak password", self._username
            )
        self._set_token(token)

    def _set_token(self, token: Token) -> None:
        self._token = token
        if self._on_token_refreshed is not None:
            try:
                self._on_token_refreshed(token)
            except Exception:
                _LOGGER.exception("The token callback failed")

    async def _load_structure(self, connection: MiniserverConnection) -> None:
        cached = self._structure
        if cached is not None and cached.last_modified:
            answer = check_answer(
                await connection.request("jdev/sps/LoxAPPversion3", encrypted=self._encrypt),
                "the structure version request",
            )
            if str(answer.value) == cached.last_modified:
                _LOGGER.debug("Structure file unchanged (%s)", cached.last_modified)
                return
        payload = await connection.request_file("data/LoxAPP3.json")
        structure = await off_loop(_read_structure, payload, len(payload))
        self._use_structure(structure)
        if self._on_structure_changed is not None:
            try:
                self._on_structure_changed(structure)
            except Exception:
                _LOGGER.exception("The structure callback failed")

    # -- per-connection background work --------------------------------------------------------
    async def _keepalive_loop(self, connection: MiniserverConnection) -> None:
        while True:
            await asyncio.sleep(self._timings.keepalive_interval)
            try:
                self._latency = await connection.keepalive()
            except LoxoneTimeoutError as err:
                _LOGGER.debug("The Miniserver stopped answering keepalives; reconnecting")
                await connection.close(err)
                return
            except LoxoneError:
                return

    def _refresh_delay(self, token: Token) -> float:
        timings = self._timings
        remaining = token.seconds_left(datetime.now(UTC))
        return min(
            max(remaining * timings.token_refresh_fraction, timings.token_refresh_min),
            timings.token_refresh_max,
        )

    async def _token_loop(self, connection: MiniserverConnection) -> None:
        while self._token is not None:
            await asyncio.sleep(self._refresh_delay(self._token))
            try:
                await self._refresh(connection)
            except LoxoneAuthenticationError as err:
                _LOGGER.warning("The Miniserver refused to refresh the token; reconnecting")
                await connection.close(err)
                return
            except LoxoneConnectionError:
                return
            except LoxoneError as err:
                _LOGGER.warning("Token refresh failed (%s); trying again later", err)
                await asyncio.sleep(self._timings.reconnect_max)

    async def _refresh(self, connection: MiniserverConnection) -> Token:
        token = self._require_token()
        firmware = self._api_info.firmware if self._api_info is not None else ()
        verb = refresh_verb(firmware)
        answer = await self._token_request(connection, verb, token, secret_answer=True)
        fresh = token.with_validity(answer.value)
        self._set_token(fresh)
        return fresh

    # -- commands ------------------------------------------------------------------------------
    def _live_connection(self) -> MiniserverConnection:
        connection = self._connection
        if connection is None or connection.closed:
            raise LoxoneConnectionError("not connected to the Miniserver")
        return connection

    def _require_token(self) -> Token:
        if self._token is None:
            raise LoxoneAuthenticationError("there is no token")
        return self._token

    async def send_command(self, control: str, command: str) -> LLResponse:
        """Send `jdev/sps/io/{control}/{command}` and return the Miniserver's answer.

        `control` is the control's `uuidAction` (sub-controls may carry a suffix like "/AI1");
        `command` is passed as written. A command with path tricks (`..`, `?`, `#`, `%2F`, ...) or
        longer than 1024 characters raises `LoxoneInvalidCommandError` before anything is sent; a
        failure status raises `LoxoneCommandError`.
        """
        path = control_path(control, command)
        connection = self._live_connection()
        answer = await connection.request(f"jdev/sps/io/{path}", encrypted=self._encrypt)
        if not answer.ok:
            raise LoxoneCommandError(
                f"the command failed with status {answer.code}", code=answer.code
            )
        return answer

    async def send_secured_command(
        self, control: str, command: str, visu_password: str
    ) -> LLResponse:
        """Send a command to a control protected by the visualisation password.

        A wrong password raises `LoxoneVisuPasswordError`; the command is checked as in
        `send_command`.
        """
        path = control_path(control, command)
        connection = self._live_connection()
        answer = check_answer(
            await connection.request(
                f"jdev/sys/getvisusalt/{quote(self._username, safe='')}", encrypted=self._encrypt
            ),
            "the visualisation salt request",
        )
        visu_hash = UserKey.from_value(answer.value).credential_hash(visu_password)
        answer = await connection.request(
            f"jdev/sps/ios/{visu_hash}/{path}", encrypted=self._encrypt
        )
        if answer.code == CODE_WRONG_VISU_PASSWORD:
            raise LoxoneVisuPasswordError("wrong visualisation password", code=answer.code)
        if not answer.ok:
            raise LoxoneCommandError(
                f"the command failed with status {answer.code}", code=answer.code
            )
        return answer

    async def get_secured_details(self, control: str) -> dict[str, Any]:
        """Ask a control for its secured details (`jdev/sps/io/{uuidAction}/securedDetails`).

        The answer carries credentials (an intercom's stream URL, user and password), so the
        command and its answer always travel encrypted, whatever `encrypt_commands` says, and
        nothing of the answer is logged. The value is a JSON object, sent as a JSON text by the
        Miniserver; anything else raises `LoxoneProtocolError`.
        """
        path = control_path(control, "securedDetails")
        connection = self._live_connection()
        answer = await connection.request(
            f"jdev/sps/io/{path}", encrypted=True, encrypt_response=True
        )
        if not answer.ok:
            raise LoxoneCommandError(
                f"the secured details request failed with status {answer.code}", code=answer.code
            )
        value = answer.value
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError:
                raise LoxoneProtocolError("the secured details are not JSON") from None
        if not isinstance(value, dict):
            raise LoxoneProtocolError("the secured details are not an object")
        return value

    async def message_center_entries(self, action: str) -> tuple[SystemMessage, ...]:
        """Fetch the Message Center's entries (``getEntries/2`` on its `uuidAction`), bounded.

        A big answer is decoded in the executor; a malformed one raises `LoxoneProtocolError`.
        """
        answer = await self.send_command(action, "getEntries/2")
        value = answer.value
        size = len(value) if isinstance(value, str) else 0
        return await off_loop(parse_message_center, value, size)

    async def system_figure(self, name: str) -> Any:
        """Ask one load figure (``jdev/sys/{name}``, `name` in `SYSTEM_FIGURES`); return its value.

        A refusal (e.g. a user without the right) raises `LoxoneCommandError`.
        """
        if name not in SYSTEM_FIGURES:
            raise ValueError(f"not a system figure: {name}")
        connection = self._live_connection()
        answer = await connection.request(f"jdev/sys/{name}", encrypted=self._encrypt)
        if not answer.ok:
            raise LoxoneCommandError(f"{name} failed with status {answer.code}", code=answer.code)
        return answer.value

    async def refresh_token(self) -> Token:
        """Renew the token now (refreshjwt, or refreshtoken before 10.2) and report it."""
        return await self._refresh(self._live_connection())

    async def check_token(self) -> Token:
        """Ask whether the token is still valid; return it with its current validity."""
        token = self._require_token()
        answer = await self._token_request(
            self._live_connection(), "checktoken", token, secret_answer=False
        )
        self._token = token.with_validity(answer.value)
        return self._token

    async def kill_token(self) -> None:
        """Invalidate the token on the Miniserver (when the hub is removed) and forget it."""
        token = self._require_token()
        await self._token_request(self._live_connection(), "killtoken", token, secret_answer=False)
        self._token = None
