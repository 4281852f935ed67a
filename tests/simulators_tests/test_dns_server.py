"""The loopback DNS server answers c-ares (Home Assistant's resolver) and fails as asked."""

from __future__ import annotations

import asyncio
import socket
import struct

import aiohttp
import pytest

from tests.simulators.dns_server import DnsServer, Failure

NAME = "auth.mios.test"


def _resolver(dns: DnsServer) -> aiohttp.AsyncResolver:
    """A resolver of its own per lookup: c-ares caches answers for their TTL."""
    return aiohttp.AsyncResolver(
        nameservers=["127.0.0.1"], udp_port=dns.port, tcp_port=dns.port, timeout=0.3, tries=1
    )


async def _resolve(dns: DnsServer, name: str = NAME) -> list[str]:
    resolver = _resolver(dns)
    try:
        return [answer["host"] for answer in await resolver.resolve(name, 443)]
    finally:
        await resolver.close()


async def test_known_names_resolve_and_others_do_not() -> None:
    async with DnsServer({"Auth.Mios.Test.": "127.0.0.2"}) as dns:
        assert await _resolve(dns) == ["127.0.0.2"]
        with pytest.raises(OSError, match="not found"):
            await _resolve(dns, "account.mios.test")
        assert (NAME, 1) in dns.queries
        assert ("account.mios.test", 1) in dns.queries


@pytest.mark.parametrize(
    ("failure", "message"),
    [("servfail", "general failure"), ("nxdomain", "not found"), ("silent", "[Tt]imeout")],
)
async def test_every_failure_is_an_os_error(failure: Failure, message: str) -> None:
    async with DnsServer({NAME: "127.0.0.1"}) as dns:
        dns.failure = failure
        with pytest.raises(OSError, match=message):
            await _resolve(dns)
        assert dns.queries
        dns.failure = None
        assert await _resolve(dns) == ["127.0.0.1"]


async def test_malformed_queries_get_no_answer() -> None:
    async with DnsServer({NAME: "127.0.0.1"}) as dns:
        question = b"".join(bytes([len(p)]) + p.encode() for p in NAME.split(".")) + b"\0"
        good = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", 1, 1)
        malformed = [
            b"\x00\x01",  # shorter than a header
            struct.pack("!HHHHHH", 7, 0x8100, 1, 0, 0, 0) + question,  # an answer
            struct.pack("!HHHHHH", 7, 0x0100, 0, 0, 0, 0),  # no question
            good[:15],  # a cut label
            struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c",  # a pointer
            good[:-3],  # no type and class
            good[:12] + b"\x04auth",  # no end of the name
            good + b"\0" * 600,  # larger than a query can be
        ]
        loop = asyncio.get_running_loop()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.connect(("127.0.0.1", dns.port))
            for datagram in malformed:
                await loop.sock_sendall(sock, datagram)
            await loop.sock_sendall(sock, good)
            reply = await asyncio.wait_for(loop.sock_recv(sock, 512), 2.0)
        query_id, flags, _questions, answers = struct.unpack_from("!HHHH", reply)
        assert (query_id, flags & 0x800F, answers) == (7, 0x8000, 1)
        assert reply.endswith(bytes([127, 0, 0, 1]))
        assert dns.queries == [(NAME, 1)]
