"""LL answers (Code / code, numbers / strings) and the jdev/cfg/api(Key) values."""

from __future__ import annotations

import json

import pytest

from custom_components.hubrelay.protocols.loxone.errors import (
    LoxoneAuthenticationError,
    LoxoneCommandError,
    LoxoneProtocolError,
    LoxoneTimeoutError,
)
from custom_components.hubrelay.protocols.loxone.messages import (
    ApiInfo,
    LLResponse,
    check_answer,
    normalize_serial,
    parse_ll,
    parse_version,
)

from .conftest import fixture_json


def test_real_getkey2_answer_with_lower_case_numeric_code() -> None:
    answer = parse_ll(json.dumps(fixture_json("messages/getKeyMessage.json")))
    assert answer.control == "jdev/sys/getkey2/showroom"
    assert answer.code == 200
    assert answer.ok
    assert answer.value["hashAlg"] == "SHA1"


def test_real_401_with_string_code() -> None:
    answer = parse_ll(json.dumps(fixture_json("messages/getToken401.json")))
    assert answer.code == 401
    assert not answer.ok
    assert answer.value == {"lastEdit": "2009-01-01 01:00:00", "unix": 1230768000}


def test_capital_code_string() -> None:
    answer = parse_ll('{"LL": {"control": "dev/sps/io/x/on", "value": "1", "Code": "200"}}')
    assert answer == LLResponse("dev/sps/io/x/on", 200, "1")


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"LL": 3}', '{"LL": {"control": "x"}}', '{"LL": {"Code": "abc"}}'],
)
def test_not_an_ll_answer(text: str) -> None:
    with pytest.raises(LoxoneProtocolError):
        parse_ll(text)


def test_check_answer_maps_status_codes() -> None:
    assert check_answer(LLResponse("c", 200, 1), "x").value == 1
    with pytest.raises(LoxoneAuthenticationError):
        check_answer(LLResponse("c", 401, ""), "the token request", credential=True)
    with pytest.raises(LoxoneCommandError) as undecryptable:
        check_answer(LLResponse("c", 401, ""), "the key request")
    assert undecryptable.value.code == 401
    with pytest.raises(LoxoneTimeoutError, match="420"):
        check_answer(LLResponse("c", 420, ""), "x")
    with pytest.raises(LoxoneCommandError) as caught:
        check_answer(LLResponse("c", 404, ""), "x")
    assert caught.value.code == 404


def test_api_info_from_real_single_quoted_values() -> None:
    old = ApiInfo.from_value(fixture_json("messages/apiInfo.json"))
    assert old == ApiInfo(serial="504F9410B84A", version="9.1.10.30")
    assert old.firmware == (9, 1, 10, 30)
    new = ApiInfo.from_value(fixture_json("messages/apiInfo103.json"))
    assert new.serial == "EEE000D80B0E"
    assert new.has_event_slots is True


def test_api_key_value_with_flags_and_merge() -> None:
    with_key = ApiInfo.from_value(
        "{'snr': '50:4F:94:A0:B1:C2', 'version':'14.5.12.7', 'key':'41', "
        "'isInTrust':false, 'local':true, 'httpsStatus':1}"
    )
    assert with_key.local is True
    assert with_key.https_status == 1
    assert with_key.has_event_slots is None
    plain = ApiInfo.from_value(
        "{'snr': '50:4F:94:A0:B1:C2', 'version':'14.5.12.7', 'hasEventSlots':false}"
    )
    merged = plain.merged(with_key)
    assert merged == ApiInfo("504F94A0B1C2", "14.5.12.7", 1, True, False)


def test_api_value_may_already_be_an_object() -> None:
    assert ApiInfo.from_value({"snr": "1", "version": "10.2"}).version == "10.2"


@pytest.mark.parametrize("value", [None, 12, "{'snr': 1}", "{'version': '1'}", "{broken"])
def test_api_value_errors(value: object) -> None:
    with pytest.raises(LoxoneProtocolError):
        ApiInfo.from_value(value)


def test_versions_and_serials() -> None:
    assert parse_version("10.3.11.25") == (10, 3, 11, 25)
    assert parse_version("") == ()
    assert normalize_serial("50:4f:94:10:b8:4a") == "504F9410B84A"
