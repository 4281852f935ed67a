"""One client's WebSocket session on the simulated Miniserver.

Every outgoing message goes through a queue drained by a single writer task, so that a message
header and its payload are never split by another message (state changes pushed from ``set_value``
included).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import json
import logging
from typing import TYPE_CHECKING, Literal

from aiohttp import WSMsgType, web

from . import miniserver_codec as codec
from .black_hole import hold
from .miniserver_codec import Identifier
from .miniserver_crypto import CryptoError, unwrap_session_key
from .miniserver_protocol import Answer, Context
from .miniserver_state import StateKind

if TYPE_CHECKING:
    from .miniserver import MiniserverSimulator

_LOGGER = logging.getLogger(__name__)

CLOSE_BLOCKED = 4003
CLOSE_NO_EVENT_SLOTS = 4008


@dataclass(frozen=True, slots=True)
class Frame:
    """One writer action: send bytes or text, close with a code, or abort the TCP link."""

    kind: Literal["bytes", "text", "close", "abort"]
    data: bytes | str = b""
    code: int = 1000


class Session:
    """A connected WebSocket client."""

    def __init__(self, sim: MiniserverSimulator, request: web.Request, ws: web.WebSocketResponse):
        """Wrap an accepted WebSocket."""
        self.sim = sim
        self.request = request
        self.ws = ws
        self.ctx = Context(over_websocket=True)
        self.binstatus = False
        self.queue: asyncio.Queue[Frame] = asyncio.Queue()
        self.closed = asyncio.Event()
        #: A black hole: nothing is sent or read any more, and the socket is never closed.
        self.silent = False

    # -- outgoing ----------------------------------------------------------------------------------
    def send_message(self, identifier: Identifier, payload: bytes | str) -> None:
        """Queue a header (preceded by an estimated one when enabled) and its payload."""
        size = len(payload.encode("utf-8") if isinstance(payload, str) else payload)
        if self.sim.estimated_headers:
            estimate = size + 4096 - size % 4096
            flag = self.sim.quirks.estimated_flag
            self._put(Frame("bytes", codec.header(identifier, estimate, estimated=True, flag=flag)))
        self._put(Frame("bytes", codec.header(identifier, size)))
        self._put(Frame("text" if isinstance(payload, str) else "bytes", payload))

    def send_answer(self, answer: Answer) -> None:
        """Queue a text answer."""
        self.send_message(Identifier.TEXT, answer.to_json(self.sim.quirks.status_field))

    def send_keepalive(self) -> None:
        """Answer ``keepalive`` with a bare identifier-6 header."""
        self._put(Frame("bytes", codec.header(Identifier.KEEPALIVE, 0)))

    def send_raw(self, frame: Frame) -> None:
        """Queue an arbitrary frame (fault injection)."""
        self._put(frame)

    def close(self, code: int) -> None:
        """Queue a close after everything already queued."""
        self._put(Frame("close", code=code))

    def abort(self) -> None:
        """Drop the TCP connection at once (no close handshake)."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    def push_change(self, kind: StateKind, uuid: str) -> None:
        """Send one changed state as a one-event table."""
        if self.binstatus:
            self._send_tables(kind, [uuid])

    def push_values(self, events: list[tuple[str, float]]) -> None:
        """Send several value events as one table."""
        if self.binstatus:
            self.send_message(Identifier.VALUE_TABLE, codec.value_table(events))

    def send_initial_tables(self) -> None:
        """The full value, text, daytimer and weather tables sent after enablebinstatusupdate."""
        for kind in ("value", "text", "daytimer", "weather"):
            self._send_tables(kind, None)

    def _send_tables(self, kind: str, uuids: list[str] | None) -> None:
        store = self.sim.store
        if kind == "value":
            events = (
                store.value_events() if uuids is None else [(u, store.values[u]) for u in uuids]
            )
            if events or uuids is None:
                self.send_message(Identifier.VALUE_TABLE, codec.value_table(events))
        elif kind == "text":
            texts = store.text_events(iter(uuids) if uuids is not None else None)
            if texts or uuids is None:
                self.send_message(Identifier.TEXT_TABLE, codec.text_table(texts))
        elif kind == "daytimer":
            daytimers = store.daytimer_events(uuids)
            if daytimers:
                self.send_message(Identifier.DAYTIMER_TABLE, codec.daytimer_table(daytimers))
        else:
            weathers = store.weather_events(uuids)
            if weathers:
                self.send_message(Identifier.WEATHER_TABLE, codec.weather_table(weathers))

    def _put(self, frame: Frame) -> None:
        if not self.closed.is_set() and not self.silent:
            self.queue.put_nowait(frame)

    async def writer(self) -> None:
        """Drain the queue onto the socket until a close or abort."""
        with contextlib.suppress(ConnectionError, RuntimeError):
            while True:
                frame = await self.queue.get()
                if frame.kind == "abort":
                    self.abort()
                    return
                if frame.kind == "close":
                    await self.ws.close(code=frame.code)
                    return
                if isinstance(frame.data, str):
                    await self.ws.send_str(frame.data)
                else:
                    await self.ws.send_bytes(frame.data)

    # -- incoming ----------------------------------------------------------------------------------
    async def run(self) -> None:
        """Serve the socket: auth timer, receive loop, writer."""
        writer = asyncio.create_task(self.writer(), name="miniserver-writer")
        auth_timer = asyncio.create_task(self._auth_deadline(), name="miniserver-auth-timer")
        try:
            if self.sim.is_blocked():
                _LOGGER.debug("client blocked after failed logins: closing with 4003")
                self.close(CLOSE_BLOCKED)
            elif (code := self.sim.take_new_connection_close()) is not None:
                _LOGGER.debug("closing a new connection with %d (fault knob)", code)
                self.close(code)
            else:
                await self._receive_loop()
        finally:
            self.closed.set()
            auth_timer.cancel()
            if not writer.done():
                self.queue.put_nowait(Frame("close", code=1001))
                try:
                    await asyncio.wait_for(writer, 1.0)
                except TimeoutError:
                    self.abort()
            with contextlib.suppress(asyncio.CancelledError):
                await auth_timer

    async def _auth_deadline(self) -> None:
        await asyncio.sleep(self.sim.auth_timeout)
        if not self.ctx.authenticated:
            _LOGGER.debug("no authentication within %.1f s: 420 and close", self.sim.auth_timeout)
            self.send_answer(Answer("jdev/sys/authenticate", "authentication timeout", 420))
            self.close(1008)

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.ws.receive(timeout=self.sim.idle_timeout)
            except TimeoutError:
                _LOGGER.debug("client silent for %.0f s: closing", self.sim.idle_timeout)
                self.close(1001)
                return
            if self.silent:
                await hold(self.request.transport)
                return
            if message.type != WSMsgType.TEXT:
                return
            if self.sim.response_delay:
                await asyncio.sleep(self.sim.response_delay)
            self.handle(str(message.data))

    def handle(self, text: str) -> None:
        """Execute one received command and queue what the Miniserver would send back."""
        command = text.strip()
        if command == "keepalive":
            self.send_keepalive()
            return
        if command.startswith("jdev/sys/keyexchange/"):
            self._keyexchange(command)
            return
        for prefix, full in (("jdev/sys/enc/", False), ("jdev/sys/fenc/", True)):
            if command.startswith(prefix):
                self._encrypted(command, command.removeprefix(prefix), full=full)
                return
        self._plain(command, command, encrypted=False, answer_encrypted=False)

    def _keyexchange(self, command: str) -> None:
        try:
            self.sim.received.append("jdev/sys/keyexchange")
            blob, label = command.removeprefix("jdev/sys/keyexchange/"), self.sim.key_label
            # the usual key with one argument: the secret sweep test hooks this function
            key = unwrap_session_key(blob, label) if label else unwrap_session_key(blob)
        except CryptoError:
            _LOGGER.debug("keyexchange failed: session key cannot be decrypted")
            self.send_answer(Answer(command, "", 401))
            return
        self.ctx.session_key = key
        self.ctx.salt = None
        _LOGGER.debug("keyexchange done")
        value = (
            key.encrypt(self.ctx.issue_key())
            if self.sim.quirks.keyexchange_encrypted_answer
            else ""
        )
        self.send_answer(Answer(command, value, 200))

    def _encrypted(self, command: str, cipher: str, *, full: bool) -> None:
        session_key = self.ctx.session_key
        inner = (
            self.sim.protocol.decrypt_command(self.ctx, cipher, session_key)
            if session_key
            else None
        )
        if inner is None or self.sim.take_decrypt_failure():
            self.send_answer(Answer(command, "", 401))
            return
        self._plain(command, inner, encrypted=True, answer_encrypted=full)

    def _plain(self, echo: str, command: str, *, encrypted: bool, answer_encrypted: bool) -> None:
        sim = self.sim
        if command == "keepalive":
            self.send_keepalive()
            return
        if command in {"data/LoxAPP3.json", "jdev/sps/LoxAPP3.json"}:
            self._send_structure(echo)
            return
        answer = sim.protocol.run(self.ctx, command, encrypted=encrypted)
        answer.control = echo if echo != command else answer.control
        if answer.code == 401 and sim.should_block():
            self._reply(answer, answer_encrypted)
            _LOGGER.debug("too many failed logins: closing with 4003")
            self.close(CLOSE_BLOCKED)
            return
        enable = command.split("?", 1)[0] == "jdev/sps/enablebinstatusupdate" and answer.code == 200
        if enable and not sim.event_slots:
            _LOGGER.debug("no event slot left: closing with 4008")
            self.close(CLOSE_NO_EVENT_SLOTS)
            return
        if enable and sim.quirks.tables_before_answer:
            self._enable_binstatus()
        self._reply(answer, answer_encrypted)
        if enable and not sim.quirks.tables_before_answer:
            self._enable_binstatus()

    def _enable_binstatus(self) -> None:
        self.binstatus = True
        _LOGGER.debug("status updates enabled: sending the initial tables")
        self.send_initial_tables()

    def _reply(self, answer: Answer, answer_encrypted: bool) -> None:
        text = answer.to_json(self.sim.quirks.status_field)
        if answer_encrypted and self.ctx.session_key is not None:
            text = self.ctx.session_key.encrypt(text)
        self.send_message(Identifier.TEXT, text)

    def _send_structure(self, echo: str) -> None:
        if not self.ctx.authenticated:
            self.send_answer(Answer(echo, "", 400))
            return
        identifier = (
            Identifier.BINARY_FILE if self.sim.quirks.structure_as_binary_file else Identifier.TEXT
        )
        self.send_message(identifier, json.dumps(self.sim.structure, ensure_ascii=False))
