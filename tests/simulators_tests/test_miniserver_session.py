"""End-to-end session: keyexchange, token, status updates, control commands."""

from __future__ import annotations

import struct

from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_codec import uuid_from_bytes

from .wire import authenticated


async def test_full_session_receives_initial_tables_and_changes(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        answer = await client.enc("jdev/sps/enablebinstatusupdate")
        assert answer["Code"] == "200"
        tables = [await client.recv_message() for _ in range(4)]
        assert [table.identifier for table in tables] == [2, 3, 4, 7]
        values = dict(struct.iter_unpack("<16sd", tables[0].payload))  # type: ignore[arg-type]
        decoded = {uuid_from_bytes(raw): value for raw, value in values.items()}
        assert decoded[uid("garden.temp")] == 12.4
        assert len(decoded) == len(ms.values)

        ms.set_value(uid("garden.temp"), 3.5)
        change = await client.recv_message()
        assert change.identifier == 2
        assert len(change.payload) == 24
        raw, value = struct.unpack("<16sd", change.payload)  # type: ignore[arg-type]
        assert (uuid_from_bytes(raw), value) == (uid("garden.temp"), 3.5)

        answer = await client.enc(f"jdev/sps/io/{uid('hall.switch')}/on")
        assert answer == {
            "control": answer["control"],
            "value": "1",
            "Code": "200",
        }
        assert ms.commands == [(uid("hall.switch"), "on")]
        assert ms.values[uid("hall.switch")] == 1.0
        raw, value = struct.unpack("<16sd", client.events[-1].payload)  # type: ignore[arg-type]
        assert (uuid_from_bytes(raw), value) == (uid("hall.switch"), 1.0)
    finally:
        await client.close()
