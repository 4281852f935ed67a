"""A hub or relay cannot make the client buffer a huge WebSocket frame (issue 13, item 9)."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.hubrelay.protocols.ezlo import (
    EzloConnectionError,
    EzloMessageTooLargeError,
    EzloTimeoutError,
    RelayTransport,
)
from custom_components.hubrelay.protocols.ezlo.rpc import _read_error
from custom_components.hubrelay.protocols.ezlo.transports import (
    MAX_MESSAGE_SIZE,
    RelayCredentials,
)
from tests.simulators.hostile_peer import HugeFrameServer
from tests.simulators.tls_authority import TestAuthority

from .conftest import IDENTITY, SIGNATURE


async def test_a_frame_above_the_limit_closes_the_socket(http: aiohttp.ClientSession) -> None:
    authority = TestAuthority()
    async with HugeFrameServer(
        MAX_MESSAGE_SIZE + 1, ssl_context=authority.server_context("127.0.0.1")
    ) as server:

        async def credentials(refresh: bool) -> RelayCredentials:
            return RelayCredentials(server.ws_url, IDENTITY, SIGNATURE)

        transport = RelayTransport("90000123", credentials, ssl_context=authority.client_context())
        with pytest.raises(EzloMessageTooLargeError, match="above the limit"):
            await transport.open(http, connect_timeout=5.0, request_timeout=30.0)


async def test_binary_frames_are_ignored(http: aiohttp.ClientSession) -> None:
    authority = TestAuthority()
    async with HugeFrameServer(
        16, binary=True, ssl_context=authority.server_context("127.0.0.1")
    ) as server:

        async def credentials(refresh: bool) -> RelayCredentials:
            return RelayCredentials(server.ws_url, IDENTITY, SIGNATURE)

        transport = RelayTransport("90000123", credentials, ssl_context=authority.client_context())
        with pytest.raises(EzloTimeoutError):  # no JSON answer ever came
            await transport.open(http, connect_timeout=5.0, request_timeout=0.3)


def test_other_read_errors_are_connection_errors() -> None:
    error = _read_error(aiohttp.WebSocketError(aiohttp.WSCloseCode.INVALID_TEXT, "bad UTF-8"))
    assert type(error) is EzloConnectionError
