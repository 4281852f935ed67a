"""Read Home Assistant's console output and pick the records that name HubRelay.

The output holds log records (a header such as ``2026-12-02 20:00:00.123+00:00 WARNING
(MainThread) [logger] message``, a traceback continuing on the following lines) and whatever
else the process printed, such as Python's own warnings (``/path/file.py:12: DeprecationWarning:
message``). A record names HubRelay when its logger or its text does (``hubrelay``, any case: the
integration, its modules and the demo's endpoint component).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
import re

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)? (?P<level>[A-Z]+) "
    r"\((?P<thread>[^)]*)\) "
    r"\[(?P<logger>[^\]]+)\] (?P<message>.*)$"
)
#: What Python's `warnings` module prints: ``file:line: SomethingWarning: message``.
PYTHON_WARNING = re.compile(r"^(?P<where>.+?):\d+: (?P<category>\w*Warning): (?P<message>.*)$")
NAMES_HUBRELAY = re.compile(r"hubrelay", re.IGNORECASE)
DEPRECATION = re.compile(
    r"deprecat|will stop working|stop working in Home Assistant|Detected code that"
    r"|Detected that custom integration",
    re.IGNORECASE,
)
#: Levels that make a record naming HubRelay a failure.
PROBLEM_LEVELS = frozenset({"WARNING", "ERROR", "CRITICAL"})
#: Records naming HubRelay that every run has and that say nothing wrong: Home Assistant's notice
#: for each custom integration, and the demo component telling where the Ezlo cloud is.
EXPECTED = (
    re.compile(
        r"^We found a custom integration hubrelay(?:_demo)? which has not been tested by Home "
        r"Assistant\b"
    ),
    re.compile(r"^HubRelay's Ezlo cloud is the demo's simulator at "),
)
#: At most this many characters of one record are shown.
SHOWN_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Record:
    """One log record (with its continuation lines) or one other line of output."""

    line: int
    level: str
    logger: str
    message: str
    text: str

    @property
    def names_hubrelay(self) -> bool:
        """True when the logger or the text mentions HubRelay."""
        return bool(NAMES_HUBRELAY.search(self.logger) or NAMES_HUBRELAY.search(self.text))

    @property
    def deprecation(self) -> bool:
        """True for a deprecation notice (Home Assistant's reports, Python's warnings)."""
        return self.level == "DeprecationWarning" or bool(DEPRECATION.search(self.text))

    @property
    def expected(self) -> bool:
        """True for a notice every run has (see `EXPECTED`)."""
        return any(pattern.search(self.message) for pattern in EXPECTED)

    def shown(self) -> str:
        """The record for a failure report: where it starts and its text, bounded."""
        text = self.text if len(self.text) <= SHOWN_CHARS else self.text[:SHOWN_CHARS] + " [...]"
        return f"line {self.line}: {text}"


def records(lines: Iterable[str]) -> Iterator[Record]:
    """Split console output into records; continuation lines join the record above them."""
    current: list[str] = []
    start = 0
    head: re.Match[str] | None = None

    def flush() -> Iterator[Record]:
        if not current:
            return
        if head is not None:
            yield Record(start, head["level"], head["logger"], head["message"], "\n".join(current))
            return
        text = "\n".join(current)
        warning = PYTHON_WARNING.match(current[0])
        if warning is not None:
            yield Record(start, warning["category"], "", warning["message"], text)
        else:
            yield Record(start, "OUTPUT", "", text, text)

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        match = RECORD.match(line)
        # A log record, or a Python warning, starts a new record; anything else continues one.
        starts = match is not None or PYTHON_WARNING.match(line) is not None or not current
        if starts:
            yield from flush()
            current, start, head = [line], number, match
        else:
            current.append(line)
    yield from flush()


def problems(lines: Iterable[str]) -> list[Record]:
    """Warnings, errors and deprecation notices (any level) that name HubRelay."""
    return [
        record
        for record in records(lines)
        if record.names_hubrelay
        and not record.expected
        and (
            record.level in PROBLEM_LEVELS
            or record.deprecation
            or record.level.endswith("Warning")
            or "Traceback (most recent call last)" in record.text
        )
    ]
