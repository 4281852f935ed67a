"""Fixtures: a Vera luup simulator on loopback, an aiohttp session, fast session timings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from custom_components.hubrelay.protocols.vera import VeraSession, VeraTimings
from tests.simulators.vera_luup import VeraLuupSimulator

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures"
FAST = VeraTimings(
    request_timeout=2.0,
    poll_timeout=1.0,
    minimum_delay=0.0,
    reload_retry_delay=0.01,
    backoff_initial=0.01,
    backoff_max=0.05,
)


@pytest.fixture
async def hub() -> AsyncIterator[VeraLuupSimulator]:
    simulator = VeraLuupSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def connected(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> AsyncIterator[VeraSession]:
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    await session.connect()
    yield session
    await session.close()


async def eventually(predicate: Callable[[], bool], limit: float = 5.0) -> None:
    """Wait until ``predicate`` holds (the long poll delivers asynchronously)."""
    async with asyncio.timeout(limit):
        while not predicate():
            await asyncio.sleep(0.01)


def fixture_file(name: str) -> Path:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"shared fixture {name} is absent")
    return path
