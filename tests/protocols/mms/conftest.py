"""Fixtures: the MMS cloud simulator with one account (an Ezlo hub and a Vera unit) and a client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.hubrelay.protocols.mms import MmsClient
from tests.simulators.mms_cloud import MmsCloudSimulator

USERNAME = "Alice.Home@Example.com"
PASSWORD = "s3cret Pass!"
EZLO_SERIAL = "90000123"
VERA_SERIAL = "50000456"
EZLO_RELAY = "ws://127.0.0.1:9/relay"
VERA_RELAY = "127.0.0.1:9"

type ClientFactory = Callable[..., MmsClient]


@pytest.fixture
async def cloud() -> AsyncIterator[MmsCloudSimulator]:
    async with MmsCloudSimulator() as simulator:
        simulator.add_account(USERNAME, PASSWORD)
        simulator.add_hub(
            USERNAME,
            EZLO_SERIAL,
            relay_url=EZLO_RELAY,
            kind="ezlo",
            name="Ezlo Plus",
            local_ip="192.168.1.20",
        )
        simulator.add_hub(USERNAME, VERA_SERIAL, relay_url=VERA_RELAY, kind="vera", name="Vera")
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_client(cloud: MmsCloudSimulator, http: aiohttp.ClientSession) -> ClientFactory:
    def factory(
        username: str = USERNAME, password: str | None = PASSWORD, **kwargs: Any
    ) -> MmsClient:
        options = {**cloud.client_kwargs(), "request_timeout": 2.0, **kwargs}
        return MmsClient(http, username, password, **options)

    return factory
