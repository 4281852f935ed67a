"""Control commands with path tricks never reach the Miniserver (issue 13, item 14)."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.hubrelay.protocols.loxone import (
    LoxoneCommandError,
    LoxoneInvalidCommandError,
)
from custom_components.hubrelay.protocols.loxone.commands import MAX_COMMAND_LENGTH
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import ClientFactory

HOSTILE = [
    "on/../../sys/getkey",
    "..",
    "on/./off",
    "on?reset=1",
    "on#frag",
    "on%2F..%2Fsys",
    "%2e%2e/sys/getkey",
    "%252e%252e/x",
    "on%3Fx",
    "on\\..\\x",
    "on\r\nkeepalive",
    "on//off",
    "/on",
    "on/",
    "",
    "x" * MAX_COMMAND_LENGTH,
    "on%252525252e",
]


def first_control(ms: MiniserverSimulator, kind: str) -> dict[str, Any]:
    return next(c for c in ms.structure["controls"].values() if c["type"] == kind)


@pytest.mark.parametrize("command", HOSTILE)
async def test_hostile_commands_are_refused_before_sending(
    ms: MiniserverSimulator, make_client: ClientFactory, command: str
) -> None:
    client = await make_client()
    switch = first_control(ms, "Switch")
    sent = list(ms.commands)
    with pytest.raises(LoxoneInvalidCommandError):
        await client.send_command(switch["uuidAction"], command)
    with pytest.raises(LoxoneInvalidCommandError):
        await client.send_secured_command(switch["uuidAction"], command, ms.visu_password)
    assert ms.commands == sent
    assert client.connected  # a refused command costs nothing but itself


@pytest.mark.parametrize("control", ["../sys", "x?y", "a%2Fb", ""])
async def test_hostile_controls_are_refused(make_client: ClientFactory, control: str) -> None:
    client = await make_client(connect=False)
    with pytest.raises(LoxoneInvalidCommandError):
        await client.send_command(control, "on")


async def test_ordinary_commands_still_pass(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    client = await make_client()
    switch = first_control(ms, "Switch")
    await client.send_command(switch["uuidAction"], "on")
    assert ms.commands[-1] == (switch["uuidAction"], "on")
    # '%' alone, spaces and a sub-control suffix are not path tricks: the Miniserver judges them
    with pytest.raises(LoxoneCommandError) as caught:
        await client.send_command(switch["uuidAction"] + "/AI1", "set 50%")
    assert not isinstance(caught.value, LoxoneInvalidCommandError)
