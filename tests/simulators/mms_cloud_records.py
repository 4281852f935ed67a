"""Accounts, hubs and signed tickets of the MMS cloud simulator (no networking here).

Identities are base64 JSON signed with an HMAC of a per-simulator secret (the real cloud signs with
RSA; clients treat the signature as opaque, so only its presence and round trip matter). Ezlo cloud
tokens are HS256 JWTs whose payload carries ``expires_ts`` like the real ones.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from dataclasses import dataclass, field
import hashlib
import hmac
import json
import secrets
import time
from typing import Any, Literal
import uuid

SALT = "oZ7QE6LcLJp6fiWzdqZc"


def sha1_password(username: str, password: str) -> str:
    """Hash as the MMS apps do; written independently of the client library on purpose."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in (username.lower(), password, SALT):
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()


@dataclass
class Account:
    """An MMS account: credentials, primary keys and the serials of its units."""

    username: str
    password: str
    pk_account: int
    pk_user: int
    serials: list[str] = field(default_factory=list)


@dataclass
class HubRecord:
    """One unit (Ezlo hub or Vera controller) as the account and device servers know it.

    ``relay_url`` is answered as ``Server_Relay`` (a ``ws(s)://`` URL for Ezlo hubs, a host for
    Vera units). ``controller_uuid`` is also the hub's ``uuid`` in ``hub.info.get``;
    ``local_user``/``local_token`` are what ``access_keys_sync`` hands out for
    ``hub.offline.login.ui``. ``only_on_alt_device_server`` makes the primary device server answer
    404 for this unit (the "mixed up device servers" case), so clients must fail over.
    """

    serial: str
    owner: str
    kind: Literal["ezlo", "vera"]
    name: str
    relay_url: str
    local_ip: str | None = None
    external_ip: str = "203.0.113.7"
    mac_address: str = "00:0E:F3:00:00:01"
    firmware_version: str = ""
    controller_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    local_user: str = field(default_factory=lambda: str(uuid.uuid4()))
    local_token: str = field(default_factory=lambda: secrets.token_hex(32))
    nma_controller_status: int = 1
    only_on_alt_device_server: bool = False

    @property
    def pk_device(self) -> int:
        """MMS keys units by their serial number."""
        return int(self.serial)


@dataclass(frozen=True)
class LocalKeys:
    """What the token exchange hands out for one hub (the hub simulator checks these)."""

    serial: str
    controller_uuid: str
    user: str
    token: str = field(repr=False)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TicketSigner:
    """Issue and check identities, identity signatures and cloud JWTs."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self._seq = 5_617_000
        self._revoked_up_to = 0
        self._revoked: set[int] = set()
        self._jwt_seq = 0
        self._jwt_revoked_up_to = 0

    def _sign(self, text: str) -> str:
        mac = hmac.new(self._secret, text.encode("ascii"), hashlib.sha256).digest()
        return base64.b64encode(mac * 8).decode("ascii")

    def issue_identity(
        self, account: Account, *, lifetime: float, server_auth: str
    ) -> tuple[str, str]:
        """Return ``(Identity, IdentitySignature)`` for a fresh login."""
        now = time.time()
        self._seq += 1
        ticket = {
            "Expires": int(now + lifetime),
            "Generated": int(now),
            "PermissionsEnabled": [1, 2, 3, 4, 6, 9, 14],
            "Version": 2,
            "PK_Account": account.pk_account,
            "PK_AccountType": 5,
            "PK_Oem": 1,
            "PK_PermissionRole": 10,
            "PK_User": account.pk_user,
            "PK_Server_Auth": 1,
            "PK_Server_Account": 5,
            "PK_Server_Event": 53,
            "Server_Auth": server_auth,
            "Seq": self._seq,
            "Username": account.username,
        }
        identity = base64.b64encode(json.dumps(ticket, separators=(",", ":")).encode()).decode()
        return identity, self._sign(identity)

    def check_identity(self, identity: str, signature: str) -> dict[str, Any] | None:
        """Return the decoded ticket when signed by us, unexpired and not revoked."""
        if not hmac.compare_digest(self._sign(identity), signature):
            return None
        try:
            ticket = json.loads(base64.b64decode(identity, validate=True))
        except (binascii.Error, ValueError):
            return None
        seq = ticket["Seq"]
        if ticket["Expires"] <= time.time() or seq <= self._revoked_up_to or seq in self._revoked:
            return None
        return dict(ticket)

    def revoke_issued(self) -> None:
        """Make every identity issued so far count as expired."""
        self._revoked_up_to = self._seq

    def revoke(self, identity: str) -> None:
        """Make one identity count as expired (one of ours; anything else is ignored)."""
        with contextlib.suppress(binascii.Error, ValueError, KeyError, TypeError):
            self._revoked.add(int(json.loads(base64.b64decode(identity, validate=True))["Seq"]))

    def revoke_jwts(self) -> None:
        """Make every cloud token issued so far count as expired."""
        self._jwt_revoked_up_to = self._jwt_seq

    def issue_jwt(self, claims: dict[str, Any], *, lifetime: float) -> str:
        """Return an HS256 JWT with ``expires_ts``."""
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        self._jwt_seq += 1
        claims = {**claims, "jti": self._jwt_seq, "expires_ts": int(time.time() + lifetime)}
        payload = _b64url(json.dumps(claims).encode())
        mac = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64url(mac)}"

    def check_jwt(self, token: str) -> dict[str, Any] | None:
        """Return the claims of a JWT we issued that has not expired."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        mac = hmac.new(self._secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_b64url(mac), parts[2]):
            return None
        claims: dict[str, Any] = json.loads(_b64url_decode(parts[1]))
        if claims["expires_ts"] <= time.time() or claims["jti"] <= self._jwt_revoked_up_to:
            return None
        return claims
