"""Tokens: getkey2 answers, the token model, its persistence and the token commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.hubrelay.protocols.loxone.crypto import HashAlg
from custom_components.hubrelay.protocols.loxone.errors import LoxoneProtocolError
from custom_components.hubrelay.protocols.loxone.tokens import (
    LOXONE_EPOCH,
    Token,
    TokenPermission,
    UserKey,
    acquire_command,
    new_client_uuid,
    refresh_verb,
    token_command,
    uses_jwt,
)

from .conftest import fixture_json


def test_getkey2_without_hash_alg_means_sha1() -> None:
    assert UserKey.from_value(fixture_json("messages/hashing.json")) == UserKey(
        "4143", "3130", HashAlg.SHA1
    )


@pytest.mark.parametrize(
    "value", [None, "x", {"key": "41"}, {"salt": "30"}, {"key": 1, "salt": "3"}]
)
def test_getkey2_errors(value: object) -> None:
    with pytest.raises(LoxoneProtocolError):
        UserKey.from_value(value)


def test_real_token_answer() -> None:
    token = Token.from_value(fixture_json("messages/token.json"), HashAlg.SHA1)
    assert token.token == "8E2AA590E996B321C0E17C3FA9F7A3C17BD376CC"
    assert token.rights == 1666
    assert token.unsecure_pass is False
    # 342151839 s after 2009-01-01 00:00 UTC (GNU date): 2019-11-05 02:10:39 UTC
    assert token.expires_at == datetime(2019, 11, 5, 2, 10, 39, tzinfo=UTC)
    assert token.seconds_left(datetime(2019, 11, 5, 2, 10, 29, tzinfo=UTC)) == 10
    # HMAC-SHA1 of the token keyed with the answer's own key (openssl)
    assert token.hash("444432") == "3da4931846b9e251057a6aa746133be8cf5e4ab1"


def test_token_text_never_in_repr() -> None:
    token = Token.from_value(fixture_json("messages/token.json"), HashAlg.SHA1)
    assert token.token not in repr(token)


def test_refresh_answer_without_token_keeps_the_old_one() -> None:
    token = Token("abc", 100, 4, False, HashAlg.SHA256)
    renewed = token.with_validity({"validUntil": 200, "unsecurePass": True})
    assert (renewed.token, renewed.valid_until, renewed.rights) == ("abc", 200, 4)
    assert renewed.unsecure_pass
    assert renewed.hash_alg is HashAlg.SHA256
    replaced = token.with_validity({"token": "def", "validUntil": 300, "tokenRights": 6})
    assert (replaced.token, replaced.rights) == ("def", 6)


@pytest.mark.parametrize(
    "value", [None, {"token": "a"}, {"validUntil": 1}, {"token": "", "validUntil": 1}]
)
def test_token_answer_errors(value: object) -> None:
    with pytest.raises(LoxoneProtocolError):
        Token.from_value(value, HashAlg.SHA1)


def test_persistence_round_trip() -> None:
    token = Token("a.b.c", 567000000, 1668, True, HashAlg.SHA256)
    assert Token.from_dict(token.as_dict()) == token
    with pytest.raises(LoxoneProtocolError, match="incomplete"):
        Token.from_dict({"valid_until": 1})


def test_epoch() -> None:
    assert LOXONE_EPOCH.timestamp() == 1230768000


def test_acquire_command_shapes() -> None:
    user_key = UserKey("4143", "3130", HashAlg.SHA1)
    jwt = acquire_command(
        user_key,
        "my user",
        "pw",
        TokenPermission.APP,
        "098802e1-02b4-603c-ffffeee000d80cfd",
        "Home Assistant",
        jwt=True,
    )
    credential = user_key.credential_hash("pw", "my user")
    assert jwt == (
        f"jdev/sys/getjwt/{credential}/my%20user/4/098802e1-02b4-603c-ffffeee000d80cfd/Home%20Assistant"
    )
    legacy = acquire_command(user_key, "u", "pw", TokenPermission.WEB, "id", "i", jwt=False)
    assert legacy.startswith("jdev/sys/gettoken/")
    assert "/u/2/id/i" in legacy


def test_token_commands_and_version_gates() -> None:
    assert token_command("authwithtoken", "h", "admin") == "authwithtoken/h/admin"
    assert token_command("killtoken", "h", "a b") == "jdev/sys/killtoken/h/a%20b"
    assert uses_jwt((10, 2))
    assert uses_jwt(())
    assert not uses_jwt((10, 1, 12))
    assert refresh_verb((14, 5)) == "refreshjwt"
    assert refresh_verb((9, 3)) == "refreshtoken"


def test_client_uuid_form() -> None:
    first, second = new_client_uuid(), new_client_uuid()
    assert [len(part) for part in first.split("-")] == [8, 4, 4, 16]
    assert first != second


def test_reprs_hide_the_token_key_and_salt() -> None:
    """A logged or printed token or one-time key must not give the secrets away."""
    token = Token("secret-jwt", 100, 4, False, HashAlg.SHA256)
    key = UserKey.from_value({"key": "6b6579ab", "salt": "73616c74cd", "hashAlg": "SHA256"})
    assert "secret-jwt" not in repr(token)
    assert "6b6579ab" not in repr(key)
    assert "73616c74cd" not in repr(key)
    assert "SHA256" in repr(key)
