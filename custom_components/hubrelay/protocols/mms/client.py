"""The MMS cloud client: login, identity renewal, per-server session tokens and device lookup.

One `MmsClient` per account. It owns the identity (renewed before ``Expires``), a session token
per server (``/info/session/token``: each MMS server only accepts its own), the account's device
list, and the Ezlo cloud token that yields a hub's local access keys. Every host is injectable so
tests run against the loopback simulator; MMS names its servers by bare host, which
`cloud_server_url` turns into a base URL with the client's ``scheme``. A server name the cloud
gives with any scheme but ``https://`` is refused: the identity and session tokens sent to it
would travel in clear.

Rejections are retried once: a refused session token is fetched again, a refused identity is
renewed (which needs the password). Only the login refusing the password (404), or a renewal
without a password, is `MmsAuthError`; a server that still refuses after that retry is having
trouble of its own (`MmsConnectionError` with the status). Nothing secret is logged or put in an
exception message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
import json
import logging
from typing import Any
from urllib.parse import quote
import uuid

import aiohttp
from yarl import URL

from ..bounded import KIB, BodyTooLargeError, read_limited
from .cloud import (
    API_REQUEST_PATH,
    LEGACY_TO_CLOUD_PATH,
    CloudToken,
    HubLocalKeys,
    access_keys_request,
    select_local_keys,
)
from .errors import (
    MmsAuthError,
    MmsConnectionError,
    MmsDeviceNotFoundError,
    MmsPasswordRequiredError,
    MmsProtocolError,
    MmsResponseTooLargeError,
    MmsTimeoutError,
)
from .fields import header_token
from .identity import Identity, StoredIdentity
from .models import AccountDevice, DeviceInfo, parse_account_devices
from .password import password_hash

_LOGGER = logging.getLogger(__name__)

DEFAULT_AUTH_HOSTS = (
    "https://vera-us-oem-autha11.mios.com",
    "https://vera-us-oem-autha12.mios.com",
)
DEFAULT_CLOUD_URL = "https://cloud.ezlo.com"
DEFAULT_API_CLOUD_URL = "https://api-cloud.ezlo.com"
OEM_VERA = 1
SESSION_TOKEN_PATH = "/info/session/token"  # noqa: S105 - a URL path, not a secret
HEADER_SESSION = "MMSSession"
REJECTED = frozenset({401, 403})
MAX_ANSWER_BYTES = 512 * KIB
"""MMS and Ezlo cloud answers (identity, tokens, device lists, keys) are a few KiB."""


def server_url(server: str, scheme: str = "https") -> str:
    """Return the base URL of a server the caller configured (a value with a scheme is kept)."""
    server = server.strip().rstrip("/")
    return server if "://" in server else f"{scheme}://{server}"


def cloud_server_url(server: str, scheme: str = "https") -> str:
    """Return the base URL of a server the cloud named; only ``https://`` may be spelt out.

    ``scheme`` applies to bare host names only (``"http"`` for the loopback simulator), so a
    hostile answer cannot choose a plain-text scheme for the servers we send credentials to.
    """
    url = server_url(server, scheme)
    named, _, _ = server.strip().partition("://")
    if "://" in server and named.lower() != "https":
        raise MmsProtocolError(f"the cloud named a server with the plain-text scheme {named!r}")
    return url


def _host(url: str) -> str:
    try:
        return URL(url).host or url
    except ValueError:  # a server name from an answer that is no URL (the request will fail)
        return url


def _parse_json(body: str, what: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as err:
        raise MmsProtocolError(f"{what}: the answer is not JSON") from err


def _status_error(status: int, what: str) -> MmsConnectionError:
    """Explain a failure status that remained after the one retry (never a credential refusal)."""
    if status in REJECTED:
        return MmsConnectionError(
            f"{what}: still refused after a new identity or session (HTTP {status})",
            status=status,
        )
    return MmsConnectionError(f"{what}: HTTP {status}", status=status)


class MmsClient:
    """Talk to the MMS cloud for one account (shared by the Ezlo and Vera integrations)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        username: str,
        password: str | None = None,
        *,
        auth_hosts: Sequence[str] = DEFAULT_AUTH_HOSTS,
        identity: StoredIdentity | None = None,
        scheme: str = "https",
        cloud_url: str = DEFAULT_CLOUD_URL,
        api_cloud_url: str = DEFAULT_API_CLOUD_URL,
        oem: int = OEM_VERA,
        request_timeout: float = 10.0,
        renew_margin: float = 600.0,
        on_identity: Callable[[StoredIdentity], None] | None = None,
    ) -> None:
        """Prepare the client; nothing is sent until a call needs it.

        ``password=None`` works as long as ``identity`` is valid; a renewal then raises
        `MmsPasswordRequiredError`. ``on_identity`` is called with every new identity so the
        caller can persist it. ``renew_margin`` seconds before ``Expires`` the identity is renewed.
        """
        if not auth_hosts:
            raise ValueError("at least one MMS auth host is needed")
        self._session = session
        self._username = username
        self._password = password
        self._auth_hosts = tuple(server_url(host, scheme) for host in auth_hosts)
        self._scheme = scheme
        self._cloud_url = server_url(cloud_url, scheme)
        self._api_cloud_url = server_url(api_cloud_url, scheme)
        self._oem = oem
        self._timeout = request_timeout
        self._renew_margin = renew_margin
        self._on_identity = on_identity
        self._identity = Identity.from_stored(identity) if identity is not None else None
        self._login_lock = asyncio.Lock()
        self._server_locks: dict[str, asyncio.Lock] = {}
        self._sessions: dict[str, str] = {}
        self._devices: dict[int, AccountDevice] = {}
        #: The last ``Server_Relay`` of each unit, for when its device servers fail.
        self._relays: dict[int, str] = {}
        self._cloud_lock = asyncio.Lock()
        self._cloud_token: CloudToken | None = None

    @property
    def username(self) -> str:
        """Return the account's username."""
        return self._username

    @property
    def identity(self) -> Identity | None:
        """Return the current identity, if there is one (it may have expired)."""
        return self._identity

    def server_url(self, server: str) -> str:
        """Return the base URL of a server the cloud named (`cloud_server_url`, this scheme)."""
        return cloud_server_url(server, self._scheme)

    # -- identity -------------------------------------------------------------------------------

    async def login(self) -> Identity:
        """Log in now (``autha``), trying each auth host in turn; needs the password."""
        async with self._login_lock:
            return await self._login_locked()

    async def ensure_identity(self) -> Identity:
        """Return a usable identity, logging in first when there is none or it expires soon."""
        async with self._login_lock:
            current = self._identity
            if current is not None and not current.expires_within(self._renew_margin):
                return current
            return await self._login_locked()

    async def renew_identity(self, rejected: Identity) -> Identity:
        """Replace an identity a server refused, unless another task already replaced it."""
        async with self._login_lock:
            current = self._identity
            if current is not None and current.token != rejected.token:
                return current
            return await self._login_locked()

    async def _login_locked(self) -> Identity:
        if self._password is None:
            raise MmsPasswordRequiredError("a new MMS identity needs the account password")
        params = {
            "SHA1Password": password_hash(self._username, self._password),
            "PK_Oem": str(self._oem),
            "TokenVersion": "2",
        }
        path = "/autha/auth/username/" + quote(self._username, safe="@")
        for base in self._auth_hosts[:-1]:
            try:
                return await self._login_on(URL(base + path, encoded=True), params)
            except (MmsConnectionError, MmsProtocolError) as err:
                _LOGGER.debug("%s; trying the next auth host", err)
        return await self._login_on(URL(self._auth_hosts[-1] + path, encoded=True), params)

    async def _login_on(self, url: URL, params: Mapping[str, str]) -> Identity:
        what = f"MMS login on {url.host}"
        status, body = await self._fetch("GET", url, what=what, params=params)
        if status == 404:
            raise MmsAuthError("the MMS cloud refused the username or password")
        if status != 200:
            raise MmsConnectionError(f"{what}: HTTP {status}", status=status)
        answer = _parse_json(body, what)
        if not isinstance(answer, dict):
            raise MmsProtocolError(f"{what}: the answer is not a JSON object")
        identity = Identity.from_login(answer)
        self._adopt(identity)
        return identity

    def _adopt(self, identity: Identity) -> None:
        self._identity = identity
        self._sessions.clear()
        self._cloud_token = None
        _LOGGER.debug(
            "MMS identity for account %s valid until %s", identity.pk_account, identity.expires
        )
        if self._on_identity is not None:
            self._on_identity(identity.to_stored())

    # -- session tokens -------------------------------------------------------------------------

    async def session_token(self, server: str) -> str:
        """Return this server's session token (``/info/session/token``), cached per server."""
        base = self.server_url(server)
        lock = self._server_locks.setdefault(base, asyncio.Lock())
        async with lock:
            cached = self._sessions.get(base)
            if cached is not None:
                return cached
            token = await self._new_session_token(base)
            self._sessions[base] = token
            return token

    def invalidate_session(self, server: str, token: str | None = None) -> None:
        """Forget a server's session token (only if it is still ``token``, when given)."""
        base = self.server_url(server)
        if token is None or self._sessions.get(base) == token:
            self._sessions.pop(base, None)

    async def _new_session_token(self, base: str) -> str:
        what = f"session token from {_host(base)}"
        identity = await self.ensure_identity()
        status, body = await self._fetch(
            "GET", base + SESSION_TOKEN_PATH, what=what, headers=identity.auth_headers
        )
        if status in REJECTED:
            identity = await self.renew_identity(identity)
            status, body = await self._fetch(
                "GET", base + SESSION_TOKEN_PATH, what=what, headers=identity.auth_headers
            )
        if status != 200:
            raise _status_error(status, what)
        token = body.strip()
        if not token:
            raise MmsProtocolError(f"{what}: empty answer")
        return header_token(token, "session token")

    async def session_get(self, server: str, path: str) -> Any:
        """GET a JSON resource with this server's session token (``MMSSession``), retrying once."""
        base = self.server_url(server)
        what = f"GET {path} on {_host(base)}"
        token = await self.session_token(server)
        status, body = await self._fetch(
            "GET", base + path, what=what, headers={HEADER_SESSION: token}
        )
        if status in REJECTED:
            self.invalidate_session(server, token)
            token = await self.session_token(server)
            status, body = await self._fetch(
                "GET", base + path, what=what, headers={HEADER_SESSION: token}
            )
        if status != 200:
            raise _status_error(status, what)
        return _parse_json(body, what)

    # -- account and devices --------------------------------------------------------------------

    async def account_devices(self) -> list[AccountDevice]:
        """List the units on the account (account server, then its alternate)."""
        identity = await self.ensure_identity()
        path = f"/account/account/account/{identity.pk_account}/devices"
        answer = await self._first_answer(identity.account_servers, path)
        devices = parse_account_devices(answer)
        self._devices = {device.pk_device: device for device in devices}
        return devices

    async def device_info(self, device: AccountDevice | int | str) -> DeviceInfo:
        """Look a unit up on its device server (``Server_Device``, then ``Server_Device_Alt``)."""
        if not isinstance(device, AccountDevice):
            device = await self._account_device(int(device))
        answer = await self._first_answer(
            device.device_servers, f"/device/device/device/{device.pk_device}"
        )
        return DeviceInfo.from_json(answer)

    async def server_relay(self, device: AccountDevice | int | str) -> str:
        """Return the unit's ``Server_Relay``; while its device servers fail, the last one known.

        Relays keep serving through a cloud outage (its servers answering errors, their names not
        resolving) as long as the identity is valid, so a reconnect need not wait for the cloud.
        A unit not looked up before gets the error.
        """
        pk_device = device.pk_device if isinstance(device, AccountDevice) else int(device)
        try:
            relay = (await self.device_info(device)).server_relay
        except (MmsConnectionError, MmsProtocolError):
            if (known := self._relays.get(pk_device)) is None:
                raise
            _LOGGER.debug("device servers unavailable; using the last relay of unit %s", pk_device)
            return known
        self._relays[pk_device] = relay
        return relay

    async def _account_device(self, pk_device: int) -> AccountDevice:
        if pk_device not in self._devices:
            await self.account_devices()
        try:
            return self._devices[pk_device]
        except KeyError:
            raise MmsDeviceNotFoundError(f"device {pk_device} is not on this account") from None

    async def _first_answer(self, servers: Sequence[str], path: str) -> Any:
        for server in servers[:-1]:
            try:
                return await self.session_get(server, path)
            except (MmsConnectionError, MmsProtocolError) as err:
                _LOGGER.debug("%s; trying the next server", err)
        return await self.session_get(servers[-1], path)

    # -- Ezlo cloud: local access keys ----------------------------------------------------------

    async def cloud_token(self) -> CloudToken:
        """Trade the MMS identity for an Ezlo cloud token (``legacy-to-cloud``), cached."""
        async with self._cloud_lock:
            cached = self._cloud_token
            if cached is not None and not cached.expires_within(self._renew_margin):
                return cached
            what = f"token exchange on {_host(self._cloud_url)}"
            identity = await self.ensure_identity()
            url = self._cloud_url + LEGACY_TO_CLOUD_PATH
            status, body = await self._fetch("GET", url, what=what, headers=identity.auth_headers)
            if status in REJECTED:
                identity = await self.renew_identity(identity)
                status, body = await self._fetch(
                    "GET", url, what=what, headers=identity.auth_headers
                )
            if status != 200:
                raise _status_error(status, what)
            token = CloudToken.from_json(_parse_json(body, what))
            self._cloud_token = token
            return token

    async def hub_local_keys(self, serial: str, *, hub_uuid: str | None = None) -> HubLocalKeys:
        """Fetch the hub's ``hub.offline.login.ui`` user and token (``access_keys_sync``).

        ``hub_uuid`` (from the hub's unauthenticated ``hub.info.get``) selects the controller
        directly; without it the controller key is found by the serial.
        """
        what = f"access_keys_sync on {_host(self._api_cloud_url)}"
        status, body = await self._access_keys(what)
        if status in REJECTED:
            status, body = await self._access_keys(what, rejected=True)
        if status != 200:
            raise _status_error(status, what)
        return select_local_keys(_parse_json(body, what), serial, hub_uuid=hub_uuid)

    async def _access_keys(self, what: str, *, rejected: bool = False) -> tuple[int, str]:
        if rejected:
            async with self._cloud_lock:
                self._cloud_token = None
        token = await self.cloud_token()
        return await self._fetch(
            "POST",
            self._api_cloud_url + API_REQUEST_PATH,
            what=what,
            headers={"Authorization": f"Bearer {token.token}"},
            json_body=access_keys_request(str(uuid.uuid4())),
        )

    # -- transport ------------------------------------------------------------------------------

    async def _fetch(
        self,
        method: str,
        url: str | URL,
        *,
        what: str,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> tuple[int, str]:
        _LOGGER.debug("%s", what)
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    json=json_body,
                    allow_redirects=False,
                ) as response,
            ):
                body = await read_limited(response, MAX_ANSWER_BYTES)
                return response.status, body.decode("utf-8", errors="replace")
        except BodyTooLargeError as err:
            raise MmsResponseTooLargeError(f"{what}: {err}") from err
        except TimeoutError:
            raise MmsTimeoutError(f"{what}: no answer within {self._timeout:g} s") from None
        except (aiohttp.ClientError, OSError) as err:
            raise MmsConnectionError(f"{what}: {type(err).__name__}") from err
