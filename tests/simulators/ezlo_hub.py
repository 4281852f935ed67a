"""Loopback Ezlo hub and NMA relay speaking the real JSON-RPC over TLS WebSockets.

``EzloHubSimulator`` is a local hub (``wss://127.0.0.1:<port>/``): TLS 1.2 only with the
``AES256-SHA256`` cipher the real hubs insist on, a self-signed certificate generated at start with
``cryptography`` (CN = serial, SAN = 127.0.0.1). ``hub.info.get`` is answered before login; every
other method needs ``hub.offline.login.ui`` (``local_keys``: user -> token) unless the hub info has
``offlineAnonymousAccess``. Errors are the hub's: ``-32500 user.login.badpassword``, ``-32500
user.login.alreadylogged``, ``-32600 rpc.params.notfound`` (before login), ``-32602
rpc.method.notfound``, ``-32602 rpc.params.invalid``. ``hub.item.value.set`` changes the item and
broadcasts ``hub.item.updated``; ``hub.modes.switch`` broadcasts ``hub.modes.switched`` begin+done;
``hub.scenes.run`` broadcasts ``hub.scene.run.progress`` started+finished; ``hub.device.armed.set``
broadcasts a partial ``hub.device.updated``.

``NmaRelaySimulator`` is the cloud relay in front of one hub (``wss://127.0.0.1:<port>/``, any TLS):
``loginUserMios`` (``MMSAuth``/``MMSAuthSig`` checked by ``identity_check``, e.g. the MMS cloud
simulator's validator; a refused identity gets ``nma.user.badloginorpassword``, a second login on a
connection ``user.login.alreadylogged``), ``register {serial}`` answered with method ``registered``
(while the hub is off the cloud or rebooting: ``offline_error``, by default what a real relay sends,
``register.device.offline`` "Controller is offline"), then every other request is run by the hub
and answered with ``"api": "1.0"`` and a ``sender`` object; hub broadcasts are forwarded to
registered relay clients.

Public API::

    hub = EzloHubSimulator(house=None, local_keys={"user-uuid": "token"}, port=0)  # demo_house()
    EzloHubSimulator(house, key_label="impostor")   # same serial, another TLS key: an impostor
    await hub.start(); hub.url; hub.port; hub.house; hub.requests; hub.cert_pem; await hub.stop()
    hub.set_item_value(item_id, value)          # a physical change: broadcast hub.item.updated
    hub.add_device(record, items) / hub.remove_device(device_id) / hub.update_device(id, **changes)
    hub.add_scene(record) / hub.delete_scene(id) / hub.add_room(record) / hub.delete_room(id)
    hub.run_scene(id)                           # the hub runs a scene on its own (a schedule):
                                                # hub.scene.run.progress started, then finished
    hub.broadcast(subclass, result)             # any ui_broadcast
    hub.send_raw(text)                          # one frame as is to every local socket (garbage)
    # fault knobs
    hub.response_delay = 0.5                    # slow answers (seconds before each answer)
    hub.rotate_local_key(user, new_token)       # the client's cached key turns bad
    await hub.drop_connections()                # close every local and relay-proxied socket
    await hub.reboot(downtime)                  # drop all, refuse (HTTP 503) for downtime seconds
    relay = NmaRelaySimulator(hub, identity_check=lambda auth, sig: ..., port=0)
    await relay.start(); relay.url; relay.logins; relay.identities; await relay.stop()
    relay.answer_already_logged_in = True       # first loginUserMios gets "already logged in"
    relay.offline_error = NMA_NOT_CONNECTED     # register's answer while the hub is off the cloud
    relay.fail_next("register", code, message, data)  # the next call of a method gets this error
    await relay.drop_connections()              # relay drop
    await relay.disconnect_hub()                # ezlostatechanged connected=false, then close
    hub.black_hole() / relay.black_hole()       # open sockets go silent, never closed
    relay.reconnect_hub()                       # the hub is back on the cloud

``python -m tests.simulators.ezlo_hub --port 17000 [--relay-port N] [--recorded FILE]
[--anonymous] [--user U --token T]`` runs both alone until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
import contextlib
from datetime import UTC, datetime, timedelta
import functools
import ipaddress
import itertools
import json
from pathlib import Path
import ssl
import tempfile
from typing import Any

from aiohttp import WSMsgType, web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.simulators.black_hole import BlackHole
from tests.simulators.ezlo_hub_house import HubHouse, demo_house, formatted, recorded_house

HUB_CIPHER = "AES256-SHA256"
_msg_ids = itertools.count(1)


class RpcFaultError(Exception):
    """A JSON-RPC error answer (code, message, data tag), as the hub sends it."""

    def __init__(self, code: int, message: str, data: str) -> None:
        super().__init__(message)
        self.error = {"code": code, "message": message, "data": data}


_NOT_LOGGED = {"code": -32500, "message": "User not logged", "data": "nma.user.notlogged"}
#: What a real relay answers ``register`` while the hub is off the cloud (issue 20).
CONTROLLER_OFFLINE = {
    "code": -32500,
    "message": "Controller is offline",
    "data": "register.device.offline",
}
#: The same state as Ezlo's public NMA error list names it.
NMA_NOT_CONNECTED = {
    "code": -32500,
    "message": "Hub not connected",
    "data": "nma.ezlo.notconnected",
}
UNKNOWN_METHOD = RpcFaultError(-32602, "Unknown method", "rpc.method.notfound")
NOT_LOGGED_IN = RpcFaultError(-32600, "Bad request", "rpc.params.notfound")


def _invalid(what: str) -> RpcFaultError:
    return RpcFaultError(-32602, f"Wrong params: {what}", "rpc.params.invalid")


def certificate(common_name: str, key_label: str = "") -> tuple[bytes, bytes]:
    """Return a self-signed RSA certificate and key (PEM) for 127.0.0.1, made once per name.

    Another ``key_label`` makes another key for the same name: an impostor of that hub.
    """
    return _certificate(common_name, key_label)


@functools.cache
def _certificate(common_name: str, key_label: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def server_context(
    common_name: str, *, hub_cipher_only: bool, key_label: str = ""
) -> ssl.SSLContext:
    """Return a server TLS context; the hub variant allows only TLS 1.2 with AES256-SHA256."""
    cert_pem, key_pem = certificate(common_name, key_label)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem)
        context.load_cert_chain(cert_file, key_file)
    if hub_cipher_only:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(HUB_CIPHER)
    return context


def client_context(cert_pem: bytes) -> ssl.SSLContext:
    """Return a verifying client context that trusts the simulator's certificate (for the relay)."""
    return ssl.create_default_context(cadata=cert_pem.decode("ascii"))


class _Server:
    """An aiohttp TLS WebSocket server on loopback with a set of open sockets."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.sockets: dict[web.WebSocketResponse, asyncio.Queue[str]] = {}
        self.hole = BlackHole()
        self._transports: dict[web.WebSocketResponse, asyncio.Transport | None] = {}
        self._runner: web.AppRunner | None = None

    def send(self, ws: web.WebSocketResponse, text: str) -> None:
        """Queue a frame; one writer per socket keeps answers and broadcasts in order."""
        outbox = self.sockets.get(ws)
        if outbox is not None and not self.hole.swallows(self._transports.get(ws)):
            outbox.put_nowait(text)

    def black_hole(self) -> None:
        """Every open socket stops answering without closing (no data, no close handshake);
        sockets opened afterwards work."""
        self.hole.swallow_open()

    async def _accept(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets[ws] = asyncio.Queue()
        self._transports[ws] = request.transport
        self.hole.seen(request.transport)
        return ws

    async def _writer(self, ws: web.WebSocketResponse) -> None:
        outbox = self.sockets[ws]
        while True:
            text = await outbox.get()
            if ws.closed:
                return
            await ws.send_str(text)

    async def _run_socket(self, ws: web.WebSocketResponse, on_text: Callable[[str], Any]) -> None:
        writer = asyncio.create_task(self._writer(ws))
        transport = self._transports.get(ws)
        try:
            async for frame in ws:
                if self.hole.swallows(transport):
                    await self.hole.hold(transport)
                    break
                if frame.type is WSMsgType.TEXT:
                    await on_text(frame.data)
        finally:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await writer
            self.sockets.pop(ws, None)
            self._transports.pop(ws, None)

    @property
    def url(self) -> str:
        return f"wss://{self.host}:{self.port}"

    async def _serve(self, handler: Callable[..., Any], context: ssl.SSLContext) -> None:
        app = web.Application()
        app.router.add_get("/", handler)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=context)
        await site.start()
        if self.port == 0:
            self.port = self._runner.addresses[0][1]

    async def drop_connections(self) -> None:
        for ws in list(self.sockets):
            await ws.close()

    async def stop(self) -> None:
        self.hole.abort_silent()
        await self.drop_connections()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _params(message: dict[str, Any]) -> dict[str, Any]:
    params = message.get("params")
    return params if isinstance(params, dict) else {}


def _answer(
    request: dict[str, Any], result: Any = None, error: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "id": request.get("id"),
        "method": request.get("method"),
        "error": error,
        "result": result,
    }


class EzloHubSimulator(_Server):
    """A local Ezlo hub; see the module docstring."""

    def __init__(
        self,
        house: HubHouse | None = None,
        *,
        local_keys: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        key_label: str = "",
    ) -> None:
        super().__init__(host, port)
        self.house = house or demo_house()
        self.key_label = key_label
        self.local_keys = dict(local_keys or {})
        self.response_delay = 0.0
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.relay_clients: dict[web.WebSocketResponse, Callable[[str], None]] = {}
        self.rebooting = False
        self._logged_in: set[web.WebSocketResponse] = set()
        self._reboot_task: asyncio.Task[None] | None = None

    @property
    def cert_pem(self) -> bytes:
        """The hub certificate (PEM)."""
        return certificate(self.house.serial, self.key_label)[0]

    async def start(self) -> None:
        """Listen on ``wss://host:port/``."""
        context = server_context(self.house.serial, hub_cipher_only=True, key_label=self.key_label)
        await self._serve(self._handle, context)

    async def stop(self) -> None:
        """Close every socket and stop listening."""
        if self._reboot_task is not None:
            self._reboot_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reboot_task
        await super().stop()

    async def __aenter__(self) -> EzloHubSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- fault knobs
    def rotate_local_key(self, user: str, token: str) -> None:
        """Replace a user's token: a client holding the old one gets ``user.login.badpassword``."""
        self.local_keys[user] = token

    async def drop_connections(self) -> None:
        """Close every socket, local and proxied through the relay."""
        await super().drop_connections()
        for ws in list(self.relay_clients):
            await ws.close()
        self.relay_clients.clear()

    async def reboot(self, downtime: float) -> None:
        """Drop everything; refuse connections (HTTP 503, relay ``notconnected``) for a while."""
        self.rebooting = True
        self._logged_in.clear()
        await self.drop_connections()

        async def come_back() -> None:
            await asyncio.sleep(downtime)
            self.rebooting = False

        self._reboot_task = asyncio.create_task(come_back())

    def send_raw(self, text: str) -> None:
        """Send one frame exactly as given to every local socket, logged in or not."""
        for ws in list(self.sockets):
            self.send(ws, text)

    # ---------------------------------------------------------------- hub-side changes
    def broadcast(self, subclass: str, result: Any) -> None:
        """Send a ``ui_broadcast`` to every logged-in local client and registered relay client."""
        message = json.dumps(
            {
                "id": "ui_broadcast",
                "msg_id": f"{next(_msg_ids):024x}",
                "msg_subclass": subclass,
                "result": result,
            }
        )
        for ws in self._logged_in:
            self.send(ws, message)
        for relay_send in self.relay_clients.values():
            relay_send(message)

    def set_item_value(self, item_id: str, value: Any) -> None:
        """Change an item as if the device reported it; broadcast ``hub.item.updated``."""
        item = self.house.items[item_id]
        item["value"] = value
        item["valueFormatted"] = formatted(value)
        device = self.house.devices.get(item["deviceId"], {})
        update = {
            "_id": item_id,
            "deviceId": item["deviceId"],
            "deviceName": device.get("name", ""),
            "deviceCategory": device.get("category", ""),
            "deviceSubcategory": device.get("subcategory", ""),
            "name": item["name"],
            "notifications": [],
            "roomName": "",
            "serviceNotification": False,
            "syncNotification": False,
            "userNotification": False,
            "value": value,
            "valueFormatted": item["valueFormatted"],
            "valueType": item["valueType"],
        }
        if "scale" in item:
            update["scale"] = item["scale"]
        self.broadcast("hub.item.updated", update)

    async def press_button(
        self, item_id: str, button: int, *, presses: int = 1, hold: float = 0.0
    ) -> None:
        """Press a keypad button as the hub reports it on its ``button_state`` item.

        A series of `presses` taps is one ``press_N_time(s)`` broadcast once the series ends; a
        hold is ``held_down``, then ``released`` `hold` seconds later.
        """
        if hold > 0:
            self.set_item_value(item_id, {"button_number": button, "button_state": "held_down"})
            await asyncio.sleep(hold)
            self.set_item_value(item_id, {"button_number": button, "button_state": "released"})
            return
        state = "press_1_time" if presses == 1 else f"press_{presses}_times"
        self.set_item_value(item_id, {"button_number": button, "button_state": state})

    def add_device(self, record: dict[str, Any], items: list[dict[str, Any]]) -> None:
        """Include a device: broadcast ``hub.device.added`` then ``hub.item.added`` per item."""
        self.house.devices[record["_id"]] = record
        self.broadcast("hub.device.added", record)
        for item in items:
            self.house.items[item["_id"]] = item
            self.broadcast("hub.item.added", item)

    def remove_device(self, device_id: str) -> None:
        """Exclude a device and its items; broadcast ``hub.device.removed``."""
        record = self.house.devices.pop(device_id)
        for item_id in [
            key for key, item in self.house.items.items() if item["deviceId"] == device_id
        ]:
            del self.house.items[item_id]
        self.broadcast("hub.device.removed", {"_id": device_id, "name": record.get("name", "")})

    def update_device(self, device_id: str, **changes: Any) -> None:
        """Change device fields; broadcast only the changed ones (``hub.device.updated``)."""
        self.house.devices[device_id].update(changes)
        self.broadcast("hub.device.updated", {"_id": device_id, **changes})

    def add_scene(self, record: dict[str, Any]) -> None:
        """Create or edit a scene (``hub.scene.added`` / ``hub.scene.changed``)."""
        subclass = "hub.scene.changed" if record["_id"] in self.house.scenes else "hub.scene.added"
        self.house.scenes[record["_id"]] = record
        self.broadcast(subclass, record)

    def run_scene(self, scene_id: str, statuses: tuple[str, ...] = ("started", "finished")) -> None:
        """Run a scene as the hub does on its own (a schedule, a keypad, the Ezlo app).

        Broadcasts ``hub.scene.run.progress`` once per status, as ``hub.scenes.run`` does.
        """
        scene = self.house.scenes[scene_id]
        for status in statuses:
            self.broadcast(
                "hub.scene.run.progress",
                {
                    "scene_id": scene["_id"],
                    "scene_name": scene.get("name", ""),
                    "status": status,
                    "notifications": [],
                },
            )

    def delete_scene(self, scene_id: str) -> None:
        """Delete a scene (``hub.scene.deleted``)."""
        del self.house.scenes[scene_id]
        self.broadcast("hub.scene.deleted", {"_id": scene_id})

    def add_room(self, record: dict[str, Any]) -> None:
        """Create or rename a room (``hub.room.created`` / ``hub.room.edited``)."""
        known = [room for room in self.house.rooms if room["_id"] == record["_id"]]
        if known:
            known[0].update(record)
        else:
            self.house.rooms.append(record)
        self.broadcast("hub.room.edited" if known else "hub.room.created", record)

    def delete_room(self, room_id: str) -> None:
        """Delete a room (``hub.room.deleted``)."""
        self.house.rooms = [room for room in self.house.rooms if room["_id"] != room_id]
        self.broadcast("hub.room.deleted", {"_id": room_id})

    # ---------------------------------------------------------------- wire
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.rebooting:
            raise web.HTTPServiceUnavailable
        ws = await self._accept(request)

        async def on_text(text: str) -> None:
            answer = await self.answer(text, ws, relayed=False)
            if answer is not None:
                self.send(ws, json.dumps(answer))

        try:
            await self._run_socket(ws, on_text)
        finally:
            self._logged_in.discard(ws)
        return ws

    async def answer(
        self, text: str, ws: web.WebSocketResponse, *, relayed: bool
    ) -> dict[str, Any] | None:
        """Run one request (local, or proxied by the relay: ``relayed``) and return the answer."""
        try:
            request = json.loads(text)
        except ValueError:
            return None
        if not isinstance(request, dict) or not isinstance(request.get("method"), str):
            return None
        params = _params(request)
        self.requests.append((request["method"], params))
        if self.response_delay:
            await asyncio.sleep(self.response_delay)
        try:
            result = self._call(request["method"], params, ws, relayed=relayed)
        except RpcFaultError as fault:
            return _answer(request, {}, fault.error)
        return _answer(request, result)

    def _call(
        self, method: str, params: dict[str, Any], ws: web.WebSocketResponse, *, relayed: bool
    ) -> Any:
        house = self.house
        if method in house.recorded_errors:
            raise RpcFaultError(**house.recorded_errors[method])
        if method == "hub.info.get":
            return house.info
        if method == "hub.offline.login.ui":
            return self._login(params, ws)
        if (
            not relayed
            and ws not in self._logged_in
            and not house.info.get("offlineAnonymousAccess")
        ):
            raise NOT_LOGGED_IN
        if not relayed:
            self._logged_in.add(ws)
        match method:
            case "hub.devices.list":
                return {"devices": list(house.devices.values())}
            case "hub.items.list":
                wanted = params.get("deviceIds")
                items = [
                    i for i in house.items.values() if wanted is None or i["deviceId"] in wanted
                ]
                return {"items": items}
            case "hub.item.value.set":
                return self._set_value(params)
            case "hub.room.list":
                return house.rooms
            case "hub.scenes.list":
                return {"scenes": list(house.scenes.values())}
            case "hub.scenes.run":
                return self._run_scene(params)
            case "hub.modes.get":
                if house.modes is None:
                    raise UNKNOWN_METHOD
                return house.modes
            case "hub.modes.switch":
                return self._switch_mode(params)
            case "hub.device.armed.set":
                device = house.devices.get(params.get("_id", ""))
                if device is None or not isinstance(params.get("armed"), bool):
                    raise _invalid("_id/armed")
                self.update_device(device["_id"], armed=params["armed"])
                return {}
        raise UNKNOWN_METHOD

    def _login(self, params: dict[str, Any], ws: web.WebSocketResponse) -> Any:
        user, token = params.get("user"), params.get("token")
        if not isinstance(user, str) or not isinstance(token, str):
            raise _invalid("user/token")
        if ws in self._logged_in:
            raise RpcFaultError(-32500, "Already logged in", "user.login.alreadylogged")
        if self.local_keys.get(user) != token:
            raise RpcFaultError(-32500, "Bad password", "user.login.badpassword")
        self._logged_in.add(ws)
        return {}

    def _set_value(self, params: dict[str, Any]) -> Any:
        item = self.house.items.get(params.get("_id", ""))
        if item is None or "value" not in params:
            raise _invalid("_id/value")
        if not item["hasSetter"]:
            raise RpcFaultError(-32602, "Item has no setter", "rpc.params.invalid")
        value = params["value"]
        kind = item["valueType"]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if (
            (kind == "bool" and not isinstance(value, bool))
            or (kind == "int" and not (numeric and float(value).is_integer()))
            or (kind in {"temperature", "float"} and not numeric)
            or (kind == "token" and value not in item.get("enum", [value]))
            or (kind == "rgb" and not isinstance(value, dict))
        ):
            raise _invalid(f"value for {kind}")
        if numeric and not item.get("minValue", value) <= value <= item.get("maxValue", value):
            raise _invalid("value out of range")
        self.set_item_value(item["_id"], value)
        return {}

    def _run_scene(self, params: dict[str, Any]) -> Any:
        scene_id = params.get("sceneId", "")
        if scene_id not in self.house.scenes:
            raise _invalid("sceneId")
        self.run_scene(scene_id)
        return {}

    def _switch_mode(self, params: dict[str, Any]) -> Any:
        modes = self.house.modes
        if modes is None:
            raise UNKNOWN_METHOD
        target = params.get("modeId")
        if target not in {mode["_id"] for mode in modes["modes"]}:
            raise _invalid("modeId")
        previous = modes["current"]
        self.broadcast(
            "hub.modes.switched",
            {"from": previous, "to": target, "status": "begin", "switchToDelay": 0},
        )
        modes["current"] = target
        self.broadcast("hub.modes.switched", {"from": previous, "to": target, "status": "done"})
        return {}


class NmaRelaySimulator(_Server):
    """The NMA cloud relay in front of one simulated hub; see the module docstring."""

    def __init__(
        self,
        hub: EzloHubSimulator,
        *,
        identity_check: Callable[[str, str], bool],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.hub = hub
        self.identity_check = identity_check
        self.answer_already_logged_in = False
        self.hub_on_cloud = True
        self.offline_error: dict[str, Any] = dict(CONTROLLER_OFFLINE)
        self.logins: list[bool] = []
        #: Every MMS identity presented in ``loginUserMios`` (accepted or not), in order.
        self.identities: list[str] = []
        self._forced: dict[str, list[dict[str, Any]]] = {}

    @property
    def cert_pem(self) -> bytes:
        """The relay certificate (PEM), to build a client context that trusts it."""
        return certificate("nma-relay")[0]

    async def start(self) -> None:
        """Listen on ``wss://host:port/``."""
        await self._serve(self._handle, server_context("nma-relay", hub_cipher_only=False))

    async def __aenter__(self) -> NmaRelaySimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def disconnect_hub(self) -> None:
        """Tell registered clients the hub left the cloud (``ezlostatechanged``); close them."""
        self.hub_on_cloud = False
        message = json.dumps(
            {
                "id": "ui_broadcast",
                "msg_subclass": "ezlostatechanged",
                "result": {"serial": self.hub.house.serial, "connected": False},
            }
        )
        for ws in list(self.hub.relay_clients):
            await ws.send_str(message)
            await ws.close()
        self.hub.relay_clients.clear()

    def reconnect_hub(self) -> None:
        """The hub is connected to the cloud again."""
        self.hub_on_cloud = True

    def fail_next(self, method: str, code: int, message: str, data: str | None) -> None:
        """Answer the next ``method`` call (``loginUserMios``, ``register``) with this error."""
        error = {"code": code, "message": message, "data": data}
        self._forced.setdefault(method, []).append(error)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        ws = await self._accept(request)
        logged_in = False

        async def on_text(text: str) -> None:
            nonlocal logged_in
            try:
                message = json.loads(text)
            except ValueError:
                return
            if not isinstance(message, dict):
                return
            method = message.get("method")
            forced = self._forced.get(str(method))
            if forced:
                if method == "loginUserMios":
                    self.logins.append(False)
                answer = _answer(message, {}, forced.pop(0))
            elif method == "loginUserMios":
                answer, logged_in = self._login(message, logged_in)
            elif method == "register":
                answer = self._register(message, ws, logged_in=logged_in)
            elif ws in self.hub.relay_clients:
                hub_answer = await self.hub.answer(text, ws, relayed=True)
                if hub_answer is None:
                    return
                answer = {
                    **hub_answer,
                    "api": "1.0",
                    "sender": {"conn_hash": "sim", "user_id": "sim"},
                }
            else:
                answer = _answer(message, {}, _NOT_LOGGED)
            self.send(ws, json.dumps(answer))

        try:
            await self._run_socket(ws, on_text)
        finally:
            self.hub.relay_clients.pop(ws, None)
        return ws

    def _login(self, message: dict[str, Any], logged_in: bool) -> tuple[dict[str, Any], bool]:
        params = _params(message)
        auth, signature = params.get("MMSAuth"), params.get("MMSAuthSig")
        if isinstance(auth, str):
            self.identities.append(auth)
        ok = (
            isinstance(auth, str)
            and isinstance(signature, str)
            and self.identity_check(auth, signature)
        )
        self.logins.append(ok)
        if not ok:
            error = {
                "code": -32500,
                "message": "Bad login or password",
                "data": "nma.user.badloginorpassword",
            }
            return _answer(message, {}, error), logged_in
        if logged_in or self.answer_already_logged_in:
            self.answer_already_logged_in = False
            error = {
                "code": -32500,
                "message": "User has logged",
                "data": "user.login.alreadylogged",
            }
            return _answer(message, {}, error), True
        return _answer(message, {}), True

    def _register(
        self, message: dict[str, Any], ws: web.WebSocketResponse, *, logged_in: bool
    ) -> dict[str, Any]:
        params = _params(message)
        if not logged_in:
            error = _NOT_LOGGED
        elif str(params.get("serial")) != self.hub.house.serial:
            error = {"code": -32500, "message": "Hub not found", "data": "nma.ezlo.notfound"}
        elif not self.hub_on_cloud or self.hub.rebooting:
            error = self.offline_error
        else:
            self.hub.relay_clients[ws] = functools.partial(self.send, ws)
            return {"id": message.get("id"), "method": "registered", "error": None, "result": {}}
        return _answer(message, {}, error)


async def _serve_forever(args: argparse.Namespace) -> None:
    house = recorded_house(args.recorded) if args.recorded else demo_house(anonymous=args.anonymous)
    if args.anonymous:
        house.info["offlineAnonymousAccess"] = True
    keys = {args.user: args.token} if args.user and args.token else {}
    async with EzloHubSimulator(house, local_keys=keys, host=args.host, port=args.port) as hub:
        print(f"Ezlo hub {house.serial} on {hub.url} ({len(house.devices)} devices)")
        relay: NmaRelaySimulator | None = None
        if args.relay_port is not None:
            relay = NmaRelaySimulator(
                hub, identity_check=lambda _a, _s: True, host=args.host, port=args.relay_port
            )
            await relay.start()
            print(f"NMA relay on {relay.url} (accepts any MMS identity)")
        try:
            await asyncio.Event().wait()
        finally:
            if relay is not None:
                await relay.stop()


def main(argv: list[str] | None = None) -> None:
    """Run the hub (and optionally the relay) until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulators.ezlo_hub",
        description="Simulated Ezlo hub (wss, AES256-SHA256, self-signed) and NMA relay.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=17000, help="hub port (default 17000; 0 = any free)"
    )
    parser.add_argument(
        "--relay-port", type=int, default=None, help="also run the NMA relay on this port"
    )
    parser.add_argument(
        "--recorded", type=Path, help="recorded response file (method -> answer) to serve"
    )
    parser.add_argument("--anonymous", action="store_true", help="enable offline anonymous access")
    parser.add_argument("--user", help="local key user for hub.offline.login.ui")
    parser.add_argument("--token", help="local key token for hub.offline.login.ui")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
