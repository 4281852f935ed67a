"""Home Assistant's WebSocket API as the soak uses it: service calls, a state mirror, pings.

The frontend talks to Home Assistant the same way: one authenticated socket, results matched to
requests by id, ``state_changed`` events keeping a local copy of every state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import contextlib
from dataclasses import dataclass
import itertools
import time
from typing import Any

import aiohttp


class HaApiError(RuntimeError):
    """The WebSocket API refused the login or a request broke the protocol."""


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """How one service call ended: success, or the error Home Assistant reported."""

    ok: bool
    code: str = ""
    message: str = ""
    seconds: float = 0.0


class HaWebSocket:
    """One authenticated WebSocket connection to a running Home Assistant."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        """Connect later with `connect`."""
        self._session = session
        self._url = f"{base_url}/api/websocket"
        self._token = token
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        #: entity_id -> the latest state object (``state``, ``attributes``, ...).
        self.states: dict[str, dict[str, Any]] = {}
        #: Number of ``state_changed`` events received.
        self.state_events = 0
        #: entity_id -> how often it became unavailable.
        self.went_unavailable: dict[str, int] = {}

    async def connect(self) -> None:
        """Authenticate, subscribe to state changes, then load every current state."""
        self._ws = ws = await self._session.ws_connect(self._url, max_msg_size=0)
        if (await ws.receive_json())["type"] != "auth_required":
            raise HaApiError("no auth_required greeting")
        await ws.send_json({"type": "auth", "access_token": self._token})
        answer = await ws.receive_json()
        if answer["type"] != "auth_ok":
            raise HaApiError(f"login refused: {answer}")
        self._reader = asyncio.create_task(self._read(ws), name="soak-ha-websocket")
        await self.request({"type": "subscribe_events", "event_type": "state_changed"})
        for state in (await self.request({"type": "get_states"}))["result"]:
            self.states.setdefault(state["entity_id"], state)

    async def close(self) -> None:
        """Close the socket and stop reading."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def reconnect(self) -> None:
        """Connect again after Home Assistant restarted: a new socket and a fresh state mirror."""
        await self.close()
        self.states.clear()
        await self.connect()

    async def request(self, message: Mapping[str, Any], seconds: float = 60.0) -> dict[str, Any]:
        """Send one command and return its answer (``result`` or ``pong``)."""
        if self._ws is None:
            raise HaApiError("not connected")
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        try:
            await self._ws.send_json({**message, "id": message_id})
            async with asyncio.timeout(seconds):
                return await future
        finally:
            self._pending.pop(message_id, None)

    async def call_service(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any],
        seconds: float = 60.0,
    ) -> CallOutcome:
        """Call an action as the frontend does and report how it ended."""
        started = time.monotonic()
        answer = await self.request(
            {"type": "call_service", "domain": domain, "service": service, "service_data": data},
            seconds,
        )
        took = time.monotonic() - started
        if answer.get("success"):
            return CallOutcome(ok=True, seconds=took)
        error = answer.get("error") or {}
        return CallOutcome(
            ok=False,
            code=str(error.get("code", "")),
            message=str(error.get("message", "")),
            seconds=took,
        )

    def unavailable(self, entity_id: str) -> bool:
        """True while the mirrored state of `entity_id` is unavailable."""
        state = self.states.get(entity_id)
        return state is not None and state["state"] == "unavailable"

    async def ping(self) -> float:
        """Round trip of a ``ping`` through Home Assistant's event loop, in seconds."""
        started = time.monotonic()
        await self.request({"type": "ping"}, seconds=30.0)
        return time.monotonic() - started

    async def entity_registry(self) -> list[dict[str, Any]]:
        """Every registered entity (entity_id, platform, config_entry_id, unique_id...)."""
        result: list[dict[str, Any]] = (
            await self.request({"type": "config/entity_registry/list"})
        )["result"]
        return result

    async def repair_issues(self) -> list[dict[str, Any]]:
        """Every issue the Repairs dashboard lists (domain, issue_id, severity...)."""
        result: dict[str, list[dict[str, Any]]] = (
            await self.request({"type": "repairs/list_issues"})
        )["result"]
        return result["issues"]

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            data = message.json()
            for item in data if isinstance(data, list) else [data]:
                self._dispatch(item)
        error = HaApiError("Home Assistant closed the WebSocket")
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)

    def _dispatch(self, item: dict[str, Any]) -> None:
        if item.get("type") == "event":
            event = item["event"]
            if event.get("event_type") == "state_changed":
                self.state_events += 1
                entity_id = event["data"]["entity_id"]
                new_state = event["data"]["new_state"]
                if new_state is None:
                    self.states.pop(entity_id, None)
                    return
                if new_state["state"] == "unavailable" and not self.unavailable(entity_id):
                    self.went_unavailable[entity_id] = self.went_unavailable.get(entity_id, 0) + 1
                self.states[entity_id] = new_state
            return
        future = self._pending.get(item.get("id", -1))
        if future is not None and not future.done():
            future.set_result(item)
