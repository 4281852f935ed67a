"""How a ``data_request`` reaches the luup engine: straight over the LAN, or through the MMS relay.

A transport sends one query and returns the body text, turning every network failure into the
library's own errors so the client above never sees aiohttp exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import aiohttp
from yarl import URL

from ..bounded import KIB, MIB, BodyTooLargeError, read_limited
from .errors import (
    VeraConnectionError,
    VeraResponseTooLargeError,
    VeraTimeoutError,
)

MAX_DATA_BYTES = 32 * MIB
"""sdata, lu_sdata, status and user_data of a large installation stay well below this."""
MAX_ACTION_BYTES = 64 * KIB
"""An lu_action answer is a few hundred bytes."""


class Transport(Protocol):
    """Sends one ``data_request`` query; ``label`` names the path in logs (never a secret)."""

    @property
    def label(self) -> str:
        """A short, secret-free description such as ``local http://10.0.0.5:3480``."""
        ...

    async def get(
        self, params: Mapping[str, str], time_limit: float, limit: int = MAX_DATA_BYTES
    ) -> str:
        """Send the query and return the body text (at most ``limit`` bytes, else refused)."""
        ...


def raise_for_status(status: int, label: str) -> None:
    """Map an HTTP error status of the hub or relay to our errors.

    Never an auth error: the luup engine takes no credentials, and the relay's refusals have
    already been retried with a new session by the time they get here.
    """
    if status >= 400:
        raise VeraConnectionError(f"{label} answered HTTP {status}")


async def fetch_text(
    http: aiohttp.ClientSession,
    url: URL,
    params: Mapping[str, str],
    time_limit: float,
    label: str,
    limit: int,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, str]:
    """GET ``url`` and return status and body; network failures and floods become our errors."""
    try:
        async with http.get(
            url,
            params=params,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=time_limit),
            allow_redirects=False,
        ) as response:
            body = await read_limited(response, limit)
            return response.status, body.decode("utf-8", errors="replace")
    except BodyTooLargeError as err:
        raise VeraResponseTooLargeError(f"{label}: {err}") from err
    except TimeoutError as err:
        raise VeraTimeoutError(f"{label} did not answer within {time_limit:g} s") from err
    except aiohttp.ClientError as err:
        raise VeraConnectionError(f"cannot reach {label}: {type(err).__name__}") from err


class LocalTransport:
    """Talks to the hub's own ``data_request`` endpoint on the LAN."""

    def __init__(self, http: aiohttp.ClientSession, url: URL) -> None:
        """Use ``url`` (a full ``.../data_request`` URL) through the caller's session."""
        self._http = http
        self.url = url

    @property
    def label(self) -> str:
        """Name the endpoint; local URLs carry no secret."""
        return f"local {self.url}"

    async def get(
        self, params: Mapping[str, str], time_limit: float, limit: int = MAX_DATA_BYTES
    ) -> str:
        """Send the query and return the body."""
        status, body = await fetch_text(self._http, self.url, params, time_limit, self.label, limit)
        raise_for_status(status, self.label)
        return body
