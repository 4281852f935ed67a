"""The Miniserver's side of command encryption and hashing.

RSA (PKCS#1 v1.5) unwraps the client's ``"{key_hex}:{iv_hex}"`` session key; AES-256-CBC with
zero-byte padding carries ``jdev/sys/enc``/``fenc`` commands; HMAC-SHA1/SHA256 over hex keys proves
passwords, tokens and visualisation passwords.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import functools
import hashlib
import hmac

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID

HASH_ALGORITHMS = ("SHA1", "SHA256")


class CryptoError(Exception):
    """A session key or cipher text that cannot be decrypted."""


@dataclass(frozen=True, slots=True)
class SessionKey:
    """An AES-256 key and IV agreed through ``keyexchange`` (or an HTTP ``?sk=``)."""

    key: bytes
    iv: bytes

    def encrypt(self, text: str) -> str:
        """AES-CBC encrypt ``text`` with zero-byte padding and return base64."""
        data = text.encode("utf-8")
        data += b"\0" * ((-len(data)) % 16 or (16 if not data else 0))
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.iv)).encryptor()
        return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")

    def decrypt(self, cipher_b64: str) -> str:
        """Decrypt a base64 AES-CBC cipher and strip the zero padding."""
        try:
            raw = base64.b64decode(cipher_b64, validate=False)
        except ValueError as err:
            raise CryptoError("cipher is not base64") from err
        if not raw or len(raw) % 16:
            raise CryptoError("cipher length is not a multiple of the AES block")
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.iv)).decryptor()
        plain = (decryptor.update(raw) + decryptor.finalize()).rstrip(b"\0")
        try:
            return plain.decode("utf-8")
        except UnicodeDecodeError as err:
            raise CryptoError("wrong session key") from err


@functools.cache
def server_private_key(label: str = "") -> rsa.RSAPrivateKey:
    """One RSA key pair per label and process: generating one per simulator would slow every test.

    Another ``label`` gives another key pair: a replaced Miniserver or an impostor.
    """
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_key_one_line(label: str = "") -> str:
    """``getPublicKey``'s value: SPKI DER in base64, mislabelled CERTIFICATE, on one line."""
    der = (
        server_private_key(label)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    body = base64.b64encode(der).decode("ascii")
    return f"-----BEGIN CERTIFICATE-----{body}-----END CERTIFICATE-----"


@functools.cache
def certificate_pem(serial: str, label: str = "") -> str:
    """A self-signed X.509 certificate carrying the same public key, for ``getcertificate``."""
    key = server_private_key(label)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{serial}.dyndns.loxonecloud.com")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def unwrap_session_key(session_key_b64: str, label: str = "") -> SessionKey:
    """RSA-decrypt ``"{key_hex}:{iv_hex}"`` (PKCS#1 v1.5) into an AES session key."""
    try:
        raw = base64.b64decode(session_key_b64, validate=False)
        plain = server_private_key(label).decrypt(raw, padding.PKCS1v15()).decode("ascii")
        key_hex, iv_hex = plain.split(":", 1)
        key, iv = bytes.fromhex(key_hex), bytes.fromhex(iv_hex)
    except ValueError as err:
        raise CryptoError("session key cannot be decrypted") from err
    if len(key) != 32 or len(iv) != 16:
        raise CryptoError("session key has the wrong size")
    return SessionKey(key, iv)


def sha_hex_upper(text: str, algorithm: str) -> str:
    """Uppercase hex SHA1/SHA256 digest, as used for ``{password}:{salt}`` hashes."""
    return hashlib.new(algorithm.lower(), text.encode("utf-8")).hexdigest().upper()


def hmac_hex(key_hex: str, text: str, algorithm: str) -> str:
    """HMAC of ``text`` keyed with the hex-decoded one-time key, as lowercase hex."""
    return hmac.new(bytes.fromhex(key_hex), text.encode("utf-8"), algorithm.lower()).hexdigest()


def hash_matches(expected: str, received: str) -> bool:
    """Constant-time comparison that ignores the case of the received hex."""
    return hmac.compare_digest(expected.lower(), received.lower())
