"""Command encryption and hashing, as the Miniserver expects them.

* RSA PKCS#1 v1.5 with the Miniserver's public key carries the AES session key ("{key}:{iv}" hex).
  `jdev/sys/getPublicKey` labels an SPKI public key as a one-line "CERTIFICATE"; newer firmware
  also offers `jdev/sys/getcertificate` with real X.509 certificates: both are understood.
* AES-256-CBC with zero-byte padding encrypts "salt/{salt}/{cmd}"; the salt rotates through
  "nextSalt/{prev}/{next}/{cmd}" after a bounded number of uses or an age limit.
* Hashing: the password hash is the upper-case hex digest of "{password}:{salt}"; HMACs are keyed
  with the hex-decoded key the Miniserver sent and returned as lower-case hex.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from enum import StrEnum
import hashlib
import hmac
import re
import secrets
from urllib.parse import quote

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

from .errors import LoxoneProtocolError

AES_BLOCK = 16
SALT_BYTES = 16

_PEM_BEGIN = "-----BEGIN "
_PEM_END = "-----END "
_PEM_DASHES = "-----"
_WHITESPACE = re.compile(r"\s+")


class HashAlg(StrEnum):
    """The hash algorithm of a user record (getkey2 / getvisusalt `hashAlg`)."""

    SHA1 = "SHA1"
    SHA256 = "SHA256"

    @classmethod
    def parse(cls, value: object) -> HashAlg:
        """Read `hashAlg`; firmware before 10.3 omits it, which means SHA1."""
        if value is None or value == "":
            return cls.SHA1
        text = str(value).upper().replace("-", "")
        if text not in cls.__members__:
            raise LoxoneProtocolError(f"unsupported hash algorithm {value!r}")
        return cls(text)

    @property
    def hashlib_name(self) -> str:
        """Name of the algorithm in `hashlib`."""
        return "sha1" if self is HashAlg.SHA1 else "sha256"


def password_hash(secret: str, salt: str, alg: HashAlg) -> str:
    """Upper-case hex digest of "{secret}:{salt}" (user password or visualisation password)."""
    return hashlib.new(alg.hashlib_name, f"{secret}:{salt}".encode()).hexdigest().upper()


def hmac_hex(key_hex: str, message: str, alg: HashAlg) -> str:
    """HMAC of `message` keyed with the bytes of the Miniserver's hex key, as lower-case hex."""
    try:
        key = bytes.fromhex(key_hex)
    except (ValueError, TypeError) as err:
        raise LoxoneProtocolError("the Miniserver sent a key that is not hex") from err
    return hmac.new(key, message.encode(), alg.hashlib_name).hexdigest()


def _last_pem_body(text: str) -> str:
    """Return the body of the last "-----BEGIN X-----...-----END X-----" block, or `text`.

    Plain `find`/`rfind` keep this linear: a lazy regex over a block that never ends rescanned the
    rest of the text per BEGIN (64 KiB of BEGIN markers stalled the loop for seconds).
    """
    begin = text.rfind(_PEM_BEGIN)
    if begin < 0:
        return text
    start = text.find(_PEM_DASHES, begin + len(_PEM_BEGIN))
    end = text.find(_PEM_END, start + len(_PEM_DASHES)) if start >= 0 else -1
    if end < 0:
        raise LoxoneProtocolError("the public key's PEM block is not closed")
    return text[start + len(_PEM_DASHES) : end]


def _pem_key(data: bytes) -> PublicKeyTypes | None:
    """Read a well-formed PEM certificate chain (last certificate) or public key."""
    try:
        return x509.load_pem_x509_certificates(data)[-1].public_key()
    except (ValueError, UnsupportedAlgorithm):
        pass
    try:
        return load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        return None


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """Read the Miniserver's RSA public key from getPublicKey or getcertificate output.

    Accepts a real PEM certificate chain (the key of the last certificate is used) or public key,
    read by the `cryptography` loaders, a (one-line, mislabelled "CERTIFICATE") SPKI key, or bare
    base64. The caller bounds the text (the HTTP answer limit).
    """
    key = _pem_key(text.encode()) if _PEM_BEGIN in text else None
    if key is None:
        try:
            der = base64.b64decode(_WHITESPACE.sub("", _last_pem_body(text)), validate=True)
        except ValueError as err:  # binascii.Error, or text that is not even ASCII
            raise LoxoneProtocolError("the public key is not base64") from err
        try:
            key = load_der_public_key(der)
        except (ValueError, UnsupportedAlgorithm):
            try:
                key = x509.load_der_x509_certificate(der).public_key()
            except (ValueError, UnsupportedAlgorithm) as err:
                raise LoxoneProtocolError("no public key or certificate in the answer") from err
    if not isinstance(key, rsa.RSAPublicKey):
        raise LoxoneProtocolError("the Miniserver's public key is not an RSA key")
    return key


class AesSession:
    """The AES-256-CBC key and IV of one WebSocket session."""

    __slots__ = ("_cipher", "iv", "key")

    def __init__(self, key: bytes, iv: bytes) -> None:
        """Use a 32-byte key and a 16-byte IV."""
        if len(key) != 32 or len(iv) != AES_BLOCK:
            raise ValueError("AES-256-CBC needs a 32-byte key and a 16-byte IV")
        self.key = key
        self.iv = iv
        self._cipher = Cipher(algorithms.AES(key), modes.CBC(iv))

    @classmethod
    def generate(cls) -> AesSession:
        """Create a session with a random key and IV."""
        return cls(secrets.token_bytes(32), secrets.token_bytes(AES_BLOCK))

    def session_key(self, public_key: rsa.RSAPublicKey) -> str:
        """RSA-encrypt "{key}:{iv}" (hex) for jdev/sys/keyexchange, as base64."""
        payload = f"{self.key.hex()}:{self.iv.hex()}".encode()
        return base64.b64encode(public_key.encrypt(payload, padding.PKCS1v15())).decode()

    def encrypt(self, plaintext: str) -> str:
        """Encrypt with zero-byte padding (always at least one NUL) and return base64."""
        data = plaintext.encode()
        data += b"\0" * (AES_BLOCK - len(data) % AES_BLOCK)
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()

    def decrypt(self, ciphertext: str) -> str:
        """Decrypt base64 ciphertext and drop the zero-byte padding."""
        try:
            data = base64.b64decode(_WHITESPACE.sub("", ciphertext), validate=True)
        except ValueError as err:  # binascii.Error, or text that is not even ASCII
            raise LoxoneProtocolError("encrypted answer is not base64") from err
        if not data or len(data) % AES_BLOCK:
            raise LoxoneProtocolError("encrypted answer is not a whole number of AES blocks")
        decryptor = self._cipher.decryptor()
        plain = (decryptor.update(data) + decryptor.finalize()).rstrip(b"\0")
        return plain.decode("utf-8", errors="replace")


class SaltState:
    """The command salt of one session: used a bounded number of times, then rotated."""

    __slots__ = ("_clock", "_created", "_max_age", "_max_uses", "_salt", "_uses")

    def __init__(self, *, max_uses: int, max_age: float, clock: Callable[[], float]) -> None:
        """Rotate after `max_uses` commands or `max_age` seconds, whichever comes first."""
        self._max_uses = max_uses
        self._max_age = max_age
        self._clock = clock
        self._salt: str | None = None
        self._uses = 0
        self._created = 0.0

    def prefix(self) -> str:
        """Return the salt prefix for the next encrypted command (and count the use)."""
        now = self._clock()
        if self._salt is None:
            self._salt = secrets.token_hex(SALT_BYTES)
            self._created = now
            self._uses = 1
            return f"salt/{self._salt}/"
        if self._uses >= self._max_uses or now - self._created >= self._max_age:
            previous, self._salt = self._salt, secrets.token_hex(SALT_BYTES)
            self._created = now
            self._uses = 1
            return f"nextSalt/{previous}/{self._salt}/"
        self._uses += 1
        return f"salt/{self._salt}/"


class CommandCipher:
    """Wrap commands as jdev/sys/enc or jdev/sys/fenc and unwrap fenc answers."""

    __slots__ = ("aes", "salts")

    def __init__(self, aes: AesSession, salts: SaltState) -> None:
        """Use this session's AES key and salt state."""
        self.aes = aes
        self.salts = salts

    def wrap(self, command: str, *, encrypt_response: bool) -> str:
        """Return the encrypted form of `command`, its cipher URI-component-encoded."""
        cipher = self.aes.encrypt(self.salts.prefix() + command)
        kind = "fenc" if encrypt_response else "enc"
        return f"jdev/sys/{kind}/{quote(cipher, safe='')}"
