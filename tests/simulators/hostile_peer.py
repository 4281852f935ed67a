"""Loopback peers that misbehave on purpose, for the bounds tests (issue 13).

* ``SilentPeer``: accepts TCP connections, reads whatever comes, never answers (a WebSocket
  upgrade or an HTTP request that hangs for good).
* ``FloodPeer``: an HTTP server answering every path with ``Reply``: a body of ``size`` bytes
  streamed in chunks, announced by Content-Length or (``chunked=True``) not announced at all, so a
  client cannot know the size before reading. ``sent`` counts the body bytes it managed to write.
* ``HugeFrameServer``: a WebSocket server that sends one text (or binary) frame of ``size`` bytes
  to every client after each of its messages (a JSON-RPC request, say).

Public API::

    async with SilentPeer() as peer: peer.port; peer.connections
    async with FloodPeer() as peer: peer.url; peer.replies["/path"] = Reply(size=..., chunked=...)
    peer.default = Reply(...); peer.sent; peer.requests (paths, in order)
    async with HugeFrameServer(size, binary=False) as server: server.ws_url ("ws://127.0.0.1:<port>/")
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from dataclasses import dataclass
import ssl
from types import TracebackType
from typing import Self

from aiohttp import web

CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Reply:
    """What ``FloodPeer`` answers: a status and ``size`` bytes of ``fill`` (repeated)."""

    size: int
    status: int = 200
    fill: bytes = b" "
    prefix: bytes = b""
    chunked: bool = False
    content_type: str = "application/json"


class SilentPeer:
    """A TCP server that never says a word."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """Listen on a free port of ``host`` once started."""
        self.host = host
        self.port = 0
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        while await reader.read(CHUNK):
            pass

    async def start(self) -> None:
        """Start listening."""
        self._server = await asyncio.start_server(self._accept, self.host, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Drop every connection and stop listening."""
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        """The peer's base URL."""
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop on exit."""
        await self.stop()


class _WebPeer(ABC):
    """An aiohttp application on a free loopback port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.ssl_context: ssl.SSLContext | None = None
        self._runner: web.AppRunner | None = None

    @abstractmethod
    def _app(self) -> web.Application:
        """Build the application this peer serves."""

    async def start(self) -> None:
        """Start listening."""
        self._runner = web.AppRunner(self._app(), handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, ssl_context=self.ssl_context)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []  # the bound port is only here
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and end every open request."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The peer's base URL."""
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop on exit."""
        await self.stop()


class FloodPeer(_WebPeer):
    """An HTTP server answering with bodies as large as a test asks for."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """Answer every path with ``default`` unless ``replies`` names it."""
        super().__init__(host)
        self.default = Reply(size=0)
        self.replies: dict[str, Reply] = {}
        self.requests: list[str] = []
        self.sent = 0

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        return app

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        reply = self.replies.get(request.path, self.default)
        response = web.StreamResponse(status=reply.status)
        response.content_type = reply.content_type
        if reply.chunked:
            response.enable_chunked_encoding()
        else:
            response.content_length = len(reply.prefix) + reply.size
        await response.prepare(request)
        chunk = (reply.fill * (CHUNK // len(reply.fill) + 1))[:CHUNK]
        try:
            await response.write(reply.prefix)
            left = reply.size
            while left > 0:
                piece = chunk[: min(left, CHUNK)]
                await response.write(piece)
                self.sent += len(piece)
                left -= len(piece)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, which is what the tests want
        return response


class HugeFrameServer(_WebPeer):
    """A WebSocket server whose answer to any message is one frame of ``size`` bytes."""

    def __init__(
        self,
        size: int,
        host: str = "127.0.0.1",
        *,
        binary: bool = False,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Send ``size`` bytes (a JSON string; raw bytes if ``binary``) once the client spoke.

        With ``ssl_context`` it serves ``wss://``, as a relay must.
        """
        super().__init__(host)
        self.size = size
        self.binary = binary
        self.ssl_context = ssl_context

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._websocket)
        return app

    @property
    def ws_url(self) -> str:
        """The WebSocket URL."""
        scheme = "ws" if self.ssl_context is None else "wss"
        return f"{scheme}://{self.host}:{self.port}/"

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        async for _message in ws:
            try:
                if self.binary:
                    await ws.send_bytes(b"x" * self.size)
                else:
                    await ws.send_str('"' + "x" * (self.size - 2) + '"')
            except ConnectionError:
                break
        return ws
