"""One live connection to a Vera hub: initial load, long-poll loop, subscriptions and actions.

The Home Assistant layer owns one session per hub. It connects once (typed errors tell auth,
offline and unreachable apart), then the session keeps its cache current through ``lu_sdata``
long polls and calls back only the subscribers of the devices that changed. A failed poll is
retried once with a full reload before listeners hear of a disconnection, and a Luup reload
(empty answers, then a new ``loadtime``) is ridden out without marking anything unavailable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
import contextlib
from dataclasses import dataclass
import logging
import secrets

import aiohttp

from ..mms import MmsClient
from .client import VeraClient
from .errors import (
    VeraAuthError,
    VeraConnectionError,
    VeraError,
    VeraHubOfflineError,
    VeraProtocolError,
)
from .models import (
    ControllerInfo,
    RgbColor,
    Room,
    Scene,
    VeraDevice,
    VeraDimmer,
    VeraSceneController,
    VeraThermostat,
)
from .relay import RelayTransport
from .responses import ActionResult, DeviceDetails, SData
from .services import (
    COLOR,
    DIMMING,
    DOOR_LOCK,
    HVAC_FAN_MODE,
    HVAC_USER_MODE,
    SECURITY_SENSOR,
    SETPOINT,
    SETPOINT_COOL,
    SETPOINT_HEAT,
    SWITCH_POWER,
    WINDOW_COVERING,
    FanMode,
    HvacMode,
    SetpointTarget,
)
from .state import HubState, StateChange
from .transport import LocalTransport, Transport
from .urls import local_data_request_urls

_LOGGER = logging.getLogger(__name__)
_RANDOM = secrets.SystemRandom()

type DeviceCallback = Callable[[VeraDevice], None]
type ConnectionListener = Callable[[bool, VeraError | None], None]
type StructureListener = Callable[[], None]

SETPOINT_SERVICES = {
    SetpointTarget.SINGLE: SETPOINT,
    SetpointTarget.HEAT: SETPOINT_HEAT,
    SetpointTarget.COOL: SETPOINT_COOL,
}


@dataclass(frozen=True, slots=True)
class VeraTimings:
    """Every delay of the session, in seconds, so tests can make them small."""

    request_timeout: float = 10.0
    poll_timeout: float = 30.0
    minimum_delay: float = 0.2
    reload_retry_delay: float = 2.0
    backoff_initial: float = 1.0
    backoff_max: float = 60.0

    def backoff(self, failures: int) -> float:
        """Exponential delay with jitter, so many hubs do not retry in step."""
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0 ** min(failures - 1, 16))
        jitter: float = _RANDOM.uniform(0.5, 1.0)
        return ceiling * jitter


class VeraSession:
    """Connection, cache and controls of one hub, over whichever transport answers first."""

    def __init__(self, transports: Sequence[Transport], *, timings: VeraTimings | None = None):
        """Try ``transports`` in order on connect (e.g. ``:3480`` then ``/port_3480``)."""
        if not transports:
            raise ValueError("at least one transport is needed")
        self._transports = tuple(transports)
        self.timings = timings or VeraTimings()
        self._client: VeraClient | None = None
        self._state = HubState()
        self._details: Mapping[int, DeviceDetails] = {}
        self._subscribers: dict[int, list[DeviceCallback]] = {}
        self._connection_listeners: list[ConnectionListener] = []
        self._structure_listeners: list[StructureListener] = []
        self._task: asyncio.Task[None] | None = None
        self._connected = False
        self._stale = False
        #: Full loads so far (connect, reconnect, Luup reload): what a load reports is the
        #: hub's current state, not something that just happened.
        self.loads = 0

    @classmethod
    def local(
        cls, http: aiohttp.ClientSession, address: str, *, timings: VeraTimings | None = None
    ) -> VeraSession:
        """Build a session for a hub on the LAN from what the user typed."""
        urls = local_data_request_urls(address)
        return cls([LocalTransport(http, url) for url in urls], timings=timings)

    @classmethod
    def remote(
        cls,
        http: aiohttp.ClientSession,
        mms: MmsClient,
        pk_device: int | str,
        *,
        timings: VeraTimings | None = None,
    ) -> VeraSession:
        """Build a session that reaches unit ``pk_device`` through the MMS relay."""
        return cls([RelayTransport(http, mms, pk_device)], timings=timings)

    # --- what the HA layer reads -------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the last request to the hub succeeded."""
        return self._connected

    @property
    def transport(self) -> Transport:
        """The transport that answered on connect (the first one before that)."""
        return self._client.transport if self._client else self._transports[0]

    @property
    def controller(self) -> ControllerInfo | None:
        """Serial, model, firmware and temperature unit, once connected."""
        return self._state.controller

    @property
    def serial(self) -> str | None:
        """The hub's serial number, which is also its MMS ``PK_Device``."""
        controller = self._state.controller
        return controller.serial if controller and controller.serial else None

    @property
    def devices(self) -> Mapping[int, VeraDevice]:
        """Every device by id, as of the last update."""
        return self._state.devices

    @property
    def rooms(self) -> Mapping[int, Room]:
        """Rooms by id."""
        return self._state.rooms

    @property
    def scenes(self) -> Mapping[int, Scene]:
        """Scenes by id."""
        return self._state.scenes

    @property
    def categories(self) -> Mapping[int, str]:
        """The category names the hub itself uses."""
        return self._state.categories

    @property
    def device_details(self) -> Mapping[int, DeviceDetails]:
        """Device type, manufacturer and model per device (from ``user_data``)."""
        return self._details

    # --- lifecycle ---------------------------------------------------------------------------

    async def connect(self) -> None:
        """Load the hub's state and start the long-poll loop.

        Raises ``VeraAuthError`` or ``VeraHubOfflineError`` at once; otherwise the error of the
        first transport when none of them answers.
        """
        if self._task is not None:
            return
        first_error: VeraError | None = None
        for transport in self._transports:
            self._client = VeraClient(transport, request_timeout=self.timings.request_timeout)
            try:
                await self._load()
                break
            except (VeraAuthError, VeraHubOfflineError):
                raise
            except VeraError as err:
                _LOGGER.debug("%s did not answer: %s", transport.label, err)
                first_error = first_error or err
        else:
            self._client = None
            raise first_error or VeraConnectionError("no transport answered")
        _LOGGER.debug("connected to %s", self.transport.label)
        self._set_connected(True, None)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="vera long poll")

    async def close(self) -> None:
        """Stop the long-poll loop; the caller closes its own aiohttp session."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._connected = False

    async def refresh(self) -> None:
        """Reload everything now (e.g. after the user renamed devices)."""
        await self._load()

    # --- listeners -----------------------------------------------------------------------------

    def subscribe(self, device_id: int, callback: DeviceCallback) -> Callable[[], None]:
        """Call ``callback`` with the new model whenever this device changes."""
        self._subscribers.setdefault(device_id, []).append(callback)

        def unsubscribe() -> None:
            callbacks = self._subscribers.get(device_id, [])
            if callback in callbacks:
                callbacks.remove(callback)
            if not callbacks:
                self._subscribers.pop(device_id, None)

        return unsubscribe

    def add_connection_listener(self, listener: ConnectionListener) -> Callable[[], None]:
        """Hear ``(True, None)`` on (re)connection, ``(False, error)`` when the hub is lost.

        An auth error ends the loop: new credentials are needed.
        """
        self._connection_listeners.append(listener)
        return lambda: self._discard(self._connection_listeners, listener)

    def add_structure_listener(self, listener: StructureListener) -> Callable[[], None]:
        """Hear when devices, rooms or scenes come, go or change (a scene's ``active`` too)."""
        self._structure_listeners.append(listener)
        return lambda: self._discard(self._structure_listeners, listener)

    @staticmethod
    def _discard[T](items: list[T], item: T) -> None:
        if item in items:
            items.remove(item)

    # --- actions -------------------------------------------------------------------------------

    async def set_switch(self, device_id: int, on: bool) -> ActionResult:
        """Turn a switch, light, siren or garage door on or off."""
        return await self._action(device_id, SWITCH_POWER, "SetTarget", newTargetValue=_bit(on))

    async def set_level(self, device_id: int, level: int) -> ActionResult:
        """Dim a light or move a window covering to ``level`` percent (clamped to 0-100)."""
        value = str(min(100, max(0, level)))
        return await self._action(
            device_id, DIMMING, "SetLoadLevelTarget", newLoadlevelTarget=value
        )

    async def set_color(self, device_id: int, color: RgbColor) -> ActionResult:
        """Set an RGB light's colour."""
        channels = ",".join(str(min(255, max(0, c))) for c in (color.red, color.green, color.blue))
        return await self._action(device_id, COLOR, "SetColorRGB", newColorRGBTarget=channels)

    async def set_locked(self, device_id: int, locked: bool) -> ActionResult:
        """Lock or unlock a door lock."""
        return await self._action(device_id, DOOR_LOCK, "SetTarget", newTargetValue=_bit(locked))

    async def set_hvac_mode(self, device_id: int, mode: HvacMode | str) -> ActionResult:
        """Set a thermostat's mode (``Off``, ``HeatOn``, ``CoolOn``, ``AutoChangeOver``)."""
        return await self._action(device_id, HVAC_USER_MODE, "SetModeTarget", NewModeTarget=mode)

    async def set_fan_mode(self, device_id: int, mode: FanMode | str) -> ActionResult:
        """Set a thermostat's fan mode (``Auto``, ``ContinuousOn``, ``PeriodicOn``)."""
        return await self._action(device_id, HVAC_FAN_MODE, "SetMode", NewMode=mode)

    async def set_setpoint(
        self, device_id: int, value: float, target: SetpointTarget = SetpointTarget.AUTO
    ) -> ActionResult:
        """Change a setpoint; ``AUTO`` picks the heat or cool setpoint the current mode uses."""
        if target is SetpointTarget.AUTO:
            target = SetpointTarget.SINGLE
            device = self._state.devices.get(device_id)
            if isinstance(device, VeraThermostat) and device.hvac_mode == HvacMode.HEAT:
                target = SetpointTarget.HEAT
            elif isinstance(device, VeraThermostat) and device.hvac_mode == HvacMode.COOL:
                target = SetpointTarget.COOL
        service = SETPOINT_SERVICES[target]
        return await self._action(
            device_id, service, "SetCurrentSetpoint", NewCurrentSetpoint=f"{value:g}"
        )

    async def open_cover(self, device_id: int) -> ActionResult:
        """Open a window covering fully."""
        return await self._action(device_id, WINDOW_COVERING, "Up")

    async def close_cover(self, device_id: int) -> ActionResult:
        """Close a window covering fully."""
        return await self._action(device_id, WINDOW_COVERING, "Down")

    async def stop_cover(self, device_id: int) -> ActionResult:
        """Stop a moving window covering."""
        return await self._action(device_id, WINDOW_COVERING, "Stop")

    async def set_armed(self, device_id: int, armed: bool) -> ActionResult:
        """Arm or bypass a security sensor."""
        return await self._action(device_id, SECURITY_SENSOR, "SetArmed", newArmedValue=_bit(armed))

    async def run_scene(self, scene_id: int) -> ActionResult:
        """Start a scene."""
        return await self._require_client().run_scene(scene_id)

    async def _action(
        self, device_id: int, service: str, action: str, **arguments: str
    ) -> ActionResult:
        return await self._require_client().action(device_id, service, action, arguments)

    def _require_client(self) -> VeraClient:
        if self._client is None:
            raise VeraConnectionError("the session is not connected")
        return self._client

    # --- the loop --------------------------------------------------------------------------------

    async def _load(self) -> None:
        client = self._require_client()
        sdata = await client.sdata()
        if sdata.loadtime is None or sdata.dataversion is None:
            raise VeraProtocolError("sdata answer lacks loadtime or dataversion")
        user_data = await client.user_data()
        self._details = user_data.devices
        self.loads += 1
        self._notify(self._state.replace(sdata, user_data.variables))
        self._stale = False

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                if self._stale:
                    await self._load()
                    self._set_connected(True, None)
                await self._poll_once()
                failures = 0
            except VeraAuthError as err:
                _LOGGER.warning("%s refused our credentials: %s", self.transport.label, err)
                self._set_connected(False, err)
                return
            except VeraError as err:
                failures += 1
                if self._stale or failures > 1:
                    self._set_connected(False, err)
                self._stale = True
                delay = self.timings.backoff(failures)
                _LOGGER.debug("long poll failed (%s); retrying in %.1f s", err, delay)
                await asyncio.sleep(delay)

    async def _poll_once(self) -> None:
        client, state = self._require_client(), self._state
        answer = await client.poll(
            state.loadtime or 0,
            state.dataversion or 0,
            hold=self.timings.poll_timeout,
            minimum_delay=self.timings.minimum_delay,
        )
        if answer is None:
            _LOGGER.debug("empty long-poll answer: the luup engine is reloading")
            await asyncio.sleep(self.timings.reload_retry_delay)
            return
        if answer.loadtime is not None and answer.loadtime != state.loadtime:
            _LOGGER.debug("luup engine restarted; reloading everything")
            await self._load()
            return
        change = state.replace(answer) if answer.full else state.merge(answer)
        refreshed = await self._refresh_variables(answer)
        self._notify(StateChange(change.devices | refreshed, change.structure, change.scenes))

    async def _refresh_variables(self, answer: SData) -> frozenset[int]:
        """Fetch the variables sdata lacks (colour, last scene) for devices that reported."""
        client, changed = self._require_client(), frozenset[int]()
        for device_id in answer.devices:
            device = self._state.devices.get(device_id)
            if isinstance(device, VeraSceneController) or (
                isinstance(device, VeraDimmer) and device.supports_color
            ):
                status = await client.status(device_id)
                changed |= self._state.set_variables(status.devices)
        return changed

    def _notify(self, change: StateChange) -> None:
        for device_id in sorted(change.devices):
            device = self._state.devices[device_id]
            for callback in list(self._subscribers.get(device_id, ())):
                _call(callback, device)
        if change.structure or change.scenes:
            for listener in list(self._structure_listeners):
                _call(listener)

    def _set_connected(self, connected: bool, error: VeraError | None) -> None:
        if connected == self._connected and not isinstance(error, VeraAuthError):
            return
        self._connected = connected
        for listener in list(self._connection_listeners):
            _call(listener, connected, error)


def _bit(value: bool) -> str:
    return "1" if value else "0"


def _call[*Ts](callback: Callable[[*Ts], None], *args: *Ts) -> None:
    """Run a listener; its bug must not stop the loop that serves every other one."""
    try:
        callback(*args)
    except Exception:
        _LOGGER.exception("error in a Vera listener")
