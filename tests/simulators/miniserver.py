"""A Loxone Miniserver on loopback that a real client cannot tell apart from the device.

It implements the wire protocol of "Communicating with the Miniserver" independently of the
project's client library, so that it can catch that library's bugs:

* HTTP: ``jdev/cfg/apiKey`` and ``jdev/cfg/api`` (single-quoted pseudo-JSON values),
  ``jdev/sys/getPublicKey`` (a one-line "CERTIFICATE" that is really an SPKI public key),
  ``jdev/sys/getcertificate``, ``data/LoxAPP3.json`` (Basic auth or ``?autht=&user=``), and
  encrypted commands ``jdev/sys/enc|fenc/{cipher}?sk={session key}``.
* WebSocket ``/ws/rfc6455`` (subprotocol ``remotecontrol``): RSA/AES keyexchange, ``enc``/``fenc``
with
  ``salt/`` and ``nextSalt/``, getkey/getkey2 (SHA1 and SHA256 users), getjwt and legacy gettoken,
  authwithtoken, refreshjwt/refreshtoken, checktoken, killtoken, getvisusalt + ``jdev/sps/ios``,
  ``jdev/sps/io`` (changing the control's states), LoxAPPversion3, LoxAPP3.json, keepalive and
  enablebinstatusupdate followed by the value, text, daytimer and weather tables and then changes.
* Every message is an 8-byte header followed by its payload in a separate frame.

Public API (the contract with the client library's tests)::

    async with MiniserverSimulator() as ms:       # built-in demo house, user admin/admin (SHA1)
        ms.base_url, ms.ws_url, ms.port           # "http://127.0.0.1:<port>" (https/wss with tls=)
        ms.set_value(uuid, 21.5); ms.set_text(uuid, "text")
        ms.set_daytimer(uuid, 0.0, [DaytimerEntry(...)])
        ms.set_weather(uuid, ts, [WeatherEntry(...)])
        ms.values, ms.texts                       # current states by state UUID (8-4-4-16)
        ms.commands                               # [(uuidAction, command)] from io/ios, in order
        ms.received                               # every command path run (HTTP, WS), decrypted
        ms.key_label = "impostor"; ms.serial = "…" # another RSA key / serial (an impostor)
        MiniserverSimulator(tls=context)          # HTTPS/WSS only, as a Gen 2; its certificate
                                                  # names dyndns_name(ip, serial), never the IP
        ms.upnp_description()                     # what its SSDP description tells discovery
        ms.tokens                                 # TokenStore: .issued -> [Token(valid, killed,
        ...)] await ms.drop_connections(mid_table=False); await ms.restart()
        ms.set_out_of_service(5.0); ms.fail_next_auth(401); ms.block_after_failures = 3
        await ms.close_connections(4006); ms.close_new_connections(4006, count=2)
        ms.black_hole()                           # open sockets go silent, never closed
        ms.fail_next_decrypt(1)
        ms.auth_timeout = 0.5; ms.send_malformed_frame(); ms.send_truncated_table()
        ms.estimated_headers = True; ms.response_delay = 0.2; ms.token_lifetime = 60.0
        ms.event_slots = False; ms.enable_generator(1.0)
        uid = ms.message_center.add("Title", affected_name="…", severity=3)  # pushes `changed`
        ms.message_center.solve(uid); ms.message_center.confirm(uid); ms.message_center.fetches
        ms.system_figures.cpu = "20%"             # jdev/sys/cpu|heap|numtasks (None: 403)

Behaviour variants that exclude each other are chosen with :class:`Quirks` (see its fields).
Run alone with ``python -m tests.simulators.miniserver --port 8081`` (``--help`` lists the flags).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
from dataclasses import dataclass, fields
import json
import logging
from pathlib import Path
import random
import ssl
import time
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import unquote

from aiohttp import web

from . import miniserver_codec as codec
from .loxone_demo_house import DEMO_HOUSE, DEMO_MESSAGES, demo_initial_states
from .miniserver_auth import Token, TokenStore, UserSpec
from .miniserver_codec import DaytimerEntry, Identifier, WeatherEntry, loxone_seconds
from .miniserver_controls import Control, record_access, ring_bell
from .miniserver_crypto import (
    CryptoError,
    certificate_pem,
    public_key_one_line,
    unwrap_session_key,
)
from .miniserver_intercom import IntercomCameras
from .miniserver_protocol import Answer, Commands, Context, new_one_time_key
from .miniserver_session import Frame, Session
from .miniserver_state import StateKind, StateStore
from .miniserver_system import MessageCenter, SystemFigures

__all__ = [
    "DaytimerEntry",
    "MiniserverSimulator",
    "Quirks",
    "Token",
    "TokenStore",
    "UserSpec",
    "WeatherEntry",
    "dyndns_name",
]

_LOGGER = logging.getLogger(__name__)


def dyndns_name(ip: str, serial: str) -> str:
    """The name a Gen 2's CloudDNS certificate carries for a local `ip`; never the IP itself.

    "Communicating with the Miniserver", Using HTTPS/WSS: the IP with ``-`` for its dots (IPv6:
    for its colons, brackets dropped), then ``{serial}.dyndns.loxonecloud.com``.
    """
    cleaned = ip.strip("[]").replace(".", "-").replace(":", "-")
    return f"{cleaned}.{serial.upper()}.dyndns.loxonecloud.com"


@dataclass(slots=True)
class Quirks:
    """Behaviour variants: the seed document's Miniserver versus the official JS client / firmware.

    The defaults are what the official client (lxcommunicator) needs and what current firmware does.
    """

    status_field: Literal["auto", "Code", "code"] = "auto"
    """``auto``: ``"Code": "200"`` for classic commands, ``"code": 200`` for token commands (as real
    firmware); ``Code``/``code``: one spelling everywhere."""
    structure_as_binary_file: bool = True
    """Send LoxAPP3.json on the WebSocket under header identifier 1 (the official client rejects 0);
    ``False``: identifier 0, a text message, as the seed document describes."""
    keyexchange_encrypted_answer: bool = True
    """The keyexchange answer's value is a one-time key AES-encrypted with the session key (the
    official client uses it for authwithtoken); ``False``: an empty value."""
    lenient_token_hash: bool = True
    """authwithtoken/refresh/check/kill accept HMAC-SHA1 and HMAC-SHA256 whatever the user's hashAlg
    (the official client uses SHA256 from firmware 10.4); ``False``: only the user's algorithm."""
    require_encrypted_token_requests: bool = True
    """getjwt/gettoken must arrive through ``jdev/sys/enc``/``fenc`` (seed), else 400."""
    strict_salt: bool = True
    """On a WebSocket, a ``salt/`` other than the current salt (not announced by ``nextSalt/``)
    is rejected with 401."""
    tables_before_answer: bool = False
    """Send the initial event tables before the enablebinstatusupdate answer instead of after it."""
    estimated_flag: int = codec.ESTIMATED_FLAG_MSB
    """The header's "estimated" info bit: 0x80 (as the official client reads it) or 0x01."""
    getkey2_without_hash_alg: bool = False
    """Omit ``hashAlg`` from getkey2 (firmware 10.2.x did; clients must then assume SHA1)."""
    legacy_token_commands: bool = False
    """Keep accepting gettoken/refreshtoken on firmware >= 10.2 (below 10.2 they always work)."""


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


class MiniserverSimulator:
    """A simulated Miniserver serving one structure file on 127.0.0.1."""

    def __init__(
        self,
        *,
        structure: dict[str, Any] | None = None,
        users: dict[str, UserSpec] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        firmware: str = "14.5.12.7",
        serial: str = "504F94A0B1C2",
        visu_password: str | None = "1234",  # noqa: S107 - the demo's documented visu password
        quirks: Quirks | None = None,
        initial_states: dict[str, Any] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """Prepare (not start) a simulator; ``structure=None`` serves the built-in demo house.

        ``tls``: serve HTTPS/WSS only with this server context, as a Gen 2 on its TLS port (its
        certificate names :func:`dyndns_name`, not the IP, when it stands in for a real one).
        """
        demo = structure is None
        if structure is None:
            structure = json.loads(json.dumps(DEMO_HOUSE))
            initial_states = demo_initial_states() if initial_states is None else initial_states
        self.structure: dict[str, Any] = structure
        self.users: dict[str, UserSpec] = (
            users if users is not None else {"admin": UserSpec("admin")}
        )
        self.host = host
        self.port = port
        self.tls = tls
        self.firmware = firmware
        self.serial = serial.upper()
        self.visu_password = visu_password
        self.quirks = quirks or Quirks()
        self.store = StateStore(structure, initial_states)
        self.store.listener = self._on_change
        #: The ``messageCenter`` block's entries (None when the structure has none).
        self.message_center = MessageCenter.from_structure(structure, self.set_value)
        if demo and self.message_center is not None:
            for message in DEMO_MESSAGES:
                self.message_center.add(**message, notify=False)
        #: What ``jdev/sys/cpu|heap|numtasks`` answer.
        self.system_figures = SystemFigures()
        self.tokens = TokenStore()
        self.commands: list[tuple[str, str]] = []
        self.received: list[str] = []
        self.protocol = Commands(self)
        self.key_label = ""
        # fault knobs
        self.block_after_failures: int | None = None
        self.block_duration = 60.0
        self.auth_timeout = 10.0
        self.idle_timeout = 300.0
        self.estimated_headers = False
        self.response_delay = 0.0
        self.token_lifetime = 28 * 24 * 3600.0
        self.event_slots = True
        self.failed_auths = 0
        self._blocked_until = 0.0
        self._forced_auth_codes: list[int] = []
        self._decrypt_failures = 0
        self._new_connection_closes: list[int] = []
        self._out_of_service_until = 0.0
        # runtime
        self._actions = self._index_actions(structure)
        self._actions_sorted = sorted(self._actions, key=len, reverse=True)
        self.intercom = IntercomCameras(self._actions)
        self._http_keys: list[str] = []
        self._sessions: set[Session] = set()
        self._no_sessions = asyncio.Event()
        self._no_sessions.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._generator: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None

    # -- life cycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on ``host:port`` (``port`` 0 picks a free one, kept across restarts)."""
        app = web.Application()
        app.router.add_get("/ws/rfc6455", self._websocket)
        self.intercom.add_routes(app)
        app.router.add_get("/{tail:.*}", self._http)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self.host, self.port, ssl_context=self.tls, reuse_address=True
        )
        await site.start()
        server = site._server
        if self.port == 0 and server is not None:
            sockets = getattr(server, "sockets", None) or []
            self.port = int(sockets[0].getsockname()[1])
        _LOGGER.debug("Miniserver simulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Close every connection and stop listening; background tasks are cancelled."""
        self.disable_generator()
        for task in list(self._tasks):
            task.cancel()
        for session in list(self._sessions):
            session.abort()
        await self._wait_sessions_gone()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        _LOGGER.debug("Miniserver simulator stopped")

    async def restart(self, downtime: float = 0.0) -> None:
        """Simulate a reboot: drop everyone, wait ``downtime`` s, listen again (tokens kept)."""
        generator_interval = self._generator_interval if self._generator else None
        await self.stop()
        if downtime:
            await asyncio.sleep(downtime)
        await self.start()
        if generator_interval is not None:
            self.enable_generator(generator_interval)

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://host:port`` (``https://`` with TLS)."""
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The WebSocket: ``ws://host:port/ws/rfc6455`` (``wss://`` with TLS)."""
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}/ws/rfc6455"

    @property
    def mac(self) -> str:
        """The serial written as the Miniserver's MAC address (``50:4F:94:...``)."""
        return ":".join(self.serial[i : i + 2] for i in range(0, len(self.serial), 2))

    # -- states ------------------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, float]:
        """Current value states by UUID."""
        return self.store.values

    @property
    def texts(self) -> dict[str, str]:
        """Current text states by UUID."""
        return self.store.texts

    def set_value(self, uuid: str, value: float) -> None:
        """Change a value state and push it to every client with status updates on."""
        self.store.set_value(uuid, value)

    def push_values(self, events: list[tuple[str, float]]) -> None:
        """Change value states and push them all in one value table, in order.

        A Pushbutton press arrives this way from a real Miniserver: ``active`` 1 then 0 in one
        table. The store keeps each state's last value for the tables of later sessions.
        """
        for uuid, value in events:
            self.store.values[uuid] = value
        for session in list(self._sessions):
            session.push_values(events)

    async def press(self, uuid: str, *, hold: float = 0.0) -> None:
        """Press a pushbutton whose ``active`` state is `uuid` for `hold` seconds.

        Without `hold` both edges go in one table, as a tap in the Loxone app does.
        """
        if hold <= 0:
            self.push_values([(uuid, 1.0), (uuid, 0.0)])
            return
        self.set_value(uuid, 1.0)
        await asyncio.sleep(hold)
        self.set_value(uuid, 0.0)

    def ring(self, action: str, when: str | None = None) -> None:
        """Press the bell of the intercom `action`: ``bell`` 1, the time added to its history.

        `when` is the bell time as the Miniserver writes it (``YYYYMMDDHHMMSS``, local time);
        the bell stays on until ``answer`` (or the block's maximum bell time, not simulated).
        """
        ring_bell(Control(self._actions[action], self.store, self.protocol.dispatch), when)

    def nfc_access(
        self, action: str, user: str, output: int, *, code: str | None = None
    ) -> dict[str, Any]:
        """Someone uses the NfcCodeTouch `action`: ``output`` 1-6 opened, -1 denied."""
        data = self.control_data(action)
        if data is None or data.get("type") != "NfcCodeTouch":
            raise KeyError(action)
        return record_access(Control(data, self.store, lambda *_: None), user, output, code=code)

    def set_text(self, uuid: str, text: str, icon: str | None = None) -> None:
        """Change a text state (and its icon UUID) and push it."""
        self.store.set_text(uuid, text, icon)

    def set_daytimer(self, uuid: str, default: float, entries: list[DaytimerEntry]) -> None:
        """Change a daytimer state and push it."""
        self.store.set_daytimer(uuid, default, entries)

    def set_weather(self, uuid: str, last_update: int, entries: list[WeatherEntry]) -> None:
        """Change a weather state and push it."""
        self.store.set_weather(uuid, last_update, entries)

    def _on_change(self, kind: StateKind, uuid: str) -> None:
        for session in list(self._sessions):
            session.push_change(kind, uuid)

    # -- structure helpers (used by the protocol) --------------------------------------------------
    @staticmethod
    def _index_actions(structure: dict[str, Any]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}

        def visit(control: dict[str, Any]) -> None:
            action = control.get("uuidAction")
            if isinstance(action, str):
                found[action] = control
            for sub in (control.get("subControls") or {}).values():
                visit(sub)

        for control in (structure.get("controls") or {}).values():
            visit(control)
        return found

    def actions_longest_first(self) -> list[str]:
        """Every uuidAction, longest first (so ``uuid/AI1`` wins over ``uuid``)."""
        return self._actions_sorted

    def control_data(self, action: str) -> dict[str, Any] | None:
        """The structure-file dict of the control (or sub-control) with this uuidAction."""
        return self._actions.get(action)

    def api_value(self) -> str:
        """The ``jdev/cfg/api`` value: single-quoted pseudo-JSON as real firmware sends it."""
        slots = "true" if self.event_slots else "false"
        return f"{{'snr': '{self.mac}', 'version':'{self.firmware}', 'hasEventSlots':{slots}}}"

    def api_key_value(self) -> str:
        """The ``jdev/cfg/apiKey`` value (with a hashing key, local flag and https status).

        ``httpsStatus`` is 1 when TLS is available (2 would be an expired certificate).
        """
        https = 1 if self.tls else 0
        return (
            f"{{'snr': '{self.mac}', 'version':'{self.firmware}', 'key':'{new_one_time_key()}', "
            f"'isInTrust':false, 'local':true, 'httpsStatus':{https}}}"
        )

    def upnp_description(self) -> dict[str, str]:
        """The fields of ``/upnp.xml`` Home Assistant's SSDP discovery hands to flows.

        As a real Miniserver describes itself (sarnau, "Loxone Miniserver Networking").
        """
        return {
            "deviceType": "urn:schemas-upnp-org:device:HVAC_System:1",
            "friendlyName": "Loxone Miniserver",
            "manufacturer": "Loxone Electronics GmbH",
            "modelName": "Loxone Miniserver",
            "serialNumber": self.serial,
            "presentationURL": f"{self.base_url}/index.html",
        }

    def public_key(self) -> str:
        """The ``getPublicKey`` value."""
        return public_key_one_line(self.key_label)

    def certificate(self) -> str:
        """The ``getcertificate`` value: a PEM certificate for the same key."""
        return certificate_pem(self.serial, self.key_label)

    def supports_jwt(self) -> bool:
        """getjwt/refreshjwt exist from firmware 10.2."""
        return _version_tuple(self.firmware) >= (10, 2)

    def supports_legacy_tokens(self) -> bool:
        """gettoken/refreshtoken: always below 10.2, afterwards only with the quirk."""
        return not self.supports_jwt() or self.quirks.legacy_token_commands

    # -- auth faults -------------------------------------------------------------------------------
    def fail_next_auth(self, code: int) -> None:
        """Make the next token request or authwithtoken fail with ``code`` (e.g. 401 or 400)."""
        self._forced_auth_codes.append(code)

    def fail_next_decrypt(self, count: int = 1) -> None:
        """The next ``count`` encrypted WebSocket commands cannot be decrypted: 401, as the seed
        says for an invalid key or an unexpected salt change (not a refused credential)."""
        self._decrypt_failures += count

    def take_decrypt_failure(self) -> bool:
        """Consume one failure queued by :meth:`fail_next_decrypt`."""
        if not self._decrypt_failures:
            return False
        self._decrypt_failures -= 1
        return True

    def take_forced_auth_failure(self) -> int | None:
        """Consume a code queued by :meth:`fail_next_auth`."""
        return self._forced_auth_codes.pop(0) if self._forced_auth_codes else None

    def record_auth_failure(self) -> None:
        """Count a failed login (for :attr:`block_after_failures`)."""
        self.failed_auths += 1

    def should_block(self) -> bool:
        """After a failed login: start blocking once the failure limit is reached."""
        limit = self.block_after_failures
        if limit is None or self.failed_auths < limit:
            return False
        self._blocked_until = time.monotonic() + self.block_duration
        self.failed_auths = 0
        return True

    def is_blocked(self) -> bool:
        """New WebSockets are closed with 4003 while blocked."""
        return time.monotonic() < self._blocked_until

    def unblock(self) -> None:
        """End a block early."""
        self._blocked_until = 0.0
        self.failed_auths = 0

    def forget_tokens(self) -> None:
        """Forget every issued token, as a Miniserver reset to a backup or to factory state does:
        a client's stored token is refused (401) from now on."""
        self.tokens.issued.clear()

    # -- connection faults -------------------------------------------------------------------------
    async def drop_connections(self, *, mid_table: bool = False) -> None:
        """Abort every WebSocket's TCP link; ``mid_table`` first sends a value-table header only."""
        for session in list(self._sessions):
            if mid_table:
                size = len(self.store.values) * 24
                session.send_raw(Frame("bytes", codec.header(Identifier.VALUE_TABLE, size)))
                session.send_raw(Frame("abort"))
            else:
                session.abort()
        await self._wait_sessions_gone()

    async def close_connections(self, code: int) -> None:
        """Close every WebSocket with a Loxone close code (4004/4005 a user changed, 4006 user
        disabled, 4007 update in progress, 4008 no event slot) and wait until they are gone."""
        for session in list(self._sessions):
            session.close(code)
        await self._wait_sessions_gone()

    def black_hole(self) -> None:
        """Every open WebSocket stops answering (no keepalive, no table, no close handshake)
        without closing, as behind a dead route; new connections work."""
        for session in self._sessions:
            session.silent = True

    def close_new_connections(self, code: int, count: int = 1) -> None:
        """Close the next ``count`` new WebSockets with ``code`` as soon as they open."""
        self._new_connection_closes.extend([code] * count)

    def take_new_connection_close(self) -> int | None:
        """Consume a close code queued by :meth:`close_new_connections`."""
        return self._new_connection_closes.pop(0) if self._new_connection_closes else None

    def set_out_of_service(self, seconds: float) -> None:
        """Send the out-of-service header and close; refuse connections (503) for ``seconds``."""
        self._out_of_service_until = time.monotonic() + seconds
        for session in list(self._sessions):
            session.send_raw(Frame("bytes", codec.header(Identifier.OUT_OF_SERVICE, 0)))
            session.close(1001)
        _LOGGER.debug("out of service for %.1f s", seconds)

    def send_malformed_frame(
        self, kind: Literal["bad_header", "short_header", "bad_json"] = "bad_header"
    ) -> None:
        """Send garbage: a header without 0x03, a 5-byte header, or a text that is no JSON."""
        for session in list(self._sessions):
            if kind == "bad_header":
                session.send_raw(Frame("bytes", b"\x07\x02\x00\x00\x18\x00\x00\x00"))
            elif kind == "short_header":
                session.send_raw(Frame("bytes", b"\x03\x00\x00\x00\x10"))
            else:
                session.send_message(Identifier.TEXT, '{"LL": {"control": "dev/sps/io/')

    def send_value_table(self, events: list[tuple[str, float]]) -> None:
        """Send a value table with exactly these events, known to the structure or not."""
        table = codec.value_table(events)
        for session in list(self._sessions):
            session.send_message(Identifier.VALUE_TABLE, table)

    def send_text_answer(self, text: str) -> None:
        """Send an unsolicited text message (e.g. a huge one) to every session."""
        for session in list(self._sessions):
            session.send_message(Identifier.TEXT, text)

    def send_truncated_table(self) -> None:
        """Send a value table whose payload is shorter than its header announces."""
        events = self.store.value_events()[:4] or [(codec.ZERO_UUID, 0.0)]
        table = codec.value_table(events)
        for session in list(self._sessions):
            session.send_raw(Frame("bytes", codec.header(Identifier.VALUE_TABLE, len(table))))
            session.send_raw(Frame("bytes", table[:-10]))

    @property
    def out_of_service(self) -> bool:
        """Whether connections are being refused after :meth:`set_out_of_service`."""
        return time.monotonic() < self._out_of_service_until

    @property
    def sessions(self) -> int:
        """Number of connected WebSockets."""
        return len(self._sessions)

    async def _wait_sessions_gone(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2.0):
                await self._no_sessions.wait()

    # -- scripted changes --------------------------------------------------------------------------
    def enable_generator(self, interval: float = 2.0, seed: int = 2009) -> None:
        """Keep changing temperatures, meters, sensors and the weather every ``interval`` s."""
        self.disable_generator()
        self._generator_interval = interval
        self._generator = asyncio.get_running_loop().create_task(
            self._generate(interval, random.Random(seed)), name="miniserver-generator"
        )

    def disable_generator(self) -> None:
        """Stop the scripted changes."""
        if self._generator is not None:
            self._generator.cancel()
            self._generator = None

    _generator_interval = 2.0

    async def _generate(self, interval: float, rng: random.Random) -> None:
        while True:
            await asyncio.sleep(interval)
            self.generate_once(rng, interval)

    def generate_once(self, rng: random.Random, elapsed: float) -> None:
        """One step of the scripted changes (public so that tests can step it deterministically)."""
        for ref in list(self.store.refs.values()):
            current = self.store.values.get(ref.uuid)
            if ref.kind == "weather":
                self._step_weather(ref.uuid, rng)
            elif current is None or ref.control_type is None:
                continue
            elif ref.name == "tempActual" or (
                ref.control_type == "InfoOnlyAnalog" and ref.name == "value"
            ):
                self.store.set_value(ref.uuid, round(current + rng.uniform(-0.2, 0.2), 2))
            elif ref.control_type == "Meter" and ref.name == "actual":
                self.store.set_value(ref.uuid, round(max(0.0, current + rng.uniform(-0.1, 0.1)), 3))
            elif ref.control_type == "Meter" and ref.name == "total" and ref.control is not None:
                actual_uuid = ref.control["states"].get("actual")
                power = self.store.values.get(actual_uuid, 0.0) if actual_uuid else 0.0
                self.store.set_value(ref.uuid, round(current + power * elapsed / 3600.0, 4))

    def _step_weather(self, uuid: str, rng: random.Random) -> None:
        weather = self.store.weathers[uuid]
        now = loxone_seconds()
        entries = [
            WeatherEntry(
                timestamp=entry.timestamp,
                weather_type=entry.weather_type,
                wind_direction=entry.wind_direction,
                solar_radiation=entry.solar_radiation,
                relative_humidity=entry.relative_humidity,
                temperature=round(entry.temperature + rng.uniform(-0.3, 0.3), 1),
                perceived_temperature=round(
                    entry.perceived_temperature + rng.uniform(-0.3, 0.3), 1
                ),
                dew_point=entry.dew_point,
                precipitation=entry.precipitation,
                wind_speed=entry.wind_speed,
                barometric_pressure=entry.barometric_pressure,
            )
            for entry in weather.entries
        ]
        self.store.set_weather(uuid, now, entries)

    # -- HTTP --------------------------------------------------------------------------------------
    def _track(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        if self.out_of_service:
            return web.Response(status=503, text="Miniserver is updating")
        ws = web.WebSocketResponse(protocols=("remotecontrol",), max_msg_size=0, autoping=True)
        await ws.prepare(request)
        session = Session(self, request, ws)
        self._sessions.add(session)
        self._no_sessions.clear()
        _LOGGER.debug("WebSocket client connected (%d open)", len(self._sessions))
        try:
            await session.run()
        finally:
            self._sessions.discard(session)
            if not self._sessions:
                self._no_sessions.set()
            _LOGGER.debug("WebSocket client gone (%d open)", len(self._sessions))
        return ws

    def _http_user(self, request: web.Request, ctx: Context, query: dict[str, str]) -> str | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            spec = self.users.get(user)
            return user if spec is not None and spec.password == password else None
        if "autht" in query and "user" in query:
            token = self.tokens.find(
                query["user"],
                query["autht"],
                ctx.keys,
                lenient=self.quirks.lenient_token_hash,
                user_alg=self.users[query["user"]].hash_alg
                if query["user"] in self.users
                else "SHA1",
            )
            return token.user if token is not None else None
        return None

    async def _http(self, request: web.Request) -> web.StreamResponse:
        if self.out_of_service:
            return web.Response(status=503, text="Miniserver is updating")
        if self.response_delay:
            await asyncio.sleep(self.response_delay)
        raw_path, _, raw_query = request.raw_path.lstrip("/").partition("?")
        ctx = Context(over_websocket=False, keys=self._http_keys)
        for prefix, full in (("jdev/sys/enc/", False), ("jdev/sys/fenc/", True)):
            if raw_path.startswith(prefix):
                return self._http_encrypted(request, ctx, raw_path, raw_query, prefix, full=full)
        command = unquote(raw_path) if not raw_path.startswith("jdev/sps/io/") else raw_path
        return self._http_plain(request, ctx, command, _parse_query(raw_query), encrypted=False)

    def _http_plain(
        self,
        request: web.Request,
        ctx: Context,
        command: str,
        query: dict[str, str],
        *,
        encrypted: bool,
        session_key: Any = None,
    ) -> web.StreamResponse:
        ctx.user = self._http_user(request, ctx, query)
        if command == "data/LoxAPP3.json":
            if ctx.user is None:
                return _unauthorized()
            return web.Response(text=json.dumps(self.structure), content_type="application/json")
        needs_auth = command.startswith("jdev/sps/")
        if needs_auth and ctx.user is None:
            return _unauthorized()
        answer = self.protocol.run(ctx, command, encrypted=encrypted)
        if answer.code == 401:
            self.should_block()
        text = answer.to_json(self.quirks.status_field)
        if session_key is not None:
            text = session_key.encrypt(text)
        return web.Response(text=text, content_type="application/json")

    def _http_encrypted(
        self,
        request: web.Request,
        ctx: Context,
        raw_path: str,
        raw_query: str,
        prefix: str,
        *,
        full: bool,
    ) -> web.StreamResponse:
        query = _parse_query(raw_query)
        try:
            blob, label = query.get("sk", ""), self.key_label
            # the usual key with one argument: the secret sweep test hooks this function
            session_key = unwrap_session_key(blob, label) if label else unwrap_session_key(blob)
        except CryptoError:
            _LOGGER.debug("HTTP encrypted command: session key cannot be decrypted")
            answer = Answer(raw_path, "", 401)
            return web.Response(text=answer.to_json(self.quirks.status_field))
        inner = self.protocol.decrypt_command(ctx, raw_path.removeprefix(prefix), session_key)
        if inner is None:
            answer = Answer(raw_path, "", 401)
            return web.Response(text=answer.to_json(self.quirks.status_field))
        command, _, inner_query = inner.partition("?")
        return self._http_plain(
            request,
            ctx,
            command,
            _parse_query(inner_query),
            encrypted=True,
            session_key=session_key if full else None,
        )


def _parse_query(raw: str) -> dict[str, str]:
    """Parse a query without turning ``+`` into spaces (base64 ciphers arrive unencoded)."""
    result: dict[str, str] = {}
    for part in raw.split("&"):
        if part:
            name, _, value = part.partition("=")
            result[unquote(name)] = unquote(value)
    return result


def _unauthorized() -> web.Response:
    return web.Response(
        status=401, text="Unauthorized", headers={"WWW-Authenticate": 'Basic realm="Loxone"'}
    )


# -- command line ---------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulators.miniserver",
        description="Run the simulated Loxone Miniserver (ws://HOST:PORT/ws/rfc6455).",
        epilog="quirks (--quirk NAME=VALUE): "
        + ", ".join(f"{item.name}={getattr(Quirks(), item.name)!r}" for item in fields(Quirks)),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="TCP port (0 picks a free one)")
    parser.add_argument(
        "--structure", type=Path, help="LoxAPP3.json to serve (default: demo house)"
    )
    parser.add_argument("--user", default="admin", help="user name (default admin)")
    parser.add_argument("--password", default="admin", help="password (default admin)")
    parser.add_argument("--hash-alg", choices=("SHA1", "SHA256"), default="SHA1")
    parser.add_argument("--firmware", default="14.5.12.7", help="reported firmware version")
    parser.add_argument("--serial", default="504F94A0B1C2")
    parser.add_argument("--visu-password", default="1234", help="visualisation password")
    parser.add_argument(
        "--generate",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="change temperatures/meters/weather every SECONDS (0 disables)",
    )
    parser.add_argument("--auth-timeout", type=float, default=10.0, help="420 + close after this")
    parser.add_argument("--token-lifetime", type=float, default=28 * 24 * 3600.0)
    parser.add_argument("--response-delay", type=float, default=0.0, help="delay every answer")
    parser.add_argument("--estimated-headers", action="store_true", help="send estimated headers")
    parser.add_argument("--no-event-slots", action="store_true", help="hasEventSlots false + 4008")
    parser.add_argument("--block-after", type=int, help="close with 4003 after N failed logins")
    parser.add_argument(
        "--quirk",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a Quirks field, e.g. status_field=Code or structure_as_binary_file=false",
    )
    parser.add_argument("--debug", action="store_true", help="log at debug level")
    return parser


def _quirks_from(pairs: list[str]) -> Quirks:
    quirks = Quirks()
    known = {item.name: item for item in fields(Quirks)}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        if name not in known:
            raise SystemExit(f"unknown quirk {name!r}; known: {', '.join(known)}")
        current = getattr(quirks, name)
        value: Any
        if isinstance(current, bool):
            value = raw.lower() in {"1", "true", "yes", "on"}
        elif isinstance(current, int):
            value = int(raw, 0)
        else:
            value = raw
        setattr(quirks, name, value)
    return quirks


async def _serve(args: argparse.Namespace) -> None:
    structure = json.loads(args.structure.read_text("utf-8")) if args.structure else None
    simulator = MiniserverSimulator(
        structure=structure,
        users={args.user: UserSpec(args.password, args.hash_alg)},
        host=args.host,
        port=args.port,
        firmware=args.firmware,
        serial=args.serial,
        visu_password=args.visu_password or None,
        quirks=_quirks_from(args.quirk),
    )
    simulator.auth_timeout = args.auth_timeout
    simulator.token_lifetime = args.token_lifetime
    simulator.response_delay = args.response_delay
    simulator.estimated_headers = args.estimated_headers
    simulator.event_slots = not args.no_event_slots
    simulator.block_after_failures = args.block_after
    async with simulator:
        if args.generate > 0:
            simulator.enable_generator(args.generate)
        _LOGGER.info("Miniserver simulator on %s (user %s)", simulator.base_url, args.user)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
