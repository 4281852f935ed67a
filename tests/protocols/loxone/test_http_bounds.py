"""HTTP answers cannot make the client swallow memory or stall the loop (issue 13, items 7-8)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.bounded import MIB
from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneProtocolError,
    LoxoneResponseTooLargeError,
    resolve_cloud_dns,
)
from custom_components.hubrelay.protocols.loxone.cloud_dns import MAX_ANSWER_BYTES as DNS_LIMIT
from custom_components.hubrelay.protocols.loxone.crypto import load_public_key
from custom_components.hubrelay.protocols.loxone.http_api import (
    MAX_ANSWER_BYTES,
    fetch_api_info,
    fetch_public_key,
)
from tests.simulators.hostile_peer import FloodPeer, Reply

from .conftest import ClientFactory

KEY_PATH = "/jdev/sys/getPublicKey"
HOSTILE_PEM = b'{"LL": {"control": "x", "Code": "200", "value": "' + b"-----BEGIN A-----"


@pytest.fixture
async def peer() -> AsyncIterator[FloodPeer]:
    async with FloodPeer() as flood:
        yield flood


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_public_key_answer_above_the_limit_is_refused(
    http: aiohttp.ClientSession, peer: FloodPeer, chunked: bool
) -> None:
    peer.replies[KEY_PATH] = Reply(
        size=MAX_ANSWER_BYTES, prefix=HOSTILE_PEM, fill=b"-----BEGIN A-----", chunked=chunked
    )
    with pytest.raises(LoxoneResponseTooLargeError, match="getPublicKey"):
        await fetch_public_key(http, Endpoint(URL(peer.url)), 3.0)
    assert peer.requests == [KEY_PATH]  # refused, not handed to getcertificate either


async def test_a_streamed_flood_is_cut_off_early(
    http: aiohttp.ClientSession, peer: FloodPeer
) -> None:
    peer.default = Reply(size=64 * MIB, chunked=True)
    with pytest.raises(LoxoneResponseTooLargeError, match="more bytes"):
        await fetch_api_info(http, Endpoint(URL(peer.url)), 3.0)
    assert peer.sent < 64 * MIB


async def test_connect_fails_cleanly_on_a_flood(
    peer: FloodPeer, make_client: ClientFactory
) -> None:
    peer.default = Reply(size=MAX_ANSWER_BYTES + 1)
    client = await make_client(connect=False, endpoint=Endpoint(URL(peer.url)))
    with pytest.raises(LoxoneResponseTooLargeError, match="announced"):
        await client.connect()
    assert client.last_error is not None


async def test_a_cloud_dns_answer_above_the_limit_is_refused(
    http: aiohttp.ClientSession, peer: FloodPeer
) -> None:
    peer.default = Reply(size=DNS_LIMIT + 1, chunked=True)
    with pytest.raises(LoxoneResponseTooLargeError, match="CloudDNS"):
        await resolve_cloud_dns(http, "504F94A0B1C2", base_url=peer.url)


def test_an_unclosed_pem_block_is_a_protocol_error() -> None:
    with pytest.raises(LoxoneProtocolError, match="not closed"):
        load_public_key("-----BEGIN A-----" * 2000)
