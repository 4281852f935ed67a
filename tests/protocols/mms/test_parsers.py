"""MMS answer parsers on edge cases, plus Hypothesis properties (no network)."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.hubrelay.protocols.mms import (
    AccountDevice,
    CloudToken,
    DeviceInfo,
    HubLocalKeys,
    Identity,
    MmsCloudError,
    MmsProtocolError,
    StoredIdentity,
    decode_identity,
    server_url,
)
from custom_components.hubrelay.protocols.mms.cloud import select_local_keys
from custom_components.hubrelay.protocols.mms.fields import optional_int, optional_str
from custom_components.hubrelay.protocols.mms.models import parse_account_devices


def _identity_token(**fields: Any) -> str:
    ticket = {"PK_Account": 1, "PK_User": 2, "Generated": 100, "Expires": 200, **fields}
    return base64.b64encode(json.dumps(ticket).encode()).decode()


def _jwt(payload: str) -> str:
    return f"e30.{payload}.sig"


@pytest.mark.parametrize("token", ["not base64!", base64.b64encode(b"[1]").decode(), "e30="])
def test_bad_identities(token: str) -> None:
    with pytest.raises(MmsProtocolError):
        Identity.from_stored(StoredIdentity(token, "sig", "account.example"))


def test_identity_without_optional_fields() -> None:
    identity = Identity.from_stored(StoredIdentity(_identity_token(), "sig", "acc", "acc"))
    assert identity.username == ""
    assert identity.server_auth is None
    assert identity.account_servers == ("acc",)
    assert identity.expires_within(101, now=100)
    assert not identity.expires_within(99, now=100)
    assert decode_identity(identity.token)["PK_Account"] == 1


@pytest.mark.parametrize("data", [{}, {"identity": "x", "signature": "y"}, {"identity": 5}])
def test_incomplete_stored_identity(data: dict[str, Any]) -> None:
    with pytest.raises(MmsProtocolError):
        StoredIdentity.from_dict(data)


def test_cloud_token_expiry() -> None:
    payload = base64.urlsafe_b64encode(b'{"expires_ts": 1000}').rstrip(b"=").decode()
    token = CloudToken.from_json({"token": _jwt(payload)})
    assert token.expires_ts == 1000
    assert token.expires_within(10, now=995)
    assert not token.expires_within(10, now=900)


@pytest.mark.parametrize(
    "token",
    ["opaque", _jwt("!!!"), _jwt("e30"), _jwt("eyJleHBpcmVzX3RzIjogInNvb24ifQ"), _jwt("WzFd")],
)
def test_cloud_token_without_readable_expiry(token: str) -> None:
    parsed = CloudToken.from_json({"token": token})
    assert parsed.expires_ts is None
    assert not parsed.expires_within(1e12)


@pytest.mark.parametrize("answer", [[], {"token": ""}, {"token": 5}])
def test_token_exchange_without_token(answer: Any) -> None:
    with pytest.raises(MmsProtocolError):
        CloudToken.from_json(answer)


@pytest.mark.parametrize("data", [{}, {"serial": "1", "controller_uuid": "c", "user": "u"}])
def test_incomplete_local_keys(data: dict[str, Any]) -> None:
    with pytest.raises(MmsProtocolError):
        HubLocalKeys.from_dict(data)


def test_cloud_refusal_keeps_the_error_text() -> None:
    with pytest.raises(MmsCloudError) as caught:
        select_local_keys({"status": 0, "data": {"error_text": "Wrong token"}}, "1")
    assert caught.value.error_text == "Wrong token"


@pytest.mark.parametrize("answer", [[], {"status": 1}, {"status": 1, "data": {"keys": []}}])
def test_malformed_access_keys(answer: Any) -> None:
    with pytest.raises(MmsProtocolError):
        select_local_keys(answer, "1")


def test_keys_without_meta_are_skipped() -> None:
    keys = {
        "a": "junk",
        "b": {"meta": {"entity": {"type": "controller", "id": "7", "uuid": "c7"}}},
        "c": {"meta": {"entity": {"type": "user", "uuid": "u"}, "target": "c7"}},
        "d": {
            "meta": {"entity": {"type": "user", "uuid": "u"}, "target": {"uuid": "c7"}},
            "data": {"type": "string", "string": "tok"},
        },
    }
    keys_answer = {"status": 1, "data": {"keys": keys}}
    assert select_local_keys(keys_answer, "7").user == "u"


@pytest.mark.parametrize("answer", [[], {"Devices": None}, {"Devices": [1]}, {"Devices": [{}]}])
def test_malformed_device_lists(answer: Any) -> None:
    with pytest.raises(MmsProtocolError):
        parse_account_devices(answer)


def test_device_without_alternate_server() -> None:
    device = AccountDevice.from_json({"PK_Device": 45052564, "Server_Device": "dev"})
    assert device.device_servers == ("dev",)
    assert device.serial == "45052564"
    assert device.pk_device_type is None


@pytest.mark.parametrize("answer", [[], {"PK_Device": "1"}, {"Server_Relay": "r"}])
def test_malformed_device_info(answer: Any) -> None:
    with pytest.raises(MmsProtocolError):
        DeviceInfo.from_json(answer)


def test_server_url() -> None:
    assert server_url("vera-us-oem-account11.mios.com") == "https://vera-us-oem-account11.mios.com"
    assert server_url(" http://127.0.0.1:8/ ", "https") == "http://127.0.0.1:8"
    assert server_url("127.0.0.1:8", "http") == "http://127.0.0.1:8"


@pytest.mark.parametrize(
    ("value", "as_int", "as_str"),
    [
        (5, 5, "5"),
        ("12", 12, "12"),
        ("-3", -3, "-3"),
        (True, None, None),
        ("", None, None),
        ("x", None, "x"),
        (None, None, None),
        (1.5, None, None),
    ],
)
def test_lenient_fields(value: Any, as_int: int | None, as_str: str | None) -> None:
    assert optional_int({"k": value}, "k") == as_int
    assert optional_str({"k": value}, "k") == as_str


@given(st.text())
def test_decode_identity_only_raises_protocol_errors(token: str) -> None:
    with contextlib.suppress(MmsProtocolError):
        assert isinstance(decode_identity(token), dict)


@given(
    st.text(min_size=1), st.text(min_size=1), st.text(min_size=1), st.none() | st.text(min_size=1)
)
def test_stored_identity_round_trip(
    identity: str, signature: str, server: str, alternate: str | None
) -> None:
    stored = StoredIdentity(identity, signature, server, alternate)
    assert StoredIdentity.from_dict(json.loads(json.dumps(stored.as_dict()))) == stored


@given(st.dictionaries(st.text(), st.integers() | st.text() | st.booleans() | st.none()))
def test_device_parser_only_raises_protocol_errors(data: dict[str, Any]) -> None:
    with contextlib.suppress(MmsProtocolError):
        device = AccountDevice.from_json(data)
        assert device.server_device == str(data["Server_Device"])
