"""Fixtures: a Vera luup simulator on loopback (alone or behind the simulated MMS cloud and
relay), an aiohttp session, fast session timings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from custom_components.hubrelay.protocols.mms import MmsClient
from custom_components.hubrelay.protocols.vera import VeraSession, VeraTimings
from tests.simulators.mms_cloud import MmsCloudSimulator
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_relay import VeraRelaySimulator

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


USER, PASSWORD = "vera-owner", "pw-Secret-42"


@dataclass
class Cloud:
    """The simulated MMS cloud and the relay in front of ``hub``, for remote sessions."""

    cloud: MmsCloudSimulator
    hub: VeraLuupSimulator
    relay: VeraRelaySimulator
    http: aiohttp.ClientSession

    def mms(self, password: str = PASSWORD) -> MmsClient:
        return MmsClient(self.http, USER, password, **self.cloud.client_kwargs())

    def session(self, password: str = PASSWORD) -> VeraSession:
        return VeraSession.remote(
            self.http, self.mms(password), self.hub.house.serial, timings=FAST
        )


@pytest.fixture
async def remote(hub: VeraLuupSimulator, http: aiohttp.ClientSession) -> AsyncIterator[Cloud]:
    async with MmsCloudSimulator() as cloud:
        cloud.add_account(USER, PASSWORD)
        async with VeraRelaySimulator(hub, identity_check=cloud.validate_identity) as relay:
            cloud.add_hub(
                USER, hub.house.serial, relay_url=relay.host, kind="vera", name="VeraPlus"
            )
            yield Cloud(cloud, hub, relay, http)


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
