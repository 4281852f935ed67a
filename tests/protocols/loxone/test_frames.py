"""Message headers and the header + payload frame pairing."""

from __future__ import annotations

import contextlib

from hypothesis import given, strategies as st
import pytest

from custom_components.hubrelay.protocols.loxone.errors import LoxoneProtocolError
from custom_components.hubrelay.protocols.loxone.frames import (
    FrameAssembler,
    Header,
    Message,
    MessageType,
    parse_header,
)


def header(identifier: int, length: int, info: int = 0, reserved: int = 0) -> bytes:
    """Build a header the way the seed lays it out, byte by byte (independent of the decoder)."""
    return bytes([0x03, identifier, info, reserved]) + length.to_bytes(4, "little")


def test_value_table_header_from_a_real_log() -> None:
    # A header quoted in a public bug report: value table of 96 bytes (four events).
    assert parse_header(b"\x03\x02\x00\x00`\x00\x00\x00") == Header(
        MessageType.VALUE_TABLE, False, 96
    )


@pytest.mark.parametrize("flag", [0x80, 0x01, 0x81])
def test_estimated_flag_in_either_bit(flag: int) -> None:
    assert parse_header(header(0, 4096, flag)).estimated


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x03\x00\x00\x00\x10", "8 bytes"),
        (b"\x07\x02\x00\x00\x18\x00\x00\x00", "starts with 0x03"),
        (header(8, 0), "unknown message identifier 8"),
    ],
)
def test_rejects_non_headers(data: bytes, reason: str) -> None:
    with pytest.raises(LoxoneProtocolError, match=reason):
        parse_header(data)


@given(
    st.integers(0, 7),
    st.integers(0, 2**32 - 1),
    st.integers(0, 255),
    st.integers(0, 255),
)
def test_header_round_trip(identifier: int, length: int, info: int, reserved: int) -> None:
    parsed = parse_header(header(identifier, length, info, reserved))
    assert parsed.type == identifier
    assert parsed.length == length
    assert parsed.estimated == bool(info & 0x81)


@given(st.binary(max_size=16))
def test_random_bytes_raise_only_protocol_errors(data: bytes) -> None:
    with contextlib.suppress(LoxoneProtocolError):
        parse_header(data)


def test_text_message_after_its_header() -> None:
    assembler = FrameAssembler()
    assert assembler.feed(header(0, 5)) == []
    assert assembler.feed("hello") == [Message(MessageType.TEXT, "hello")]


def test_text_payload_in_a_binary_frame_is_decoded() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(0, 2))
    assert assembler.feed(b"ok") == [Message(MessageType.TEXT, "ok")]


def test_file_keeps_its_type_whatever_the_frame_kind() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(1, 2))
    assert assembler.feed("{}") == [Message(MessageType.BINARY_FILE, "{}")]
    assembler.feed(header(1, 3))
    assert assembler.feed(b"\x89PN") == [Message(MessageType.BINARY_FILE, b"\x89PN")]


def test_keepalive_and_out_of_service_have_no_payload() -> None:
    assembler = FrameAssembler()
    assert assembler.feed(header(6, 0)) == [Message(MessageType.KEEPALIVE, b"")]
    assert assembler.feed(header(5, 0)) == [Message(MessageType.OUT_OF_SERVICE, b"")]


@pytest.mark.parametrize("flag", [0x80, 0x01])
def test_estimated_header_then_exact_header_then_payload(flag: int) -> None:
    assembler = FrameAssembler()
    table = b"\x11" * 24
    assert assembler.feed(header(2, 4096, flag)) == []
    assert assembler.feed(header(2, 24)) == []
    assert assembler.feed(table) == [Message(MessageType.VALUE_TABLE, table)]


def test_estimated_header_directly_followed_by_the_payload() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(3, 4096, 0x80))
    assert assembler.feed(b"\x00" * 36) == [Message(MessageType.TEXT_TABLE, b"\x00" * 36)]


def test_eight_byte_file_that_looks_like_a_header_is_payload() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(1, 8))
    lookalike = header(2, 0)
    assert assembler.feed(lookalike) == [Message(MessageType.BINARY_FILE, lookalike)]


def test_empty_table_payload() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(2, 0))
    assert assembler.feed(b"") == [Message(MessageType.VALUE_TABLE, b"")]


def test_a_header_where_a_payload_was_due_is_reported_and_taken() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(2, 48))
    problem, keepalive = assembler.feed(header(6, 0))
    assert isinstance(problem, LoxoneProtocolError)
    assert "VALUE_TABLE payload was missing" in str(problem)
    assert keepalive == Message(MessageType.KEEPALIVE, b"")
    assert assembler.feed(header(0, 2)) == []
    assert assembler.feed("ok") == [Message(MessageType.TEXT, "ok")]


def test_short_payload_is_delivered_and_reported() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(2, 48))
    message, problem = assembler.feed(b"\x00" * 38)
    assert message == Message(MessageType.VALUE_TABLE, b"\x00" * 38)
    assert isinstance(problem, LoxoneProtocolError)
    assert "38 bytes" in str(problem)


@pytest.mark.parametrize(
    "garbage", [b"\x07\x02\x00\x00\x18\x00\x00\x00", b"\x03\x00\x00\x00\x10", b"\x01\x02"]
)
def test_binary_frame_without_header_is_dropped(garbage: bytes) -> None:
    assembler = FrameAssembler()
    (problem,) = assembler.feed(garbage)
    assert isinstance(problem, LoxoneProtocolError)
    assembler.feed(header(0, 2))
    assert assembler.feed("ok") == [Message(MessageType.TEXT, "ok")]


def test_text_frame_where_a_table_was_due_is_dropped() -> None:
    assembler = FrameAssembler()
    assembler.feed(header(2, 24))
    (problem,) = assembler.feed("not a table")
    assert isinstance(problem, LoxoneProtocolError)
    assembler.feed(header(0, 2))
    assert assembler.feed("ok") == [Message(MessageType.TEXT, "ok")]


def test_text_without_header_is_still_a_text_message() -> None:
    assert FrameAssembler().feed("hi") == [Message(MessageType.TEXT, "hi")]


frames = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=10),
    st.builds(header, st.integers(0, 9), st.integers(0, 64), st.sampled_from([0, 0x01, 0x80])),
)


@given(st.lists(frames, max_size=30))
def test_any_frame_sequence_never_raises_and_stays_in_sync(sequence: list[bytes | str]) -> None:
    assembler = FrameAssembler()
    for frame in sequence:
        for item in assembler.feed(frame):
            assert isinstance(item, (Message, LoxoneProtocolError))
    # Whatever came before, the stream is back in step within one frame: of two keepalive
    # headers at least the second is recognised (the first may complete an 8-byte payload).
    seen = assembler.feed(header(6, 0)) + assembler.feed(header(6, 0))
    assert Message(MessageType.KEEPALIVE, b"") in seen
    assembler.feed(header(0, 2))
    assert assembler.feed("ok") == [Message(MessageType.TEXT, "ok")]
