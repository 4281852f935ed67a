"""Fuzzing the Loxone library: headers, frames, the four event tables, answers, tokens, structure.

Oracle: a parser returns its declared type or raises the library's documented error
(`LoxoneProtocolError`, `LoxoneCloudDNSError`, ...); the table decoders and the frame assembler,
whose contract is "skip what is damaged and report it", never raise at all. Round trips encode
with the Miniserver simulator's own codec (an independent implementation of the seed's layouts).
"""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime
import json
from pathlib import Path
import struct
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import example, given, settings, strategies as st
import pytest
from yarl import URL

from custom_components.hubrelay.protocols.loxone.client import MiniserverClient
from custom_components.hubrelay.protocols.loxone.cloud_dns import (
    CloudAddress,
    parse_cloud_dns_answer,
)
from custom_components.hubrelay.protocols.loxone.connection import closed_error
from custom_components.hubrelay.protocols.loxone.crypto import (
    AesSession,
    HashAlg,
    hmac_hex,
    load_public_key,
)
from custom_components.hubrelay.protocols.loxone.endpoint import Endpoint
from custom_components.hubrelay.protocols.loxone.errors import (
    LoxoneCloudDNSError,
    LoxoneError,
    LoxoneProtocolError,
)
from custom_components.hubrelay.protocols.loxone.events import (
    DaytimerEntry,
    DaytimerState,
    DecodedTable,
    TextState,
    WeatherEntry,
    WeatherState,
    decode_daytimer_table,
    decode_text_table,
    decode_value_table,
    decode_weather_table,
)
from custom_components.hubrelay.protocols.loxone.frames import (
    FrameAssembler,
    Header,
    Message,
    MessageType,
    parse_header,
)
from custom_components.hubrelay.protocols.loxone.messages import (
    ApiInfo,
    LLResponse,
    check_answer,
    parse_ll,
    parse_loose_object,
    parse_version,
)
from custom_components.hubrelay.protocols.loxone.structure import LoxoneStructure
from custom_components.hubrelay.protocols.loxone.system import (
    MAX_ENTRIES,
    MAX_TEXT,
    parse_count,
    parse_heap,
    parse_message_center,
    parse_percent,
)
from custom_components.hubrelay.protocols.loxone.tokens import Token, UserKey
from custom_components.hubrelay.protocols.loxone.uuids import uuid_to_bytes, uuid_to_str
from tests.fuzz.strategies import (
    any_text,
    as_json_text,
    json_objects,
    json_texts,
    json_values,
    nested_json,
    numeric_text,
    scalars,
)
from tests.simulators import miniserver_codec as codec
from tests.simulators.miniserver_crypto import SessionKey, public_key_one_line

FUZZ = settings.get_profile("hubrelay-fuzz")
HEAVY = settings.get_profile("hubrelay-fuzz-heavy")
FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "loxone"
STRUCTURE_FILES = ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"]

raw_uuids = st.binary(min_size=16, max_size=16)
text_uuids = raw_uuids.map(codec.uuid_from_bytes)
int32 = st.integers(-(2**31), 2**31 - 1)
uint32 = st.integers(0, 2**32 - 1)
doubles = st.floats()  # NaN and infinities included: the wire carries any IEEE double
clean_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


def bits(value: object) -> object:
    """Stand floats in for their IEEE bytes, so NaN equals the same NaN and -0.0 is not 0.0."""
    if isinstance(value, float):
        return struct.pack("<d", value)
    if isinstance(value, tuple):
        return (type(value), tuple(bits(item) for item in value))
    if isinstance(value, list):
        return [bits(item) for item in value]
    if isinstance(value, dict):
        return {key: bits(item) for key, item in value.items()}
    return value


def same(left: object, right: object) -> bool:
    """Compare decoded events with expected ones bit for bit."""
    return bits(left) == bits(right)


# -- message headers and frames ---------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=12))
def test_header_bytes_parse_or_raise_protocol_error(data: bytes) -> None:
    try:
        header = parse_header(data)
    except LoxoneProtocolError:
        return
    assert isinstance(header, Header)
    assert (len(data), data[0], header.type) == (8, 0x03, data[1])
    assert header.length == int.from_bytes(data[4:], "little")


@FUZZ
@given(st.sampled_from(codec.Identifier), uint32, st.booleans(), st.sampled_from([0x80, 0x01]))
def test_header_round_trip(
    identifier: codec.Identifier, length: int, estimated: bool, flag: int
) -> None:
    data = codec.header(identifier, length, estimated=estimated, flag=flag)
    assert parse_header(data) == Header(MessageType(identifier), estimated, length)


header_frames = st.builds(
    lambda identifier, length, estimated: codec.header(identifier, length, estimated=estimated),
    st.sampled_from(codec.Identifier),
    st.integers(0, 64) | uint32,
    st.booleans(),
)
frames = st.lists(header_frames | st.binary(max_size=40) | any_text, max_size=30)


@FUZZ
@given(frames)
def test_frame_assembler_never_raises_and_keeps_types(sequence: list[bytes | str]) -> None:
    assembler = FrameAssembler()
    for frame in sequence:
        for item in assembler.feed(frame):
            if isinstance(item, LoxoneProtocolError):
                continue
            assert isinstance(item, Message)
            if item.type in {MessageType.KEEPALIVE, MessageType.OUT_OF_SERVICE}:
                assert item.payload == b""
            elif item.type is MessageType.TEXT:
                assert isinstance(item.payload, str)
            elif item.type is not MessageType.BINARY_FILE:
                assert isinstance(item.payload, bytes)


def _wire(message: tuple[codec.Identifier, bytes | str, bool]) -> list[bytes | str]:
    identifier, payload, estimated_first = message
    if identifier in {codec.Identifier.KEEPALIVE, codec.Identifier.OUT_OF_SERVICE}:
        return [codec.header(identifier, 0)]
    size = len(payload.encode() if isinstance(payload, str) else payload)
    exact = codec.header(identifier, size)
    headers = [codec.header(identifier, size + 4096, estimated=True), exact]
    return [*(headers if estimated_first else [exact]), payload]


wire_messages = st.one_of(
    st.tuples(st.just(codec.Identifier.TEXT), clean_text, st.booleans()),
    st.tuples(
        st.just(codec.Identifier.BINARY_FILE), clean_text | st.binary(max_size=40), st.booleans()
    ),
    st.tuples(
        st.sampled_from(
            [
                codec.Identifier.VALUE_TABLE,
                codec.Identifier.TEXT_TABLE,
                codec.Identifier.DAYTIMER_TABLE,
                codec.Identifier.WEATHER_TABLE,
            ]
        ),
        st.binary(max_size=40),
        st.booleans(),
    ),
    st.tuples(
        st.sampled_from([codec.Identifier.KEEPALIVE, codec.Identifier.OUT_OF_SERVICE]),
        st.just(b""),
        st.just(False),
    ),
)


@FUZZ
@given(st.lists(wire_messages, max_size=20))
def test_frame_assembler_round_trip(messages: list[tuple[codec.Identifier, Any, bool]]) -> None:
    assembler = FrameAssembler()
    out: list[Message | LoxoneProtocolError] = []
    for message in messages:
        for frame in _wire(message):
            out.extend(assembler.feed(frame))
    assert out == [Message(MessageType(kind), payload) for kind, payload, _ in messages]


# -- event tables -----------------------------------------------------------------------------

DECODERS = {
    MessageType.VALUE_TABLE: decode_value_table,
    MessageType.TEXT_TABLE: decode_text_table,
    MessageType.DAYTIMER_TABLE: decode_daytimer_table,
    MessageType.WEATHER_TABLE: decode_weather_table,
}
STATE_TYPES = {
    MessageType.VALUE_TABLE: float,
    MessageType.TEXT_TABLE: TextState,
    MessageType.DAYTIMER_TABLE: DaytimerState,
    MessageType.WEATHER_TABLE: WeatherState,
}


def _check_table(kind: MessageType, decoded: DecodedTable[Any]) -> None:
    assert decoded.problem is None or isinstance(decoded.problem, str)
    for uuid, value in decoded.events:
        assert isinstance(uuid, bytes)
        assert len(uuid) == 16
        assert isinstance(value, STATE_TYPES[kind])


@FUZZ
@given(st.sampled_from(list(DECODERS)), st.binary(max_size=600))
def test_tables_of_arbitrary_bytes_never_raise(kind: MessageType, payload: bytes) -> None:
    decoded = DECODERS[kind](payload)
    _check_table(kind, decoded)
    if kind is MessageType.VALUE_TABLE:
        assert len(decoded.events) == len(payload) // 24
        assert (decoded.problem is None) == (len(payload) % 24 == 0)


daytimer_entries = st.builds(codec.DaytimerEntry, int32, int32, int32, int32, doubles)
weather_entries = st.builds(codec.WeatherEntry, int32, int32, int32, int32, int32, *[doubles] * 6)
value_events = st.lists(st.tuples(text_uuids, doubles), max_size=12)
text_events = st.lists(st.tuples(text_uuids, text_uuids, clean_text), max_size=8)
daytimer_events = st.lists(
    st.tuples(text_uuids, doubles, st.lists(daytimer_entries, max_size=4)), max_size=5
)
weather_events = st.lists(
    st.tuples(text_uuids, uint32, st.lists(weather_entries, max_size=3)), max_size=4
)


def _expected_value(events: list[tuple[str, float]]) -> list[tuple[bytes, Any]]:
    return [(codec.uuid_to_bytes(uuid), value) for uuid, value in events]


def _expected_text(events: list[tuple[str, str, str]]) -> list[tuple[bytes, Any]]:
    return [
        (codec.uuid_to_bytes(uuid), TextState(text, codec.uuid_to_bytes(icon)))
        for uuid, icon, text in events
    ]


def _expected_daytimer(
    events: list[tuple[str, float, list[codec.DaytimerEntry]]],
) -> list[tuple[bytes, Any]]:
    return [
        (
            codec.uuid_to_bytes(uuid),
            DaytimerState(
                default,
                tuple(
                    DaytimerEntry(e.mode, e.start, e.end, e.need_activate, e.value) for e in entries
                ),
            ),
        )
        for uuid, default, entries in events
    ]


def _expected_weather(
    events: list[tuple[str, int, list[codec.WeatherEntry]]],
) -> list[tuple[bytes, Any]]:
    return [
        (
            codec.uuid_to_bytes(uuid),
            WeatherState(
                last_update,
                tuple(
                    WeatherEntry(
                        e.timestamp,
                        e.weather_type,
                        e.wind_direction,
                        e.solar_radiation,
                        e.relative_humidity,
                        e.temperature,
                        e.perceived_temperature,
                        e.dew_point,
                        e.precipitation,
                        e.wind_speed,
                        e.barometric_pressure,
                    )
                    for e in entries
                ),
            ),
        )
        for uuid, last_update, entries in events
    ]


type Table = tuple[MessageType, bytes, list[tuple[bytes, Any]], list[int]]
"""Kind, encoded payload, the events it must decode to, and the byte offset after each event."""


def _table(kind: MessageType, encode: Any, expect: Any, events: list[Any]) -> Table:
    boundaries = [len(encode(events[:count])) for count in range(len(events) + 1)]
    return kind, encode(events), expect(events), boundaries


tables = st.one_of(
    value_events.map(
        lambda e: _table(MessageType.VALUE_TABLE, codec.value_table, _expected_value, e)
    ),
    text_events.map(lambda e: _table(MessageType.TEXT_TABLE, codec.text_table, _expected_text, e)),
    daytimer_events.map(
        lambda e: _table(MessageType.DAYTIMER_TABLE, codec.daytimer_table, _expected_daytimer, e)
    ),
    weather_events.map(
        lambda e: _table(MessageType.WEATHER_TABLE, codec.weather_table, _expected_weather, e)
    ),
)


@FUZZ
@given(tables)
def test_table_round_trip(table: Table) -> None:
    kind, payload, expected, _ = table
    decoded = DECODERS[kind](payload)
    assert decoded.problem is None
    assert same(decoded.events, expected)


@FUZZ
@given(tables, st.data())
def test_truncated_tables_keep_a_prefix_of_their_events(table: Table, data: st.DataObject) -> None:
    kind, payload, expected, boundaries = table
    cut = data.draw(st.integers(0, len(payload)), label="cut")
    decoded = DECODERS[kind](payload[:cut])
    _check_table(kind, decoded)
    assert same(decoded.events, expected[: len(decoded.events)])
    if cut in boundaries:
        assert decoded.problem is None
        assert len(decoded.events) == boundaries.index(cut)
    elif kind is not MessageType.TEXT_TABLE:  # a text event cut in its padding is still whole
        assert decoded.problem is not None


COUNT_OFFSETS = {
    MessageType.TEXT_TABLE: 32,
    MessageType.DAYTIMER_TABLE: 24,
    MessageType.WEATHER_TABLE: 20,
}
"""Where the first event's byte length (text) or entry count (daytimer, weather) sits."""

count_fields = st.binary(min_size=4, max_size=4) | st.sampled_from(
    [b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80", b"\xff\xff\xff\xff", b"\x01\x00\x00\x00"]
)


@FUZZ
@given(tables, count_fields)
@example(
    _table(
        MessageType.DAYTIMER_TABLE,
        codec.daytimer_table,
        _expected_daytimer,
        [(codec.ZERO_UUID, 1.0, [])],
    ),
    b"\xff\xff\xff\x7f",
).via("edge: a daytimer claiming 2**31 - 1 entries (reported as damaged)")
def test_tables_with_a_wrong_count_never_raise(table: Table, count: bytes) -> None:
    kind, payload, _, _ = table
    if kind is MessageType.VALUE_TABLE or not payload:
        return
    offset = COUNT_OFFSETS[kind]
    _check_table(kind, DECODERS[kind](payload[:offset] + count + payload[offset + 4 :]))


@FUZZ
@given(st.lists(st.tuples(raw_uuids, raw_uuids, st.binary(max_size=30)), max_size=6))
def test_text_table_with_invalid_utf8_is_decoded_with_replacements(
    events: list[tuple[bytes, bytes, bytes]],
) -> None:
    payload = b"".join(
        struct.pack("<16s16sI", uuid, icon, len(raw)) + raw + b"\0" * (-len(raw) % 4)
        for uuid, icon, raw in events
    )
    decoded = decode_text_table(payload)
    assert decoded.problem is None
    assert decoded.events == [
        (uuid, TextState(raw.decode("utf-8", errors="replace"), icon)) for uuid, icon, raw in events
    ]


# -- the client's state cache fed by tables -----------------------------------------------------


@st.composite
def damaged_tables(draw: st.DrawFn) -> Table:
    """A table as sent, or a value table whose last event lost some of its 24 bytes."""
    kind, payload, expected, boundaries = draw(tables)
    if kind is MessageType.VALUE_TABLE and expected and draw(st.booleans()):
        lost = draw(st.integers(1, 23))
        return kind, payload[:-lost], expected[:-1], boundaries[:-1]
    return kind, payload, expected, boundaries


@FUZZ
@given(st.lists(damaged_tables(), max_size=8), st.data())
async def test_client_state_cache_follows_any_table_sequence(
    sequence: list[Table], data: st.DataObject
) -> None:
    sent = sorted({uuid for _, _, events, _ in sequence for uuid, _ in events})
    watched = data.draw(
        st.lists(st.sampled_from(sent) | raw_uuids if sent else raw_uuids, unique=True, max_size=4),
        label="watched",
    )
    named = data.draw(st.sets(st.sampled_from(sent)) if sent else st.just(set()), label="named")
    structure = LoxoneStructure.from_json(
        {
            "msInfo": {"serialNr": "504F94A0B1C2"},
            "globalStates": {f"s{n}": uuid_to_str(uuid) for n, uuid in enumerate(named)},
        }
    )
    async with aiohttp.ClientSession() as http:
        client = MiniserverClient(
            http,
            Endpoint(URL("http://127.0.0.1:9")),
            username="fuzz",
            client_uuid="fuzz",
            structure=structure,
        )
        seen: dict[bytes, list[Any]] = {}

        def broken(uuid: bytes, value: Any) -> None:
            raise RuntimeError("a broken subscriber must not stop the others")

        for index, uuid in enumerate(watched):
            if index == 0:
                client.subscribe(uuid_to_str(uuid), broken)
            client.subscribe(uuid, lambda raw, value: seen.setdefault(raw, []).append(value))
        expected: dict[bytes, Any] = {}
        delivered: dict[bytes, list[Any]] = {}
        for kind, payload, events, _ in sequence:
            client._on_table(kind, payload)
            for uuid, value in events:
                if uuid in named or uuid in watched:  # the cache holds named or watched states
                    expected[uuid] = value
                if uuid in watched:
                    delivered.setdefault(uuid, []).append(value)
            assert same(dict(client.states), expected)
        assert same(seen, delivered)
        for uuid in watched:
            assert same(client.get_state(uuid_to_str(uuid)), expected.get(uuid))


# -- LL answers, api info, versions -------------------------------------------------------------

LL_KEYS = ["LL", "control", "value", "Code", "code"]


@FUZZ
@given(json_texts(LL_KEYS))
@example(nested_json(100_000)).via("deep nesting overflows the JSON decoder's stack")
def test_ll_text_parses_or_raises_protocol_error(text: str) -> None:
    try:
        answer = parse_ll(text)
    except LoxoneProtocolError:
        return
    assert isinstance(answer, LLResponse)
    assert isinstance(answer.control, str)
    assert isinstance(answer.code, int)
    try:
        assert check_answer(answer, "fuzz") is answer
    except LoxoneError:
        assert not answer.ok


@FUZZ
@given(
    any_text,
    st.integers(0, 999) | st.integers(),
    st.sampled_from(["Code", "code"]),
    st.booleans(),
    json_values(LL_KEYS),
)
def test_ll_round_trip(control: str, code: int, key: str, as_text: bool, value: Any) -> None:
    document = {"LL": {"control": control, key: str(code) if as_text else code, "value": value}}
    answer = parse_ll(as_json_text(document))
    assert (answer.control, answer.code) == (control, code)
    assert as_json_text(answer.value) == as_json_text(value)


API_KEYS = ["snr", "version", "httpsStatus", "local", "hasEventSlots"]


@FUZZ
@given(
    json_values(API_KEYS)
    | json_texts(API_KEYS)
    | json_texts(API_KEYS).map(lambda text: text.replace('"', "'"))
)
def test_api_info_parses_or_raises_protocol_error(value: Any) -> None:
    try:
        info = ApiInfo.from_value(value)
    except LoxoneProtocolError:
        return
    assert isinstance(info.serial, str)
    assert isinstance(info.version, str)
    assert all(isinstance(part, int) for part in info.firmware)
    assert info.merged(info) == info


@FUZZ
@given(
    st.lists(st.sampled_from("0123456789ABCDEFabcdef"), min_size=12, max_size=12),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=4),
    st.booleans(),
)
def test_api_info_round_trip(serial: list[str], version: list[int], has_slots: bool) -> None:
    pairs = ":".join("".join(serial[i : i + 2]) for i in range(0, 12, 2))
    text = ".".join(map(str, version))
    value = f"{{'snr':'{pairs}','version':'{text}','hasEventSlots':{str(has_slots).lower()}}}"
    info = ApiInfo.from_value(value)
    assert info.serial == "".join(serial).upper()
    assert info.firmware == tuple(version)
    assert info.has_event_slots is has_slots


@FUZZ
@given(any_text | numeric_text)
@example("1" * 5000).via("a version part of 5000 digits is more than int() reads")
def test_version_text_never_raises(text: str) -> None:
    assert all(isinstance(part, int) for part in parse_version(text))


@FUZZ
@given(json_values(["a"]) | json_texts(["a"]))
def test_loose_objects_are_objects_or_protocol_errors(value: Any) -> None:
    with contextlib.suppress(LoxoneProtocolError):
        assert isinstance(parse_loose_object(value), dict)


# -- keys, tokens, crypto ------------------------------------------------------------------------

hex_keys = st.binary(max_size=32).map(bytes.hex)
KEY_FIELDS = ["key", "salt", "hashAlg"]
TOKEN_FIELDS = ["token", "validUntil", "tokenRights", "unsecurePass"]
hash_algs = st.sampled_from(HashAlg)


@FUZZ
@given(
    json_objects(KEY_FIELDS, hex_keys | st.sampled_from(["SHA1", "SHA256", "sha-256"]) | scalars)
    | json_values(KEY_FIELDS)
)
@example({"key": "00", "salt": "\ud800"}).via("a lone surrogate in the salt cannot be hashed")
def test_user_key_parses_and_hashes_or_raises_protocol_error(value: Any) -> None:
    try:
        user_key = UserKey.from_value(value)
        digest = user_key.credential_hash("pässword", "üser")
    except LoxoneProtocolError:
        return
    assert int(digest, 16) >= 0


@FUZZ
@given(
    json_objects(TOKEN_FIELDS, scalars) | json_values(TOKEN_FIELDS),
    hash_algs,
    st.none() | st.builds(Token, any_text, st.integers(0, 2**32), int32, st.booleans(), hash_algs),
)
@example({"token": "t", "validUntil": 10**20}, HashAlg.SHA1, None).via(
    "a validity beyond year 9999 broke expires_at"
)
@example({"token": "\udc00", "validUntil": 1}, HashAlg.SHA1, None).via(
    "a lone surrogate in the token cannot be hashed"
)
def test_token_answer_parses_or_raises_protocol_error(
    value: Any, alg: HashAlg, previous: Token | None
) -> None:
    try:
        token = Token.from_value(value, alg, previous)
    except LoxoneProtocolError:
        return
    assert isinstance(token.expires_at, datetime)
    assert isinstance(token.seconds_left(datetime.now(UTC)), float)
    assert int(token.hash("00ff"), 16) >= 0
    assert Token.from_dict(token.as_dict()) == token


@FUZZ
@given(json_objects(["token", "valid_until", "rights", "unsecure_pass", "hash_alg"], scalars))
@example({"token": "t", "valid_until": float("inf")}).via("int(inf) raised OverflowError")
@example({"token": "t", "valid_until": 10**15}).via("a validity beyond year 9999")
def test_stored_token_loads_or_raises_protocol_error(data: dict[str, Any]) -> None:
    try:
        token = Token.from_dict(data)
    except LoxoneProtocolError:
        return
    assert isinstance(token.expires_at, datetime)
    assert int(token.hash("00"), 16) >= 0


@FUZZ
@given(json_values(), any_text, hash_algs)
def test_hash_alg_and_hmac_take_any_input(value: Any, key: str, alg: HashAlg) -> None:
    with contextlib.suppress(LoxoneProtocolError):
        assert HashAlg.parse(value) in HashAlg
    with contextlib.suppress(LoxoneProtocolError):
        assert int(hmac_hex(key, "message", alg), 16) >= 0


aes_keys = st.tuples(st.binary(min_size=32, max_size=32), st.binary(min_size=16, max_size=16))
aes_plaintexts = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\0"), max_size=200
)


@FUZZ
@given(aes_keys, any_text | st.binary(max_size=64).map(lambda raw: base64.b64encode(raw).decode()))
@example((bytes(32), bytes(16)), "é").via("non-ASCII text made b64decode raise ValueError")
def test_aes_decrypt_of_anything_is_text_or_protocol_error(
    key: tuple[bytes, bytes], ciphertext: str
) -> None:
    with contextlib.suppress(LoxoneProtocolError):
        assert isinstance(AesSession(*key).decrypt(ciphertext), str)


@FUZZ
@given(aes_keys, aes_plaintexts)
def test_aes_round_trip_with_the_simulator(key: tuple[bytes, bytes], text: str) -> None:
    ours, theirs = AesSession(*key), SessionKey(*key)
    assert ours.decrypt(theirs.encrypt(text)) == text
    assert theirs.decrypt(ours.encrypt(text)) == text


def _spki_der() -> bytes:
    body = public_key_one_line().split("-----")[2]
    return base64.b64decode(body)


def _unknown_algorithm_spki() -> str:
    oid = bytes([0x06, 0x03, 0x2A, 0x03, 0x04])  # 1.2.3.4: no key type anybody knows
    algorithm = bytes([0x30, len(oid)]) + oid
    bits = bytes([0x03, 0x02, 0x00, 0x00])
    return base64.b64encode(bytes([0x30, len(algorithm) + len(bits)]) + algorithm + bits).decode()


@FUZZ
@given(st.data())
def test_public_key_mutations_load_or_raise_protocol_error(data: st.DataObject) -> None:
    der = bytearray(_spki_der())
    for _ in range(data.draw(st.integers(0, 4), label="flips")):
        at = data.draw(st.integers(0, len(der) - 1), label="at")
        der[at] = data.draw(st.integers(0, 255), label="byte")
    der = der[: data.draw(st.integers(0, len(der)), label="length")]
    body = base64.b64encode(bytes(der)).decode()
    wrap = data.draw(st.sampled_from(["one-line", "pem", "bare"]), label="wrap")
    text = {
        "one-line": f"-----BEGIN CERTIFICATE-----{body}-----END CERTIFICATE-----",
        "pem": f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n",
        "bare": body,
    }[wrap]
    with contextlib.suppress(LoxoneProtocolError):
        assert isinstance(load_public_key(text), rsa.RSAPublicKey)


@FUZZ
@given(any_text)
@example("é").via("non-ASCII text made b64decode raise ValueError")
@example(_unknown_algorithm_spki()).via("an unknown key algorithm raised UnsupportedAlgorithm")
def test_public_key_text_loads_or_raises_protocol_error(text: str) -> None:
    with contextlib.suppress(LoxoneProtocolError):
        assert isinstance(load_public_key(text), rsa.RSAPublicKey)


# -- UUIDs and close codes ---------------------------------------------------------------------


@FUZZ
@given(any_text | text_uuids)
def test_uuid_text_converts_or_raises_value_error(text: str) -> None:
    try:
        raw = uuid_to_bytes(text)
    except ValueError:  # the documented error of these edge helpers
        return
    assert len(raw) == 16
    assert uuid_to_str(raw) == codec.uuid_from_bytes(raw)


@FUZZ
@given(raw_uuids)
def test_uuid_round_trip_with_the_simulator(raw: bytes) -> None:
    assert uuid_to_bytes(codec.uuid_from_bytes(raw)) == raw
    assert codec.uuid_to_bytes(uuid_to_str(raw)) == raw


@FUZZ
@given(st.none() | st.integers(0, 65535), st.booleans())
def test_any_close_code_is_explained_by_a_typed_error(code: int | None, out: bool) -> None:
    assert isinstance(closed_error(code, out), LoxoneError)


# -- the structure file ------------------------------------------------------------------------

STRUCTURE_KEYS = [
    "msInfo", "serialNr", "msName", "rooms", "cats", "controls", "subControls", "states",
    "details", "uuidAction", "name", "type", "room", "cat", "isSecured", "isFavorite",
    "defaultRating", "globalStates", "operatingModes", "weatherServer", "weatherTypeTexts",
    "weatherFieldTypes", "format", "lastModified", "currentUser", "miniserverType", "tempUnit",
]  # fmt: skip


def controls(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        "name": any_text,
        "type": st.sampled_from(["Switch", "Jalousie", "LightControllerV2"]) | any_text,
        "uuidAction": text_uuids,
        "room": text_uuids | scalars,
        "cat": text_uuids | scalars,
        "isSecured": scalars,
        "defaultRating": scalars,
        "details": json_values(),
        "states": st.dictionaries(any_text, text_uuids | st.lists(text_uuids | scalars) | scalars),
    }
    if depth:
        fields["subControls"] = st.dictionaries(text_uuids, controls(depth - 1), max_size=3)
    return st.fixed_dictionaries({}, optional=fields)


numbered = st.dictionaries(numeric_text | any_text, any_text | scalars, max_size=4)
structures = st.fixed_dictionaries(
    {"msInfo": json_objects(["serialNr", "msName", "currentUser"], any_text | scalars)},
    optional={
        "lastModified": any_text,
        "rooms": st.dictionaries(text_uuids, json_objects(["name", "uuid", "type"])),
        "cats": st.dictionaries(text_uuids, json_objects(["name", "type", "color"])),
        "controls": st.dictionaries(text_uuids, controls(2), max_size=4),
        "globalStates": st.dictionaries(any_text, text_uuids | scalars),
        "operatingModes": numbered,
        "weatherServer": st.fixed_dictionaries(
            {},
            optional={
                "states": st.dictionaries(any_text, text_uuids | scalars),
                "weatherTypeTexts": numbered,
                "weatherFieldTypes": st.dictionaries(numeric_text, json_values(), max_size=3),
            },
        ),
    },
)


def _check_structure(structure: LoxoneStructure) -> None:
    for control in structure.all_controls():
        assert all(isinstance(uuid, str) for uuid in control.state_uuids())
        for uuid, sub in control.sub_controls.items():
            assert (sub.uuid, sub.parent) == (uuid, control.uuid)
            # A sub-control without its own placement sits where its parent does.
            assert sub.room is not None or control.room is None
            assert sub.cat is not None or control.cat is None
    for uuid, control in structure.controls.items():
        assert control.uuid == uuid
        assert control.parent is None
    assert all(isinstance(key, int) for key in structure.operating_modes)
    if structure.weather_server is not None:
        assert all(isinstance(key, int) for key in structure.weather_server.weather_type_texts)


@FUZZ
@given(structures | json_values(STRUCTURE_KEYS))
@example({"msInfo": {"serialNr": "x"}, "operatingModes": {"--1": "a", "²": "b"}}).via(
    "int() of keys that str.isdigit() accepted"
)
def test_structure_documents_parse_or_raise_protocol_error(document: Any) -> None:
    try:
        structure = LoxoneStructure.from_json(document)
    except LoxoneProtocolError:
        return
    _check_structure(structure)


def _deep_sub_controls(depth: int) -> str:
    opening = '{"a": {"subControls": ' * depth
    return '{"msInfo": {"serialNr": "x"}, "controls": ' + opening + "{}" + "}}" * depth + "}"


@FUZZ
@given(json_texts(STRUCTURE_KEYS) | structures.map(as_json_text))
@example(_deep_sub_controls(5000)).via("sub-controls nested deeper than Python recursion")
@example(nested_json(100_000)).via("deep nesting overflows the JSON decoder's stack")
def test_structure_text_parses_or_raises_protocol_error(text: str) -> None:
    try:
        structure = LoxoneStructure.parse(text)
    except LoxoneProtocolError:
        return
    _check_structure(structure)


def _fixture(name: str) -> str | None:
    path = FIXTURES / name
    return path.read_text("utf-8") if path.exists() else None


def _mutate(document: Any, data: st.DataObject) -> Any:
    """Replace or drop one node somewhere in the tree, chosen by walking down from the root."""
    parent: Any = None
    key: Any = None
    node = document
    while isinstance(node, dict | list) and node and data.draw(st.integers(0, 4)) > 0:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, data.draw(st.sampled_from(keys))
        node = node[key]
    if parent is None:
        return data.draw(json_values(STRUCTURE_KEYS))
    if isinstance(parent, dict) and data.draw(st.booleans()):
        del parent[key]
    else:
        parent[key] = data.draw(json_values(STRUCTURE_KEYS))
    return document


@pytest.mark.parametrize("name", STRUCTURE_FILES)
@HEAVY
@given(data=st.data())
def test_real_structure_files_mutated_parse_or_raise_protocol_error(
    name: str, data: st.DataObject
) -> None:
    text = _fixture(name)
    if text is None:
        pytest.skip(f"{name} is not in ../shared/fixtures")
    document = json.loads(text)
    for _ in range(data.draw(st.integers(1, 5), label="mutations")):
        document = _mutate(document, data)
    try:
        structure = LoxoneStructure.from_json(document)
    except LoxoneProtocolError:
        return
    _check_structure(structure)


@pytest.mark.parametrize("name", STRUCTURE_FILES)
@HEAVY
@given(data=st.data())
def test_real_structure_files_damaged_as_text_parse_or_raise_protocol_error(
    name: str, data: st.DataObject
) -> None:
    text = _fixture(name)
    if text is None:
        pytest.skip(f"{name} is not in ../shared/fixtures")
    raw = bytearray(text.encode())
    for _ in range(data.draw(st.integers(1, 4), label="flips")):
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[at] = data.draw(st.integers(0, 255), label="byte")
    try:
        structure = LoxoneStructure.parse(bytes(raw))
    except LoxoneProtocolError:
        return
    _check_structure(structure)


# -- CloudDNS answers --------------------------------------------------------------------------

ports = st.integers(-5, 70000).map(str) | numeric_text | st.just("")
hosts = (
    st.ip_addresses(v=4).map(str)
    | st.ip_addresses(v=6).map(lambda ip: f"[{ip}]")
    | any_text
    | st.sampled_from(["", "[", "[]", "a b", "%"])
)
addresses = st.tuples(hosts, st.booleans(), ports).map(lambda t: f"{t[0]}:{t[2]}" if t[1] else t[0])
DNS_KEYS = ["Code", "IP", "IPHTTPS", "PortOpen", "PortOpenHTTPS", "DataCenter"]
dns_answers = st.fixed_dictionaries(
    {},
    optional={
        "Code": st.sampled_from([200, "200", 403, "409", "0200", "²"]) | scalars,
        "IP": addresses | scalars,
        "IPHTTPS": addresses | scalars,
        "PortOpen": scalars,
        "PortOpenHTTPS": scalars,
        "DataCenter": st.sampled_from(["loxonecloud.com", "loxonecloud.cn"]) | scalars,
    },
)


@FUZZ
@given(
    dns_answers.map(as_json_text) | json_texts(DNS_KEYS),
    st.sampled_from([200, 302, 403, 500]) | st.integers(100, 599),
    st.booleans(),
)
@example(as_json_text({"Code": "²", "IP": "1.2.3.4", "PortOpen": True}), 200, True).via(
    "int() of a code that str.isdigit() accepted"
)
@example(as_json_text({"IP": "1.2.3.4:²", "PortOpen": True}), 200, True).via(
    "int() of a port that str.isdigit() accepted"
)
@example(as_json_text({"IP": "1.2.3.4:99999", "PortOpen": True}), 200, True).via(
    "a port out of range gave an address no endpoint can be built from"
)
@example(as_json_text({"IP": "[:80", "PortOpen": True}), 200, True).via(
    "a host that yarl refuses gave an address no endpoint can be built from"
)
def test_cloud_dns_answer_gives_a_usable_address_or_raises_cloud_dns_error(
    text: str, status: int, prefer_tls: bool
) -> None:
    try:
        address = parse_cloud_dns_answer(text, status, "504F94A0B1C2", prefer_tls=prefer_tls)
    except LoxoneCloudDNSError:
        return
    assert isinstance(address, CloudAddress)
    assert 0 < address.port < 65536
    for verify in (True, False):
        assert address.endpoint(verify_tls=verify).url.port == address.port


@FUZZ
@given(st.ip_addresses(), st.integers(1, 65535), st.booleans())
def test_cloud_dns_address_round_trip(ip: Any, port: int, tls: bool) -> None:
    text = f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"
    key, flag = ("IPHTTPS", "PortOpenHTTPS") if tls else ("IP", "PortOpen")
    answer = as_json_text({"Code": 200, key: text, flag: True})
    address = parse_cloud_dns_answer(answer, 200, "504F94A0B1C2")
    assert (address.host, address.port, address.use_tls) == (str(ip), port, tls)


_entry_fields = st.fixed_dictionaries(
    {},
    optional={
        "entryUuid": st.one_of(st.text(max_size=70), st.integers(), st.none()),
        "severity": st.one_of(st.integers(), st.booleans(), st.text(max_size=5), st.none()),
        "title": st.one_of(st.text(max_size=900), st.integers(), st.none()),
        "affectedName": st.one_of(st.text(max_size=300), st.none()),
        "roomUuid": st.one_of(st.text(max_size=80), st.none()),
        "desc": st.one_of(st.text(max_size=900), st.none()),
        "helpLink": st.one_of(st.text(max_size=600), st.none()),
        "isHistoric": st.one_of(st.booleans(), st.integers(), st.none()),
        "confirmedAt": st.one_of(st.integers(), st.none(), st.text(max_size=3)),
        "timestamps": st.one_of(
            st.lists(st.one_of(st.integers(), st.floats(), st.text(max_size=3)), max_size=3),
            st.none(),
        ),
    },
)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=300),
        st.builds(lambda entries: {"entries": entries}, st.lists(_entry_fields, max_size=120)),
        st.builds(
            lambda entries: json.dumps({"entries": entries}),
            st.lists(_entry_fields, max_size=20),
        ),
    )
)
def test_message_center_answers_are_read_bounded_or_refused(value: Any) -> None:
    try:
        messages = parse_message_center(value)
    except LoxoneProtocolError:
        return
    assert len(messages) <= MAX_ENTRIES
    assert len({message.uid for message in messages}) == len(messages)
    for message in messages:
        assert len(message.title) <= 200
        assert len(message.affected_name) <= 200
        assert len(message.description) <= MAX_TEXT
        assert "<" not in message.uid


@FUZZ
@given(st.one_of(st.text(max_size=80), st.integers(), st.floats(), st.none(), st.booleans()))
def test_load_figures_are_numbers_in_range_or_none(value: Any) -> None:
    percent = parse_percent(value)
    assert percent is None or 0 <= percent <= 100
    for part in parse_heap(value):
        assert part is None or 0 <= part < 2**40
    count = parse_count(value)
    assert count is None or 0 <= count < 2**31
