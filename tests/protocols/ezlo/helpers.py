"""Small waiting helper for tests driven by broadcasts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

POLL = 0.005


async def wait_until(predicate: Callable[[], bool], seconds: float = 3.0) -> None:
    """Poll ``predicate`` until it holds; fail the test after ``seconds``."""
    for _ in range(int(seconds / POLL)):
        if predicate():
            return
        await asyncio.sleep(POLL)
    raise AssertionError("condition not reached in time")
