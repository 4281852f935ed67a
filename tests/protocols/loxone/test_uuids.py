"""UUIDs: 16 wire bytes (Data1-3 little endian, Data4 as is) <-> the structure file's 8-4-4-16."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.hubrelay.protocols.loxone.uuids import (
    as_uuid_bytes,
    uuid_to_bytes,
    uuid_to_str,
)

# A published example pair: the text form and the bytes as they appear in an event table.
TEXT = "0f8e1234-036e-e9ad-ffffed57184a04d2"
WIRE = bytes.fromhex("34128e0f6e03ade9ffffed57184a04d2")


def test_known_pair_both_ways() -> None:
    assert uuid_to_bytes(TEXT) == WIRE
    assert uuid_to_str(WIRE) == TEXT


def test_accepts_upper_case_and_the_five_group_form() -> None:
    assert uuid_to_bytes(TEXT.upper()) == WIRE
    assert uuid_to_bytes("0f8e1234-036e-e9ad-ffff-ed57184a04d2") == WIRE


@pytest.mark.parametrize(
    "text",
    ["", "0f8e1234", "0f8e1234-036e-e9ad-ffffed57184a04d", "zf8e1234-036e-e9ad-ffffed57184a04d2"],
)
def test_rejects_what_is_not_a_uuid(text: str) -> None:
    with pytest.raises(ValueError, match="not a Loxone UUID"):
        uuid_to_bytes(text)


def test_rejects_wrong_byte_counts() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        uuid_to_str(b"\x00" * 15)
    with pytest.raises(ValueError, match="16 bytes"):
        as_uuid_bytes(b"\x00" * 17)


def test_as_uuid_bytes_takes_either_form() -> None:
    assert as_uuid_bytes(WIRE) is WIRE
    assert as_uuid_bytes(TEXT) == WIRE


@given(st.binary(min_size=16, max_size=16))
def test_bytes_round_trip(raw: bytes) -> None:
    text = uuid_to_str(raw)
    assert len(text) == 35
    assert [len(part) for part in text.split("-")] == [8, 4, 4, 16]
    assert uuid_to_bytes(text) == raw


@given(st.binary(min_size=16, max_size=16))
def test_data_fields_follow_the_seed_struct(raw: bytes) -> None:
    data1 = int.from_bytes(raw[0:4], "little")
    data2 = int.from_bytes(raw[4:6], "little")
    data3 = int.from_bytes(raw[6:8], "little")
    expected = f"{data1:08x}-{data2:04x}-{data3:04x}-" + "".join(f"{b:02x}" for b in raw[8:])
    assert uuid_to_str(raw) == expected
