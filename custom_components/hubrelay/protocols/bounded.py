"""Read what a peer sends without letting the peer choose our memory use or event-loop stall.

Every library reads HTTP bodies through `read_limited` with a limit per endpoint (KiB for API
answers, tens of MiB for structure files and sdata): an announced Content-Length above the limit is
refused before reading, a body without one is cut off as soon as it passes the limit. Big answers
are decoded by `off_loop` in the default executor, so parsing a few MiB does not stall the loop.
Each library turns `BodyTooLargeError` into its own connection error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp

KIB = 1024
MIB = 1024 * KIB
OFF_LOOP_BYTES = 256 * KIB
"""Answers at least this large are decoded in the executor (a few ms of parsing on the loop)."""


class BodyTooLargeError(Exception):
    """A body announced or grew beyond its limit; nothing past the limit was read."""

    def __init__(self, limit: int, size: int | None) -> None:
        """Keep the limit and the announced size (None when there was no Content-Length)."""
        shown = f"announced {size} bytes" if size is not None else "more bytes than that"
        super().__init__(f"the answer exceeds the limit of {limit} bytes ({shown})")
        self.limit = limit
        self.size = size


async def read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """Return the body of `response`, or raise `BodyTooLargeError` once it passes `limit`."""
    declared = response.content_length
    if declared is not None and declared > limit:
        response.close()  # drop the connection rather than drain a body we refuse
        raise BodyTooLargeError(limit, declared)
    body = bytearray()
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > limit:
            response.close()
            raise BodyTooLargeError(limit, None)
    return bytes(body)


async def off_loop[A, T](parse: Callable[[A], T], data: A, size: int) -> T:
    """Run `parse(data)` here when `size` is small, else in the default executor."""
    if size < OFF_LOOP_BYTES:
        return parse(data)
    return await asyncio.get_running_loop().run_in_executor(None, parse, data)
