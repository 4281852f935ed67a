"""A DNS server on loopback for the simulated cloud's host names, and the ways a resolver fails.

Clients resolve through it with real DNS messages over UDP (Home Assistant's c-ares resolver,
pointed at its port): it answers A queries for the names it holds with their address, other
record types of those names with no records, and unknown names with NXDOMAIN. `failure` turns
every answer into SERVFAIL ("servfail", an upstream the home's resolver cannot reach), NXDOMAIN
("nxdomain", the names gone) or nothing at all ("silent", a resolver that is down).

    async with DnsServer({"auth.mios.test": "127.0.0.1"}) as dns:
        dns.port ; dns.queries -> [(name, qtype)]   # every well-formed query, lower case
        dns.failure = "servfail" | "nxdomain" | "silent" | None
"""

from __future__ import annotations

import asyncio
import ipaddress
import struct
from types import TracebackType
from typing import Literal, Self

type Failure = Literal["servfail", "nxdomain", "silent"]

__all__ = ["DnsServer", "Failure"]

#: RFC 1035 limits a UDP message to 512 bytes without EDNS; queries are far smaller.
MAX_QUERY = 512
TYPE_A = 1
CLASS_IN = 1
RCODE = {"ok": 0, "servfail": 2, "nxdomain": 3}
#: Seconds a client may cache an answer: short, so a failure shows soon after it starts.
TTL = 5


class DnsServer(asyncio.DatagramProtocol):
    """Answer A queries for `records` (name -> IPv4 address) on 127.0.0.1."""

    def __init__(self, records: dict[str, str]) -> None:
        """Hold the records; nothing listens until `start`."""
        self.records = {
            name.lower().rstrip("."): ipaddress.IPv4Address(ip) for name, ip in records.items()
        }
        self.failure: Failure | None = None
        self.queries: list[tuple[str, int]] = []
        self.port = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        """Listen on a free UDP port of 127.0.0.1."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: self, local_addr=("127.0.0.1", 0)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    async def stop(self) -> None:
        """Stop listening."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        await self.stop()

    def datagram_received(self, data: bytes, addr: tuple[str | int, int]) -> None:
        """Answer one query (malformed or oversized ones get no answer, as from most servers)."""
        if len(data) > MAX_QUERY or self._transport is None:
            return
        parsed = _question(data)
        if parsed is None:
            return
        name, qtype, question = parsed
        self.queries.append((name, qtype))
        if self.failure == "silent":
            return
        address = self.records.get(name)
        if self.failure is not None:
            rcode, answers = RCODE[self.failure], b""
        elif address is None:
            rcode, answers = RCODE["nxdomain"], b""
        elif qtype == TYPE_A:
            # The answer names the question by a pointer to it (offset 12).
            rcode = RCODE["ok"]
            answers = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, TTL, 4) + address.packed
        else:
            rcode, answers = RCODE["ok"], b""  # the name exists, with no record of that type
        (query_id, flags) = struct.unpack_from("!HH", data)
        # QR (answer), the query's opcode and RD, RA (recursion offered), and the code.
        reply_flags = 0x8000 | (flags & 0x7900) | 0x0080 | rcode
        header = struct.pack("!HHHHHH", query_id, reply_flags, 1, 1 if answers else 0, 0, 0)
        self._transport.sendto(header + question + answers, addr)


def _question(data: bytes) -> tuple[str, int, bytes] | None:
    """The first question of a query: its name (lower case), type and its bytes as sent."""
    if len(data) < 12:
        return None
    flags, count = struct.unpack_from("!HH", data, 2)
    if flags & 0x8000 or count < 1:
        return None  # an answer, or no question
    labels: list[str] = []
    offset = 12
    while True:
        if offset >= len(data):
            return None
        length = data[offset]
        offset += 1
        if length == 0:
            break
        if length > 63 or offset + length > len(data):
            return None  # a compression pointer or a cut label: no query carries those
        labels.append(data[offset : offset + length].decode("ascii", "replace").lower())
        offset += length
    if offset + 4 > len(data):
        return None
    qtype, _qclass = struct.unpack_from("!HH", data, offset)
    return ".".join(labels), qtype, data[12 : offset + 4]
