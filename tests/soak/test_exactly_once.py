"""The soak's check that every command reached its hub once, on made-up command histories."""

from __future__ import annotations

from tests.soak.ha_client import CallOutcome
from tests.soak.run import Sent, check_exactly_once

OK = CallOutcome(ok=True)
FAILED = CallOutcome(ok=False, code="home_assistant_error", message="not delivered")


def slider(index: int) -> float:
    """The Loxone soak's command values: 0-100 in steps of 5, repeating every 21 commands."""
    return float(5 * (index * 2 % 21))


def history(unavailable: range, total: int) -> list[Sent]:
    """`total` commands; those in `unavailable` were skipped by Home Assistant (not sent)."""
    return [Sent(slider(i), OK, unavailable=i in unavailable) for i in range(total)]


def test_all_delivered() -> None:
    sent = history(range(0), 30)
    assert check_exactly_once("loxone", sent, [s.value for s in sent]) == ([], [])


def test_a_stretch_of_skipped_commands_as_long_as_the_value_cycle() -> None:
    """The command after 25 skipped ones repeats the value of one of them: it is not that one."""
    sent = history(range(5, 30), 60)
    received = [s.value for s in sent if not s.unavailable]
    problems, skipped = check_exactly_once("loxone", sent, received)
    assert problems == []
    assert skipped == list(range(5, 30))


def test_a_lost_command_is_found_after_a_long_stretch() -> None:
    sent = history(range(5, 30), 60)
    received = [s.value for i, s in enumerate(sent) if not s.unavailable and i != 40]
    problems, _ = check_exactly_once("loxone", sent, received)
    assert problems
    assert "#40" in problems[0]


def test_a_failed_command_that_arrived_and_a_later_one_of_the_same_value() -> None:
    """Both arrive: the failed one (its answer lost) and the one 21 commands later."""
    sent = [Sent(slider(i), FAILED if i == 3 else OK, unavailable=4 <= i < 24) for i in range(30)]
    received = [slider(i) for i in (0, 1, 2, 3, 24, 25, 26, 27, 28, 29)]
    assert slider(3) == slider(24)
    problems, skipped = check_exactly_once("loxone", sent, received)
    assert problems == []
    assert skipped == list(range(4, 24))


def test_a_duplicate_is_reported() -> None:
    sent = history(range(0), 10)
    received = [s.value for s in sent]
    received.insert(5, received[4])
    problems, _ = check_exactly_once("loxone", sent, received)
    assert problems
