"""Binary message headers and the reassembly of header + payload WebSocket frames.

The Miniserver announces every message with an 8-byte header (0x03, identifier, info flags,
reserved, uint32 LE payload length) sent as its own WebSocket frame; the payload follows in the next
frame. An *estimated* header is always followed by the exact one. Firmware and clients disagree on
which bit of the info byte means "estimated", so both 0x80 and 0x01 are accepted.

`FrameAssembler` is a small state machine without I/O: it never raises and never loses its place.
A frame it cannot use is reported (as a `LoxoneProtocolError` value) and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
import struct

from .errors import LoxoneProtocolError

HEADER_SIZE = 8
HEADER_MARKER = 0x03
ESTIMATED_FLAGS = 0x80 | 0x01

_HEADER = struct.Struct("<BBBBI")


class MessageType(IntEnum):
    """The identifier byte of a message header."""

    TEXT = 0
    BINARY_FILE = 1
    VALUE_TABLE = 2
    TEXT_TABLE = 3
    DAYTIMER_TABLE = 4
    OUT_OF_SERVICE = 5
    KEEPALIVE = 6
    WEATHER_TABLE = 7


_NO_PAYLOAD = frozenset({MessageType.OUT_OF_SERVICE, MessageType.KEEPALIVE})


@dataclass(frozen=True, slots=True)
class Header:
    """A decoded message header."""

    type: MessageType
    estimated: bool
    length: int


@dataclass(frozen=True, slots=True)
class Message:
    """A complete message: its type and payload (text as `str`, binary as `bytes`)."""

    type: MessageType
    payload: bytes | str


def parse_header(data: bytes) -> Header:
    """Decode an 8-byte header; raise `LoxoneProtocolError` if it is not one."""
    if len(data) != HEADER_SIZE:
        raise LoxoneProtocolError(f"a message header has 8 bytes, got {len(data)}")
    marker, identifier, info, _reserved, length = _HEADER.unpack(data)
    if marker != HEADER_MARKER:
        raise LoxoneProtocolError(f"a message header starts with 0x03, got 0x{marker:02x}")
    if identifier > MessageType.WEATHER_TABLE:
        raise LoxoneProtocolError(f"unknown message identifier {identifier}")
    return Header(MessageType(identifier), bool(info & ESTIMATED_FLAGS), length)


def _looks_like_header(frame: bytes) -> bool:
    return (
        len(frame) == HEADER_SIZE
        and frame[0] == HEADER_MARKER
        and frame[1] <= MessageType.WEATHER_TABLE
    )


class FrameAssembler:
    """Pair each header frame with the payload frame that follows it."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        """Start between messages, waiting for a header."""
        #: The header whose payload is due next, if any. The connection's fast path for live
        #: events sets it to a header parsed before from the same bytes, or clears it when it
        #: takes the payload itself (a plain attribute: it is read twice per frame).
        self.pending: Header | None = None

    def feed(self, frame: bytes | str) -> list[Message | LoxoneProtocolError]:
        """Consume one WebSocket frame; return finished messages and problems, in order."""
        pending = self.pending
        if isinstance(frame, str):
            self.pending = None
            if pending is None:
                return [Message(MessageType.TEXT, frame)]
            if pending.type in (MessageType.TEXT, MessageType.BINARY_FILE):
                return [Message(pending.type, frame)]
            return [
                LoxoneProtocolError(f"text frame where a {pending.type.name} payload was due"),
            ]
        if _looks_like_header(frame) and not (
            pending is not None and not pending.estimated and pending.length == HEADER_SIZE
        ):
            return self._take_header(frame, pending)
        if pending is None:
            return [LoxoneProtocolError(f"binary frame of {len(frame)} bytes without a header")]
        self.pending = None
        if pending.type is MessageType.TEXT:
            return [Message(MessageType.TEXT, frame.decode("utf-8", errors="replace"))]
        message = Message(pending.type, frame)
        if pending.estimated or len(frame) == pending.length:
            return [message]
        problem = (
            f"{pending.type.name} payload has {len(frame)} bytes, header said {pending.length}"
        )
        return [message, LoxoneProtocolError(problem)]

    def _take_header(
        self, frame: bytes, pending: Header | None
    ) -> list[Message | LoxoneProtocolError]:
        header = parse_header(frame)  # cannot fail: _looks_like_header checked it
        out: list[Message | LoxoneProtocolError] = []
        if pending is not None and not pending.estimated and pending.length:
            out.append(
                LoxoneProtocolError(f"the {pending.type.name} payload was missing; header replaced")
            )
        if header.type in _NO_PAYLOAD:
            self.pending = None
            out.append(Message(header.type, b""))
        else:
            self.pending = header
        return out
