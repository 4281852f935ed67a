"""Loopback Vera (UI6/UI7 luup engine) answering ``data_request`` the way a real hub does.

``VeraLuupSimulator`` serves ``GET /data_request?id=...`` (the classic port 3480 form) and
``GET /port_3480/data_request?id=...`` (the lighttpd form of firmware 7.27+) on one port:

* ``sdata`` (``full: 1``), ``status`` (all devices, or ``{"Device_Num_N": ...}`` with
  ``DeviceNum``), ``user_data`` (``PK_AccessPoint``, devices with ``device_type`` and ``states``);
* ``lu_sdata`` long poll: a different ``loadtime`` gets a full answer at once; otherwise the
  request is held until something changes after ``dataversion`` (answer ``full: 0`` with only the
  changed devices and scenes, after ``minimumdelay`` ms) or ``timeout`` s pass (answer without
  devices);
* ``lu_action`` / ``action`` for SwitchPower1, Dimming1, Color1, DoorLock1,
  HVAC_UserOperatingMode1, TemperatureSetpoint1(_Heat/_Cool), HVAC_FanOperatingMode1,
  WindowCovering1, SecuritySensor1 and HomeAutomationGateway1 ``RunScene``: the state changes, a
  long poll wakes up, and the answer is ``{"u:<Action>Response": {"JobID": "<n>"}}``. A refused
  action is answered ``ERROR: <reason>`` in plain text (unknown device, service, action or value).

Public API::

    hub = VeraLuupSimulator(house=None, port=0)     # None -> demo_house(); or recorded_house(sdata)
    await hub.start(); hub.port; hub.base_url; hub.direct_url; hub.proxied_url; await hub.stop()
    hub.upnp_description()                          # what its SSDP description tells discovery
    hub.house                                       # HouseData: devices (sdata records), scenes...
    hub.loadtime; hub.dataversion
    hub.requests                                    # every query received (dicts), in order
    hub.actions                                     # (device id or None, service, action, args)
    hub.set_device(device_id, **short_codes)        # a physical change (e.g. tripped="1")
    hub.set_variable(device_id, service, variable, value)
    hub.press_scene_controller(device_id, scene_number)
    hub.add_device(record) / hub.remove_device(device_id)
    await hub.answer(params) -> (status, body)      # the engine itself, for the relay simulator
    # fault knobs
    hub.reload_luup(empty_answers=1)     # new loadtime; held polls and the next N get empty bodies
    hub.fail_next(status, body="", count=1)         # the next N requests get this HTTP answer
    hub.response_delay = 0.5                        # seconds before every answer (slow hub)
    hub.direct_enabled = False / hub.proxied_enabled = False   # 404 on that URL form
    hub.black_hole()                                # open connections go silent, never closed

``python -m tests.simulators.vera_luup --port 3480 [--sdata FILE]`` runs it alone until Ctrl-C.
``tests.simulators.vera_relay.VeraRelaySimulator`` puts it behind a simulated MMS relay.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Mapping
import contextlib
import itertools
import json
import math
from pathlib import Path
import time
from typing import Any

from aiohttp import web

from tests.simulators.black_hole import BlackHole
from tests.simulators.vera_luup_house import (
    COLOR,
    DEVICE_TYPES,
    DIMMING,
    DOOR_LOCK,
    GATEWAY,
    HVAC_FAN_MODE,
    HVAC_USER_MODE,
    SCENE_CONTROLLER,
    SECURITY_SENSOR,
    SETPOINT,
    SETPOINT_COOL,
    SETPOINT_HEAT,
    SHORT_CODES,
    SWITCH_POWER,
    WINDOW_COVERING,
    HouseData,
    demo_house,
    recorded_house,
)

HVAC_MODES = {"Off": "Idle", "HeatOn": "Heating", "CoolOn": "Cooling", "AutoChangeOver": "Idle"}
FAN_MODES = {"Auto", "ContinuousOn", "PeriodicOn"}
SERVICES_BY_CATEGORY: dict[int, set[str]] = {
    2: {SWITCH_POWER, DIMMING, COLOR},
    3: {SWITCH_POWER},
    24: {SWITCH_POWER},
    32: {SWITCH_POWER},
    4: {SECURITY_SENSOR},
    12: {SECURITY_SENSOR},
    5: {HVAC_USER_MODE, HVAC_FAN_MODE, SETPOINT, SETPOINT_HEAT, SETPOINT_COOL},
    7: {DOOR_LOCK},
    8: {WINDOW_COVERING, DIMMING},
}


class ActionRefusedError(Exception):
    """The engine refuses an action; the text becomes the ``ERROR:`` answer."""


class VeraLuupSimulator:
    """A luup engine on 127.0.0.1 with the state of ``house``."""

    def __init__(
        self, house: HouseData | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        """Serve ``house`` (default: the demo house) on ``host:port`` (0 picks a free port)."""
        self.house = house or demo_house()
        self.host, self.port = host, port
        self.loadtime = int(time.time())
        self.dataversion = 100000
        self.requests: list[dict[str, str]] = []
        self.actions: list[tuple[int | None, str, str, dict[str, str]]] = []
        self.response_delay = 0.0
        self.direct_enabled = True
        self.proxied_enabled = True
        self._device_versions = dict.fromkeys(self.house.devices, self.dataversion)
        self._scene_versions = dict.fromkeys(self.house.scenes, self.dataversion)
        self._changed = asyncio.Event()
        self._empty_answers = 0
        self._reloads = 0
        self._failures: list[tuple[int, str]] = []
        self._jobs = itertools.count(1)
        self._closing = asyncio.Event()
        self.hole = BlackHole()
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    def upnp_description(self) -> dict[str, str]:
        """The fields of the unit's UPnP description Home Assistant's SSDP discovery hands on.

        As a real unit answers (home-assistant/core issue 57884): the serial only in the
        friendly name, ``serialNumber`` a constant "1".
        """
        return {
            "deviceType": "urn:schemas-micasaverde-com:device:HomeAutomationGateway:1",
            "friendlyName": f"MiOS {self.house.serial}",
            "manufacturer": "MiOS, Ltd.",
            "modelName": "MiOS",
            "serialNumber": "1",
        }

    @property
    def direct_url(self) -> str:
        """The classic ``:3480/data_request`` form (on our port)."""
        return f"{self.base_url}/data_request"

    @property
    def proxied_url(self) -> str:
        """The ``/port_3480/data_request`` form."""
        return f"{self.base_url}/port_3480/data_request"

    async def start(self) -> None:
        """Start serving."""
        app = web.Application()
        app.router.add_get("/data_request", self._direct)
        app.router.add_get("/port_3480/data_request", self._proxied)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release held long polls and stop serving."""
        self._closing.set()
        self._wake()
        self.hole.abort_silent()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> VeraLuupSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- test knobs ------------------------------------------------------------------------------

    def set_device(self, device_id: int, **codes: str) -> None:
        """Change short codes of a device as if the device reported it."""
        self.house.devices[device_id].update(codes)
        self._touch_device(device_id)

    def set_variable(self, device_id: int, service: str, variable: str, value: str) -> None:
        """Change a UPnP variable that sdata does not carry."""
        self.house.variables.setdefault(device_id, {})[service, variable] = value
        self._touch_device(device_id)

    def press_scene_controller(
        self, device_id: int, scene_number: int, at: int | None = None
    ) -> None:
        """A button press on a scene controller, at `at` (Unix seconds; default now)."""
        variables = self.house.variables.setdefault(device_id, {})
        variables[SCENE_CONTROLLER, "LastSceneID"] = str(scene_number)
        variables[SCENE_CONTROLLER, "LastSceneTime"] = str(int(time.time()) if at is None else at)
        self._touch_device(device_id)

    def add_device(self, record: dict[str, Any]) -> None:
        """Include a new device."""
        self.house.devices[int(record["id"])] = record
        self._touch_device(int(record["id"]))

    def remove_device(self, device_id: int) -> None:
        """Exclude a device; like the real engine, that takes a Luup reload."""
        del self.house.devices[device_id]
        self._device_versions.pop(device_id, None)
        self.reload_luup(empty_answers=0)

    def reload_luup(self, empty_answers: int = 1) -> None:
        """Restart the engine: new loadtime; held polls and the next N polls get empty bodies."""
        self.loadtime += 1
        self._empty_answers = empty_answers
        self._reloads += 1
        self._wake()

    def fail_next(self, status: int, body: str = "", count: int = 1) -> None:
        """Answer the next ``count`` requests with this HTTP status and body."""
        self._failures.extend([(status, body)] * count)

    # --- HTTP ------------------------------------------------------------------------------------

    async def _direct(self, request: web.Request) -> web.Response:
        if not self.direct_enabled:
            raise web.HTTPNotFound
        return await self._respond(request)

    async def _proxied(self, request: web.Request) -> web.Response:
        if not self.proxied_enabled:
            raise web.HTTPNotFound
        return await self._respond(request)

    async def _respond(self, request: web.Request) -> web.Response:
        self.hole.seen(request.transport)
        status, body = await self.answer(dict(request.query))
        if self.hole.swallows(request.transport):
            await self.hole.hold(request.transport)
        content_type = "application/json" if body.startswith("{") else "text/plain"
        return web.Response(status=status, text=body, content_type=content_type)

    def black_hole(self) -> None:
        """Every connection open now (a held long poll too) stops answering without closing;
        connections opened afterwards work."""
        self.hole.swallow_open()

    async def answer(self, params: Mapping[str, str]) -> tuple[int, str]:
        """Run one ``data_request`` and return HTTP status and body."""
        self.requests.append(dict(params))
        if self.response_delay:
            await self._pause(self.response_delay)
        if self._failures:
            return self._failures.pop(0)
        handlers: dict[str, Callable[[Mapping[str, str]], Any]] = {
            "sdata": lambda _: self._full_sdata(),
            "status": self._status,
            "user_data": lambda _: self._user_data(),
            "lu_action": self._action,
            "action": self._action,
        }
        request_id = params.get("id", "")
        if request_id == "lu_sdata":
            return 200, await self._long_poll(params)
        if request_id not in handlers:
            return 200, "No handler"
        try:
            result = handlers[request_id](params)
        except ActionRefusedError as err:
            return 200, f"ERROR: {err}"
        return 200, json.dumps(result)

    # --- requests --------------------------------------------------------------------------------

    def _full_sdata(self) -> dict[str, Any]:
        house = self.house
        return {
            "full": 1,
            "version": f"*{house.firmware}*",
            "model": house.model,
            "zwave_heal": 1,
            "temperature": house.temperature_unit,
            "skin": "mios",
            "serial_number": house.serial,
            **house.extra,
            "mode": 1,
            "sections": house.sections,
            "rooms": house.rooms,
            "scenes": list(house.scenes.values()),
            "devices": list(house.devices.values()),
            "categories": house.categories,
            "ir": 0,
            "irtx": "",
            "loadtime": self.loadtime,
            "dataversion": self.dataversion,
            "state": -1,
            "comment": "",
        }

    async def _long_poll(self, params: Mapping[str, str]) -> str:
        if self._empty_answers > 0:
            self._empty_answers -= 1
            return ""
        loadtime, since = _int(params.get("loadtime")), _int(params.get("dataversion"))
        if loadtime != self.loadtime:
            return json.dumps(self._full_sdata())
        timeout = _float(params.get("timeout"), 60.0)
        reloads = self._reloads
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._closing.is_set() and not self._changed_since(since):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
            if self._reloads != reloads:
                return ""
        await self._pause(_float(params.get("minimumdelay"), 0.0) / 1000)
        answer: dict[str, Any] = {
            "full": 0,
            "loadtime": self.loadtime,
            "dataversion": self.dataversion,
            "state": -1,
            "comment": "",
            "mode": 1,
        }
        devices = [
            record
            for device_id, record in self.house.devices.items()
            if self._device_versions.get(device_id, 0) > since
        ]
        scenes = [
            record
            for scene_id, record in self.house.scenes.items()
            if self._scene_versions.get(scene_id, 0) > since
        ]
        if devices:
            answer["devices"] = devices
        if scenes:
            answer["scenes"] = scenes
        return json.dumps(answer)

    def _states(self, device_id: int) -> list[dict[str, Any]]:
        record = self.house.devices[device_id]
        variables = {
            SHORT_CODES[code]: str(value) for code, value in record.items() if code in SHORT_CODES
        }
        variables.update(self.house.variables.get(device_id, {}))
        return [
            {"id": index, "service": service, "variable": name, "value": value}
            for index, ((service, name), value) in enumerate(sorted(variables.items()))
        ]

    def _status(self, params: Mapping[str, str]) -> dict[str, Any]:
        def entry(device_id: int) -> dict[str, Any]:
            return {
                "id": device_id,
                "status": -1,
                "Jobs": [],
                "PendingJobs": 0,
                "tooltip": {"display": 0},
                "states": self._states(device_id),
            }

        if "DeviceNum" in params:
            device_id = _int(params["DeviceNum"])
            if device_id not in self.house.devices:
                return {}
            return {f"Device_Num_{device_id}": entry(device_id)}
        return {
            "devices": [entry(device_id) for device_id in self.house.devices],
            "startup": {"tasks": []},
            "alerts": [],
            "LoadTime": self.loadtime,
            "DataVersion": self.dataversion,
            "UserData_DataVersion": self.dataversion,
        }

    def _user_data(self) -> dict[str, Any]:
        house = self.house
        devices = []
        for device_id, record in house.devices.items():
            category = int(record.get("category", 0))
            devices.append(
                {
                    "id": device_id,
                    "name": record.get("name", ""),
                    "altid": record.get("altid", ""),
                    "device_type": DEVICE_TYPES.get(
                        category, "urn:schemas-upnp-org:device:Generic:1"
                    ),
                    "manufacturer": "Simulated",
                    "model": f"Category {category}",
                    "category_num": category,
                    "subcategory_num": record.get("subcategory", 0),
                    "room": str(record.get("room", 0)),
                    "id_parent": record.get("parent", 0),
                    "states": self._states(device_id),
                }
            )
        return {
            "PK_AccessPoint": house.serial,
            "BuildVersion": f"*{house.firmware}*",
            "model": house.model,
            "TemperatureFormat": house.temperature_unit,
            "LoadTime": self.loadtime,
            "DataVersion": self.dataversion,
            "devices": devices,
            "rooms": house.rooms,
            "scenes": list(house.scenes.values()),
            "sections": house.sections,
        }

    # --- actions ---------------------------------------------------------------------------------

    def _action(self, params: Mapping[str, str]) -> dict[str, Any]:
        service, action = params.get("serviceId", ""), params.get("action", "")
        arguments = {
            key: value
            for key, value in params.items()
            if key not in {"id", "serviceId", "action", "DeviceNum", "output_format"}
        }
        if service == GATEWAY and action == "RunScene":
            scene_id = _int(arguments.get("SceneNum"))
            if scene_id not in self.house.scenes:
                raise ActionRefusedError("Invalid Scene")
            self.actions.append((None, service, action, arguments))
            self.house.scenes[scene_id]["active"] = 1
            self._touch_scene(scene_id)
            return {"u:RunSceneResponse": {"OK": "OK"}}
        device_id = _int(params.get("DeviceNum"))
        record = self.house.devices.get(device_id)
        if record is None:
            raise ActionRefusedError("Device not found")
        if service not in SERVICES_BY_CATEGORY.get(int(record.get("category", 0)), set()):
            raise ActionRefusedError("Invalid Service")
        self._apply(device_id, record, service, action, arguments)
        self.actions.append((device_id, service, action, arguments))
        self._touch_device(device_id)
        return {f"u:{action}Response": {"JobID": str(next(self._jobs))}}

    def _apply(
        self,
        device_id: int,
        record: dict[str, Any],
        service: str,
        action: str,
        arguments: Mapping[str, str],
    ) -> None:
        key = (service, action)
        if key in {(SWITCH_POWER, "SetTarget"), (DOOR_LOCK, "SetTarget")}:
            value = _choice(arguments.get("newTargetValue"), {"0", "1"})
            if service == DOOR_LOCK:
                record["locked"] = value
            else:
                record["status"] = value
                if "level" in record:
                    record["level"] = "100" if value == "1" else "0"
        elif key == (DIMMING, "SetLoadLevelTarget"):
            level = _int(arguments.get("newLoadlevelTarget"))
            if not 0 <= level <= 100:
                raise ActionRefusedError("Invalid level")
            record["level"] = str(level)
            if "status" in record:
                record["status"] = "1" if level else "0"
        elif key == (COLOR, "SetColorRGB"):
            channels = [_int(part) for part in arguments.get("newColorRGBTarget", "").split(",")]
            if len(channels) != 3 or not all(0 <= channel <= 255 for channel in channels):
                raise ActionRefusedError("Invalid color")
            red, green, blue = channels
            self.house.variables.setdefault(device_id, {})[COLOR, "CurrentColor"] = (
                f"0=0,1=0,2={red},3={green},4={blue}"
            )
            record["status"] = "1"
        elif key == (HVAC_USER_MODE, "SetModeTarget"):
            mode = _choice(arguments.get("NewModeTarget"), set(HVAC_MODES))
            record["mode"], record["hvacstate"] = mode, HVAC_MODES[mode]
            follow = {"HeatOn": "heat", "CoolOn": "cool"}.get(mode)
            if follow and follow in record:
                record["setpoint"] = record[follow]
        elif key == (HVAC_FAN_MODE, "SetMode"):
            record["fanmode"] = _choice(arguments.get("NewMode"), FAN_MODES)
        elif action == "SetCurrentSetpoint" and service in {SETPOINT, SETPOINT_HEAT, SETPOINT_COOL}:
            setpoint = arguments.get("NewCurrentSetpoint", "")
            if not math.isfinite(_float(setpoint, math.nan)):
                raise ActionRefusedError("Invalid setpoint")
            current_mode = record.get("mode")
            if service == SETPOINT_HEAT or (service == SETPOINT and current_mode == "HeatOn"):
                record["heat"] = setpoint
            if service == SETPOINT_COOL or (service == SETPOINT and current_mode == "CoolOn"):
                record["cool"] = setpoint
            if service == SETPOINT or (service, current_mode) in {
                (SETPOINT_HEAT, "HeatOn"),
                (SETPOINT_COOL, "CoolOn"),
            }:
                record["setpoint"] = setpoint
        elif service == WINDOW_COVERING and action in {"Up", "Down", "Stop"}:
            if action != "Stop":
                record["level"] = "100" if action == "Up" else "0"
        elif key == (SECURITY_SENSOR, "SetArmed"):
            armed = _choice(arguments.get("newArmedValue"), {"0", "1"})
            record["armed"] = armed
            tripped = record.get("tripped") == "1"
            record["armedtripped"] = "1" if armed == "1" and tripped else "0"
        else:
            raise ActionRefusedError("Invalid Action")

    # --- change tracking -------------------------------------------------------------------------

    def _touch_device(self, device_id: int) -> None:
        self.dataversion += 1
        self._device_versions[device_id] = self.dataversion
        self._wake()

    def _touch_scene(self, scene_id: int) -> None:
        self.dataversion += 1
        self._scene_versions[scene_id] = self.dataversion
        self._wake()

    async def _pause(self, seconds: float) -> None:
        """Sleep, but end at once when the simulator stops so no handler outlives it."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _changed_since(self, since: int) -> bool:
        return self.dataversion > since

    def _wake(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1


def _float(value: object, default: float) -> float:
    try:
        return float(str(value))
    except ValueError:
        return default


def _choice(value: str | None, allowed: set[str]) -> str:
    if value not in allowed:
        raise ActionRefusedError("Invalid argument value")
    return value


async def _serve_forever(args: argparse.Namespace) -> None:
    house = None
    if args.sdata:
        house = recorded_house(json.loads(Path(args.sdata).read_text(encoding="utf-8")))
    hub = VeraLuupSimulator(house, host=args.host, port=args.port)
    await hub.start()
    print(f"Vera luup simulator on {hub.direct_url} and {hub.proxied_url} (Ctrl-C stops)")
    try:
        await asyncio.Event().wait()
    finally:
        await hub.stop()


def main(argv: list[str] | None = None) -> None:
    """Run the simulator alone (for ``scripts/demo`` or manual tries)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulators.vera_luup",
        description="Loopback Vera UI7 luup engine: data_request on /data_request and "
        "/port_3480/data_request (sdata, status, user_data, lu_sdata long poll, lu_action).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3480, help="TCP port (default 3480, 0 = any)")
    parser.add_argument(
        "--sdata", help="serve this recorded sdata JSON file instead of the demo house"
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args))


if __name__ == "__main__":
    main()
