"""Audio zones in the Miniserver simulator: Music Server zones (AudioZone) and Audioserver players.

The commands and states follow Loxone's structure-file documentation (see the module docstring of
``custom_components/hubrelay/loxone/media_player.py``). A first-generation zone reports its title,
artist, album, station and cover as text states, which travel in the text event table; it plays
a small built-in queue so ``next`` and ``prev`` change them as a real zone does. Pausing a Loxone
Music Server zone reports ``playState`` 0 (stopped): "paused" (1) is only sent for Casatunes.
An Audioserver player has no metadata states on the Miniserver, and an announcement
(``tts/{text}[/{volume}]``) changes no state: the simulator's command log shows what was spoken.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from .miniserver_controls import Control

#: The queue a first-generation zone plays: (title, artist, album, duration in seconds).
QUEUE = [
    ("So What", "Miles Davis", "Kind of Blue", 562.0),
    ("Take Five", "The Dave Brubeck Quartet", "Time Out", 324.0),
    ("Blue in Green", "Miles Davis", "Kind of Blue", 337.0),
]
COVER = "http://musicserver.local:7091/imgcache/?item={index}"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _fmt(value: float) -> str:
    return f"{value:g}"


def favourites(ctl: Control) -> dict[int, str]:
    """The zone favourites listed in a zone's ``sourceList`` text state."""
    try:
        data = json.loads(ctl.text("sourceList") or "{}")
    except ValueError:
        return {}
    return {
        int(item["slot"]): str(item["name"])
        for result in data.get("getroomfavs_result", [])
        for item in result.get("items", [])
    }


def show_track(ctl: Control, index: int) -> None:
    """Play queue entry ``index``: its metadata, duration and a progress of zero."""
    index %= len(QUEUE)
    title, artist, album, duration = QUEUE[index]
    ctl.set("queueIndex", float(index))
    ctl.set_text("songName", title)
    ctl.set_text("artist", artist)
    ctl.set_text("album", album)
    ctl.set_text("cover", COVER.format(index=index))
    ctl.set("duration", duration)
    ctl.set("progress", 0.0)


def _volume(ctl: Control, value: float) -> str:
    ceiling = ctl.get("maxVolume") or 100.0
    ctl.set("volume", min(max(value, 0.0), ceiling))
    return _fmt(ctl.get("volume"))


def _play(ctl: Control) -> str:
    ctl.set("power", 1.0)
    ctl.set("playState", 2.0)
    return "2"


def _audio_zone(ctl: Control, args: list[str]) -> str | None:
    """A Loxone Music Server zone."""
    command = args[0].lower()
    value = _number(args[1]) if len(args) > 1 else None
    step = ctl.get("volumeStep") or 1.0
    if command in {"play", "on"}:
        return _play(ctl)
    if command == "pause":
        ctl.set("playState", 0.0)
        return "0"
    if command == "off":
        ctl.set("playState", 0.0)
        ctl.set("power", 0.0)
        return "0"
    if command in {"next", "prev"}:
        show_track(ctl, int(ctl.get("queueIndex")) + (1 if command == "next" else -1))
        return _fmt(ctl.get("queueIndex"))
    if command == "volume" and value is not None:
        return _volume(ctl, value)
    if command == "volstep" and value is not None:
        return _volume(ctl, ctl.get("volume") + value)
    if command in {"volup", "voldown"}:  # what a CentralAudioZone passes on
        return _volume(ctl, ctl.get("volume") + (step if command == "volup" else -step))
    if command == "progress" and value is not None:
        ctl.set("progress", min(max(value, 0.0), max(ctl.get("duration"), 0.0)))
        return _fmt(ctl.get("progress"))
    if command == "shuffle" and len(args) == 1:
        ctl.set("shuffle", 0.0 if ctl.get("shuffle") else 1.0)
        return _fmt(ctl.get("shuffle"))
    if command == "repeat" and value in {0.0, 1.0, 3.0}:
        ctl.set("repeat", value)
        return _fmt(value)
    if command == "source" and value is not None and int(value) in favourites(ctl):
        ctl.set("source", value)
        ctl.set_text("station", favourites(ctl)[int(value)])
        show_track(ctl, 0)
        return _play(ctl)
    return None


def _audio_zone_v2(ctl: Control, args: list[str]) -> str | None:
    """An Audioserver player (its metadata is not published by the Miniserver)."""
    command = args[0].lower()
    value = _number(args[1]) if len(args) > 1 else None
    step = ctl.get("volumeStep") or 1.0
    if command == "play":
        return _play(ctl)
    if command == "pause":
        ctl.set("playState", 1.0)
        return "1"
    if command in {"next", "prev"}:
        return "1"
    if command == "volume" and value is not None:
        return _volume(ctl, value)
    if command in {"volup", "voldown"}:
        return _volume(ctl, ctl.get("volume") + (step if command == "volup" else -step))
    if command == "playzonefav" and value is not None and value >= 1:
        return _play(ctl)
    if command == "tts" and len(args) in {2, 3} and unquote(args[1]).strip():
        if len(args) == 3 and _number(args[2]) is None:
            return None
        return "1"
    return None


AUDIO_HANDLERS: dict[str, Callable[[Control, list[str]], str | None]] = {
    "AudioZone": _audio_zone,
    "AudioZoneV2": _audio_zone_v2,
}
