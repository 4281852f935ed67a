"""One-shot sign-in for a config flow: credentials in, token and identity out, nothing left open."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from .client import MiniserverClient
from .endpoint import Endpoint
from .errors import LoxoneProtocolError
from .messages import ApiInfo
from .structure import LoxoneStructure
from .timings import Timings
from .tokens import Token, TokenPermission


@dataclass(frozen=True, slots=True)
class MiniserverIdentity:
    """What a config flow needs to create an entry: who the Miniserver is, and a token.

    Pin `serial` and `public_key` (the SHA-256 fingerprint of its RSA key) with the entry and give
    them back to every `MiniserverClient` as `expected_serial` / `expected_public_key`.
    """

    serial: str
    public_key: str
    name: str
    firmware: str
    token: Token
    structure: LoxoneStructure
    api_info: ApiInfo


async def sign_in(
    session: aiohttp.ClientSession,
    endpoint: Endpoint,
    *,
    username: str,
    password: str,
    client_uuid: str,
    client_info: str = "HubRelay",
    permission: TokenPermission = TokenPermission.APP,
    timings: Timings | None = None,
    expected_serial: str | None = None,
    expected_public_key: str | None = None,
) -> MiniserverIdentity:
    """Connect with user and password, obtain a token and the serial, and disconnect.

    Raises the client's typed errors (authentication, blocked, connection). The password is not
    kept: later sessions use the returned token. A sign-in for an existing entry (re-auth, a new
    address) passes the entry's pins: another Miniserver then gets `LoxoneIdentityError` and no
    password.
    """
    client = MiniserverClient(
        session,
        endpoint,
        username=username,
        password=password,
        client_uuid=client_uuid,
        client_info=client_info,
        permission=permission,
        status_updates=False,
        timings=timings,
        expected_serial=expected_serial,
        expected_public_key=expected_public_key,
    )
    try:
        await client.connect()
        api_info, structure, token = client.api_info, client.structure, client.token
        public_key = client.public_key
        if (  # connect() sets all of them
            api_info is None or structure is None or token is None or public_key is None
        ):
            raise LoxoneProtocolError("the session ended before it was complete")
        return MiniserverIdentity(
            serial=api_info.serial,
            public_key=public_key,
            name=structure.ms_info.name,
            firmware=api_info.version,
            token=token,
            structure=structure,
            api_info=api_info,
        )
    finally:
        await client.close()
