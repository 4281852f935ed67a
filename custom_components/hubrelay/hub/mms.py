"""The MMS cloud account that Ezlo and Vera entries sign in with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..protocols.mms import MmsClient, StoredIdentity

#: Where the MMS cloud lives (tests and the demo point it at the simulator).
MMS_OPTIONS: dict[str, Any] = {}


def mms_client(
    hass: HomeAssistant,
    username: str,
    password: str | None,
    *,
    identity: Mapping[str, Any] | None = None,
    on_identity: Callable[[StoredIdentity], None] | None = None,
) -> MmsClient:
    """Build the MMS client for an account (the password may be absent in local mode)."""
    return MmsClient(
        async_get_clientsession(hass),
        username,
        password,
        identity=StoredIdentity.from_dict(identity) if identity else None,
        on_identity=on_identity,
        **MMS_OPTIONS,
    )
