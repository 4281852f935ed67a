"""Convert Loxone UUIDs between the 16 wire bytes and the structure file's text form.

On the wire a UUID is Data1 (uint32 LE), Data2 (uint16 LE), Data3 (uint16 LE) and Data4 (8 bytes as
is). The structure file writes it as ``8-4-4-16`` hex (no fourth dash). The client keys everything
by the raw 16 bytes, so the event path never formats strings; these helpers are for the edges.
"""

from __future__ import annotations

import re

_UUID_TEXT = re.compile(
    r"^([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})$"
)


def uuid_to_bytes(text: str) -> bytes:
    """Return the 16 wire bytes of a UUID given as ``8-4-4-16`` (or ``8-4-4-4-12``) text."""
    match = _UUID_TEXT.match(text.strip())
    if match is None:
        raise ValueError(f"not a Loxone UUID: {text!r}")
    raw = bytes.fromhex("".join(match.groups()))
    return raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:]


def uuid_to_str(raw: bytes) -> str:
    """Return the structure file's ``8-4-4-16`` lower-case text for 16 wire bytes."""
    if len(raw) != 16:
        raise ValueError(f"a Loxone UUID has 16 bytes, not {len(raw)}")
    return f"{raw[3::-1].hex()}-{raw[5:3:-1].hex()}-{raw[7:5:-1].hex()}-{raw[8:].hex()}"


def as_uuid_bytes(uuid: bytes | str) -> bytes:
    """Accept either form from a caller and return the raw 16 bytes used as keys."""
    if isinstance(uuid, bytes):
        if len(uuid) != 16:
            raise ValueError(f"a Loxone UUID has 16 bytes, not {len(uuid)}")
        return uuid
    return uuid_to_bytes(uuid)
