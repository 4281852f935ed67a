"""One long-lived session per hub, shaped for the Home Assistant coordinator on top of it.

``connect`` opens the transport and loads devices, items, rooms, scenes and house modes (typed
errors on failure). A background task then applies ``ui_broadcast`` events to that cache and calls
only the subscribers concerned (per item id, per device id), sends an app-level keepalive (some
hubs answer no WebSocket pings; a peer gone silent is noticed within ``keepalive_interval +
request_timeout``), and on loss reconnects with exponential backoff and jitter
followed by a full refresh, so changes missed while disconnected still reach the subscribers. A
refusal of the credentials themselves (``EzloAuthError``) stops the loop (state ``AUTH_FAILED``)
instead of hammering the cloud with credentials it refused; a hub offline at the relay does not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
import contextlib
from dataclasses import dataclass, replace
from enum import StrEnum
import itertools
import logging
import random
from types import MappingProxyType
from typing import Any

import aiohttp

from .api import EzloHubApi
from .broadcasts import (
    Broadcast,
    DeviceAdded,
    DeviceRemoved,
    DeviceUpdated,
    ItemAdded,
    ItemRemoved,
    ItemUpdated,
    ModesSwitched,
    RoomChanged,
    RoomDeleted,
    RoomsReset,
    SceneChanged,
    SceneDeleted,
    SceneRunProgress,
)
from .errors import (
    EzloAuthError,
    EzloConnectionError,
    EzloError,
    EzloProtocolError,
    EzloRpcError,
    EzloTimeoutError,
    EzloValueError,
)
from .models import Device, HouseModes, HubInfo, Item, Room, Scene
from .rpc import RpcChannel
from .transports import Transport

_LOGGER = logging.getLogger(__name__)
_RANDOM = random.SystemRandom()
METHOD_NOT_FOUND = "rpc.method.notfound"
MAX_DEVICE_LOADS = 2
"""``hub.items.list`` calls in flight for newly added devices, however many are announced."""
DEVICE_LOAD_BATCH = 25
"""New devices whose items one call asks for."""

type Unsubscribe = Callable[[], None]


class ConnectionState(StrEnum):
    """Where the session stands; listeners get every change."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    AUTH_FAILED = "auth_failed"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Reconnect delays: ``initial * factor**attempt`` capped at ``maximum``, +/- ``jitter``."""

    initial: float = 1.0
    maximum: float = 300.0
    factor: float = 2.0
    jitter: float = 0.2

    def delay(self, attempt: int) -> float:
        """Return the wait before reconnect attempt number ``attempt`` (0-based)."""
        base = min(self.maximum, self.initial * self.factor ** min(attempt, 64))
        return base * (1.0 + self.jitter * (2.0 * _RANDOM.random() - 1.0))


class _Listeners[T]:
    """Callbacks for one kind of event; a failing callback is logged, never breaks the others."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[T], None]] = []

    def add(self, callback: Callable[[T], None]) -> Unsubscribe:
        self.callbacks.append(callback)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self.callbacks.remove(callback)

        return remove

    def fire(self, value: T) -> None:
        for callback in list(self.callbacks):
            try:
                callback(value)
            except Exception:
                _LOGGER.exception("Ezlo listener failed")


class _KeyedListeners[T]:
    """Callbacks per id (item id, device id), so an event costs only its own subscribers."""

    def __init__(self) -> None:
        self.by_id: dict[str, _Listeners[T]] = {}

    def add(self, key: str, callback: Callable[[T], None]) -> Unsubscribe:
        remove = self.by_id.setdefault(key, _Listeners()).add(callback)

        def unsubscribe() -> None:
            remove()
            if key in self.by_id and not self.by_id[key].callbacks:
                del self.by_id[key]

        return unsubscribe

    def fire(self, key: str, value: T) -> None:
        listeners = self.by_id.get(key)
        if listeners is not None:
            listeners.fire(value)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    devices: dict[str, Device]
    items: dict[str, Item]
    rooms: dict[str, Room]
    scenes: dict[str, Scene]
    modes: HouseModes | None


class EzloHubSession:
    """Connection, cache and subscriptions for one Ezlo hub."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        transport: Transport,
        *,
        request_timeout: float = 10.0,
        connect_timeout: float = 15.0,
        keepalive_interval: float = 30.0,
        backoff: Backoff | None = None,
    ) -> None:
        """Nothing happens until ``connect``; ``http`` stays owned by the caller."""
        self._http = http
        self._transport = transport
        self._request_timeout = request_timeout
        self._connect_timeout = connect_timeout
        self._keepalive_interval = keepalive_interval
        self._backoff = backoff or Backoff()
        self._api: EzloHubApi | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._state = ConnectionState.DISCONNECTED
        self._hub_info: HubInfo | None = None
        self._devices: dict[str, Device] = {}
        self._items: dict[str, Item] = {}
        self._rooms: dict[str, Room] = {}
        self._scenes: dict[str, Scene] = {}
        self._modes: HouseModes | None = None
        self._item_listeners: _KeyedListeners[Item] = _KeyedListeners()
        self._device_listeners: _KeyedListeners[Device] = _KeyedListeners()
        self._scene_run_listeners: _KeyedListeners[SceneRunProgress] = _KeyedListeners()
        self._added_listeners: _Listeners[Device] = _Listeners()
        self._removed_listeners: _Listeners[str] = _Listeners()
        self._state_listeners: _Listeners[ConnectionState] = _Listeners()
        self._modes_listeners: _Listeners[HouseModes] = _Listeners()
        self._scenes_listeners: _Listeners[Mapping[str, Scene]] = _Listeners()
        self._rooms_listeners: _Listeners[Mapping[str, Room]] = _Listeners()
        self._broadcast_listeners: _Listeners[Broadcast] = _Listeners()
        self._loaded = False
        self._pending_loads: dict[str, None] = {}
        self._loaders = 0
        self._unknown_logged = False
        self.reconnects = 0
        self.last_error: EzloError | None = None
        """Why the last reconnect attempt failed (None once connected): an `EzloIdentityError`
        means another hub answers at the address and the attempts go on without any secret."""

    # ----------------------------------------------------------------- state and cache
    @property
    def state(self) -> ConnectionState:
        """The connection state."""
        return self._state

    @property
    def connected(self) -> bool:
        """Whether commands can be sent now."""
        return self._state is ConnectionState.CONNECTED

    @property
    def hub_info(self) -> HubInfo:
        """The hub's info from the last (re)connect."""
        if self._hub_info is None:
            raise EzloConnectionError("not connected yet")
        return self._hub_info

    @property
    def devices(self) -> Mapping[str, Device]:
        """Devices by ``_id`` (read-only view)."""
        return MappingProxyType(self._devices)

    @property
    def items(self) -> Mapping[str, Item]:
        """Items by ``_id`` (read-only view)."""
        return MappingProxyType(self._items)

    @property
    def rooms(self) -> Mapping[str, Room]:
        """Rooms by ``_id`` (read-only view)."""
        return MappingProxyType(self._rooms)

    @property
    def scenes(self) -> Mapping[str, Scene]:
        """Scenes by ``_id`` (read-only view); empty on hubs without scenes (ezloPi)."""
        return MappingProxyType(self._scenes)

    @property
    def modes(self) -> HouseModes | None:
        """House modes, ``None`` on hubs without them (ezloPi)."""
        return self._modes

    def device_items(self, device_id: str) -> list[Item]:
        """Return the items of one device."""
        return [item for item in self._items.values() if item.device_id == device_id]

    # ----------------------------------------------------------------- subscriptions
    def subscribe_item(self, item_id: str, callback: Callable[[Item], None]) -> Unsubscribe:
        """Call ``callback(item)`` whenever this item changes."""
        return self._item_listeners.add(item_id, callback)

    def subscribe_device(self, device_id: str, callback: Callable[[Device], None]) -> Unsubscribe:
        """Call ``callback(device)`` whenever this device's record changes (reachable, name...)."""
        return self._device_listeners.add(device_id, callback)

    def subscribe_scene_run(
        self, scene_id: str, callback: Callable[[SceneRunProgress], None]
    ) -> Unsubscribe:
        """Call ``callback(progress)`` for every ``hub.scene.run.progress`` of this scene.

        Only broadcasts count: a run is never replayed from anything loaded at (re)connect.
        """
        return self._scene_run_listeners.add(scene_id, callback)

    def on_device_added(self, callback: Callable[[Device], None]) -> Unsubscribe:
        """Call ``callback(device)`` for a new device, once its items are in the cache."""
        return self._added_listeners.add(callback)

    def on_device_removed(self, callback: Callable[[str], None]) -> Unsubscribe:
        """Call ``callback(device_id)`` when a device is gone."""
        return self._removed_listeners.add(callback)

    def on_connection_state(self, callback: Callable[[ConnectionState], None]) -> Unsubscribe:
        """Call ``callback(state)`` on every connection state change."""
        return self._state_listeners.add(callback)

    def on_modes_changed(self, callback: Callable[[HouseModes], None]) -> Unsubscribe:
        """Call ``callback(modes)`` when the house mode (or a pending switch) changes."""
        return self._modes_listeners.add(callback)

    def on_scenes_changed(self, callback: Callable[[Mapping[str, Scene]], None]) -> Unsubscribe:
        """Call ``callback(scenes)`` when scenes are added, changed or deleted."""
        return self._scenes_listeners.add(callback)

    def on_rooms_changed(self, callback: Callable[[Mapping[str, Room]], None]) -> Unsubscribe:
        """Call ``callback(rooms)`` when rooms change."""
        return self._rooms_listeners.add(callback)

    def on_broadcast(self, callback: Callable[[Broadcast], None]) -> Unsubscribe:
        """Call ``callback(event)`` for every broadcast (scene run progress, network changes...)."""
        return self._broadcast_listeners.add(callback)

    # ----------------------------------------------------------------- lifecycle
    async def connect(self) -> None:
        """Connect, log in, load everything and start the background loop; raise typed errors."""
        if self._run_task is not None:
            raise EzloConnectionError("session already started")
        self._set_state(ConnectionState.CONNECTING)
        try:
            await self._establish()
        except BaseException:
            self._set_state(ConnectionState.DISCONNECTED)
            raise
        self._set_state(ConnectionState.CONNECTED)
        self._run_task = asyncio.create_task(self._run(), name="ezlo-session")

    async def close(self) -> None:
        """Stop the background loop and close the connection."""
        tasks = [*self._tasks, *([self._run_task] if self._run_task else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._api is not None:
            await self._api.channel.close()
            self._api = None
        self._set_state(ConnectionState.CLOSED)

    async def refresh(self) -> None:
        """Reload devices, items, rooms, scenes and modes and tell subscribers what changed."""
        self._apply_snapshot(await self._snapshot(self._require_api()))

    # ----------------------------------------------------------------- commands
    async def set_item_value(self, item_id: str, value: object) -> None:
        """Set an item; the cache changes when the hub broadcasts ``hub.item.updated``."""
        item = self._items.get(item_id)
        if item is None:
            raise EzloValueError(f"unknown item {item_id}")
        await self._require_api().set_item_value(item, value)

    async def run_scene(self, scene_id: str) -> None:
        """Run a scene."""
        await self._require_api().run_scene(scene_id)

    async def switch_mode(self, mode_id: str) -> None:
        """Switch the house mode (the hub may delay it; watch ``on_modes_changed``)."""
        if self._modes is not None and self._modes.mode_name(mode_id) is None:
            raise EzloValueError(f"unknown house mode {mode_id}")
        await self._require_api().switch_mode(mode_id)

    async def set_device_armed(self, device_id: str, armed: bool) -> None:
        """Arm or disarm a security device."""
        await self._require_api().set_device_armed(device_id, armed)

    # ----------------------------------------------------------------- internals
    def _require_api(self) -> EzloHubApi:
        if self._api is None or self._api.channel.closed:
            raise EzloConnectionError("not connected to the hub")
        return self._api

    def _set_state(self, state: ConnectionState) -> None:
        if state is not self._state:
            self._state = state
            self._state_listeners.fire(state)

    async def _establish(self) -> None:
        channel, info = await self._transport.open(
            self._http,
            connect_timeout=self._connect_timeout,
            request_timeout=self._request_timeout,
        )
        api = EzloHubApi(channel)
        try:
            channel.set_handler(self._on_broadcast)
            snapshot = await self._snapshot(api)
        except BaseException:
            await channel.close()
            raise
        self._api = api
        self._hub_info = info
        self._apply_snapshot(snapshot)

    @staticmethod
    async def _optional[T](call: Coroutine[Any, Any, T], default: T) -> T:
        """Treat ``rpc.method.notfound`` (ezloPi has no scenes or modes) as an empty answer."""
        try:
            return await call
        except EzloRpcError as err:
            if err.data != METHOD_NOT_FOUND:
                raise
            return default

    async def _snapshot(self, api: EzloHubApi) -> _Snapshot:
        devices = await api.devices()
        items = await api.items()
        rooms = await self._optional(api.rooms(), [])
        scenes = await self._optional(api.scenes(), [])
        modes = await self._optional(api.house_modes(), None)
        return _Snapshot(
            devices={device.id: device for device in devices},
            items={item.id: item for item in items},
            rooms={room.id: room for room in rooms},
            scenes={scene.id: scene for scene in scenes},
            modes=modes,
        )

    def _apply_snapshot(self, snapshot: _Snapshot) -> None:
        old_devices, old_items = self._devices, self._items
        old_rooms, old_scenes, old_modes = self._rooms, self._scenes, self._modes
        first_load, self._loaded = not self._loaded, True
        self._devices, self._items = snapshot.devices, snapshot.items
        self._rooms, self._scenes, self._modes = snapshot.rooms, snapshot.scenes, snapshot.modes
        if first_load:
            return
        for device_id in old_devices.keys() - snapshot.devices.keys():
            self._removed_listeners.fire(device_id)
        for device_id, device in snapshot.devices.items():
            previous = old_devices.get(device_id)
            if previous is None:
                self._added_listeners.fire(device)
            elif previous.raw != device.raw:
                self._device_listeners.fire(device_id, device)
        for item_id, item in snapshot.items.items():
            previous_item = old_items.get(item_id)
            if previous_item is not None and previous_item.raw != item.raw:
                self._item_listeners.fire(item_id, item)
        if snapshot.modes is not None and snapshot.modes != old_modes:
            self._modes_listeners.fire(snapshot.modes)
        if snapshot.scenes.keys() != old_scenes.keys() or any(
            old_scenes[key].raw != scene.raw for key, scene in snapshot.scenes.items()
        ):
            self._scenes_listeners.fire(self.scenes)
        if snapshot.rooms != old_rooms:
            self._rooms_listeners.fire(self.rooms)

    async def _run(self) -> None:
        while self._api is not None:
            reason = await self._watch(self._api.channel)
            self._set_state(ConnectionState.DISCONNECTED)
            _LOGGER.debug("connection to the Ezlo hub lost: %s", reason)
            if not await self._reconnect():
                return

    async def _watch(self, channel: RpcChannel) -> EzloError:
        """Wait for the channel to close, probing it every keepalive interval."""
        while True:
            try:
                async with asyncio.timeout(self._keepalive_interval):
                    return await channel.wait_closed()
            except TimeoutError:
                pass
            try:
                await channel.call("hub.room.list")
            except EzloTimeoutError as err:
                await channel.close(err)
                return err
            except EzloError:
                continue

    async def _reconnect(self) -> bool:
        attempt = 0
        while True:
            await asyncio.sleep(self._backoff.delay(attempt))
            attempt += 1
            self._set_state(ConnectionState.CONNECTING)
            try:
                await self._establish()
            except EzloAuthError as err:
                _LOGGER.warning("the Ezlo hub refused our credentials: %s", err)
                self._set_state(ConnectionState.AUTH_FAILED)
                return False
            except EzloError as err:
                _LOGGER.debug("reconnect attempt %d failed: %s", attempt, err)
                self.last_error = err
                self._set_state(ConnectionState.DISCONNECTED)
                continue
            self.last_error = None
            self.reconnects += 1
            self._set_state(ConnectionState.CONNECTED)
            return True

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_broadcast(self, event: Broadcast) -> None:
        match event:
            case ItemUpdated(item_id, changes):
                self._item_updated(item_id, changes)
            case ItemAdded(record):
                self._item_added(record)
            case ItemRemoved(item_id):
                self._items.pop(item_id, None)
            case DeviceAdded(device):
                self._devices[device.id] = device
                self._queue_device_load(device.id)
            case DeviceRemoved(device_id):
                self._device_removed(device_id)
            case DeviceUpdated(device_id, changes):
                current = self._devices.get(device_id)
                if current is not None:
                    self._devices[device_id] = updated = current.merge(changes)
                    self._device_listeners.fire(device_id, updated)
            case ModesSwitched():
                self._modes_switched(event)
            case SceneChanged(scene):
                self._scenes[scene.id] = scene
                self._scenes_listeners.fire(self.scenes)
            case SceneDeleted(scene_id):
                if self._scenes.pop(scene_id, None) is not None:
                    self._scenes_listeners.fire(self.scenes)
            case SceneRunProgress(scene_id):
                self._scene_run_listeners.fire(scene_id, event)
            case RoomChanged(room):
                self._rooms[room.id] = room
                self._rooms_listeners.fire(self.rooms)
            case RoomDeleted(room_id):
                if self._rooms.pop(room_id, None) is not None:
                    self._rooms_listeners.fire(self.rooms)
            case RoomsReset():
                self._spawn(self._reload_rooms())
        self._broadcast_listeners.fire(event)

    def _ignore_unknown(self, what: str, key: str) -> None:
        """Drop an event for something the cache does not hold; say so once per session."""
        if not self._unknown_logged:
            self._unknown_logged = True
            _LOGGER.debug("ignoring %s %s and further events for unknown things", what, key)

    def _item_updated(self, item_id: str, changes: Mapping[str, Any]) -> None:
        current = self._items.get(item_id)
        if current is None:  # a hub must not grow the cache with items it never listed
            self._ignore_unknown("an update of unknown item", item_id)
            return
        try:
            item = current.merge(changes)
        except EzloProtocolError as err:
            _LOGGER.debug("ignoring an item update: %s", err)
            return
        self._items[item_id] = item
        self._item_listeners.fire(item_id, item)

    def _item_added(self, record: Mapping[str, Any]) -> None:
        try:
            item = Item.from_json(record)
        except EzloProtocolError as err:
            _LOGGER.debug("ignoring a new item: %s", err)
            return
        if item.device_id not in self._devices:
            self._ignore_unknown("a new item of unknown device", item.device_id)
            return
        self._items[item.id] = item
        self._item_listeners.fire(item.id, item)

    def _device_removed(self, device_id: str) -> None:
        if self._devices.pop(device_id, None) is None:
            return
        for item in self.device_items(device_id):
            del self._items[item.id]
        self._removed_listeners.fire(device_id)

    def _modes_switched(self, event: ModesSwitched) -> None:
        if self._modes is None:
            return
        if event.status in {"", "done"}:
            self._modes = replace(self._modes, current=event.to_mode, switch_to="")
        elif event.status == "begin":
            self._modes = replace(self._modes, switch_to=event.to_mode)
        else:
            self._modes = replace(self._modes, switch_to="")
        self._modes_listeners.fire(self._modes)

    def _queue_device_load(self, device_id: str) -> None:
        """Load a new device's items with at most `MAX_DEVICE_LOADS` calls in flight.

        A flood of ``device.added`` queues ids (once each) for a few loaders that ask for them in
        batches, instead of one task and one ``hub.items.list`` per announcement.
        """
        self._pending_loads[device_id] = None
        if self._loaders < MAX_DEVICE_LOADS:
            self._loaders += 1
            self._spawn(self._load_new_devices())

    async def _load_new_devices(self) -> None:
        try:
            while self._pending_loads:
                batch = list(itertools.islice(self._pending_loads, DEVICE_LOAD_BATCH))
                for device_id in batch:
                    del self._pending_loads[device_id]
                try:
                    items = await self._require_api().items(batch)
                except EzloError as err:
                    _LOGGER.debug("could not load the items of %d new devices: %s", len(batch), err)
                    items = []
                for device_id in batch:
                    device = self._devices.get(device_id)
                    if device is None:
                        continue  # removed while its items were loading: they must not outlive it
                    self._items.update((i.id, i) for i in items if i.device_id == device_id)
                    self._added_listeners.fire(device)
        finally:
            self._loaders -= 1

    async def _reload_rooms(self) -> None:
        try:
            rooms = await self._require_api().rooms()
        except EzloError as err:
            _LOGGER.debug("could not reload rooms: %s", err)
            return
        self._rooms = {room.id: room for room in rooms}
        self._rooms_listeners.fire(self.rooms)
