"""Who a Miniserver is: its serial and its RSA public key, checked before any credential is used.

The key arrives unauthenticated over HTTP (`getPublicKey`), so on plain HTTP anyone answering at
the address could hand over their own key and learn the token exchanges. An entry therefore pins
the serial and the SHA-256 fingerprint of the key (DER SubjectPublicKeyInfo, lower-case hex) that
the first sign-in saw, and every later session compares both before the key exchange.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .errors import LoxoneIdentityError
from .messages import normalize_serial


def public_key_fingerprint(key: RSAPublicKey) -> str:
    """Return the SHA-256 of the key's DER SubjectPublicKeyInfo as lower-case hex."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _normal_fingerprint(fingerprint: str) -> str:
    return fingerprint.replace(":", "").strip().lower()


def check_identity(
    serial: str,
    public_key: str,
    *,
    expected_serial: str | None,
    expected_public_key: str | None,
) -> None:
    """Raise `LoxoneIdentityError` when the presented serial or key fingerprint is not the pin."""
    changed = []
    if expected_serial is not None and normalize_serial(serial) != normalize_serial(
        expected_serial
    ):
        changed.append(f"serial {serial} instead of {normalize_serial(expected_serial)}")
    if expected_public_key is not None and _normal_fingerprint(public_key) != _normal_fingerprint(
        expected_public_key
    ):
        changed.append("another public key")
    if changed:
        raise LoxoneIdentityError(
            "this is not the Miniserver of this entry: it presents " + " and ".join(changed),
            serial=serial,
            public_key=public_key,
        )
