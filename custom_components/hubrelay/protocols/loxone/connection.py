"""One WebSocket session with a Miniserver: key exchange, commands and their answers, keepalive.

Commands go out one at a time and each waits for its answer (the Miniserver answers in order and
tags answers only with the echoed command). After a command timed out, a late answer that does not
echo the command now waiting is recognised as stale and dropped, so answers never shift onto the
wrong command. Event tables are handed to the owner as they arrive; a frame that cannot be used
is logged once and dropped without losing the stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import logging
import time
from typing import Self, cast
from urllib.parse import unquote

import aiohttp
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from ..bounded import MIB
from .crypto import AesSession, CommandCipher, SaltState
from .endpoint import Endpoint
from .errors import (
    LoxoneBlockedError,
    LoxoneConnectionError,
    LoxoneError,
    LoxoneNoEventSlotsError,
    LoxoneOutOfServiceError,
    LoxoneProtocolError,
    LoxoneResponseTooLargeError,
    LoxoneTimeoutError,
)
from .frames import FrameAssembler, Header, Message, MessageType
from .messages import CODE_AUTH_TIMEOUT, LLResponse, parse_ll
from .timings import Timings

_LOGGER = logging.getLogger(__name__)
#: Distinct exact table headers a connection remembers (one per table kind and common size).
TABLE_HEADERS = 16
_TABLES = frozenset(
    {
        MessageType.VALUE_TABLE,
        MessageType.TEXT_TABLE,
        MessageType.DAYTIMER_TABLE,
        MessageType.WEATHER_TABLE,
    }
)

SUBPROTOCOL = "remotecontrol"
MAX_MESSAGE_SIZE = 64 * MIB
"""Largest WebSocket message (aiohttp's limit): the structure file of a big installation."""
MAX_TABLE_SIZE = 8 * MIB
"""Largest event table: 24 bytes per value, so 350 000 values; real ones are a few hundred KiB."""
MAX_ANSWER_SIZE = 1 * MIB
"""Largest text message while no file is requested: command answers are a few hundred bytes."""

#: Seconds to wait for the close answer of a Miniserver that already let a keepalive time out.
DEAD_PEER_CLOSE_GRACE = 0.5

CLOSE_BLOCKED = 4003
CLOSE_USER_DISABLED = 4006
CLOSE_UPDATING = 4007
CLOSE_NO_EVENT_SLOTS = 4008

type TableHandler = Callable[[MessageType, bytes], None]


def closed_error(close_code: int | None, out_of_service: bool = False) -> LoxoneError:
    """Explain with a typed error why the Miniserver closed the socket."""
    if out_of_service or close_code == CLOSE_UPDATING:
        return LoxoneOutOfServiceError("the Miniserver went out of service", close_code=close_code)
    if close_code == CLOSE_BLOCKED:
        return LoxoneBlockedError("the Miniserver blocks this client after failed logins (4003)")
    if close_code == CLOSE_NO_EVENT_SLOTS:
        return LoxoneNoEventSlotsError(
            "the Miniserver has no free event slot (4008)", close_code=close_code
        )
    if close_code == CLOSE_USER_DISABLED:
        # Not a refusal by itself: if the user stays disabled, the next login gets its 401.
        return LoxoneConnectionError(
            "the Miniserver disabled this user for now (4006)", close_code=close_code
        )
    return LoxoneConnectionError(
        f"the Miniserver closed the connection (code {close_code})", close_code=close_code
    )


def _echo_forms(*commands: str) -> frozenset[str]:
    """List how a Miniserver may echo a command in `control` (dev/ for jdev/, URL-decoded)."""
    forms: set[str] = set()
    for command in commands:
        for text in (command, unquote(command)):
            forms.add(text.removeprefix("j"))
    return frozenset(forms)


@dataclass(slots=True)
class _Pending:
    """The command waiting for its answer."""

    future: asyncio.Future[Message | LLResponse]
    echoes: frozenset[str]
    file: bool = False
    decrypt: bool = False


@dataclass(slots=True)
class _Keepalive:
    sent: float
    future: asyncio.Future[float] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class MiniserverConnection:
    """An open WebSocket to a Miniserver, with its own AES session and salt."""

    def __init__(
        self, ws: aiohttp.ClientWebSocketResponse, *, on_table: TableHandler, timings: Timings
    ) -> None:
        """Wrap an open WebSocket; use `open()` to create one."""
        self._ws = ws
        self._on_table = on_table
        self._timings = timings
        self._cipher = CommandCipher(
            AesSession.generate(),
            SaltState(
                max_uses=timings.salt_max_uses, max_age=timings.salt_max_age, clock=time.monotonic
            ),
        )
        self._assembler = FrameAssembler()
        self._table_headers: dict[bytes, Header] = {}
        #: The exact table header whose payload is due next (kept out of the assembler).
        self._due: Header | None = None
        self._lock = asyncio.Lock()
        self._pending: _Pending | None = None
        self._keepalive: _Keepalive | None = None
        self._stale_answers = 0
        self._out_of_service = False
        self._reason: LoxoneError | None = None
        self._last_rx = time.monotonic()
        self._reader = asyncio.get_running_loop().create_task(
            self._read(), name="loxone-websocket-reader"
        )

    @classmethod
    async def open(
        cls,
        session: aiohttp.ClientSession,
        endpoint: Endpoint,
        *,
        on_table: TableHandler,
        timings: Timings,
    ) -> Self:
        """Open the WebSocket `/ws/rfc6455` with the `remotecontrol` subprotocol.

        The upgrade must be answered within `timings.command_timeout`: aiohttp's own limit is the
        session's (5 minutes by default), long enough for a silent peer to stall a connect.
        """
        try:
            async with asyncio.timeout(timings.command_timeout):
                ws = await session.ws_connect(
                    endpoint.websocket_url,
                    protocols=(SUBPROTOCOL,),
                    ssl=endpoint.ssl,
                    server_hostname=endpoint.server_hostname,
                    timeout=aiohttp.ClientWSTimeout(
                        ws_receive=None, ws_close=timings.command_timeout
                    ),
                    max_msg_size=MAX_MESSAGE_SIZE,
                    autoping=True,
                )
        except aiohttp.WSServerHandshakeError as err:
            if err.status == 503:
                raise LoxoneOutOfServiceError("the Miniserver is not in service (503)") from err
            raise LoxoneConnectionError(f"WebSocket refused (HTTP {err.status})") from err
        except TimeoutError as err:
            raise LoxoneTimeoutError("no WebSocket handshake in time") from err
        except aiohttp.ClientSSLError as err:
            raise LoxoneConnectionError(f"TLS failed: {err.__class__.__name__}") from err
        except aiohttp.ClientError as err:
            raise LoxoneConnectionError(f"cannot open the WebSocket: {err}") from err
        return cls(ws, on_table=on_table, timings=timings)

    # -- state ---------------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """Tell whether the socket is gone (or going)."""
        return self._reader.done()

    @property
    def reason(self) -> LoxoneError | None:
        """Why the connection ended (None while it is open)."""
        return self._reason

    async def wait_closed(self) -> LoxoneError:
        """Wait until the connection ends and return why."""
        await asyncio.shield(self._reader)
        return self._reason or closed_error(self._ws.close_code)

    async def close(self, reason: LoxoneError | None = None) -> None:
        """Close the socket and wait for the reader; pending commands fail with `reason`."""
        if self._reason is None:
            self._reason = reason or LoxoneConnectionError("connection closed by the client")
        await self._close_socket()
        await asyncio.shield(self._reader)

    async def _close_socket(self) -> None:
        """Close the WebSocket, not waiting long for the answer of a Miniserver that timed out.

        Behind a dead route (a black hole) the close handshake goes unanswered like the
        keepalive did, and waiting the command timeout for it would only delay the reconnect.
        """
        if not isinstance(self._reason, LoxoneTimeoutError):
            await self._ws.close()
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DEAD_PEER_CLOSE_GRACE):
                await self._ws.close()

    # -- commands ------------------------------------------------------------------------------
    async def key_exchange(self, public_key: RSAPublicKey) -> None:
        """Hand the Miniserver this session's AES key (RSA-encrypted, not URL-encoded)."""
        session_key = self._cipher.aes.session_key(public_key)
        answer = await self.request(f"jdev/sys/keyexchange/{session_key}")
        if answer.code == CODE_AUTH_TIMEOUT:
            raise LoxoneTimeoutError("the Miniserver timed out the authentication (420)")
        if not answer.ok:
            raise LoxoneProtocolError(f"the Miniserver refused the key exchange ({answer.code})")

    async def request(
        self,
        command: str,
        *,
        encrypted: bool = False,
        encrypt_response: bool = False,
    ) -> LLResponse:
        """Send a command and return its `LL` answer (any status code)."""
        result = await self._exchange(
            command, encrypted=encrypted, encrypt_response=encrypt_response, file=False
        )
        return cast(LLResponse, result)

    async def request_file(self, path: str) -> str | bytes:
        """Download a file such as data/LoxAPP3.json (text or binary message)."""
        result = await self._exchange(path, encrypted=False, encrypt_response=False, file=True)
        return cast(Message, result).payload

    async def _exchange(
        self,
        command: str,
        *,
        encrypted: bool,
        encrypt_response: bool,
        file: bool,
    ) -> Message | LLResponse:
        async with self._lock:
            if self._reason is not None:
                raise self._reason
            wire = (
                self._cipher.wrap(command, encrypt_response=encrypt_response)
                if encrypted
                else command
            )
            future: asyncio.Future[Message | LLResponse] = (
                asyncio.get_running_loop().create_future()
            )
            self._pending = _Pending(future, _echo_forms(command, wire), file, encrypt_response)
            wait = self._timings.file_timeout if file else self._timings.command_timeout
            try:
                await self._ws.send_str(wire)
                return await asyncio.wait_for(future, wait)
            except LoxoneError:
                raise  # the connection ended while waiting
            except TimeoutError as err:
                if self._reason is not None:
                    raise self._reason from err
                self._stale_answers += 1
                raise LoxoneTimeoutError(f"no answer within {wait} s") from err
            except (ConnectionError, aiohttp.ClientError) as err:
                raise self._reason or LoxoneConnectionError("the connection broke") from err
            finally:
                self._pending = None

    async def keepalive(self) -> float:
        """Send `keepalive` and return the seconds until the keepalive header came back.

        The deadline moves while other data keeps arriving, so a large message in transit does
        not count as a dead connection.
        """
        timeout = self._timings.keepalive_timeout
        probe = _Keepalive(time.monotonic())
        self._keepalive = probe
        try:
            await self._ws.send_str("keepalive")
            while (left := max(probe.sent, self._last_rx) + timeout - time.monotonic()) > 0:
                try:
                    return await asyncio.wait_for(asyncio.shield(probe.future), left)
                except TimeoutError:
                    if probe.future.done():
                        raise  # the connection ended with a timeout of its own
            raise LoxoneTimeoutError(f"keepalive not answered within {timeout} s")
        except (ConnectionError, aiohttp.ClientError) as err:
            raise self._reason or LoxoneConnectionError("the connection broke") from err
        finally:
            self._keepalive = None

    # -- receiving -----------------------------------------------------------------------------
    async def _read(self) -> None:
        ws = self._ws
        try:
            async for raw in ws:
                self._last_rx = time.monotonic()
                if raw.type is aiohttp.WSMsgType.TEXT:
                    self._receive(str(raw.data))
                elif raw.type is aiohttp.WSMsgType.BINARY:
                    self._receive(bytes(raw.data))
        except LoxoneResponseTooLargeError as err:
            _LOGGER.warning("Closing the Miniserver connection: %s", err)
            self._reason = self._reason or err
        except Exception as err:  # noqa: BLE001 - any failure of the reader ends this connection
            _LOGGER.debug("WebSocket reader stopped: %r", err)
            if self._reason is None:
                self._reason = LoxoneConnectionError(f"the connection failed: {err!r}")
        finally:
            if self._reason is None:
                self._reason = closed_error(ws.close_code, self._out_of_service)
            self._fail_waiters(self._reason)
            if not ws.closed:
                await self._close_socket()

    def _receive(self, frame: bytes | str) -> None:
        """Handle one WebSocket frame: a header, or the payload its header announced.

        Live events arrive as pairs of an exact table header and its payload. Header frames seen
        before are looked up (at most `TABLE_HEADERS` per connection, each checked once). An
        exact table header is kept as `_due` instead of in the frame assembler, and a payload of
        the length it announced goes straight to the table handler; anything else hands the
        header back to the assembler, which these shortcuts agree with.
        """
        due = self._due
        if due is not None:
            self._due = None
            if type(frame) is bytes and len(frame) == due.length:
                self._on_table(due.type, frame)  # its size was checked with the header
                return
            self._assembler.pending = due
        elif (
            type(frame) is bytes
            and self._assembler.pending is None
            and (header := self._table_headers.get(frame)) is not None
        ):
            self._due = header
            return
        assembler = self._assembler
        pending = assembler.pending
        items = assembler.feed(frame)
        header = assembler.pending
        if header is not None and not header.estimated:
            self._check_size(header.type, header.length)
            if header.type in _TABLES:
                assembler.pending = None
                self._due = header
                if (
                    pending is None
                    and type(frame) is bytes
                    and len(self._table_headers) < TABLE_HEADERS
                ):
                    self._table_headers[frame] = header  # nothing was pending: it is this frame
        for item in items:
            if isinstance(item, LoxoneProtocolError):
                _LOGGER.warning("Dropped a malformed Miniserver frame: %s", item)
            else:
                self._check_size(item.type, len(item.payload))
                self._dispatch(item)

    def _check_size(self, kind: MessageType, size: int) -> None:
        """Refuse (by ending the connection) a message larger than its kind can be.

        aiohttp has one limit per socket, which the structure file sets high; event tables and
        command answers get their own, so a peer cannot make the client decode and cache
        millions of events. A header announcing too much ends the connection before its payload.
        """
        if kind is MessageType.TEXT or kind is MessageType.BINARY_FILE:
            pending = self._pending
            limit = MAX_MESSAGE_SIZE if pending is not None and pending.file else MAX_ANSWER_SIZE
        else:
            limit = MAX_TABLE_SIZE
        if size > limit:
            raise LoxoneResponseTooLargeError(
                f"the Miniserver sent a {kind.name} message of {size} bytes (limit {limit})"
            )

    def _fail_waiters(self, reason: LoxoneError) -> None:
        pending, probe = self._pending, self._keepalive
        if pending is not None and not pending.future.done():
            pending.future.set_exception(reason)
        if probe is not None and not probe.future.done():
            probe.future.set_exception(reason)

    def _dispatch(self, message: Message) -> None:
        kind = message.type
        if kind is MessageType.TEXT or kind is MessageType.BINARY_FILE:
            self._answer(message)
        elif kind is MessageType.KEEPALIVE:
            probe = self._keepalive
            if probe is not None and not probe.future.done():
                probe.future.set_result(time.monotonic() - probe.sent)
        elif kind is MessageType.OUT_OF_SERVICE:
            _LOGGER.info("The Miniserver announced it is going out of service")
            self._out_of_service = True
        elif isinstance(message.payload, bytes):
            self._on_table(kind, message.payload)

    def _answer(self, message: Message) -> None:
        pending = self._pending
        if pending is not None and pending.file and not pending.future.done():
            pending.future.set_result(message)
            return
        payload = message.payload
        text = payload if isinstance(payload, str) else payload.decode("utf-8", errors="replace")
        try:
            if pending is not None and pending.decrypt and not text.lstrip().startswith("{"):
                text = self._cipher.aes.decrypt(text)
            answer = parse_ll(text)
        except LoxoneProtocolError as err:
            _LOGGER.warning("Dropped a Miniserver answer that is not understood: %s", err)
            return
        if answer.code == CODE_AUTH_TIMEOUT:
            self._reason = LoxoneTimeoutError("the Miniserver timed out the authentication (420)")
        if pending is None or pending.future.done():
            _LOGGER.debug("Unsolicited Miniserver answer with status %s", answer.code)
            if self._stale_answers:  # most likely the late answer to a timed-out command
                self._stale_answers -= 1
            return
        if (
            self._stale_answers
            and answer.code != CODE_AUTH_TIMEOUT
            and answer.control
            and answer.control.removeprefix("j") not in pending.echoes
        ):
            self._stale_answers -= 1
            _LOGGER.debug("Dropped a late answer to a command that timed out")
            return
        pending.future.set_result(answer)
