"""Fixtures: the simulated hub and relay on loopback, and sessions that are always closed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    Backoff,
    EzloHubSession,
    HubInfo,
    LocalHubTransport,
    LocalKey,
    RelayCredentials,
    Transport,
)
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator, client_context

USER = "5f3b0a1c-user-uuid"
TOKEN = "local-token-1"
IDENTITY = "aWRlbnRpdHktMQ=="
SIGNATURE = "c2lnbmF0dXJlLTE="

FAST: dict[str, Any] = {
    "request_timeout": 1.0,
    "connect_timeout": 2.0,
    "keepalive_interval": 5.0,
    "backoff": Backoff(initial=0.01, maximum=0.05, jitter=0.5),
}


@dataclass
class KeyStore:
    """Stands in for the cloud key exchange: a cached key and a fresh one fetched on refresh."""

    cached: LocalKey
    fresh: LocalKey
    calls: list[tuple[str, bool]] = field(default_factory=list)

    async def __call__(self, info: HubInfo, refresh: bool) -> LocalKey:
        self.calls.append((info.serial, refresh))
        return self.fresh if refresh else self.cached


@dataclass
class IdentityStore:
    """Stands in for MMS: an identity pair, renewed on refresh; the relay accepts ``valid`` ones."""

    url: str
    valid: set[tuple[str, str]]
    current: tuple[str, str] = (IDENTITY, SIGNATURE)
    renewed: tuple[str, str] = (IDENTITY, SIGNATURE)
    calls: list[bool] = field(default_factory=list)

    async def __call__(self, refresh: bool) -> RelayCredentials:
        self.calls.append(refresh)
        if refresh:
            self.current = self.renewed
        return RelayCredentials(self.url, *self.current)

    def check(self, identity: str, signature: str) -> bool:
        return (identity, signature) in self.valid


@pytest.fixture
async def hub() -> AsyncIterator[EzloHubSimulator]:
    async with EzloHubSimulator(local_keys={USER: TOKEN}) as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def keys() -> KeyStore:
    return KeyStore(cached=LocalKey(USER, TOKEN), fresh=LocalKey(USER, TOKEN))


@pytest.fixture
async def relay(hub: EzloHubSimulator) -> AsyncIterator[tuple[NmaRelaySimulator, IdentityStore]]:
    store = IdentityStore(url="", valid={(IDENTITY, SIGNATURE)})
    async with NmaRelaySimulator(hub, identity_check=store.check) as simulator:
        store.url = simulator.url
        yield simulator, store


@pytest.fixture
def relay_tls(relay: tuple[NmaRelaySimulator, IdentityStore]) -> Any:
    return client_context(relay[0].cert_pem)


type SessionFactory = Callable[..., Awaitable[EzloHubSession]]


@pytest.fixture
async def make_session(http: aiohttp.ClientSession) -> AsyncIterator[SessionFactory]:
    sessions: list[EzloHubSession] = []

    async def factory(
        transport: Transport, *, connect: bool = True, **options: Any
    ) -> EzloHubSession:
        session = EzloHubSession(http, transport, **{**FAST, **options})
        sessions.append(session)
        if connect:
            await session.connect()
        return session

    yield factory
    for session in sessions:
        await session.close()


@pytest.fixture
async def local(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> EzloHubSession:
    return await make_session(LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys))
