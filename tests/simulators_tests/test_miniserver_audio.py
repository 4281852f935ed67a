"""Audio zones in the simulator: commands change states, metadata travels as text events."""

from __future__ import annotations

import copy
import json
import struct

from tests.simulators.loxone_demo_house import DEMO_HOUSE, demo_initial_states, uid
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_audio import QUEUE
from tests.simulators.miniserver_codec import uuid_from_bytes

from .wire import WireClient, authenticated

ZONE = "kitchen.audio"
CASES: list[tuple[str, str, float | str]] = [
    ("pause", "playState", 0.0),
    ("play", "playState", 2.0),
    ("volume/90", "volume", 80.0),  # the zone's maximum volume
    ("volume/40", "volume", 40.0),
    ("volstep/-3", "volume", 37.0),
    ("volup", "volume", 40.0),
    ("voldown", "volume", 37.0),
    ("shuffle", "shuffle", 1.0),
    ("shuffle", "shuffle", 0.0),
    ("repeat/3", "repeat", 3.0),
    ("progress/9999", "progress", 562.0),  # not beyond the track
    ("next", "songName", QUEUE[1][0]),
    ("prev", "songName", QUEUE[0][0]),
    ("prev", "artist", QUEUE[-1][1]),
    ("source/2", "station", "Morning mix"),
    ("source/2", "source", 2.0),
    ("off", "power", 0.0),
    ("on", "power", 1.0),
    ("Pause", "playState", 0.0),
]
REFUSED = ["repeat/2", "source/7", "volume/loud", "shuffle/1", "svpower/on", "tts/Hello"]


def text_events(client: WireClient) -> dict[str, str]:
    """Every text event received so far, by state UUID (the newest text wins)."""
    texts: dict[str, str] = {}
    for message in client.events:
        if message.identifier != 3:
            continue
        payload, offset = message.payload, 0
        assert isinstance(payload, bytes)
        while offset < len(payload):
            raw, _icon, length = struct.unpack_from("<16s16sI", payload, offset)
            texts[uuid_from_bytes(raw)] = payload[offset + 36 : offset + 36 + length].decode()
            offset += 36 + (length + 3) // 4 * 4
    return texts


async def test_audio_zone_commands_change_states(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        for command, state, expected in CASES:
            answer = await client.enc(f"jdev/sps/io/{uid(ZONE)}/{command}")
            assert answer["Code"] == "200", (command, answer)
            store = ms.texts if isinstance(expected, str) else ms.values
            assert store[uid(f"{ZONE}.{state}")] == expected, command
        for command in REFUSED:
            answer = await client.enc(f"jdev/sps/io/{uid(ZONE)}/{command}")
            assert answer["Code"] == "400", command
    finally:
        await client.close()


async def test_metadata_travels_in_the_text_event_table(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        await client.enc("jdev/sps/enablebinstatusupdate")
        client.events.extend([await client.recv_message() for _ in range(4)])  # initial tables
        assert text_events(client)[uid(f"{ZONE}.songName")] == QUEUE[0][0]
        assert json.loads(text_events(client)[uid(f"{ZONE}.sourceList")])["getroomfavs_result"]
        client.events.clear()
        await client.enc(f"jdev/sps/io/{uid(ZONE)}/next")
        await client.enc("jdev/sps/io/00000000-0000-0000-0000000000000001/on")  # flush
        texts = text_events(client)
        title, artist, album, _duration = QUEUE[1]
        assert texts[uid(f"{ZONE}.songName")] == title
        assert texts[uid(f"{ZONE}.artist")] == artist
        assert texts[uid(f"{ZONE}.album")] == album
        assert texts[uid(f"{ZONE}.cover")].endswith("item=1")
    finally:
        await client.close()


async def test_audioserver_player_and_central_group() -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    states = {n: uid(f"v2.{n}") for n in ("playState", "power", "volume", "volumeStep")}
    structure["controls"][uid("v2")] = {
        "name": "Speakers",
        "type": "AudioZoneV2",
        "uuidAction": uid("v2"),
        "states": states,
    }
    central = structure["controls"][uid("central.audio")]
    central["details"]["controls"].append({"uuid": uid("v2"), "id": 2})
    initial = demo_initial_states() | {states["volumeStep"]: 5.0, states["volume"]: 50.0}
    async with MiniserverSimulator(structure=structure, initial_states=initial) as ms:
        client = await authenticated(ms.base_url)
        try:
            for command, state, expected in [
                ("play", "playState", 2.0),
                ("Pause", "playState", 1.0),
                ("volUp", "volume", 55.0),
                ("volDown", "volume", 50.0),
                ("volume/120", "volume", 100.0),
                ("playZoneFav/3", "playState", 2.0),
            ]:
                answer = await client.enc(f"jdev/sps/io/{uid('v2')}/{command}")
                assert answer["Code"] == "200", command
                assert ms.values[states[state]] == expected, command
            for command, code in [
                ("next", "200"),
                ("prev", "200"),
                ("tts/Dinner%20is%20ready", "200"),
                ("tts/Dinner/30", "200"),
                ("tts/Dinner/loud", "400"),
                ("tts/%20", "400"),
                ("playZoneFav/0", "400"),
                ("on", "400"),
            ]:
                answer = await client.enc(f"jdev/sps/io/{uid('v2')}/{command}")
                assert answer["Code"] == code, command

            assert (await client.enc(f"jdev/sps/io/{uid('central.audio')}/pause"))["Code"] == "200"
            assert ms.values[states["playState"]] == 1.0
            assert ms.values[uid(f"{ZONE}.playState")] == 0.0
            await client.enc(f"jdev/sps/io/{uid('central.audio')}/voldown")
            assert ms.values[states["volume"]] == 95.0
            assert ms.values[uid(f"{ZONE}.volume")] == 32.0
        finally:
            await client.close()
