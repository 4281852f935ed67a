"""The one-shot sign-in a config flow uses: token and identity, and no session left open."""

from __future__ import annotations

import aiohttp
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    TokenPermission,
    new_client_uuid,
    sign_in,
)
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import FAST, wait_until


async def test_sign_in_returns_token_and_identity(
    ms: MiniserverSimulator, http: aiohttp.ClientSession
) -> None:
    client_uuid = new_client_uuid()
    identity = await sign_in(
        http,
        Endpoint(URL(ms.base_url)),
        username="admin",
        password="admin",
        client_uuid=client_uuid,
        client_info="Home Assistant",
        timings=FAST,
    )
    assert identity.serial == ms.serial
    assert identity.name == ms.structure["msInfo"]["msName"]
    assert identity.firmware == ms.firmware
    assert identity.structure.ms_info.serial == ms.serial
    (issued,) = ms.tokens.issued
    assert identity.token.token == issued.token
    assert (issued.client_uuid, issued.info, issued.permission) == (
        client_uuid,
        "Home Assistant",
        TokenPermission.APP,
    )
    await wait_until(lambda: ms.sessions == 0)


async def test_sign_in_failures(ms: MiniserverSimulator, http: aiohttp.ClientSession) -> None:
    ms.block_after_failures = 1
    endpoint = Endpoint(URL(ms.base_url))
    with pytest.raises(LoxoneAuthenticationError):
        await sign_in(http, endpoint, username="admin", password="x", client_uuid="c", timings=FAST)
    with pytest.raises(LoxoneBlockedError):
        await sign_in(
            http, endpoint, username="admin", password="admin", client_uuid="c", timings=FAST
        )
    await wait_until(lambda: ms.sessions == 0)
