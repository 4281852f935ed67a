"""The unauthenticated HTTP calls made before the WebSocket opens.

`jdev/cfg/apiKey` and `jdev/cfg/api` tell the serial, the firmware version and whether an event
slot is free; `jdev/sys/getPublicKey` (or `jdev/sys/getcertificate` on newer firmware) gives the
RSA key for the session key exchange.
"""

from __future__ import annotations

import logging

import aiohttp
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from ..bounded import KIB, BodyTooLargeError, read_limited
from .crypto import load_public_key
from .endpoint import Endpoint
from .errors import (
    LoxoneCommandError,
    LoxoneConnectionError,
    LoxoneOutOfServiceError,
    LoxoneProtocolError,
    LoxoneResponseTooLargeError,
    LoxoneTimeoutError,
)
from .messages import ApiInfo, LLResponse, parse_ll

_LOGGER = logging.getLogger(__name__)

HTTP_UNAVAILABLE = 503
MAX_ANSWER_BYTES = 32 * KIB
"""API info and public keys are well under 10 KiB; a bigger answer is refused, not parsed."""


async def get_ll(
    session: aiohttp.ClientSession, endpoint: Endpoint, path: str, http_timeout: float
) -> LLResponse:
    """GET an HTTP command and return its `LL` answer; failures become typed errors."""
    try:
        async with session.get(
            endpoint.http_url(path),
            ssl=endpoint.ssl,
            server_hostname=endpoint.server_hostname,
            timeout=aiohttp.ClientTimeout(total=http_timeout),
        ) as response:
            if response.status == HTTP_UNAVAILABLE:
                raise LoxoneOutOfServiceError("the Miniserver is not in service (HTTP 503)")
            if response.status != 200:
                raise LoxoneConnectionError(f"HTTP {response.status} for {path.split('/')[-1]}")
            body = await read_limited(response, MAX_ANSWER_BYTES)
    except BodyTooLargeError as err:
        raise LoxoneResponseTooLargeError(f"{path.split('/')[-1]}: {err}") from err
    except TimeoutError as err:
        raise LoxoneTimeoutError(f"no HTTP answer within {http_timeout} s") from err
    except aiohttp.ClientSSLError as err:
        raise LoxoneConnectionError(f"TLS failed: {err.__class__.__name__}") from err
    except aiohttp.ClientError as err:
        raise LoxoneConnectionError(f"cannot reach the Miniserver: {err}") from err
    answer = parse_ll(body.decode("utf-8", errors="replace"))
    if not answer.ok:
        raise LoxoneCommandError(f"{path} answered {answer.code}", code=answer.code)
    return answer


async def fetch_api_info(
    session: aiohttp.ClientSession, endpoint: Endpoint, http_timeout: float
) -> ApiInfo:
    """Ask `jdev/cfg/apiKey` and `jdev/cfg/api`; `hasEventSlots` is only in the latter."""
    with_key = ApiInfo.from_value(
        (await get_ll(session, endpoint, "jdev/cfg/apiKey", http_timeout)).value
    )
    plain = ApiInfo.from_value(
        (await get_ll(session, endpoint, "jdev/cfg/api", http_timeout)).value
    )
    return plain.merged(with_key)


async def fetch_public_key(
    session: aiohttp.ClientSession, endpoint: Endpoint, http_timeout: float
) -> RSAPublicKey:
    """Get the RSA key from getPublicKey, falling back to getcertificate."""
    try:
        answer = await get_ll(session, endpoint, "jdev/sys/getPublicKey", http_timeout)
        return load_public_key(str(answer.value))
    except (LoxoneCommandError, LoxoneProtocolError) as err:
        _LOGGER.debug("getPublicKey unusable (%s); trying getcertificate", err)
    answer = await get_ll(session, endpoint, "jdev/sys/getcertificate", http_timeout)
    return load_public_key(str(answer.value))
