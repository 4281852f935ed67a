"""A silent black hole (no data, no FIN) ends with the long poll's own time limit.

The poll in flight (and its connection) never gets an answer; the session asks again on a new
connection after ``poll_timeout + request_timeout`` and sees what changed meanwhile.
"""

from __future__ import annotations

from dataclasses import replace

import aiohttp

from custom_components.hubrelay.protocols.vera import VeraSession
from tests.simulators.vera_luup import VeraLuupSimulator

from .conftest import FAST, Cloud, eventually

QUICK = replace(FAST, poll_timeout=0.5, request_timeout=0.5)


async def test_local_black_hole_ends_with_the_poll_limit(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> None:
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=QUICK)
    await session.connect()
    try:
        hub.black_hole()
        hub.set_device(10, status="1")
        await eventually(lambda: getattr(session.devices[10], "is_on", None) is True)
    finally:
        await session.close()


async def test_relay_black_hole_ends_with_the_poll_limit(remote: Cloud) -> None:
    session = VeraSession.remote(remote.http, remote.mms(), remote.hub.house.serial, timings=QUICK)
    await session.connect()
    try:
        remote.relay.black_hole()
        remote.hub.set_device(10, status="1")
        await eventually(lambda: getattr(session.devices[10], "is_on", None) is True)
    finally:
        await session.close()
