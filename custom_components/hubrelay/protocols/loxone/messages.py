"""The Miniserver's JSON answers: the `LL` envelope and the `jdev/cfg/api(Key)` information.

Answers look like ``{"LL": {"control": "dev/...", "value": ..., "Code": "200"}}``; the status
field is `Code` in some replies and `code` in others, and may be a number or a string. The value of
`jdev/cfg/apiKey` / `jdev/cfg/api` is itself a JavaScript-ish object with single quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import re
from typing import Any

from .errors import (
    LoxoneAuthenticationError,
    LoxoneCommandError,
    LoxoneProtocolError,
    LoxoneTimeoutError,
)

_VERSION_PART = re.compile(r"\d+")
_MAX_VERSION_DIGITS = 18


@dataclass(frozen=True, slots=True)
class LLResponse:
    """One answer to a command: the echoed control, its status code and its value."""

    control: str
    code: int
    value: Any

    @property
    def ok(self) -> bool:
        """Tell whether the status code is a 2xx success."""
        return 200 <= self.code < 300


CODE_UNAUTHORIZED = 401
CODE_AUTH_TIMEOUT = 420


def check_answer(answer: LLResponse, what: str, *, credential: bool = False) -> LLResponse:
    """Return a successful answer; turn a failure status into the matching typed error.

    A 401 refuses a credential only for a command that carries one (``credential``): to any
    other encrypted command it means the Miniserver could not decrypt it (key or salt trouble).
    """
    if answer.ok:
        return answer
    if answer.code == CODE_UNAUTHORIZED and credential:
        raise LoxoneAuthenticationError(f"the Miniserver refused {what} (401)")
    if answer.code == CODE_AUTH_TIMEOUT:
        raise LoxoneTimeoutError("the Miniserver timed out the authentication (420)")
    raise LoxoneCommandError(f"{what} failed with status {answer.code}", code=answer.code)


def parse_ll(text: str) -> LLResponse:
    """Decode an `LL` answer; raise `LoxoneProtocolError` when it is not one."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise LoxoneProtocolError("answer is not JSON") from err
    return ll_from_document(document)


def ll_from_document(document: Any) -> LLResponse:
    """Read an already decoded `LL` answer; raise `LoxoneProtocolError` when it is not one."""
    body = document.get("LL") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        raise LoxoneProtocolError("answer has no LL object")
    raw_code = body.get("Code", body.get("code"))
    try:
        code = int(str(raw_code))
    except (TypeError, ValueError) as err:
        raise LoxoneProtocolError(f"answer has no usable status code: {raw_code!r}") from err
    return LLResponse(str(body.get("control", "")), code, body.get("value"))


def parse_loose_object(value: Any) -> dict[str, Any]:
    """Read an object the Miniserver may send as JSON, as a string, or with single quotes."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise LoxoneProtocolError("expected an object in the answer")
    for candidate in (value, value.replace("'", '"')):
        try:
            parsed = json.loads(candidate)
        except ValueError, RecursionError:
            continue
        if isinstance(parsed, dict):
            return parsed
    raise LoxoneProtocolError("the answer's value is not an object")


def parse_version(text: str) -> tuple[int, ...]:
    """Turn "10.3.11.25" into (10, 3, 11, 25); missing parts are simply absent.

    A run of digits too long to be a version part is absent too (`int` refuses very long ones).
    """
    return tuple(
        int(part) for part in _VERSION_PART.findall(text) if len(part) <= _MAX_VERSION_DIGITS
    )


def normalize_serial(serial: str) -> str:
    """Write a serial the way msInfo does: "50:4F:94:10:B8:4A" -> "504F9410B84A"."""
    return re.sub(r"[^0-9A-Za-z]", "", serial).upper()


@dataclass(frozen=True, slots=True)
class ApiInfo:
    """What the unauthenticated `jdev/cfg/apiKey` and `jdev/cfg/api` tell about a Miniserver."""

    serial: str
    version: str
    https_status: int | None = None
    local: bool | None = None
    has_event_slots: bool | None = None

    @property
    def firmware(self) -> tuple[int, ...]:
        """The firmware version as numbers, for feature gates."""
        return parse_version(self.version)

    @classmethod
    def from_value(cls, value: Any) -> ApiInfo:
        """Read the value of a `jdev/cfg/apiKey` or `jdev/cfg/api` answer."""
        data = parse_loose_object(value)
        serial = data.get("snr")
        version = data.get("version")
        if not isinstance(serial, str) or not isinstance(version, str):
            raise LoxoneProtocolError("the api answer lacks the serial or the version")
        https = data.get("httpsStatus")
        local = data.get("local")
        slots = data.get("hasEventSlots")
        return cls(
            serial=normalize_serial(serial),
            version=version,
            https_status=https if isinstance(https, int) else None,
            local=local if isinstance(local, bool) else None,
            has_event_slots=slots if isinstance(slots, bool) else None,
        )

    def merged(self, other: ApiInfo) -> ApiInfo:
        """Fill the fields this answer lacks from another one (apiKey + api)."""
        return ApiInfo(
            serial=self.serial or other.serial,
            version=self.version or other.version,
            https_status=self.https_status if self.https_status is not None else other.https_status,
            local=self.local if self.local is not None else other.local,
            has_event_slots=(
                self.has_event_slots if self.has_event_slots is not None else other.has_event_slots
            ),
        )
