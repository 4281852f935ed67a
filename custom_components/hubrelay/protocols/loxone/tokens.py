"""Tokens: the getkey2 answer, the token model, and the token commands' text.

A token is acquired once with the password (getjwt from firmware 10.2, gettoken before), then used
instead of it: `authwithtoken`, `refreshjwt`/`refreshtoken`, `checktoken` and `killtoken` all send
an HMAC of the token keyed with a fresh one-time key. `validUntil` counts seconds since
2009-01-01 00:00 UTC. The caller persists a token through `Token.as_dict` / `Token.from_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum
import secrets
from typing import Any
from urllib.parse import quote

from .crypto import HashAlg, hmac_hex, password_hash
from .errors import LoxoneProtocolError
from .uuids import uuid_to_str

LOXONE_EPOCH = datetime(2009, 1, 1, tzinfo=UTC)
JWT_MIN_FIRMWARE = (10, 2)


class TokenPermission(IntEnum):
    """What a token may be used for; "app" tokens live for weeks, "web" tokens briefly."""

    WEB = 2
    APP = 4


def _wire_text(value: object) -> str | None:
    """Return a string that can be hashed and sent back (UTF-8 encodable), else None."""
    if not isinstance(value, str):
        return None
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate, which JSON can carry as an escape
        return None
    return value


def _expiry(valid_until: int) -> datetime:
    """Return the end of a token's life; `LoxoneProtocolError` when no date represents it."""
    try:
        return LOXONE_EPOCH + timedelta(seconds=valid_until)
    except OverflowError as err:
        raise LoxoneProtocolError(f"token validity {valid_until} is out of range") from err


def uses_jwt(firmware: tuple[int, ...]) -> bool:
    """Tell whether the firmware wants getjwt/refreshjwt (10.2 and later; unknown counts as new)."""
    return not firmware or firmware >= JWT_MIN_FIRMWARE


@dataclass(frozen=True, slots=True)
class UserKey:
    """The one-time key, the user's salt and hash algorithm (getkey2 or getvisusalt)."""

    key: str = field(repr=False)
    salt: str = field(repr=False)
    hash_alg: HashAlg

    @classmethod
    def from_value(cls, value: Any) -> UserKey:
        """Read the value of a getkey2 / getvisusalt answer."""
        if not isinstance(value, dict):
            raise LoxoneProtocolError("getkey2 answer has no object value")
        key, salt = _wire_text(value.get("key")), _wire_text(value.get("salt"))
        if key is None or salt is None:
            raise LoxoneProtocolError("getkey2 answer lacks the key or the salt")
        return cls(key, salt, HashAlg.parse(value.get("hashAlg")))

    def credential_hash(self, secret: str, user: str | None = None) -> str:
        """HMAC over "{user}:{pwHash}" (token request) or "{pwHash}" (visualisation password)."""
        pw_hash = password_hash(secret, self.salt, self.hash_alg)
        message = pw_hash if user is None else f"{user}:{pw_hash}"
        return hmac_hex(self.key, message, self.hash_alg)


@dataclass(frozen=True, slots=True)
class Token:
    """A token granted by the Miniserver, with what is needed to use it again later."""

    token: str = field(repr=False)
    valid_until: int
    rights: int
    unsecure_pass: bool
    hash_alg: HashAlg

    @property
    def expires_at(self) -> datetime:
        """The end of the token's life as an aware UTC datetime."""
        return _expiry(self.valid_until)

    def seconds_left(self, now: datetime) -> float:
        """Seconds until the token expires (negative when it already has)."""
        return (self.expires_at - now).total_seconds()

    def hash(self, key: str) -> str:
        """Hash the token with a one-time key, as the token commands send it."""
        return hmac_hex(key, self.token, self.hash_alg)

    @classmethod
    def from_value(cls, value: Any, hash_alg: HashAlg, previous: Token | None = None) -> Token:
        """Read a getjwt / gettoken / refresh / authwithtoken answer's value.

        Refresh and authentication answers may leave the token itself out (older firmware); the
        previous token is kept then.
        """
        if not isinstance(value, dict):
            raise LoxoneProtocolError("token answer has no object value")
        text = _wire_text(value.get("token", previous.token if previous else None))
        valid_until = value.get("validUntil")
        if not text or not isinstance(valid_until, int):
            raise LoxoneProtocolError("token answer lacks the token or validUntil")
        _expiry(valid_until)
        rights = value.get("tokenRights", previous.rights if previous else 0)
        return cls(
            token=text,
            valid_until=valid_until,
            rights=rights if isinstance(rights, int) else 0,
            unsecure_pass=bool(value.get("unsecurePass", False)),
            hash_alg=hash_alg,
        )

    def with_validity(self, value: Any) -> Token:
        """Apply a checktoken-style answer (new validUntil, maybe a new token)."""
        return Token.from_value(value, self.hash_alg, self)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form to persist (the caller keeps it secret)."""
        return {
            "token": self.token,
            "valid_until": self.valid_until,
            "rights": self.rights,
            "unsecure_pass": self.unsecure_pass,
            "hash_alg": self.hash_alg.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Token:
        """Rebuild a token persisted with `as_dict`."""
        try:
            token = cls(
                token=str(data["token"]),
                valid_until=int(data["valid_until"]),
                rights=int(data.get("rights", 0)),
                unsecure_pass=bool(data.get("unsecure_pass", False)),
                hash_alg=HashAlg.parse(data.get("hash_alg")),
            )
        except (KeyError, TypeError, ValueError, OverflowError) as err:
            raise LoxoneProtocolError("stored token is incomplete") from err
        if _wire_text(token.token) is None:
            raise LoxoneProtocolError("stored token is not valid text")
        _expiry(token.valid_until)
        return token

    def __repr__(self) -> str:
        """Never show the token itself."""
        return f"Token(valid_until={self.valid_until}, rights={self.rights})"


def acquire_command(
    user_key: UserKey,
    user: str,
    password: str,
    permission: TokenPermission,
    client_uuid: str,
    client_info: str,
    *,
    jwt: bool,
) -> str:
    """Build the getjwt (or legacy gettoken) command that asks for a first token."""
    verb = "getjwt" if jwt else "gettoken"
    credential = user_key.credential_hash(password, user)
    return (
        f"jdev/sys/{verb}/{credential}/{quote(user, safe='')}/{int(permission)}/"
        f"{client_uuid}/{quote(client_info, safe='')}"
    )


def token_command(verb: str, token_hash: str, user: str) -> str:
    """Build a token command: authwithtoken, refreshjwt/refreshtoken, checktoken or killtoken."""
    prefix = "" if verb == "authwithtoken" else "jdev/sys/"
    return f"{prefix}{verb}/{token_hash}/{quote(user, safe='')}"


def refresh_verb(firmware: tuple[int, ...]) -> str:
    """Pick refreshjwt from firmware 10.2, refreshtoken before."""
    return "refreshjwt" if uses_jwt(firmware) else "refreshtoken"


def new_client_uuid() -> str:
    """Make a random client UUID in the 8-4-4-16 form the token requests expect (store it)."""
    return uuid_to_str(secrets.token_bytes(16))
