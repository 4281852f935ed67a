"""Who a local hub is: its serial and the SHA-256 fingerprint of its TLS certificate's key.

Hubs present self-signed certificates, so no CA can vouch for them; anyone on the LAN can answer
on port 17000 (e.g. after announcing a known serial over mDNS). An entry therefore pins what the
first connection saw, and every later connection compares it before the local key leaves.
The fingerprint covers the public key (DER SubjectPublicKeyInfo), not the whole certificate, so
a hub that renews its certificate with the same key is still recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .errors import EzloIdentityError, EzloProtocolError


@dataclass(frozen=True, slots=True)
class HubIdentity:
    """What a local hub presents before any secret is sent: pin both with the entry."""

    serial: str
    fingerprint: str
    """SHA-256 of the certificate's DER SubjectPublicKeyInfo, lower-case hex."""


def peer_fingerprint(ws: aiohttp.ClientWebSocketResponse) -> str:
    """Return the fingerprint of the key in the certificate the peer presented on this socket."""
    ssl_object = ws.get_extra_info("ssl_object")
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    try:
        key = x509.load_der_x509_certificate(der or b"").public_key()
    except ValueError as err:
        raise EzloProtocolError("the hub presented no readable TLS certificate") from err
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def check_fingerprint(fingerprint: str, expected: str | None) -> None:
    """Raise `EzloIdentityError` unless the fingerprint is the pinned one (or none is pinned)."""
    if expected is not None and fingerprint != expected.replace(":", "").strip().lower():
        raise EzloIdentityError(
            "the hub presents another TLS certificate key than the pinned one",
            fingerprint=fingerprint,
        )


def check_serial(identity: HubIdentity, expected: str | None) -> None:
    """Raise `EzloIdentityError` unless ``hub.info.get`` reported the pinned serial."""
    if expected is not None and identity.serial != expected.strip():
        raise EzloIdentityError(
            f"the hub reports serial {identity.serial}, not {expected.strip()}",
            serial=identity.serial,
            fingerprint=identity.fingerprint,
        )
