"""The HTTP preflight: api/apiKey, public key (getPublicKey or getcertificate), HTTP failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneConnectionError,
    LoxoneOutOfServiceError,
    LoxoneProtocolError,
    LoxoneTimeoutError,
)
from custom_components.hubrelay.protocols.loxone.http_api import (
    fetch_api_info,
    fetch_public_key,
    get_ll,
)
from tests.simulators.miniserver import MiniserverSimulator


def ll(control: str, value: object, code: int = 200) -> str:
    return json.dumps({"LL": {"control": control, "value": value, "Code": str(code)}})


class NewFirmware:
    """A Miniserver whose getPublicKey is gone and whose getcertificate gives the key."""

    def __init__(self, certificate: str) -> None:
        self.certificate = certificate
        self.status = 200
        self.delay = 0.0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="nope")
        path = request.path.lstrip("/")
        if path == "jdev/sys/getcertificate":
            return web.Response(text=ll("dev/sys/getcertificate", self.certificate))
        if path == "jdev/sys/getPublicKey":
            return web.Response(text=ll("dev/sys/getPublicKey", "", 404))
        if path == "jdev/cfg/garbage":
            return web.Response(text="<html/>")
        return web.Response(text=ll(path, "", 404))


@pytest.fixture
async def new_firmware(ms: MiniserverSimulator) -> AsyncIterator[tuple[NewFirmware, Endpoint]]:
    server = NewFirmware(ms.certificate())
    app = web.Application()
    app.router.add_get("/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield server, Endpoint(URL(f"http://127.0.0.1:{runner.addresses[0][1]}"))
    await runner.cleanup()


async def test_public_key_from_getcertificate_when_getpublickey_fails(
    ms: MiniserverSimulator, new_firmware: tuple[NewFirmware, Endpoint], http: aiohttp.ClientSession
) -> None:
    _, endpoint = new_firmware
    from_certificate = await fetch_public_key(http, endpoint, 2.0)
    from_simulator = await fetch_public_key(http, Endpoint(URL(ms.base_url)), 2.0)
    assert from_certificate.public_numbers() == from_simulator.public_numbers()


async def test_api_info_from_the_simulator(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    info = await fetch_api_info(http, Endpoint(URL(ms.base_url)), 2.0)
    assert info.serial == ms.serial
    assert info.version == ms.firmware
    assert info.has_event_slots is True
    assert info.local is True


async def test_http_failures_are_typed(
    new_firmware: tuple[NewFirmware, Endpoint], http: aiohttp.ClientSession
) -> None:
    server, endpoint = new_firmware
    with pytest.raises(LoxoneProtocolError):
        await get_ll(http, endpoint, "jdev/cfg/garbage", 2.0)
    server.status = 503
    with pytest.raises(LoxoneOutOfServiceError):
        await get_ll(http, endpoint, "jdev/cfg/api", 2.0)
    server.status = 401
    with pytest.raises(LoxoneConnectionError, match="HTTP 401"):
        await get_ll(http, endpoint, "jdev/cfg/api", 2.0)
    server.status = 200
    server.delay = 0.5
    with pytest.raises(LoxoneTimeoutError):
        await get_ll(http, endpoint, "jdev/cfg/api", 0.1)


async def test_nothing_listening(http: aiohttp.ClientSession) -> None:
    with pytest.raises(LoxoneConnectionError, match="cannot reach"):
        await get_ll(http, Endpoint(URL("http://127.0.0.1:9")), "jdev/cfg/api", 2.0)
