"""Audio zones against the simulator: every command reaches it and its states come back."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any
from urllib.parse import quote, unquote

from homeassistant.components.media_player import (
    MediaPlayerEntityFeature,
    MediaPlayerState,
    RepeatMode,
)
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone.media_player import (
    MEDIA_TYPE_FAVORITE,
    announcement,
    favorites,
    image_url,
)
from tests.components.loxone.conftest import add_miniserver, control, state_uuid, wait_for_state
from tests.simulators.loxone_demo_house import DEMO_HOUSE, demo_initial_states, uid
from tests.simulators.miniserver import MiniserverSimulator

ZONE = "media_player.kitchen_kitchen_music"
CENTRAL = "media_player.whole_house_all_audio"
SPEAKERS = "media_player.living_room_living_room_speakers"
ZONE_NAME = "Kitchen music"


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        "media_player", service, {"entity_id": entity_id, **data}, blocking=True
    )


def commands(simulator: MiniserverSimulator, action: str) -> list[str]:
    return [cmd for uuid, cmd in simulator.commands if uuid == action]


def last(simulator: MiniserverSimulator, name: str) -> str:
    return commands(simulator, control(name)["uuidAction"])[-1]


def attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


async def wait_for_attribute(hass: HomeAssistant, entity_id: str, name: str, value: Any) -> None:
    async with asyncio.timeout(3.0):
        while attribute(hass, entity_id, name) != value:
            await asyncio.sleep(0.01)


def with_speakers() -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo house plus an Audioserver player in the living room, also in the central group."""
    structure = copy.deepcopy(DEMO_HOUSE)
    names = ["serverState", "playState", "clientState", "power", "volumeStep", "volume"]
    states = {name: uid(f"living.speakers.{name}") for name in names}
    speakers = {
        "name": "Living room speakers",
        "type": "AudioZoneV2",
        "uuidAction": uid("living.speakers"),
        "room": uid("room.living"),
        "cat": uid("cat.media"),
        "defaultRating": 0,
        "isFavorite": False,
        "isSecured": False,
        "details": {"server": uid("audioserver"), "playerid": 2, "clientType": 0},
        "states": states,
    }
    structure["controls"][speakers["uuidAction"]] = speakers
    central = next(c for c in structure["controls"].values() if c["type"] == "CentralAudioZone")
    central["details"]["controls"].append({"uuid": speakers["uuidAction"], "id": 2})
    values = {"serverState": 2.0, "playState": 0.0, "clientState": 2.0, "power": 0.0}
    values |= {"volumeStep": 4.0, "volume": 20.0}
    initial = demo_initial_states() | {states[name]: value for name, value in values.items()}
    return structure, initial


async def test_music_server_zone(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)
    attrs = hass.states.get(ZONE).attributes  # type: ignore[union-attr]
    assert attrs["media_title"] == "So What"
    assert attrs["media_artist"] == "Miles Davis"
    assert attrs["media_album_name"] == "Kind of Blue"
    assert attrs["media_channel"] == "Kind of Blue"
    assert attrs["entity_picture"].startswith(f"/api/media_player_proxy/{ZONE}")
    assert attrs["volume_level"] == 0.35
    assert attrs["media_duration"] == 562.0
    assert attrs["media_position"] == 95.0
    assert attrs["media_position_updated_at"] is not None
    assert attrs["repeat"] == RepeatMode.ALL
    assert attrs["shuffle"] is False
    assert attrs["source_list"] == ["Jazz radio", "Morning mix", "Kind of Blue"]
    assert attrs["source"] == "Kind of Blue"
    features = MediaPlayerEntityFeature(attrs["supported_features"])
    assert MediaPlayerEntityFeature.MEDIA_ANNOUNCE not in features
    assert MediaPlayerEntityFeature.STOP not in features
    assert MediaPlayerEntityFeature.VOLUME_MUTE not in features

    await call(hass, "media_pause", ZONE)
    assert last(miniserver, ZONE_NAME) == "pause"
    await wait_for_state(hass, ZONE, MediaPlayerState.IDLE)  # a Music Server reports "stopped"
    await call(hass, "media_play", ZONE)
    assert last(miniserver, ZONE_NAME) == "play"
    await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)

    await call(hass, "media_next_track", ZONE)
    assert last(miniserver, ZONE_NAME) == "next"
    await wait_for_attribute(hass, ZONE, "media_title", "Take Five")
    assert attribute(hass, ZONE, "media_artist") == "The Dave Brubeck Quartet"
    assert attribute(hass, ZONE, "media_album_name") == "Time Out"
    assert attribute(hass, ZONE, "media_position") == 0.0
    await call(hass, "media_previous_track", ZONE)
    assert last(miniserver, ZONE_NAME) == "prev"
    await wait_for_attribute(hass, ZONE, "media_title", "So What")

    await call(hass, "volume_set", ZONE, volume_level=0.5)
    assert last(miniserver, ZONE_NAME) == "volume/50"
    await wait_for_attribute(hass, ZONE, "volume_level", 0.5)
    await call(hass, "volume_up", ZONE)
    assert last(miniserver, ZONE_NAME) == "volstep/3"
    await wait_for_attribute(hass, ZONE, "volume_level", 0.53)
    await call(hass, "volume_down", ZONE)
    assert last(miniserver, ZONE_NAME) == "volstep/-3"
    await wait_for_attribute(hass, ZONE, "volume_level", 0.5)

    await call(hass, "shuffle_set", ZONE, shuffle=True)
    assert last(miniserver, ZONE_NAME) == "shuffle"
    await wait_for_attribute(hass, ZONE, "shuffle", True)
    sent = len(miniserver.commands)
    await call(hass, "shuffle_set", ZONE, shuffle=True)  # already on: the toggle is not sent
    assert len(miniserver.commands) == sent
    await call(hass, "shuffle_set", ZONE, shuffle=False)
    await wait_for_attribute(hass, ZONE, "shuffle", False)
    await call(hass, "repeat_set", ZONE, repeat=RepeatMode.ONE)
    assert last(miniserver, ZONE_NAME) == "repeat/3"
    await wait_for_attribute(hass, ZONE, "repeat", RepeatMode.ONE)
    await call(hass, "repeat_set", ZONE, repeat=RepeatMode.OFF)
    assert last(miniserver, ZONE_NAME) == "repeat/0"
    await wait_for_attribute(hass, ZONE, "repeat", RepeatMode.OFF)
    await call(hass, "media_seek", ZONE, seek_position=120.4)
    assert last(miniserver, ZONE_NAME) == "progress/120"
    await wait_for_attribute(hass, ZONE, "media_position", 120.0)

    await call(hass, "select_source", ZONE, source="Jazz radio")
    assert last(miniserver, ZONE_NAME) == "source/1"
    await wait_for_attribute(hass, ZONE, "source", "Jazz radio")
    assert attribute(hass, ZONE, "media_channel") == "Jazz radio"
    await call(
        hass,
        "play_media",
        ZONE,
        media_content_type=MEDIA_TYPE_FAVORITE,
        media_content_id="2",
    )
    assert last(miniserver, ZONE_NAME) == "source/2"
    await wait_for_attribute(hass, ZONE, "source", "Morning mix")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "select_source", ZONE, source="Polka")
    assert err.value.translation_key == "media_not_supported"
    for media_type, media_id in [("music", "http://x/a.mp3"), (MEDIA_TYPE_FAVORITE, "one")]:
        with pytest.raises(ServiceValidationError):
            await call(
                hass,
                "play_media",
                ZONE,
                media_content_type=media_type,
                media_content_id=media_id,
            )
    with pytest.raises(ServiceValidationError):
        await call(
            hass, "play_media", ZONE, media_content_type=MEDIA_TYPE_FAVORITE, media_content_id="0"
        )

    await call(hass, "turn_off", ZONE)
    assert last(miniserver, ZONE_NAME) == "off"
    await wait_for_state(hass, ZONE, MediaPlayerState.OFF)
    await call(hass, "turn_on", ZONE)
    assert last(miniserver, ZONE_NAME) == "on"
    await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)


async def test_zone_states_from_the_miniserver(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)
    miniserver.set_text(state_uuid(ZONE_NAME, "songName"), "  ")
    await wait_for_attribute(hass, ZONE, "media_title", None)
    # A cover with credentials is not shown (Home Assistant would fetch it for the browser).
    miniserver.set_text(state_uuid(ZONE_NAME, "cover"), "http://user:pw@musicserver/cover.jpg")
    await wait_for_attribute(hass, ZONE, "entity_picture", None)
    miniserver.set_value(state_uuid(ZONE_NAME, "duration"), -1.0)  # a stream
    await wait_for_attribute(hass, ZONE, "media_duration", None)
    miniserver.set_value(state_uuid(ZONE_NAME, "playState"), -1.0)
    await wait_for_state(hass, ZONE, "unknown")
    miniserver.set_value(state_uuid(ZONE_NAME, "serverState"), 0.0)
    await wait_for_state(hass, ZONE, STATE_UNAVAILABLE)
    miniserver.set_value(state_uuid(ZONE_NAME, "serverState"), 2.0)
    miniserver.set_value(state_uuid(ZONE_NAME, "playState"), 2.0)
    await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)
    # New favourites arrive as a text state.
    listed = {"getroomfavs_result": [{"items": [{"slot": 3, "name": "Late news"}]}]}
    miniserver.set_text(state_uuid(ZONE_NAME, "sourceList"), json.dumps(listed))
    await wait_for_attribute(hass, ZONE, "source_list", ["Late news"])
    assert attribute(hass, ZONE, "source") is None  # slot 5 is no longer a favourite


async def test_media_browser_lists_favourites(
    hass: HomeAssistant, hass_ws_client: Any, loxone_entry: HubRelayConfigEntry
) -> None:
    await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "media_player/browse_media", "entity_id": ZONE})
    answer = await client.receive_json()
    assert answer["success"], answer
    children = answer["result"]["children"]
    assert [(c["title"], c["media_content_id"], c["can_play"]) for c in children] == [
        ("Jazz radio", "1", True),
        ("Morning mix", "2", True),
        ("Kind of Blue", "5", True),
    ]
    assert {c["media_content_type"] for c in children} == {MEDIA_TYPE_FAVORITE}


async def test_audioserver_player_and_central_group(hass: HomeAssistant) -> None:
    structure, initial = with_speakers()
    action = uid("living.speakers")
    async with MiniserverSimulator(structure=structure, initial_states=initial) as simulator:
        entry = await add_miniserver(hass, simulator)
        await wait_for_state(hass, SPEAKERS, MediaPlayerState.OFF)
        await wait_for_state(hass, CENTRAL, MediaPlayerState.PLAYING)  # the kitchen plays
        features = MediaPlayerEntityFeature(attribute(hass, SPEAKERS, "supported_features"))
        assert MediaPlayerEntityFeature.MEDIA_ANNOUNCE in features
        assert MediaPlayerEntityFeature.TURN_ON not in features
        assert MediaPlayerEntityFeature.SELECT_SOURCE not in features

        await call(hass, "media_play", SPEAKERS)
        assert commands(simulator, action)[-1] == "play"
        await wait_for_state(hass, SPEAKERS, MediaPlayerState.PLAYING)
        assert attribute(hass, SPEAKERS, "volume_level") == 0.2
        await call(hass, "media_pause", SPEAKERS)
        assert commands(simulator, action)[-1] == "pause"
        await wait_for_state(hass, SPEAKERS, MediaPlayerState.PAUSED)
        await call(hass, "media_next_track", SPEAKERS)
        await call(hass, "media_previous_track", SPEAKERS)
        assert commands(simulator, action)[-2:] == ["next", "prev"]
        await call(hass, "volume_set", SPEAKERS, volume_level=0.31)
        assert commands(simulator, action)[-1] == "volume/31"
        await wait_for_attribute(hass, SPEAKERS, "volume_level", 0.31)
        await call(hass, "volume_up", SPEAKERS)
        assert commands(simulator, action)[-1] == "volUp"
        await wait_for_attribute(hass, SPEAKERS, "volume_level", 0.35)
        await call(hass, "volume_down", SPEAKERS)
        assert commands(simulator, action)[-1] == "volDown"
        await wait_for_attribute(hass, SPEAKERS, "volume_level", 0.31)
        await call(
            hass,
            "play_media",
            SPEAKERS,
            media_content_type=MEDIA_TYPE_FAVORITE,
            media_content_id="4",
        )
        assert commands(simulator, action)[-1] == "playZoneFav/4"
        await wait_for_state(hass, SPEAKERS, MediaPlayerState.PLAYING)

        # tts.speak hands the player a text-to-speech media source with the message.
        message = "Dinner is ready? Come / now #1"
        await call(
            hass,
            "play_media",
            SPEAKERS,
            media_content_type="music",
            media_content_id=f"media-source://tts/demo?message={quote(message)}&language=en",
            announce=True,
        )
        spoken = commands(simulator, action)[-1]
        assert spoken.startswith("tts/")
        assert unquote(spoken.removeprefix("tts/")) == "Dinner is ready Come now 1"
        for media_id in ["media-source://tts/demo?message=%3F%2F", "http://x/a.mp3"]:
            with pytest.raises(ServiceValidationError):
                await call(
                    hass,
                    "play_media",
                    SPEAKERS,
                    media_content_type="music",
                    media_content_id=media_id,
                    announce=True,
                )

        # The central group: commands reach every zone through the CentralAudioZone.
        await call(hass, "media_pause", CENTRAL)
        assert last(simulator, "All audio") == "pause"
        await wait_for_state(hass, SPEAKERS, MediaPlayerState.PAUSED)
        await wait_for_state(hass, CENTRAL, MediaPlayerState.PAUSED)
        await call(hass, "media_play", CENTRAL)
        assert last(simulator, "All audio") == "play"
        await wait_for_state(hass, CENTRAL, MediaPlayerState.PLAYING)
        await wait_for_state(hass, ZONE, MediaPlayerState.PLAYING)
        await call(hass, "volume_up", CENTRAL)
        assert last(simulator, "All audio") == "volup"
        await wait_for_attribute(hass, SPEAKERS, "volume_level", 0.35)
        await wait_for_attribute(hass, ZONE, "volume_level", 0.38)
        await call(hass, "volume_down", CENTRAL)
        assert last(simulator, "All audio") == "voldown"
        await wait_for_attribute(hass, SPEAKERS, "volume_level", 0.31)

        await call(hass, "turn_off", ZONE)
        simulator.set_value(uid("living.speakers.power"), 0.0)
        await wait_for_state(hass, CENTRAL, MediaPlayerState.OFF)
        simulator.set_value(uid("living.speakers.power"), 1.0)
        simulator.set_value(uid("living.speakers.playState"), 0.0)
        await wait_for_state(hass, CENTRAL, MediaPlayerState.IDLE)
        await hass.config_entries.async_unload(entry.entry_id)


async def test_central_group_without_zone_states(hass: HomeAssistant) -> None:
    structure = copy.deepcopy(DEMO_HOUSE)
    central = next(c for c in structure["controls"].values() if c["type"] == "CentralAudioZone")
    central["details"]["controls"].append({"uuid": "not-a-zone"})
    zone = structure["controls"][uid("kitchen.audio")]
    del zone["states"]["playState"], zone["states"]["serverState"]
    async with MiniserverSimulator(
        structure=structure, initial_states=demo_initial_states()
    ) as simulator:
        entry = await add_miniserver(hass, simulator)
        # A zone that never reports its play state leaves the group (and itself) unknown.
        assert hass.states.get(CENTRAL).state == "unknown"  # type: ignore[union-attr]
        assert hass.states.get(ZONE).state == "unknown"  # type: ignore[union-attr]
        simulator.set_value(uid("kitchen.audio.power"), 0.0)
        await wait_for_state(hass, CENTRAL, MediaPlayerState.OFF)
        await wait_for_state(hass, ZONE, MediaPlayerState.OFF)
        await hass.config_entries.async_unload(entry.entry_id)


def test_favourites_are_bounded_and_checked() -> None:
    items: list[Any] = [{"slot": n, "name": f"Fav {n}"} for n in range(200)]
    items += [{"slot": "7", "name": "text slot"}, {"slot": 1, "name": ""}, "junk"]
    parsed = favorites(json.dumps({"getroomfavs_result": [{"items": items}, "junk"]}))
    assert len(parsed) == 64
    assert parsed[1] == "Fav 1"
    assert favorites("not json") == favorites('{"getroomfavs_result": 3}') == {}
    assert favorites(json.dumps({"getroomfavs_result": [{"items": 5}]})) == {}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://musicserver/cover.jpg", True),
        ("https://cdn.example/a.png?size=300", True),
        ("/imgcache/cover.jpg", False),
        ("ftp://musicserver/cover.jpg", False),
        ("http://user@musicserver/cover.jpg", False),
        ("http://musicserver/cover.jpg?access_token=abc", False),
        ("http://[::1/cover", False),
        ("http://musicserver/" + "a" * 3000, False),
        ("", False),
    ],
)
def test_cover_addresses(url: str, shown: bool) -> None:
    assert (image_url(url) == url) is shown


def test_announcement_text() -> None:
    assert announcement("media-source://tts/cloud?message=Hello%20there") == "Hello there"
    assert announcement("media-source://tts/cloud?language=en") is None
    assert announcement("media-source://media_source/local/a.mp3") is None
