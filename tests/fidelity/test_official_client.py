"""Fidelity check: the official Loxone JS client (lxcommunicator) against the simulator."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import shutil

import pytest

from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator

HERE = Path(__file__).parent
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (HERE / "node_modules" / "lxcommunicator").is_dir(),
        reason="run `npm ci --prefix tests/fidelity` first",
    ),
]


async def _run_official_client(ms: MiniserverSimulator, watch: str) -> list[tuple[str, object]]:
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE,
        "official_client.js",
        f"127.0.0.1:{ms.port}",
        "admin",
        "admin",
        watch,
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    lines: list[tuple[str, object]] = []
    for line in output.decode().splitlines():
        tag, _, payload = line.partition(" ")
        if tag.isupper() and payload:
            try:
                lines.append((tag, json.loads(payload)))
            except json.JSONDecodeError:
                continue
    assert process.returncode == 0, output.decode()
    return lines


async def test_official_client_gets_token_events_and_controls() -> None:
    switch = uid("hall.switch")
    async with MiniserverSimulator() as ms:
        lines = await _run_official_client(ms, switch)
        seen = dict(lines)

        # token acquired with the password (getkey2 + getjwt, encrypted), socket opened
        assert "TOKEN" in seen
        assert "OPEN" in seen
        assert seen["VERSION"] == ms.structure["lastModified"]
        assert seen["STRUCTURE"] == len(ms.structure["controls"])
        assert seen["STATUS"] == {"code": "200", "value": "1"}
        # the initial value table reached the official decoder, then the other tables
        events = seen["EVENTS"]
        assert isinstance(events, dict)
        assert events["valueEvents"] == len(ms.values)
        assert events["watched"] == 0
        assert ("TABLE", {"type": 3, "count": len(ms.texts)}) in lines
        assert ("TABLE", {"type": 7, "count": 2}) in lines
        # a control command changed the state and the change came back as a value event
        assert seen["COMMAND"] == {"code": "200", "value": "1"}
        assert ms.commands == [(switch, "on")]
        assert seen["DONE"] == {"valueEvents": len(ms.values) + 1, "watched": 1}
        # checktoken, a second socket authenticated with the token, killtoken
        assert seen["VERIFIED"] is True
        assert "TOKEN_AUTH" in seen
        assert seen["TOKEN_SOCKET_ANSWER"] == ms.structure["lastModified"]
        assert seen["KILLED"] == 200
        [token] = ms.tokens.issued
        assert token.killed
        assert token.permission == 4
        assert token.jwt
