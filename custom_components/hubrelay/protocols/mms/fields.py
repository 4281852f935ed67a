"""Lenient readers for MMS JSON fields: the cloud sends most numbers as strings, some as numbers."""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any

from .errors import MmsProtocolError

_HEADER_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Control characters an HTTP header value must not carry (aiohttp refuses to send them)."""


def optional_str(data: Mapping[str, Any], key: str) -> str | None:
    """Return a non-empty string (numbers are turned into their decimal text), else None."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value else None


def required_str(data: Mapping[str, Any], key: str) -> str:
    """Return a non-empty string or raise `MmsProtocolError` naming the missing field."""
    value = optional_str(data, key)
    if value is None:
        raise MmsProtocolError(f"the MMS answer has no {key}")
    return value


def optional_int(data: Mapping[str, Any], key: str) -> int | None:
    """Return an integer given as a JSON number or a decimal string, else None."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        try:
            return int(value)
        except ValueError:  # "--5", or more digits than `int` reads from text
            return None
    return None


def required_int(data: Mapping[str, Any], key: str) -> int:
    """Return an integer or raise `MmsProtocolError` naming the missing field."""
    value = optional_int(data, key)
    if value is None:
        raise MmsProtocolError(f"the MMS answer has no integer {key}")
    return value


def header_token(value: str, what: str) -> str:
    """Return a token the cloud handed out if it can be sent back in a header, else raise."""
    if _HEADER_UNSAFE.search(value):
        raise MmsProtocolError(f"the MMS {what} holds control characters")
    return value
