"""Command encryption and hashing, against known answers computed outside Python (openssl)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, strategies as st
import pytest

from custom_components.hubrelay.protocols.loxone.crypto import (
    AesSession,
    CommandCipher,
    HashAlg,
    SaltState,
    hmac_hex,
    load_public_key,
    password_hash,
)
from custom_components.hubrelay.protocols.loxone.errors import LoxoneProtocolError
from custom_components.hubrelay.protocols.loxone.tokens import UserKey

from .conftest import fixture_json

KEY = bytes(range(32))
IV = bytes(range(16))

# -- AES ------------------------------------------------------------------------------------------


def test_zero_padded_command_known_answer() -> None:
    # openssl enc -aes-256-cbc -nopad over "salt/ab12/jdev/sys/getkey" + NULs, key 00..1f, iv 00..0f
    session = AesSession(KEY, IV)
    assert (
        session.encrypt("salt/ab12/jdev/sys/getkey")
        == "FdGzu54q4J+C91AB0aKkE3Ar3SfNKd9CuF8CnEMkias="
    )
    assert (
        session.decrypt("FdGzu54q4J+C91AB0aKkE3Ar3SfNKd9CuF8CnEMkias=")
        == "salt/ab12/jdev/sys/getkey"
    )


def test_block_aligned_text_still_gets_a_zero_block() -> None:
    # 16 characters: a whole block of NULs follows, so the Miniserver always finds a terminator.
    assert (
        AesSession(KEY, IV).encrypt("0123456789abcdef")
        == "4j/AuRx71kQlxVlzbpsMWNB7B20kp5Jje3MVaNTd2Hg="
    )


@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0"), max_size=200))
def test_aes_round_trip(text: str) -> None:
    session = AesSession(KEY, IV)
    assert session.decrypt(session.encrypt(text)) == text


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode(), ""])
def test_decrypt_rejects_what_is_not_aes(bad: str) -> None:
    with pytest.raises(LoxoneProtocolError):
        AesSession(KEY, IV).decrypt(bad)


def test_aes_session_sizes() -> None:
    with pytest.raises(ValueError, match="32-byte key"):
        AesSession(b"\x00" * 16, IV)
    generated = AesSession.generate()
    assert len(generated.key) == 32
    assert len(generated.iv) == 16
    assert AesSession.generate().key != generated.key


# -- RSA session key and public key formats -------------------------------------------------------


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def spki_base64(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def test_session_key_is_pkcs1_of_key_colon_iv(private_key: rsa.RSAPrivateKey) -> None:
    session = AesSession(KEY, IV)
    wrapped = session.session_key(private_key.public_key())
    plain = private_key.decrypt(base64.b64decode(wrapped), padding.PKCS1v15())
    assert plain == f"{KEY.hex()}:{IV.hex()}".encode()


def test_one_line_mislabelled_certificate(private_key: rsa.RSAPrivateKey) -> None:
    text = f"-----BEGIN CERTIFICATE-----{spki_base64(private_key)}-----END CERTIFICATE-----"
    assert load_public_key(text).public_numbers() == private_key.public_key().public_numbers()


def test_proper_pem_public_key_and_bare_base64(private_key: rsa.RSAPrivateKey) -> None:
    pem = (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    numbers = private_key.public_key().public_numbers()
    assert load_public_key(pem).public_numbers() == numbers
    assert load_public_key(spki_base64(private_key)).public_numbers() == numbers


def _certificate(subject_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, name: str) -> str:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(subject_key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
    )
    cert = builder.sign(subject_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_certificate_chain_uses_the_last_certificate(private_key: rsa.RSAPrivateKey) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    chain = _certificate(other, "Loxone Root") + _certificate(private_key, "miniserver")
    assert load_public_key(chain).public_numbers() == private_key.public_key().public_numbers()


def test_non_rsa_key_is_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(LoxoneProtocolError, match="not an RSA key"):
        load_public_key(_certificate(other, "x"))


@pytest.mark.parametrize(
    "text", ["", "-----BEGIN CERTIFICATE-----@@@-----END CERTIFICATE-----", "QUJD"]
)
def test_garbage_is_not_a_key(text: str) -> None:
    with pytest.raises(LoxoneProtocolError):
        load_public_key(text)


# -- salts and encrypted commands ------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_salt_rotates_after_max_uses() -> None:
    salts = SaltState(max_uses=3, max_age=3600, clock=Clock())
    first = [salts.prefix() for _ in range(3)]
    assert len(set(first)) == 1
    assert first[0].startswith("salt/")
    salt = first[0].split("/")[1]
    rotated = salts.prefix()
    _, previous, following, _ = rotated.split("/")
    assert rotated.startswith("nextSalt/")
    assert previous == salt
    assert following != salt
    assert salts.prefix() == f"salt/{following}/"


def test_salt_rotates_after_max_age() -> None:
    clock = Clock()
    salts = SaltState(max_uses=1000, max_age=3600, clock=clock)
    first = salts.prefix()
    clock.now = 3599
    assert salts.prefix() == first
    clock.now = 3600
    assert salts.prefix().startswith("nextSalt/" + first.split("/")[1] + "/")


def test_fresh_salt_state_per_session() -> None:
    one = SaltState(max_uses=5, max_age=60, clock=Clock()).prefix()
    two = SaltState(max_uses=5, max_age=60, clock=Clock()).prefix()
    assert one.startswith("salt/")
    assert two.startswith("salt/")
    assert one != two


def test_wrapped_command_is_uri_encoded_and_decrypts_to_salted_command() -> None:
    cipher = CommandCipher(AesSession(KEY, IV), SaltState(max_uses=5, max_age=60, clock=Clock()))
    for kind, encrypt_response in (("enc", False), ("fenc", True)):
        wrapped = cipher.wrap("jdev/sps/io/abc/on", encrypt_response=encrypt_response)
        prefix = f"jdev/sys/{kind}/"
        assert wrapped.startswith(prefix)
        body = wrapped.removeprefix(prefix)
        assert not set("+/=") & set(body)
        plain = cipher.aes.decrypt(unquote(body))
        assert plain.startswith("salt/")
        assert plain.endswith("/jdev/sps/io/abc/on")


# -- hashing --------------------------------------------------------------------------------------


def test_hmac_rfc_vectors() -> None:
    key = "0b" * 20
    assert hmac_hex(key, "Hi There", HashAlg.SHA1) == "b617318655057264e28bc0b6fb378c8ef146be00"
    assert hmac_hex(key, "Hi There", HashAlg.SHA256) == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )


def test_hmac_key_must_be_hex() -> None:
    with pytest.raises(LoxoneProtocolError, match="not hex"):
        hmac_hex("xyz", "text", HashAlg.SHA1)


def test_token_request_hash_from_a_real_getkey2_answer() -> None:
    # getkey2 answer captured from a Miniserver (key and salt are hex of ASCII); the user and
    # password are the ones the same project's tests pair with it. Expected values: openssl.
    value = fixture_json("messages/getKeyMessage.json")["LL"]["value"]
    user_key = UserKey.from_value(value)
    assert user_key.hash_alg is HashAlg.SHA1
    assert (
        password_hash("pass", user_key.salt, HashAlg.SHA1)
        == "4F87042FECD1FBCEF55079006F7F596464C0E76C"
    )
    assert user_key.credential_hash("pass", "mocker") == "f592261ee84b338308017797603c5c2448d61267"
    sha256 = UserKey(user_key.key, user_key.salt, HashAlg.SHA256)
    assert password_hash("pass", sha256.salt, HashAlg.SHA256) == (
        "EA794F5D8A127F1602B6577DE4805AE8D15FAFC1059B701A4229EF1CA8D73A7D"
    )
    assert sha256.credential_hash("pass", "mocker") == (
        "48c75c28140a66a622829c01f98b5994b91153dd4349ac054db48954a3f77a58"
    )


def test_visualisation_password_hash_has_no_user() -> None:
    user_key = UserKey.from_value(fixture_json("messages/hashing_10_3.json"))
    assert user_key.credential_hash("visupass") == "7ac5d3e50a99ce05c457f8042f7790d51b13bd62"


@pytest.mark.parametrize(
    ("raw", "alg"),
    [(None, HashAlg.SHA1), ("", HashAlg.SHA1), ("SHA1", HashAlg.SHA1), ("sha-256", HashAlg.SHA256)],
)
def test_hash_alg_parsing(raw: object, alg: HashAlg) -> None:
    assert HashAlg.parse(raw) is alg


def test_unknown_hash_alg() -> None:
    with pytest.raises(LoxoneProtocolError, match="MD5"):
        HashAlg.parse("MD5")
