"""A silent black hole for the simulators: open connections stop answering without closing.

That is what a peer behind a dead route, a NAT entry that expired or a hung hub looks like: no
data, no FIN, no WebSocket close handshake. Only the client's own keepalive or request timeout can
tell. Connections opened afterwards work again, so the client recovers by reconnecting.
"""

from __future__ import annotations

import asyncio

#: How often a swallowed connection checks whether the client gave up on it.
POLL = 0.05


async def hold(transport: asyncio.Transport | None) -> None:
    """Send nothing and read nothing until the client closes the connection."""
    while transport is not None and not transport.is_closing():
        await asyncio.sleep(POLL)


class BlackHole:
    """The connections of one server; `swallow_open` silences those open now."""

    def __init__(self) -> None:
        self._open: set[asyncio.Transport] = set()
        self._silent: set[asyncio.Transport] = set()

    def seen(self, transport: asyncio.Transport | None) -> None:
        """Track a connection a request arrived on."""
        if transport is not None:
            self._open = {t for t in self._open if not t.is_closing()}
            self._open.add(transport)

    def swallow_open(self) -> int:
        """Silence every connection open now; return how many."""
        self._silent = {t for t in self._open if not t.is_closing()}
        return len(self._silent)

    def swallows(self, transport: asyncio.Transport | None) -> bool:
        """Whether this connection is silenced."""
        return transport is not None and transport in self._silent

    async def hold(self, transport: asyncio.Transport | None) -> None:
        """Send nothing and read nothing until the client closes the connection."""
        await hold(transport)
        if transport is not None:
            self._silent.discard(transport)

    def abort_silent(self) -> None:
        """Cut the silenced connections (a server stopping)."""
        for transport in self._silent:
            if not transport.is_closing():
                transport.abort()
        self._silent.clear()
