"""The WebSocket layer on its own: why a socket closed, refused upgrades, late answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneBlockedError,
    LoxoneConnectionError,
    LoxoneNoEventSlotsError,
    LoxoneOutOfServiceError,
    LoxoneTimeoutError,
)
from custom_components.hubrelay.protocols.loxone.connection import (
    MiniserverConnection,
    closed_error,
)
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import FAST, ClientFactory, wait_until


@pytest.mark.parametrize(
    ("code", "out_of_service", "kind"),
    [
        (4003, False, LoxoneBlockedError),
        (4006, False, LoxoneConnectionError),
        (4007, False, LoxoneOutOfServiceError),
        (4008, False, LoxoneNoEventSlotsError),
        (1001, True, LoxoneOutOfServiceError),
        (1000, False, LoxoneConnectionError),
        (None, False, LoxoneConnectionError),
    ],
)
def test_close_codes_become_typed_reasons(
    code: int | None, out_of_service: bool, kind: type[Exception]
) -> None:
    reason = closed_error(code, out_of_service)
    assert type(reason) is kind
    if isinstance(reason, LoxoneConnectionError):
        assert reason.close_code == code


@pytest.fixture
async def refusing() -> AsyncIterator[tuple[list[int], Endpoint]]:
    """An HTTP server whose WebSocket path answers with a plain status instead of upgrading."""
    status = [404]

    async def handle(request: web.Request) -> web.Response:
        return web.Response(status=status[0], text="no websocket here")

    app = web.Application()
    app.router.add_get("/ws/rfc6455", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield status, Endpoint(URL(f"http://127.0.0.1:{runner.addresses[0][1]}"))
    await runner.cleanup()


async def test_refused_websocket_upgrade(
    refusing: tuple[list[int], Endpoint], http: aiohttp.ClientSession
) -> None:
    status, endpoint = refusing

    def ignore(kind: object, payload: bytes) -> None:
        raise AssertionError("no tables expected")

    with pytest.raises(LoxoneConnectionError, match="HTTP 404"):
        await MiniserverConnection.open(http, endpoint, on_table=ignore, timings=FAST)
    status[0] = 503
    with pytest.raises(LoxoneOutOfServiceError):
        await MiniserverConnection.open(http, endpoint, on_table=ignore, timings=FAST)
    with pytest.raises(LoxoneConnectionError, match="cannot open"):
        await MiniserverConnection.open(
            http, Endpoint(URL("http://127.0.0.1:9")), on_table=ignore, timings=FAST
        )


async def test_late_answer_arriving_between_commands_is_ignored(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client(timings=replace(FAST, command_timeout=0.1, keepalive_interval=60))
    switch = next(c for c in ms.structure["controls"].values() if c["type"] == "Switch")
    ms.response_delay = 0.2
    with pytest.raises(LoxoneTimeoutError):
        await client.send_command(switch["uuidAction"], "on")
    await wait_until(lambda: ms.commands[-1:] == [(switch["uuidAction"], "on")])
    ms.response_delay = 0.0
    # the keepalive answer comes after the late "on" answer, so that one has arrived unasked
    await client._live_connection().keepalive()
    answer = await client.send_command(switch["uuidAction"], "off")
    assert answer.value == "0"
    assert ms.commands[-1] == (switch["uuidAction"], "off")
    assert client.connected
