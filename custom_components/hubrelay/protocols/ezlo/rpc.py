"""JSON-RPC over one WebSocket: answers matched to requests by id, broadcasts to a callback.

The same channel serves the local hub and the NMA relay, which speak the same messages. A reader
task owns the socket; when it ends (close, error, or the relay saying the hub left the cloud) every
pending request fails with the reason and ``wait_closed`` returns it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
import itertools
import json
import logging
from typing import Any

import aiohttp

from .broadcasts import Broadcast, CloudStateChanged, parse_broadcast
from .errors import (
    EzloConnectionError,
    EzloError,
    EzloHubOfflineError,
    EzloMessageTooLargeError,
    EzloProtocolError,
    EzloRpcError,
    EzloTimeoutError,
)

_LOGGER = logging.getLogger(__name__)

type BroadcastHandler = Callable[[Broadcast], None]

#: Seconds to wait for the close answer of a peer that already let a request time out.
DEAD_PEER_CLOSE_GRACE = 0.5


def rpc_error(method: str, error: object) -> EzloRpcError:
    """Build our error from a JSON-RPC error object of any shape the hub or relay sends."""
    if not isinstance(error, Mapping):
        return EzloRpcError(method, None, str(error)[:200], None)
    code = error.get("code")
    message = error.get("message")
    data = error.get("data")
    return EzloRpcError(
        method,
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        message if isinstance(message, str) else "error",
        data if isinstance(data, str) else None,
    )


def _read_error(error: object) -> EzloError:
    """Explain why aiohttp stopped reading (it has already closed the socket)."""
    if (
        isinstance(error, aiohttp.WebSocketError)
        and error.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    ):
        return EzloMessageTooLargeError(f"the peer sent a message above the limit: {error}")
    return EzloConnectionError(f"the connection failed: {type(error).__name__}")


class RpcChannel:
    """One WebSocket speaking the hub's JSON-RPC; start it, call methods, close it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, *, request_timeout: float) -> None:
        """Wrap an open WebSocket; nothing is read until ``start``."""
        self._ws = ws
        self._request_timeout = request_timeout
        self._ids = itertools.count(1)
        self._pending: dict[str, tuple[str, asyncio.Future[Any]]] = {}
        self._handler: BroadcastHandler | None = None
        self._reader: asyncio.Task[None] | None = None
        self._reason: EzloError | None = None
        self._done = asyncio.Event()

    def start(self, handler: BroadcastHandler | None = None) -> None:
        """Start reading; ``handler`` receives every broadcast."""
        self._handler = handler
        self._reader = asyncio.create_task(self._read(), name="ezlo-rpc-reader")

    def set_handler(self, handler: BroadcastHandler | None) -> None:
        """Replace the broadcast callback (the session takes over after the handshake)."""
        self._handler = handler

    @property
    def closed(self) -> bool:
        """Whether the reader has stopped."""
        return self._done.is_set()

    async def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Send a request and return its ``result``; raise ``EzloRpcError`` on an error answer."""
        if self._done.is_set():
            raise self._reason or EzloConnectionError("connection closed")
        request_id = f"hubrelay-{next(self._ids)}"
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (method, future)
        message = {"id": request_id, "method": method, "params": dict(params or {})}
        try:
            try:
                await self._ws.send_str(json.dumps(message))
            except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
                raise EzloConnectionError(f"could not send {method}: connection lost") from err
            try:
                async with asyncio.timeout(self._request_timeout):
                    return await future
            except TimeoutError as err:
                raise EzloTimeoutError(
                    f"{method} got no answer within {self._request_timeout} s"
                ) from err
        finally:
            self._pending.pop(request_id, None)

    async def close(self, reason: EzloError | None = None) -> None:
        """Close the socket and wait for the reader to finish; ``reason`` says why."""
        if self._reason is None:
            self._reason = reason
        await self._close_socket()
        if self._reader is not None:
            await self._reader

    async def _close_socket(self) -> None:
        """Close the WebSocket, not waiting long for the answer of a peer that timed out.

        A peer behind a dead route (a black hole) answers the close handshake no more than it
        answered the request, and aiohttp would wait 10 s for it before letting go.
        """
        if not isinstance(self._reason, EzloTimeoutError):
            await self._ws.close()
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DEAD_PEER_CLOSE_GRACE):
                await self._ws.close()

    async def wait_closed(self) -> EzloError:
        """Wait until the connection ends and return why."""
        await self._done.wait()
        return self._reason or EzloConnectionError("connection closed")

    async def _read(self) -> None:
        try:
            async for frame in self._ws:
                if frame.type is aiohttp.WSMsgType.TEXT:
                    self._dispatch(frame.data)
                elif frame.type is aiohttp.WSMsgType.ERROR:
                    self._reason = _read_error(frame.data)
                if self._reason is not None:
                    break
        finally:
            if self._reason is None:
                self._reason = EzloConnectionError("connection closed by the peer")
            await self._close_socket()
            for method, future in self._pending.values():
                if not future.done():
                    future.set_exception(self._reason)
                    _LOGGER.debug("%s aborted: connection closed", method)
            self._done.set()

    def _dispatch(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError, RecursionError:
            _LOGGER.debug("ignoring a frame that is not JSON")
            return
        if not isinstance(message, dict):
            _LOGGER.debug("ignoring a JSON frame that is not an object")
            return
        pending = self._pending.get(message["id"]) if isinstance(message.get("id"), str) else None
        if pending is not None:
            method, future = pending
            if future.done():
                return
            error = message.get("error")
            if error is not None:
                future.set_exception(rpc_error(method, error))
            else:
                future.set_result(message.get("result"))
            return
        if "msg_subclass" not in message:
            _LOGGER.debug("ignoring an answer to no pending request")
            return
        try:
            event = parse_broadcast(message)
        except EzloProtocolError as err:
            _LOGGER.debug("ignoring a malformed broadcast: %s", err)
            return
        if isinstance(event, CloudStateChanged) and not event.connected:
            self._reason = EzloHubOfflineError("the relay reports the hub left the cloud")
        if self._handler is not None:
            try:
                self._handler(event)
            except Exception:
                _LOGGER.exception("broadcast handler failed")
