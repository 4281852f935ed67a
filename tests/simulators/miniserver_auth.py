"""Users and the token store of the simulated Miniserver.

Tokens survive a simulated restart (a real Miniserver keeps them on its SD card), expire at
``validUntil`` (seconds since 2009-01-01 UTC) and can be killed; tests inspect them through
``MiniserverSimulator.tokens``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
import json
import secrets
import time

from .miniserver_codec import LOXONE_EPOCH
from .miniserver_crypto import HASH_ALGORITHMS, hash_matches, hmac_hex, sha_hex_upper

_EPOCH_UNIX = LOXONE_EPOCH.timestamp()
BASE_TOKEN_RIGHTS = 1664
"""Rights every simulated user holds besides the requested permission (cf. real token.json)."""


@dataclass(slots=True)
class UserSpec:
    """A Miniserver user: password, the hash algorithm of its user record, its user salt (hex)."""

    password: str
    hash_alg: str = "SHA1"
    salt: str = field(default_factory=lambda: secrets.token_hex(16))

    def __post_init__(self) -> None:
        """Reject algorithms a Miniserver never reports."""
        if self.hash_alg not in HASH_ALGORITHMS:
            raise ValueError(f"hash_alg must be one of {HASH_ALGORITHMS}")

    def password_hash(self) -> str:
        """Uppercase hash of ``{password}:{salt}`` with the user's algorithm."""
        return sha_hex_upper(f"{self.password}:{self.salt}", self.hash_alg)


@dataclass(slots=True)
class Token:
    """One issued token and its life cycle."""

    token: str
    user: str
    permission: int
    client_uuid: str
    info: str
    jwt: bool
    valid_until: int
    """Seconds since 2009-01-01 UTC."""
    killed: bool = False
    replaced: bool = False
    """A JWT that ``refreshjwt`` exchanged for a new one."""

    @property
    def rights(self) -> int:
        """The ``tokenRights`` bitmap reported to clients."""
        return BASE_TOKEN_RIGHTS | self.permission

    @property
    def expired(self) -> bool:
        """Whether ``validUntil`` lies in the past."""
        return time.time() - _EPOCH_UNIX >= self.valid_until

    @property
    def valid(self) -> bool:
        """Usable for authwithtoken, refresh, check and kill."""
        return not (self.killed or self.replaced or self.expired)


class TokenStore:
    """All tokens issued by one simulator, in issue order."""

    def __init__(self) -> None:
        """Start empty."""
        self.issued: list[Token] = []

    def __iter__(self) -> Iterator[Token]:
        """Iterate over the issued tokens."""
        return iter(self.issued)

    def __len__(self) -> int:
        """Number of tokens ever issued."""
        return len(self.issued)

    def issue(
        self,
        *,
        user: str,
        permission: int,
        client_uuid: str,
        info: str,
        jwt: bool,
        lifetime: float,
    ) -> Token:
        """Create and remember a token valid for ``lifetime`` seconds."""
        token = Token(
            token=_jwt(user, permission) if jwt else secrets.token_hex(20).upper(),
            user=user,
            permission=permission,
            client_uuid=client_uuid,
            info=info,
            jwt=jwt,
            valid_until=_valid_until(lifetime),
        )
        self.issued.append(token)
        return token

    def find(
        self, user: str, token_hash: str, keys: list[str], *, lenient: bool, user_alg: str
    ) -> Token | None:
        """The valid token of ``user`` whose HMAC with one of ``keys`` equals ``token_hash``.

        ``lenient`` accepts HMAC-SHA1 and HMAC-SHA256 alike (the official client switches to SHA256
        for token commands from firmware 10.4 whatever the user record says); otherwise only
        ``user_alg``.
        """
        algorithms = HASH_ALGORITHMS if lenient else (user_alg,)
        for token in reversed(self.issued):
            if token.user != user or not token.valid:
                continue
            for key in keys:
                for algorithm in algorithms:
                    if hash_matches(hmac_hex(key, token.token, algorithm), token_hash):
                        return token
        return None

    def refresh(self, token: Token, lifetime: float) -> Token:
        """Extend a token; a JWT is replaced by a new one, a legacy token keeps its value."""
        if not token.jwt:
            token.valid_until = _valid_until(lifetime)
            return token
        token.replaced = True
        return self.issue(
            user=token.user,
            permission=token.permission,
            client_uuid=token.client_uuid,
            info=token.info,
            jwt=True,
            lifetime=lifetime,
        )

    def find_by_value(self, value: str) -> Token | None:
        """Look a token up by its string (for tests and HTTP ``autht`` checks)."""
        return next((token for token in self.issued if token.token == value), None)


def _valid_until(lifetime: float) -> int:
    return int(time.time() - _EPOCH_UNIX + lifetime)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt(user: str, permission: int) -> str:
    """A JWT-shaped token (header.payload.signature); only its uniqueness matters."""
    head = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    body = _b64url(
        json.dumps({"user": user, "perm": permission, "nonce": secrets.token_hex(8)}).encode()
    )
    return f"{head}.{body}.{_b64url(secrets.token_bytes(32))}"
