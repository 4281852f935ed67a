"""Loxone intercoms (`Intercom`, the Door Controller, and `IntercomV2`): what they offer, parsed.

Facts and where they come from (nothing here is copied; every line is ours):

- States `bell` (1 while ringing), `lastBellEvents` (bell times as `YYYYMMDDHHMMSS`, separated
  by `|`) and, on Loxone Intercoms, `version`; command `answer` stops the bell. Source: the
  structure-file documentation as quoted by the ioBroker.loxone adapter and the control
  reference of mr-manuel/Loxone_api_documentation (extracted from the Loxone app).
- `IntercomV2` has `bell`, `missedBellEvents`, `deviceState`, and the commands `answer` and
  `mute/{0|1}` (mr-manuel/Loxone_api_documentation); rudyberends/homebridge-loxone-proxy reads
  an `address` state (the intercom's own LAN address). ArtifexEt/Loxone-Home-Assistant lists
  `lastBellEvents` for IntercomV2 as well, so both history state names are read.
- A real, anonymised structure file (Smarteon/loxone-client-kotlin `sample-app.json`, in
  `shared/fixtures/loxone`) has `"securedDetails": true` on the control, empty `videoInfo` and
  `audioInfo` in `details`, `deviceType`, `lastBellEventImages`, `outputs`, the states `bell`,
  `lastBellEvents`, `lastBellTimestamp`, `jLocked`, and the door outputs as `Pushbutton`
  sub-controls whose uuidAction carries a `/1` suffix.
- `jdev/sps/io/{uuidAction}/securedDetails` answers `{"videoInfo": {"streamUrl", "alertImage",
  "user", "pass"}, "audioInfo": {...}}`: rudyberends/homebridge-loxone-proxy
  (`intercomBinder.ts`) and ArtifexEt/Loxone-Home-Assistant (`camera.py`) both read it so.
  Older firmware had `videoInfo` with the same fields directly in `details`.

The stream is MJPEG behind HTTP basic authentication; `alertImage` is a JPEG snapshot URL.
IntercomV2's own web server wants the Miniserver user's password, which HubRelay does not keep
(only a token), so an IntercomV2 gets a camera only when its secured details carry `videoInfo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.util import dt as dt_util
from yarl import URL

from ..protocols.loxone import Control, LoxoneStructure

INTERCOM_TYPES = ("Intercom", "IntercomV2")
#: The state names a control's bell history may have (Intercom, IntercomV2).
HISTORY_STATES = ("lastBellEvents", "missedBellEvents")
#: Bell times kept from a history state: the Miniserver's list is not ours to trust in size.
MAX_BELL_EVENTS = 20
_TIME_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True, slots=True)
class VideoAccess:
    """Where an intercom's picture is and how to sign in; the repr never shows the password.

    `still_url` is the snapshot (`alertImage`), or the stream when there is none.
    """

    stream_url: URL | None
    still_url: URL
    user: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    @classmethod
    def from_details(cls, details: Any) -> VideoAccess | None:
        """Read `videoInfo` of (secured) details; None when it names no usable http(s) URL."""
        info = details.get("videoInfo") if isinstance(details, dict) else None
        if not isinstance(info, dict):
            return None
        stream, stream_user = _http_url(info.get("streamUrl"))
        image, image_user = _http_url(info.get("alertImage"))
        still = image or stream
        if still is None:
            return None
        user, password = _text(info.get("user")), _text(info.get("pass"))
        if not user and (embedded := stream_user or image_user) is not None:
            user, password = embedded
        return cls(stream, still, user, password)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _http_url(value: Any) -> tuple[URL | None, tuple[str, str] | None]:
    """Return an absolute http(s) URL without user info, and the user info it carried."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    try:
        url = URL(value.strip())
    except ValueError:
        return None, None
    if url.scheme not in ("http", "https") or not url.host:
        return None, None
    embedded = (url.user or "", url.password or "") if url.user else None
    return url.with_user(None), embedded


def holds_intercom_secrets(structure: LoxoneStructure) -> bool:
    """Tell whether an intercom's plain details carry credentials (older firmware's `videoInfo`).

    Such a structure file is kept in memory only: written to Home Assistant's storage it would
    leave the camera password on disk in plain text.
    """
    return any(
        control.type in INTERCOM_TYPES and _secret_details(control.details)
        for control in structure.controls.values()
    )


def _secret_details(details: Any) -> bool:
    if not isinstance(details, dict):
        return False
    for key in ("videoInfo", "audioInfo"):
        info = details.get(key)
        if isinstance(info, dict) and (_text(info.get("user")) or _text(info.get("pass"))):
            return True
    access = VideoAccess.from_details(details)
    return access is not None and bool(access.user or access.password)


def bell_times(text: str | None) -> list[datetime]:
    """Return the newest bell times of a history state, oldest first, in Home Assistant's zone.

    The Miniserver writes its local time without a zone; Home Assistant's configured zone is
    the best guess of the Miniserver's.
    """
    zone = dt_util.get_default_time_zone()
    times: list[datetime] = []
    for item in (text or "").split("|"):
        try:
            times.append(datetime.strptime(item.strip(), _TIME_FORMAT).replace(tzinfo=zone))
        except ValueError:
            continue
    return sorted(times)[-MAX_BELL_EVENTS:]


def history_state(control: Control) -> str | None:
    """Return the name of the control's bell history state, if it has one."""
    return next((name for name in HISTORY_STATES if name in control.states), None)
