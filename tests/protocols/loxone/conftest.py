"""Fixtures: the simulated Miniserver on loopback, fast timings, and clients that always close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import json
from pathlib import Path
import random
from typing import Any

import aiohttp
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    MiniserverClient,
    Timings,
    new_client_uuid,
)
from tests.simulators.miniserver import MiniserverSimulator

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "loxone"

FAST = Timings(
    http_timeout=3.0,
    command_timeout=3.0,
    file_timeout=5.0,
    keepalive_interval=0.05,
    keepalive_timeout=2.0,
    reconnect_min=0.01,
    reconnect_max=0.05,
    reconnect_jitter=0.1,
    long_backoff=0.3,
    out_of_service_delay=0.1,
    token_refresh_min=0.2,
)


def fixture_json(name: str) -> Any:
    """Load a real third-party fixture, skipping the test when ../shared is absent."""
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"fixture {name} not available")
    return json.loads(path.read_text("utf-8"))


async def wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll `predicate` until it holds; fail after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


@pytest.fixture
async def ms() -> AsyncIterator[MiniserverSimulator]:
    async with MiniserverSimulator() as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


type ClientFactory = Callable[..., Awaitable[MiniserverClient]]


@pytest.fixture
async def make_client(
    http: aiohttp.ClientSession, ms: MiniserverSimulator
) -> AsyncIterator[ClientFactory]:
    """Build clients for the simulator (connected unless connect=False); all closed at the end."""
    clients: list[MiniserverClient] = []

    async def factory(*, connect: bool = True, **options: Any) -> MiniserverClient:
        settings: dict[str, Any] = {
            "username": "admin",
            "password": "admin",
            "client_uuid": new_client_uuid(),
            "timings": FAST,
            "rng": random.Random(7),
        }
        settings.update(options)
        endpoint = settings.pop("endpoint", Endpoint(URL(ms.base_url)))
        client = MiniserverClient(http, endpoint, **settings)
        clients.append(client)
        if connect:
            await client.connect()
        return client

    yield factory
    for client in clients:
        await client.close()
