"""The simulator's intercoms: secured details, and the camera each intercom has on the LAN.

A real Loxone Intercom is its own web server: the Miniserver's ``securedDetails`` answer points at
its MJPEG stream and snapshot and names the credentials (HTTP basic authentication). Here every
``Intercom``/``IntercomV2`` control gets such a camera on the
simulator's own HTTP port, under ``/intercom/{uuidAction}/``: ``jpg/image.jpg`` (one JPEG) and
``mjpg/video.mjpg`` (``multipart/x-mixed-replace``, a bounded number of frames). The simulator
answers ``securedDetails`` (for controls with ``"securedDetails": true``) only to an encrypted
command; a plain one gets status 403.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import io
import json
from typing import Any

from aiohttp import web

INTERCOM_TYPES = frozenset({"Intercom", "IntercomV2"})
CAMERA_USER = "intercom"
#: Frames one MJPEG request gets before the stream ends (a browser simply asks again).
MJPEG_FRAMES = 50
MJPEG_BOUNDARY = "loxoneframe"


def camera_password(action: str) -> str:
    """The (stable, per intercom) camera password the secured details hand out."""
    return "cam-" + hashlib.sha256(action.encode()).hexdigest()[:16]


def render_jpeg(label: str, frame: int = 0) -> bytes:
    """A small JPEG picture of a front door, with ``label`` and a frame counter."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (92, 130, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 170, 320, 240), fill=(120, 120, 110))
    draw.rectangle((120, 50, 200, 200), fill=(110, 70, 40), outline=(40, 25, 10), width=3)
    draw.ellipse((182, 120, 192, 130), fill=(220, 200, 80))
    draw.text((8, 8), label, fill=(255, 255, 255))
    draw.text((8, 222), f"frame {frame}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


class IntercomCameras:
    """The cameras of a structure's intercoms and the ``securedDetails`` answers naming them."""

    def __init__(self, controls: dict[str, dict[str, Any]]) -> None:
        """Find the intercoms of ``controls`` (uuidAction -> control); each gets a camera."""
        self.intercoms = {
            action: control
            for action, control in controls.items()
            if control.get("type") in INTERCOM_TYPES
        }
        #: Per intercom: the password it accepts (tests change it to model a new password).
        self.passwords = {action: camera_password(action) for action in self.intercoms}
        #: Paths served (``jpg``/``mjpg``) with their answer status, in order.
        self.requests: list[tuple[str, int]] = []
        #: Set to False to make ``securedDetails`` answer without ``videoInfo`` (no video set up).
        self.video_configured = True
        #: Where the details say the cameras are (None: this simulator; else e.g. a closed port).
        self.camera_base: str | None = None
        #: A status every camera request gets instead of a picture (None: pictures).
        self.fail_status: int | None = None
        #: A value sent instead of the details (a broken Miniserver answer), None: the details.
        self.raw_details: str | None = None
        #: Set to False to leave ``alertImage`` out (the stream is then the only picture).
        self.alert_image = True

    def add_routes(self, app: web.Application) -> None:
        """Serve the cameras (call before the catch-all route)."""
        app.router.add_get("/intercom/{action}/jpg/image.jpg", self._image)
        app.router.add_get("/intercom/{action}/mjpg/video.mjpg", self._mjpeg)

    def secured_details(self, action: str, base_url: str, *, encrypted: bool) -> tuple[str, int]:
        """The answer value and status of ``{action}/securedDetails``."""
        if action not in self.intercoms or self.intercoms[action].get("securedDetails") is not True:
            return "", 400
        if not encrypted:
            return "", 403
        if self.raw_details is not None:
            return self.raw_details, 200
        camera = f"{self.camera_base or base_url}/intercom/{action}"
        details: dict[str, Any] = {
            "audioInfo": {"host": "127.0.0.1:5060", "user": CAMERA_USER, "pass": "sip-secret"},
        }
        if self.video_configured:
            details["videoInfo"] = {
                "streamUrl": f"{camera}/mjpg/video.mjpg",
                "user": CAMERA_USER,
                "pass": self.passwords[action],
            } | ({"alertImage": f"{camera}/jpg/image.jpg"} if self.alert_image else {})
        # The real Miniserver sends the object as a JSON text in `value`.
        return json.dumps(details), 200

    def _authorized(self, request: web.Request) -> str | None:
        action = request.match_info["action"]
        header = request.headers.get("Authorization", "")
        if action not in self.intercoms or not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return action if (user, password) == (CAMERA_USER, self.passwords[action]) else None

    def _label(self, action: str) -> str:
        return str(self.intercoms[action].get("name", "Intercom"))

    async def _image(self, request: web.Request) -> web.StreamResponse:
        action = self._authorized(request)
        if action is None:
            self.requests.append(("jpg", 401))
            return _unauthorized()
        if self.fail_status is not None:
            self.requests.append(("jpg", self.fail_status))
            return web.Response(status=self.fail_status)
        self.requests.append(("jpg", 200))
        return web.Response(body=render_jpeg(self._label(action)), content_type="image/jpeg")

    async def _mjpeg(self, request: web.Request) -> web.StreamResponse:
        action = self._authorized(request)
        if action is None:
            self.requests.append(("mjpg", 401))
            return _unauthorized()
        self.requests.append(("mjpg", 200))
        response = web.StreamResponse()
        response.headers["Content-Type"] = f"multipart/x-mixed-replace; boundary={MJPEG_BOUNDARY}"
        await response.prepare(request)
        for frame in range(MJPEG_FRAMES):
            jpeg = render_jpeg(self._label(action), frame)
            head = (
                f"--{MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                f"Content-Length: {len(jpeg)}\r\n\r\n"
            )
            try:
                await response.write(head.encode() + jpeg + b"\r\n")
            except ConnectionError:
                break
            await asyncio.sleep(0.2)
        return response


def _unauthorized() -> web.Response:
    return web.Response(
        status=401, headers={"WWW-Authenticate": 'Basic realm="Intercom"'}, text="Unauthorized"
    )
