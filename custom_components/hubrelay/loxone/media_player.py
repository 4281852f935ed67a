"""Loxone audio zones as media players: Music Server zones, Audioserver players, central audio.

What the Miniserver offers, from Loxone's "Structure File" documentation (version 16.0, sections
AudioZone, AudioZoneV2 and Central Objects); nothing here polls, every value is an event-table
state the entity subscribes to.

`AudioZone` (Music Server zone, first generation):
- states `serverState` (2 = online), `playState` (-1 unknown, 0 stopped, 1 paused, only sent for
  Casatunes, 2 playing), `power`, `volume` (0-100), `volumeStep`, `shuffle` (0 / 1), `repeat`
  (0 off, 1 all, 3 current item), `sourceList` (JSON text of the zone favourites, `slot` and
  `name` per item), `source` (the slot playing), and text states `songName`, `artist`, `album`,
  `station`, `cover` (a path to an image), plus `duration` (-1 for streams) and `progress` (s);
- commands `play`, `pause`, `prev`, `next`, `on`, `off`, `volume/{v}`, `volstep/{step}`,
  `progress/{s}`, `shuffle` (toggles), `repeat/{0|1|3}`, `source/{slot}` (favourites 1-8).

`AudioZoneV2` (Audioserver player):
- states `serverState`, `playState` (0 stopped, 1 paused, 2 playing), `power`, `volume`,
  `volumeStep`; no title, artist, album, cover, source, shuffle, repeat or mute: those live only
  in the Audioserver's own API, which this integration does not use;
- commands `play`, `pause` (written `Pause` in the document; the Loxone app and other
  integrations send `pause`), `prev`, `next`, `volUp`, `volDown`, `volume/{v}`,
  `playZoneFav/{id}` (the favourites' names are not published by the Miniserver, so they are
  played by number) and `tts/{text}` (an announcement spoken by the Audioserver).

`CentralAudioZone`: `details.controls` lists the zones; commands `play`, `pause`, `volup`,
`voldown` apply to all of them. It has no states of its own, so the group shows its zones' states.

Not offered, because no documented command exists: stop, mute, turning an Audioserver player or a
central group on and off, absolute volume for a group, and announcements on first-generation zones.

Where other integrations differ (PyLoxone forks, ArtifexEt/Loxone-Home-Assistant): they send `on`,
`off`, `mute`, `unmute` or `source/{n}` to AudioZoneV2 and map stop to `pause`, in places marked as
unverified on real hardware; none of these is in Loxone's command list for AudioZoneV2, so they
are left out here. A central group's commands are sent to the CentralAudioZone itself, as for the
other central objects; the document also names `selectedcontrols/{ids}/{command}` for a subset.
An AudioZoneV2 whose volume is driven by external up/down pulses (`details.volumeModes`) may not
follow an absolute `volume/{v}`; that detail is not evaluated yet.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from homeassistant.components.media_player import (
    BrowseMedia,
    MediaClass,
    MediaPlayerDeviceClass,
    MediaPlayerEntity,
    MediaPlayerEntityFeature,
    MediaPlayerState,
    MediaType,
    RepeatMode,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, parse_json_text
from .mapping import EntityFactory, build_entities, central_members, single

#: `media_content_type` of a zone favourite (play_media, media browser).
MEDIA_TYPE_FAVORITE = "favorite"

SERVER_ONLINE = 2
PLAY_STATES = {
    0: MediaPlayerState.IDLE,
    1: MediaPlayerState.PAUSED,
    2: MediaPlayerState.PLAYING,
}
REPEAT_TO_HA = {0: RepeatMode.OFF, 1: RepeatMode.ALL, 3: RepeatMode.ONE}
REPEAT_FROM_HA = {mode: value for value, mode in REPEAT_TO_HA.items()}

# Bounds for what the Miniserver sends: favourites, names, texts and image addresses.
MAX_FAVORITES = 64
MAX_TEXT = 256
MAX_URL = 2048
MAX_ANNOUNCEMENT = 300
# Used when a zone has not (yet) reported its volume step.
DEFAULT_VOLUME_STEP = 5
# Query parameters that would make an image address carry a secret.
_SECRET_QUERY_WORDS = ("token", "pass", "auth", "key", "secret", "sig", "session")
# Characters the Miniserver's command path cannot carry (see protocols/loxone/commands.py).
_UNSENDABLE = str.maketrans(dict.fromkeys("/?#\\", " "))

ZONE_TYPES = frozenset({"AudioZone", "AudioZoneV2"})


def favorites(text: str | None) -> dict[int, str]:
    """Read a `sourceList` text state: {"getroomfavs_result": [{"items": [{slot, name}]}]}."""
    data = parse_json_text(text, {})
    results = data.get("getroomfavs_result") if isinstance(data, dict) else None
    found: dict[int, str] = {}
    for result in results if isinstance(results, list) else []:
        items = result.get("items") if isinstance(result, dict) else None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or len(found) >= MAX_FAVORITES:
                continue
            slot, name = item.get("slot"), item.get("name")
            if isinstance(slot, int) and isinstance(name, str) and name.strip():
                found.setdefault(slot, name.strip()[:MAX_TEXT])
    return dict(sorted(found.items()))


def image_url(text: str | None) -> str | None:
    """Return a cover address Home Assistant may fetch: absolute http(s), without credentials."""
    if not text or len(text) > MAX_URL:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return None
    for name, _value in parse_qsl(parts.query):
        if any(word in name.lower() for word in _SECRET_QUERY_WORDS):
            return None
    return text


def announcement(media_id: str) -> str | None:
    """Return the text of a text-to-speech media source id (`media-source://tts/...?message=`)."""
    parts = urlsplit(media_id)
    if parts.scheme != "media-source" or parts.netloc != "tts":
        return None
    message = dict(parse_qsl(parts.query)).get("message", "")
    return message.strip() or None


def _clean(text: str | None) -> str | None:
    """Return a text state as shown: stripped, bounded, None when empty."""
    cleaned = (text or "").strip()[:MAX_TEXT]
    return cleaned or None


class LoxoneAudioPlayer(LoxoneEntity, MediaPlayerEntity):
    """What every audio zone shares: play state, power, volume, availability of its server."""

    _attr_name = None
    _attr_device_class = MediaPlayerDeviceClass.SPEAKER
    _attr_media_content_type = MediaType.MUSIC

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Start with the server assumed online until it says otherwise."""
        super().__init__(coordinator, control)
        self._server_online = True

    def _update_from_values(self) -> None:
        server = self.number("serverState")
        self._server_online = server is None or int(server) == SERVER_ONLINE
        power, play = self.number("power"), self.number("playState")
        if power is not None and power == 0:
            self._attr_state = MediaPlayerState.OFF
        elif play is not None:
            self._attr_state = PLAY_STATES.get(int(play))
        else:
            self._attr_state = None
        volume = self.number("volume")
        self._attr_volume_level = None if volume is None else min(max(volume, 0.0), 100.0) / 100

    @property
    def available(self) -> bool:
        """Available while the Miniserver is connected and reports the (music) server online."""
        return super().available and self._server_online

    def _volume_step(self) -> int:
        step = self.number("volumeStep")
        return round(step) if step is not None and 0 < step <= 100 else DEFAULT_VOLUME_STEP

    async def async_media_play(self) -> None:
        """Play (switches the zone on if needed)."""
        await self.send("play")

    async def async_media_pause(self) -> None:
        """Pause."""
        await self.send("pause")

    async def async_media_next_track(self) -> None:
        """Skip to the next track."""
        await self.send("next")

    async def async_media_previous_track(self) -> None:
        """Go back to the previous track."""
        await self.send("prev")

    async def async_set_volume_level(self, volume: float) -> None:
        """Set the volume (0-100 on the Miniserver)."""
        await self.send(f"volume/{round(min(max(volume, 0.0), 1.0) * 100)}")

    def _unsupported(self, media_id: str) -> ServiceValidationError:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="media_not_supported",
            translation_placeholders={"control": self.control.name, "media": media_id[:100]},
        )

    def _favorite_number(self, media_id: str) -> int:
        try:
            number = int(media_id)
        except ValueError:
            raise self._unsupported(media_id) from None
        if number < 1:
            raise self._unsupported(media_id)
        return number


class LoxoneAudioZone(LoxoneAudioPlayer):
    """A Music Server zone: transport, volume, shuffle, repeat, favourites and metadata."""

    _attr_supported_features = (
        MediaPlayerEntityFeature.PLAY
        | MediaPlayerEntityFeature.PAUSE
        | MediaPlayerEntityFeature.NEXT_TRACK
        | MediaPlayerEntityFeature.PREVIOUS_TRACK
        | MediaPlayerEntityFeature.TURN_ON
        | MediaPlayerEntityFeature.TURN_OFF
        | MediaPlayerEntityFeature.VOLUME_SET
        | MediaPlayerEntityFeature.VOLUME_STEP
        | MediaPlayerEntityFeature.SHUFFLE_SET
        | MediaPlayerEntityFeature.REPEAT_SET
        | MediaPlayerEntityFeature.SEEK
        | MediaPlayerEntityFeature.SELECT_SOURCE
        | MediaPlayerEntityFeature.PLAY_MEDIA
        | MediaPlayerEntityFeature.BROWSE_MEDIA
    )
    state_names = (
        "serverState",
        "playState",
        "power",
        "volume",
        "volumeStep",
        "shuffle",
        "repeat",
        "sourceList",
        "source",
        "songName",
        "artist",
        "album",
        "station",
        "cover",
        "duration",
        "progress",
    )

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """No favourites until the zone lists them."""
        super().__init__(coordinator, control)
        self._favorites: dict[int, str] = {}

    def _update_from_values(self) -> None:
        super()._update_from_values()
        self._favorites = favorites(self.text("sourceList"))
        self._attr_source_list = list(self._favorites.values()) or None
        source = self.number("source")
        self._attr_source = None if source is None else self._favorites.get(int(source))
        shuffle = self.number("shuffle")
        self._attr_shuffle = None if shuffle is None else shuffle != 0
        repeat = self.number("repeat")
        self._attr_repeat = None if repeat is None else REPEAT_TO_HA.get(int(repeat))
        self._attr_media_title = _clean(self.text("songName"))
        self._attr_media_artist = _clean(self.text("artist"))
        self._attr_media_album_name = _clean(self.text("album"))
        self._attr_media_channel = _clean(self.text("station"))
        self._attr_media_image_url = image_url(self.text("cover"))
        duration = self.number("duration")
        self._attr_media_duration = (
            round(duration) if duration is not None and duration >= 0 else None
        )
        progress = self.number("progress")
        position = round(progress) if progress is not None and progress >= 0 else None
        if position != self._attr_media_position:
            self._attr_media_position_updated_at = None if position is None else dt_util.utcnow()
        self._attr_media_position = position

    async def async_turn_on(self) -> None:
        """Switch the zone on; it starts playing right away."""
        await self.send("on")

    async def async_turn_off(self) -> None:
        """Switch the zone off."""
        await self.send("off")

    async def async_volume_up(self) -> None:
        """Raise the volume by the zone's step."""
        await self.send(f"volstep/{self._volume_step()}")

    async def async_volume_down(self) -> None:
        """Lower the volume by the zone's step."""
        await self.send(f"volstep/-{self._volume_step()}")

    async def async_set_shuffle(self, shuffle: bool) -> None:
        """Shuffle on or off (the Miniserver's command toggles, so only send it to change)."""
        if self.shuffle is not shuffle:
            await self.send("shuffle")

    async def async_set_repeat(self, repeat: RepeatMode) -> None:
        """Repeat nothing, the list or the current track."""
        await self.send(f"repeat/{REPEAT_FROM_HA[repeat]}")

    async def async_media_seek(self, position: float) -> None:
        """Jump to a position in the track (seconds)."""
        await self.send(f"progress/{max(round(position), 0)}")

    async def async_select_source(self, source: str) -> None:
        """Play a zone favourite by its name."""
        slot = next((slot for slot, name in self._favorites.items() if name == source), None)
        if slot is None:
            raise self._unsupported(source)
        await self.send(f"source/{slot}")

    async def async_play_media(self, media_type: str, media_id: str, **kwargs: Any) -> None:
        """Play a zone favourite by its slot (the media browser's items)."""
        if media_type != MEDIA_TYPE_FAVORITE:
            raise self._unsupported(media_id)
        await self.send(f"source/{self._favorite_number(media_id)}")

    async def async_browse_media(
        self, media_content_type: str | None = None, media_content_id: str | None = None
    ) -> BrowseMedia:
        """List the zone favourites, as one folder."""
        children = [
            BrowseMedia(
                media_class=MediaClass.MUSIC,
                media_content_id=str(slot),
                media_content_type=MEDIA_TYPE_FAVORITE,
                title=name,
                can_play=True,
                can_expand=False,
            )
            for slot, name in self._favorites.items()
        ]
        return BrowseMedia(
            media_class=MediaClass.DIRECTORY,
            media_content_id="",
            media_content_type="favorites",
            title=self.control.name,
            can_play=False,
            can_expand=True,
            children=children,
            children_media_class=MediaClass.MUSIC,
        )


class LoxoneAudioZoneV2(LoxoneAudioPlayer):
    """An Audioserver player: transport, volume, favourites by number and announcements."""

    _attr_supported_features = (
        MediaPlayerEntityFeature.PLAY
        | MediaPlayerEntityFeature.PAUSE
        | MediaPlayerEntityFeature.NEXT_TRACK
        | MediaPlayerEntityFeature.PREVIOUS_TRACK
        | MediaPlayerEntityFeature.VOLUME_SET
        | MediaPlayerEntityFeature.VOLUME_STEP
        | MediaPlayerEntityFeature.PLAY_MEDIA
        | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
    )
    state_names = ("serverState", "playState", "power", "volume", "volumeStep")

    async def async_volume_up(self) -> None:
        """Raise the volume by the player's step."""
        await self.send("volUp")

    async def async_volume_down(self) -> None:
        """Lower the volume by the player's step."""
        await self.send("volDown")

    async def async_play_media(self, media_type: str, media_id: str, **kwargs: Any) -> None:
        """Speak a text-to-speech message, or play a zone favourite by its number."""
        if media_type == MEDIA_TYPE_FAVORITE:
            await self.send(f"playZoneFav/{self._favorite_number(media_id)}")
            return
        message = announcement(media_id)
        if message is None:
            raise self._unsupported(media_id)
        text = " ".join(message.translate(_UNSENDABLE).split())[:MAX_ANNOUNCEMENT]
        if not text:
            raise self._unsupported(media_id)
        await self.send(f"tts/{quote(text, safe='')}")


class LoxoneCentralAudioZone(LoxoneEntity, MediaPlayerEntity):
    """All the zones of a CentralAudioZone: play, pause and volume steps for every one of them.

    The group plays while any zone plays, is paused while any is paused, idle while any is on,
    and off when every zone is off; it is unknown until its zones have reported.
    """

    _attr_name = None
    _attr_device_class = MediaPlayerDeviceClass.SPEAKER
    _attr_supported_features = (
        MediaPlayerEntityFeature.PLAY
        | MediaPlayerEntityFeature.PAUSE
        | MediaPlayerEntityFeature.VOLUME_STEP
    )

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Find the listed zones in the structure file."""
        super().__init__(coordinator, control)
        self._members = central_members(coordinator.structure, control, ZONE_TYPES)

    async def async_added_to_hass(self) -> None:
        """Subscribe to the power and play state of every listed zone."""
        await super().async_added_to_hass()
        refs = {
            f"{member.uuid}.{name}": ref
            for member in self._members
            for name in ("power", "playState")
            if isinstance(ref := member.states.get(name), str)
        }
        for key, ref in refs.items():
            if (value := self.coordinator.state(ref)) is not None:
                self._values[key] = value
            self.async_on_remove(self.coordinator.subscribe(ref, partial(self._state_event, key)))
        self._update_from_values()

    def _update_from_values(self) -> None:
        states: list[MediaPlayerState | None] = []
        for member in self._members:
            power = self.number(f"{member.uuid}.power")
            play = self.number(f"{member.uuid}.playState")
            if power == 0:
                states.append(MediaPlayerState.OFF)
            else:
                states.append(None if play is None else PLAY_STATES.get(int(play)))
        if not states or None in states:
            self._attr_state = None
            return
        for candidate in (MediaPlayerState.PLAYING, MediaPlayerState.PAUSED):
            if candidate in states:
                self._attr_state = candidate
                return
        idle = MediaPlayerState.IDLE in states
        self._attr_state = MediaPlayerState.IDLE if idle else MediaPlayerState.OFF

    async def async_media_play(self) -> None:
        """Play in every zone."""
        await self.send("play")

    async def async_media_pause(self) -> None:
        """Pause every zone."""
        await self.send("pause")

    async def async_volume_up(self) -> None:
        """Raise every zone's volume by its step."""
        await self.send("volup")

    async def async_volume_down(self) -> None:
        """Lower every zone's volume by its step."""
        await self.send("voldown")


FACTORIES: dict[str, EntityFactory] = {
    "AudioZone": single(LoxoneAudioZone),
    "AudioZoneV2": single(LoxoneAudioZoneV2),
    "CentralAudioZone": single(LoxoneCentralAudioZone),
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a media player per audio zone and per central audio group."""
    async_add_entities(build_entities(coordinator, FACTORIES))
