"""Loxone intercoms as cameras: a still image and the MJPEG stream of the intercom's video.

Where the video is and how to sign in comes from the control's secured details, asked for
encrypted (see `intercom.py`), or from `details.videoInfo` on older firmware. The answer is kept
in memory only, dropped when the Miniserver connection drops, and fetched again once when the
intercom refuses the credentials. Pictures are fetched with Home Assistant's shared HTTP session;
URLs and credentials never reach logs, attributes or diagnostics.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging

import aiohttp
from homeassistant.components.camera import Camera
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_aiohttp_proxy_web, async_get_clientsession
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .intercom import INTERCOM_TYPES, VideoAccess
from .mapping import EntityFactory, build_entities

_LOGGER = logging.getLogger(__name__)

#: The largest still image (or MJPEG prefix searched for one frame) that is read.
MAX_IMAGE_BYTES = 4 * 1024 * 1024
#: Seconds a still image may take.
IMAGE_TIMEOUT = 10.0
_JPEG_START, _JPEG_END = b"\xff\xd8", b"\xff\xd9"
_UNAUTHORIZED = 401

type _Fetch[T] = Callable[[VideoAccess], Awaitable[T]]


class _RefusedError(Exception):
    """The intercom refused the credentials."""


class LoxoneIntercomCamera(LoxoneEntity, Camera):
    """The video of one intercom: the device's main entity."""

    _attr_name = None

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """One camera per intercom that describes its video."""
        LoxoneEntity.__init__(self, coordinator, control, "camera")
        Camera.__init__(self)
        self._access: VideoAccess | None = None
        self._loaded = False
        self._lock = asyncio.Lock()

    @callback
    def _availability_changed(self, available: bool) -> None:
        if not available:
            # A new session may bring new details (or a changed password): ask again.
            self._access, self._loaded = None, False
        super()._availability_changed(available)

    async def _video(self, *, refresh: bool = False) -> VideoAccess | None:
        """Return the video access, asked from the Miniserver once per session (or if refused)."""
        async with self._lock:
            if refresh or not self._loaded:
                if self.control.has_secured_details:
                    details = await self.coordinator.async_secured_details(self.control)
                    self._access = VideoAccess.from_details(details)
                else:
                    self._access = VideoAccess.from_details(dict(self.control.details))
                self._loaded = True
            return self._access

    async def _with_access[T](self, fetch: _Fetch[T]) -> T | None:
        """Run `fetch` with the video access, asking for fresh details once if refused."""
        for refresh in (False, True):
            try:
                access = await self._video(refresh=refresh)
            except HomeAssistantError as err:
                _LOGGER.debug("No video details for %s: %s", self.entity_id, err)
                return None
            if access is None:
                return None
            try:
                return await fetch(access)
            except _RefusedError:
                _LOGGER.debug("The intercom of %s refused the credentials", self.entity_id)
        return None

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the snapshot (`alertImage`), or the first frame of the stream."""
        return await self._with_access(self._still)

    async def _still(self, access: VideoAccess) -> bytes | None:
        url = access.still_url
        session = async_get_clientsession(self.hass)
        try:
            async with (
                asyncio.timeout(IMAGE_TIMEOUT),
                session.get(url, headers=_auth(access)) as response,
            ):
                if response.status == _UNAUTHORIZED:
                    raise _RefusedError
                if response.status != 200:
                    _LOGGER.debug("The intercom of %s answered %s", self.entity_id, response.status)
                    return None
                if response.content_type.startswith("multipart/"):
                    return await _first_frame(response.content)
                body = await response.content.read(MAX_IMAGE_BYTES + 1)
                return body if len(body) <= MAX_IMAGE_BYTES else None
        except (TimeoutError, aiohttp.ClientError) as err:
            _LOGGER.debug("No picture from the intercom of %s (%s)", self.entity_id, type(err))
            return None

    async def handle_async_mjpeg_stream(
        self, request: aiohttp.web.Request
    ) -> aiohttp.web.StreamResponse | None:
        """Relay the intercom's MJPEG stream to the browser."""
        access = await self._with_access(_as_is)
        if access is None or access.stream_url is None:
            return None
        session = async_get_clientsession(self.hass)
        return await async_aiohttp_proxy_web(
            self.hass, request, session.get(access.stream_url, headers=_auth(access))
        )


async def _as_is(access: VideoAccess) -> VideoAccess:
    return access


def _auth(access: VideoAccess) -> dict[str, str]:
    """Return the basic-authentication header for the intercom (none without a user)."""
    if not access.user:
        return {}
    return {"Authorization": aiohttp.encode_basic_auth(access.user, access.password)}


async def _first_frame(stream: aiohttp.StreamReader) -> bytes | None:
    """Return the first complete JPEG of an MJPEG stream, reading at most `MAX_IMAGE_BYTES`."""
    buffer = b""
    while len(buffer) <= MAX_IMAGE_BYTES:
        chunk = await stream.read(64 * 1024)
        if not chunk:
            return None
        buffer += chunk
        start = buffer.find(_JPEG_START)
        if start >= 0 and (end := buffer.find(_JPEG_END, start + 2)) >= 0:
            return buffer[start : end + 2]
    return None


def _has_video(control: Control) -> bool:
    return (
        control.has_secured_details or VideoAccess.from_details(dict(control.details)) is not None
    )


def _camera(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [LoxoneIntercomCamera(coordinator, control)] if _has_video(control) else []


FACTORIES: dict[str, EntityFactory] = dict.fromkeys(INTERCOM_TYPES, _camera)


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a camera per intercom that has video."""
    async_add_entities(build_entities(coordinator, FACTORIES))
