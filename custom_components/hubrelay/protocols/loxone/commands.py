"""Checks on a control command before it becomes part of a Miniserver path.

`jdev/sps/io/{control}/{command}` is a path on the Miniserver, and `hubrelay.send_command` lets a
user (or an automation fed by anything) write the command. A `..` segment, a query or fragment
marker, an encoded slash or a control character could make the Miniserver run another path than
the control's, so such commands are refused here, before anything is sent.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .errors import LoxoneInvalidCommandError

MAX_COMMAND_LENGTH = 1024
"""Longest `control/command` accepted; real commands are a few dozen characters."""

_FORBIDDEN = re.compile(r"[?#\\\x00-\x1f\x7f]")
_DOT_SEGMENTS = frozenset({".", ".."})
_DECODE_ROUNDS = 4


def _check_path(text: str, what: str) -> None:
    if not text:
        raise LoxoneInvalidCommandError(f"the {what} is empty")
    decoded = text
    for _ in range(_DECODE_ROUNDS):  # "%252e%252e" is ".." after two rounds
        if _FORBIDDEN.search(decoded):
            raise LoxoneInvalidCommandError(
                f"the {what} contains '?', '#', a backslash or a control character"
            )
        if decoded.count("/") != text.count("/"):
            raise LoxoneInvalidCommandError(f"the {what} contains an encoded '/'")
        if any(segment in _DOT_SEGMENTS or not segment for segment in decoded.split("/")):
            raise LoxoneInvalidCommandError(f"the {what} contains an empty, '.' or '..' segment")
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            return
    raise LoxoneInvalidCommandError(f"the {what} is encoded too many times")


def control_path(control: str, command: str) -> str:
    """Return `{control}/{command}` for jdev/sps/io or ios, or raise `LoxoneInvalidCommandError`."""
    path = f"{control}/{command}"
    if len(path) > MAX_COMMAND_LENGTH:
        raise LoxoneInvalidCommandError(
            f"the command is longer than {MAX_COMMAND_LENGTH} characters"
        )
    _check_path(control, "control")
    _check_path(command, "command")
    return path
