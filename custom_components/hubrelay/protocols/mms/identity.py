"""The MMS identity: a base64 JSON ticket plus its signature, valid for about 24 hours.

The ``autha`` login answers ``Identity`` (base64 of a JSON object with ``PK_Account``, ``PK_User``,
``Expires``, ``Generated``, ``Username``, ...), ``IdentitySignature`` and the account servers
(``Server_Account`` and ``Server_Account_Alt``). Every other MMS call presents the pair as the
``MMSAuth`` / ``MMSAuthSig`` headers, directly or to obtain a per-server session token.

`StoredIdentity` is the part the Home Assistant layer may persist so that a restart within the
identity's lifetime needs no new login. A new identity after ``Expires`` needs the password again:
the MMS protocol has no refresh call.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import time
from typing import Any

from .errors import MmsProtocolError
from .fields import header_token, optional_str, required_int, required_str

HEADER_AUTH = "MMSAuth"
HEADER_AUTH_SIGNATURE = "MMSAuthSig"


def decode_identity(token: str) -> dict[str, Any]:
    """Decode the base64 JSON inside an ``Identity`` (the token itself is never echoed)."""
    try:
        decoded = json.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError, RecursionError) as err:
        raise MmsProtocolError("the MMS identity is not base64 JSON") from err
    if not isinstance(decoded, dict):
        raise MmsProtocolError("the MMS identity is not a JSON object")
    return decoded


@dataclass(frozen=True, slots=True)
class StoredIdentity:
    """The persistable identity: enough to call MMS again until ``Expires`` without a password."""

    identity: str = field(repr=False)
    signature: str = field(repr=False)
    server_account: str
    server_account_alt: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready mapping (for a config entry's data)."""
        return {
            "identity": self.identity,
            "signature": self.signature,
            "server_account": self.server_account,
            "server_account_alt": self.server_account_alt,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredIdentity:
        """Rebuild from `as_dict` output; a malformed mapping raises `MmsProtocolError`."""
        return cls(
            identity=required_str(data, "identity"),
            signature=required_str(data, "signature"),
            server_account=required_str(data, "server_account"),
            server_account_alt=optional_str(data, "server_account_alt"),
        )


@dataclass(frozen=True, slots=True)
class Identity:
    """A decoded MMS identity with the servers the login named for this account."""

    token: str = field(repr=False)
    signature: str = field(repr=False)
    username: str
    pk_account: int
    pk_user: int
    generated: int
    expires: int
    server_account: str
    server_account_alt: str | None
    server_auth: str | None

    @classmethod
    def from_stored(cls, stored: StoredIdentity) -> Identity:
        """Decode a persisted identity."""
        data = decode_identity(stored.identity)
        return cls(
            token=stored.identity,
            signature=header_token(stored.signature, "identity signature"),
            username=optional_str(data, "Username") or "",
            pk_account=required_int(data, "PK_Account"),
            pk_user=required_int(data, "PK_User"),
            generated=required_int(data, "Generated"),
            expires=required_int(data, "Expires"),
            server_account=stored.server_account,
            server_account_alt=stored.server_account_alt,
            server_auth=optional_str(data, "Server_Auth"),
        )

    @classmethod
    def from_login(cls, answer: Mapping[str, Any]) -> Identity:
        """Build from the JSON answer of the ``autha`` login."""
        return cls.from_stored(
            StoredIdentity(
                identity=required_str(answer, "Identity"),
                signature=required_str(answer, "IdentitySignature"),
                server_account=required_str(answer, "Server_Account"),
                server_account_alt=optional_str(answer, "Server_Account_Alt"),
            )
        )

    @property
    def auth_headers(self) -> dict[str, str]:
        """Return the ``MMSAuth`` / ``MMSAuthSig`` headers that present this identity."""
        return {HEADER_AUTH: self.token, HEADER_AUTH_SIGNATURE: self.signature}

    @property
    def account_servers(self) -> tuple[str, ...]:
        """Return the account server, then its alternate when the login named one."""
        if self.server_account_alt and self.server_account_alt != self.server_account:
            return (self.server_account, self.server_account_alt)
        return (self.server_account,)

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """Tell whether the identity expires within ``seconds`` (renew before ``Expires``)."""
        current = time.time() if now is None else now
        return self.expires - current <= seconds

    def to_stored(self) -> StoredIdentity:
        """Return the persistable part."""
        return StoredIdentity(
            identity=self.token,
            signature=self.signature,
            server_account=self.server_account,
            server_account_alt=self.server_account_alt,
        )
