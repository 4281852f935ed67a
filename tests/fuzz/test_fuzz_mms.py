"""Fuzzing the MMS library: its lenient fields, account and device answers, identities, cloud keys.

Oracle: parsers return their model or raise the `MmsError` documented for them; `optional_*`
readers never raise. Round trips use the MMS cloud simulator's own ticket signer and key answer.
The client is also run against the simulator with one server role answering arbitrary bodies:
whatever comes back, it raises only `MmsError`.
"""

from __future__ import annotations

import base64
import contextlib
import math
import re
from typing import Any

import aiohttp
from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest

from custom_components.hubrelay.protocols.mms import MmsClient, MmsError
from custom_components.hubrelay.protocols.mms.cloud import (
    CloudToken,
    HubLocalKeys,
    select_local_keys,
)
from custom_components.hubrelay.protocols.mms.errors import (
    MmsCloudError,
    MmsDeviceNotFoundError,
    MmsProtocolError,
)
from custom_components.hubrelay.protocols.mms.fields import (
    optional_int,
    optional_str,
    required_int,
    required_str,
)
from custom_components.hubrelay.protocols.mms.identity import (
    Identity,
    StoredIdentity,
    decode_identity,
)
from custom_components.hubrelay.protocols.mms.models import (
    AccountDevice,
    DeviceInfo,
    parse_account_devices,
)
from tests.fuzz.strategies import (
    any_text,
    as_json_text,
    ascii_text,
    huge_integers,
    json_objects,
    json_texts,
    json_values,
    nested_json,
    numeric_text,
    scalars,
)
from tests.simulators.mms_cloud import ROLES, MmsCloudSimulator
from tests.simulators.mms_cloud_records import Account, TicketSigner

FUZZ = settings.get_profile("hubrelay-fuzz")
HEAVY = settings.get_profile("hubrelay-fuzz-heavy")
HEADER_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""What aiohttp refuses in a header value (it raises ValueError before sending)."""


def sendable(value: str) -> bool:
    """Tell whether a token can be presented back to the cloud in an HTTP header."""
    return HEADER_FORBIDDEN.search(value) is None


lenient = scalars | numeric_text
DEVICE_KEYS = [
    "PK_Device", "Server_Device", "Server_Device_Alt", "PK_DeviceType", "PK_DeviceSubType",
    "MacAddress", "Name", "PK_Installation", "DeviceAssigned", "Blocked",
]  # fmt: skip
INFO_KEYS = [
    "PK_Device", "Server_Relay", "InternalIP", "ExternalIP", "MacAddress", "FirmwareVersion",
    "LinuxFirmware", "NMAControllerStatus", "NMAUuid", "UI", "EngineStatus", "FK_Branding",
]  # fmt: skip
TICKET_KEYS = ["PK_Account", "PK_User", "Generated", "Expires", "Username", "Server_Auth"]
LOGIN_KEYS = ["Identity", "IdentitySignature", "Server_Account", "Server_Account_Alt"]


# -- fields -------------------------------------------------------------------------------------


@FUZZ
@given(json_objects(["a"], lenient))
@example({"a": "--5"}).via("int() of text that passed the lstrip('-').isdecimal() test")
@example({"a": "9" * 5000}).via("int() refuses more than 4300 digits")
def test_lenient_fields_never_raise_and_required_ones_raise_protocol_error(
    data: dict[str, Any],
) -> None:
    number, text = optional_int(data, "a"), optional_str(data, "a")
    assert number is None or type(number) is int
    assert text is None or (isinstance(text, str) and text)
    for required, optional in ((required_int, number), (required_str, text)):
        try:
            assert required(data, "a") == optional
        except MmsProtocolError:
            assert optional is None


@FUZZ
@given(st.integers(), st.booleans(), st.sampled_from(["", " ", "\t"]))
def test_integers_written_as_text_read_back(number: int, as_text: bool, pad: str) -> None:
    value = f"{pad}{number}{pad}" if as_text else number
    assert optional_int({"a": value}, "a") == number


# -- account and device answers -------------------------------------------------------------------

account_devices = json_objects(DEVICE_KEYS, lenient)


@FUZZ
@given(
    st.fixed_dictionaries({"Devices": st.lists(account_devices, max_size=4)})
    | json_values(["Devices", *DEVICE_KEYS])
)
def test_account_answers_parse_or_raise_protocol_error(answer: Any) -> None:
    try:
        devices = parse_account_devices(answer)
    except MmsProtocolError:
        return
    for device in devices:
        assert isinstance(device, AccountDevice)
        assert device.serial == str(device.pk_device)
        assert device.server_device in device.device_servers
        assert isinstance(device.blocked, bool)


@FUZZ
@given(json_objects(INFO_KEYS, lenient) | json_values(INFO_KEYS))
def test_device_answers_parse_or_raise_protocol_error(answer: Any) -> None:
    try:
        info = DeviceInfo.from_json(answer)
    except MmsProtocolError:
        return
    assert info.serial == str(info.pk_device)
    assert isinstance(info.is_ezlo, bool)


# -- identities ---------------------------------------------------------------------------------


def _b64(value: Any) -> str:
    return base64.b64encode(as_json_text(value).encode("utf-8", "surrogatepass")).decode()


tickets = json_objects(TICKET_KEYS, lenient)
identity_texts = (
    tickets.map(_b64)
    | any_text
    | st.binary(max_size=60).map(lambda raw: base64.b64encode(raw).decode())
)


@FUZZ
@given(identity_texts)
@example(base64.b64encode(nested_json(100_000).encode()).decode()).via(
    "deep nesting overflows the JSON decoder's stack"
)
def test_identity_text_decodes_or_raises_protocol_error(token: str) -> None:
    with contextlib.suppress(MmsProtocolError):
        assert isinstance(decode_identity(token), dict)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"Identity": identity_texts},
        optional=dict.fromkeys(LOGIN_KEYS[1:], any_text | lenient),
    )
    | json_objects(LOGIN_KEYS, lenient)
)
@example(
    {
        "Identity": _b64({"PK_Account": 1, "PK_User": 2, "Generated": 3, "Expires": 4}),
        "IdentitySignature": "sig\nnature",
        "Server_Account": "account.example",
    }
).via("a signature no HTTP header can carry")
def test_login_answers_give_an_identity_or_raise_protocol_error(answer: dict[str, Any]) -> None:
    try:
        identity = Identity.from_login(answer)
    except MmsProtocolError:
        return
    assert all(sendable(value) for value in identity.auth_headers.values())
    assert identity.account_servers[0] == identity.server_account
    assert isinstance(identity.expires_within(60, now=0), bool)
    assert Identity.from_stored(identity.to_stored()) == identity
    assert StoredIdentity.from_dict(identity.to_stored().as_dict()) == identity.to_stored()


@FUZZ
@given(json_objects(["identity", "signature", "server_account", "server_account_alt"], lenient))
def test_stored_identities_load_or_raise_protocol_error(data: dict[str, Any]) -> None:
    try:
        stored = StoredIdentity.from_dict(data)
    except MmsProtocolError:
        return
    assert StoredIdentity.from_dict(stored.as_dict()) == stored


@FUZZ
@given(
    st.emails(),
    st.integers(1, 2**40),
    st.integers(1, 2**40),
    st.floats(1, 10**8),
    st.sampled_from(["vera-us-oem-autha11.mios.com", "127.0.0.1:8080"]),
)
def test_identity_round_trip_with_the_simulator(
    username: str, pk_account: int, pk_user: int, lifetime: float, server: str
) -> None:
    signer = TicketSigner()
    identity, signature = signer.issue_identity(
        Account(username, "password", pk_account, pk_user), lifetime=lifetime, server_auth=server
    )
    answer = {
        "Identity": identity,
        "IdentitySignature": signature,
        "Server_Account": "account.example",
    }
    parsed = Identity.from_login(answer)
    assert (parsed.username, parsed.pk_account, parsed.pk_user) == (username, pk_account, pk_user)
    assert parsed.server_auth == server
    assert parsed.auth_headers == {"MMSAuth": identity, "MMSAuthSig": signature}


# -- the Ezlo cloud: tokens and local keys ------------------------------------------------------


def _jwt(claims: Any) -> str:
    payload = base64.urlsafe_b64encode(as_json_text(claims).encode("utf-8", "surrogatepass"))
    return f"e30.{payload.decode().rstrip('=')}.c2ln"


@FUZZ
@given(
    json_objects(
        ["token"], any_text | json_objects(["expires_ts"], lenient | huge_integers).map(_jwt)
    )
    | json_values(["token"])
)
@example({"token": _jwt({"expires_ts": 10**400})}).via("float() of a 400-digit expiry")
@example({"token": "a\rb"}).via("a token no HTTP header can carry")
def test_cloud_token_answers_parse_or_raise_protocol_error(answer: Any) -> None:
    try:
        token = CloudToken.from_json(answer)
    except MmsProtocolError:
        return
    assert sendable(token.token)
    assert token.expires_ts is None or math.isfinite(token.expires_ts)
    assert isinstance(token.expires_within(60, now=0), bool)


@FUZZ
@given(st.integers(0, 2**40), st.floats(1, 10**8))
def test_cloud_token_round_trip_with_the_simulator(pk_user: int, lifetime: float) -> None:
    token = TicketSigner().issue_jwt({"pk_user": pk_user}, lifetime=lifetime)
    parsed = CloudToken.from_json({"token": token})
    assert parsed.token == token
    assert parsed.expires_ts is not None
    assert parsed.expires_within(lifetime + 5)


parts = json_objects(["type", "id", "uuid"], st.sampled_from(["controller", "user"]) | lenient)
access_keys = st.dictionaries(
    any_text,
    st.fixed_dictionaries(
        {"meta": st.fixed_dictionaries({}, optional={"entity": parts, "target": parts})},
        optional={"data": json_objects(["string", "type"], lenient)},
    )
    | json_values(["meta", "data", "entity", "target"]),
    max_size=4,
)
keys_answers = st.fixed_dictionaries(
    {"status": st.sampled_from([1, "1", 0]) | lenient},
    optional={"data": st.fixed_dictionaries({}, optional={"keys": access_keys}) | json_values()},
)


@FUZZ
@given(keys_answers | json_values(["status", "data", "keys"]), lenient, st.none() | lenient)
def test_access_keys_answers_select_keys_or_raise_documented_errors(
    answer: Any, serial: Any, hub_uuid: Any
) -> None:
    serial, hub_uuid = str(serial), None if hub_uuid is None else str(hub_uuid)
    try:
        keys = select_local_keys(answer, serial, hub_uuid=hub_uuid)
    except (MmsProtocolError, MmsCloudError, MmsDeviceNotFoundError):
        return
    assert keys.serial == serial
    assert HubLocalKeys.from_dict(keys.as_dict()) == keys


@FUZZ
@given(json_objects(["serial", "controller_uuid", "user", "token"], lenient))
def test_stored_local_keys_load_or_raise_protocol_error(data: dict[str, Any]) -> None:
    try:
        keys = HubLocalKeys.from_dict(data)
    except MmsProtocolError:
        return
    assert HubLocalKeys.from_dict(keys.as_dict()) == keys


@FUZZ
@given(
    st.lists(st.integers(10_000_000, 99_999_999).map(str), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_local_keys_round_trip_with_the_simulator(serials: list[str], data: st.DataObject) -> None:
    cloud = MmsCloudSimulator()
    cloud.add_account("fuzz", "password")
    for serial in serials:
        kind = data.draw(st.sampled_from(["ezlo", "vera"]), label=f"kind of {serial}")
        cloud.add_hub("fuzz", serial, relay_url="wss://relay.example", kind=kind, name=serial)
    answer = {"status": 1, "data": {"keys": cloud._keys(cloud.account("fuzz"))}}
    for serial in serials:
        if cloud.hub(serial).kind == "vera":
            with pytest.raises(MmsDeviceNotFoundError):
                select_local_keys(answer, serial)
            continue
        expected = cloud.local_keys(serial)
        for hub_uuid in (None, expected.controller_uuid):
            keys = select_local_keys(answer, serial, hub_uuid=hub_uuid)
            assert (keys.serial, keys.controller_uuid, keys.user, keys.token) == (
                expected.serial,
                expected.controller_uuid,
                expected.user,
                expected.token,
            )


# -- the client against arbitrary answers ---------------------------------------------------------

USERNAME = "fuzz@example.com"
PASSWORD = "fuzz password"
SERIAL = "90000123"


@pytest.fixture
async def cloud() -> Any:
    async with MmsCloudSimulator() as simulator:
        simulator.add_account(USERNAME, PASSWORD)
        simulator.add_hub(USERNAME, SERIAL, relay_url="wss://127.0.0.1:9", kind="ezlo", name="Hub")
        yield simulator


answer_bodies = (
    ascii_text
    | json_texts([*LOGIN_KEYS, "Devices", *DEVICE_KEYS, *INFO_KEYS, "token", "status", "data"])
    | st.fixed_dictionaries({"Devices": st.lists(account_devices, max_size=2)}).map(as_json_text)
    | json_objects(INFO_KEYS, lenient).map(as_json_text)
)


# The simulator is started once per test, not per example: each example sets its own fault,
# takes a fresh client and clears the fault again, so examples do not leak into each other.
@settings(HEAVY, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ROLES), answer_bodies)
@example("account", "\x1b").via("a session token with a control character broke the next request")
@example(
    "account", as_json_text({"Devices": [{"PK_Device": SERIAL, "Server_Device": "[::1"}]})
).via("a device server no URL can be made of raised yarl's ValueError")
@example("cloud", as_json_text({"token": "a\nb"})).via(
    "a cloud token with a newline broke the access_keys_sync request"
)
async def test_client_raises_only_mms_errors_whatever_a_server_answers(
    cloud: MmsCloudSimulator, role: str, body: str
) -> None:
    cloud.bodies = {role: body}
    try:
        async with aiohttp.ClientSession() as http:
            client = MmsClient(
                http, USERNAME, PASSWORD, request_timeout=2.0, **cloud.client_kwargs()
            )
            steps = (
                client.account_devices,
                lambda: client.device_info(SERIAL),
                lambda: client.hub_local_keys(SERIAL),
            )
            for step in steps:
                try:
                    await step()
                except MmsError:
                    continue
    finally:
        cloud.bodies = {}
