"""Typed ``data_request`` calls: one method per luup request, parsed answers, our errors only."""

from __future__ import annotations

from collections.abc import Mapping

from ..bounded import off_loop
from .errors import VeraConnectionError
from .responses import (
    ActionResult,
    SData,
    StatusData,
    UserData,
    parse_action,
    parse_sdata,
    parse_status,
    parse_user_data,
)
from .services import GATEWAY
from .transport import MAX_ACTION_BYTES, MAX_DATA_BYTES, Transport

JSON = {"output_format": "json"}


def _require_body(body: str, what: str) -> str:
    if not body.strip():
        raise VeraConnectionError(f"{what}: the luup engine is reloading (empty answer)")
    return body


class VeraClient:
    """Stateless request layer over a transport; the session on top keeps the state."""

    def __init__(self, transport: Transport, *, request_timeout: float = 10.0) -> None:
        """Send through ``transport``; plain requests give up after ``request_timeout`` s."""
        self.transport = transport
        self.request_timeout = request_timeout

    async def _data(self, params: Mapping[str, str], time_limit: float) -> str:
        """Fetch a bulky answer (sdata, status, user_data); big ones are parsed off the loop."""
        return await self.transport.get(params, time_limit, MAX_DATA_BYTES)

    async def sdata(self) -> SData:
        """Fetch the full summary: controller, devices, rooms, scenes, categories."""
        body = await self._data({"id": "sdata", **JSON}, self.request_timeout)
        return await off_loop(parse_sdata, _require_body(body, "sdata"), len(body))

    async def status(self, device_id: int | None = None) -> StatusData:
        """Fetch the UPnP state variables of every device, or of one."""
        params = {"id": "status", **JSON}
        if device_id is not None:
            params["DeviceNum"] = str(device_id)
        body = await self._data(params, self.request_timeout)
        return await off_loop(parse_status, _require_body(body, "status"), len(body))

    async def user_data(self) -> UserData:
        """Fetch the configuration (without the bulky static data) for device details."""
        params = {"id": "user_data", "ns": "1", **JSON}
        body = await self._data(params, self.request_timeout)
        return await off_loop(parse_user_data, _require_body(body, "user_data"), len(body))

    async def poll(
        self, loadtime: int, dataversion: int, *, hold: float, minimum_delay: float
    ) -> SData | None:
        """Long-poll ``lu_sdata`` for changes after ``dataversion``.

        The engine holds the request up to ``hold`` s and answers at the earliest after
        ``minimum_delay`` s. ``None`` means an empty body: the engine is reloading, ask again.
        """
        params = {
            "id": "lu_sdata",
            "loadtime": str(loadtime),
            "dataversion": str(dataversion),
            "timeout": str(max(1, round(hold))),
            "minimumdelay": str(max(0, round(minimum_delay * 1000))),
            **JSON,
        }
        body = await self._data(params, hold + self.request_timeout)
        if not body.strip():
            return None
        return await off_loop(parse_sdata, body, len(body))

    async def action(
        self, device_id: int, service: str, action: str, arguments: Mapping[str, str]
    ) -> ActionResult:
        """Run a UPnP action on a device (``lu_action``)."""
        params = {
            "id": "lu_action",
            "DeviceNum": str(device_id),
            "serviceId": service,
            "action": action,
            **arguments,
            **JSON,
        }
        body = await self.transport.get(params, self.request_timeout, MAX_ACTION_BYTES)
        return parse_action(body, f"{action} on device {device_id}")

    async def run_scene(self, scene_id: int) -> ActionResult:
        """Start a scene through the gateway service."""
        params = {
            "id": "lu_action",
            "serviceId": GATEWAY,
            "action": "RunScene",
            "SceneNum": str(scene_id),
            **JSON,
        }
        body = await self.transport.get(params, self.request_timeout, MAX_ACTION_BYTES)
        return parse_action(body, f"RunScene {scene_id}")
