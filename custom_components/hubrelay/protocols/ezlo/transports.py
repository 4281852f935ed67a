"""The two ways to reach an Ezlo hub, each ending in a logged-in ``RpcChannel`` and the hub's info.

* ``LocalHubTransport``: ``wss://<ip>:17000`` with the hub's self-signed certificate and the
  ``AES256-SHA256`` cipher the hubs require; the certificate key and ``hub.info.get``'s serial
  (answered before login) are checked against the pinned ones, then ``hub.offline.login.ui``
  with a local key, or no login when offline anonymous access is on. ``probe`` reads the
  identity of an address without sending any secret.
* ``RelayTransport``: the NMA relay WebSocket from MMS ``Server_Relay``: ``loginUserMios`` with the
  MMS identity, ``register`` with the hub serial, then the same JSON-RPC proxied to the hub. The
  relay URL comes from the cloud, so anything but ``wss://`` is refused before connecting.

Credentials come from injected async providers (see ``LocalKey``/``RelayCredentials``) that are
asked again with ``refresh=True`` once when the hub or relay rejects them. Only an answer that
refuses the credentials themselves becomes ``EzloAuthError``; a refused ``register`` (it only
runs after the relay accepted the identity) and any other error answer mean "try again later".
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import logging
import ssl

import aiohttp

from .errors import (
    EzloAuthError,
    EzloConnectionError,
    EzloHubOfflineError,
    EzloProtocolError,
    EzloRpcError,
    EzloTimeoutError,
)
from .identity import HubIdentity, check_fingerprint, check_serial, peer_fingerprint
from .models import HubInfo
from .rpc import RpcChannel

_LOGGER = logging.getLogger(__name__)

LOCAL_PORT = 17000
HUB_CIPHER = "AES256-SHA256"
ALREADY_LOGGED_IN = "user.login.alreadylogged"
BAD_LOCAL_KEY = "user.login.badpassword"
#: ``loginUserMios`` answers that refuse the MMS identity itself (Ezlo's NMA error list).
IDENTITY_REFUSED_TAGS = frozenset(
    {"nma.user.badloginorpassword", "user.login.badpassword", "nma.user.notfound"}
)
#: ``register`` answers meaning the hub is not on the cloud now (the first is what relays send).
HUB_OFFLINE_TAGS = frozenset(
    {"register.device.offline", "nma.ezlo.notconnected", "nma.ezlo.unavailable"}
)
MAX_MESSAGE_SIZE = 16 * 1024 * 1024
"""Largest WebSocket message accepted: a big hub's item list is a few MiB, a peer's 1 GiB frame is
refused (aiohttp closes the socket with 1009) instead of being buffered."""


@dataclass(frozen=True, slots=True)
class LocalKey:
    """The user uuid and token for ``hub.offline.login.ui`` (from cloud ``access_keys_sync``)."""

    user: str
    token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class RelayCredentials:
    """The NMA relay URL (MMS ``Server_Relay``) and the MMS identity for ``loginUserMios``."""

    url: str
    identity: str = field(repr=False)
    signature: str = field(repr=False)


type LocalKeyProvider = Callable[[HubInfo, bool], Awaitable[LocalKey]]
"""``(hub_info, refresh) -> LocalKey``; ``refresh=True`` after the hub rejected the cached key."""

type RelayCredentialsProvider = Callable[[bool], Awaitable[RelayCredentials]]
"""``(refresh) -> RelayCredentials``; ``refresh=True`` after the relay rejected the identity."""


def hub_ssl_context() -> ssl.SSLContext:
    """Return the hub client context: no verification (self-signed), TLS 1.2+, AES256-SHA256."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(HUB_CIPHER)
    return context


async def _connect(
    http: aiohttp.ClientSession,
    url: str,
    ssl_option: ssl.SSLContext | bool,
    *,
    connect_timeout: float,
) -> aiohttp.ClientWebSocketResponse:
    try:
        async with asyncio.timeout(connect_timeout):
            return await http.ws_connect(
                url, ssl=ssl_option, max_msg_size=MAX_MESSAGE_SIZE, autoping=True
            )
    except TimeoutError as err:
        raise EzloTimeoutError(f"connecting to {url} timed out") from err
    except (aiohttp.ClientError, OSError) as err:
        raise EzloConnectionError(f"cannot connect to {url}: {type(err).__name__}") from err


def _channel(ws: aiohttp.ClientWebSocketResponse, request_timeout: float) -> RpcChannel:
    channel = RpcChannel(ws, request_timeout=request_timeout)
    channel.start()
    return channel


async def _hub_info(channel: RpcChannel) -> HubInfo:
    return HubInfo.from_json(await channel.call("hub.info.get"))


class _IdentityRefusedError(EzloAuthError):
    """``loginUserMios`` was refused: the identity expired or is wrong."""

    def __init__(self, err: EzloRpcError) -> None:
        super().__init__(f"the relay refused the MMS identity: {err.message}")
        self.tag = err.data


class LocalHubTransport:
    """Reach a hub on the LAN over its TLS WebSocket."""

    def __init__(
        self,
        host: str,
        *,
        port: int = LOCAL_PORT,
        key_provider: LocalKeyProvider | None = None,
        ssl_context: ssl.SSLContext | None = None,
        expected_fingerprint: str | None = None,
        expected_serial: str | None = None,
    ) -> None:
        """``key_provider=None`` means the hub must have offline anonymous access enabled.

        ``expected_fingerprint`` and ``expected_serial`` pin the hub (`HubIdentity` of the first
        connection): a peer presenting another gets `EzloIdentityError` and no local key.
        """
        self.url = f"wss://{host}:{port}"
        self._key_provider = key_provider
        self._ssl_context = ssl_context
        self._expected_fingerprint = expected_fingerprint
        self._expected_serial = expected_serial
        self.identity: HubIdentity | None = None
        """What the hub presented on the last connection that passed the checks."""

    async def open(
        self, http: aiohttp.ClientSession, *, connect_timeout: float, request_timeout: float
    ) -> tuple[RpcChannel, HubInfo]:
        """Connect, check the identity, read the hub info and log in; closed again on failure."""
        channel, info, _ = await self._identified(http, connect_timeout, request_timeout)
        try:
            await self._login(channel, info)
        except BaseException:
            await channel.close()
            raise
        return channel, info

    async def probe(
        self, http: aiohttp.ClientSession, *, connect_timeout: float, request_timeout: float
    ) -> HubIdentity:
        """Return what the hub at this address presents (checked against any pins); no secret."""
        channel, _, identity = await self._identified(http, connect_timeout, request_timeout)
        await channel.close()
        return identity

    async def _identified(
        self, http: aiohttp.ClientSession, connect_timeout: float, request_timeout: float
    ) -> tuple[RpcChannel, HubInfo, HubIdentity]:
        """Connect, check the certificate key before sending anything, then the reported serial."""
        if self._ssl_context is None:
            self._ssl_context = hub_ssl_context()
        ws = await _connect(http, self.url, self._ssl_context, connect_timeout=connect_timeout)
        try:
            fingerprint = peer_fingerprint(ws)
            check_fingerprint(fingerprint, self._expected_fingerprint)
        except BaseException:
            await ws.close()
            raise
        channel = _channel(ws, request_timeout)
        try:
            info = await _hub_info(channel)
            identity = HubIdentity(info.serial, fingerprint)
            check_serial(identity, self._expected_serial)
        except BaseException:
            await channel.close()
            raise
        self.identity = identity
        return channel, info, identity

    async def _login(self, channel: RpcChannel, info: HubInfo) -> None:
        if info.offline_anonymous_access:
            _LOGGER.debug("hub %s allows anonymous offline access: no login", info.serial)
            return
        if self._key_provider is None:
            raise EzloAuthError(
                "the hub needs a login (offline anonymous access is off) and no local key is set"
            )
        for refresh in (False, True):
            key = await self._key_provider(info, refresh)
            try:
                await channel.call("hub.offline.login.ui", {"user": key.user, "token": key.token})
            except EzloRpcError as err:
                if err.data == ALREADY_LOGGED_IN:
                    return
                if err.data != BAD_LOCAL_KEY:
                    raise EzloConnectionError(
                        f"the hub did not take the login: {err.message} ({err.data})"
                    ) from err
                if refresh:
                    raise EzloAuthError(f"the hub refused the local key: {err.message}") from err
                _LOGGER.debug("hub %s refused the local key; fetching a new one", info.serial)
            else:
                return


class RelayTransport:
    """Reach a hub through the Ezlo cloud NMA relay."""

    def __init__(
        self,
        serial: str,
        credentials: RelayCredentialsProvider,
        *,
        ssl_context: ssl.SSLContext | bool = True,
    ) -> None:
        """``ssl_context=True`` verifies the relay's certificate the usual way."""
        self.serial = serial
        self._credentials = credentials
        self._ssl = ssl_context

    async def open(
        self, http: aiohttp.ClientSession, *, connect_timeout: float, request_timeout: float
    ) -> tuple[RpcChannel, HubInfo]:
        """Log in to the relay (renewing a refused identity once), register, read the hub info."""
        timeouts = {"connect_timeout": connect_timeout, "request_timeout": request_timeout}
        try:
            return await self._attempt(http, refresh=False, **timeouts)
        except _IdentityRefusedError as err:
            _LOGGER.debug("relay refused the MMS identity (%s); renewing it", err.tag)
        return await self._attempt(http, refresh=True, **timeouts)

    async def _attempt(
        self,
        http: aiohttp.ClientSession,
        *,
        refresh: bool,
        connect_timeout: float,
        request_timeout: float,
    ) -> tuple[RpcChannel, HubInfo]:
        credentials = await self._credentials(refresh)
        if not credentials.url.lower().startswith("wss://"):
            scheme = credentials.url.partition("://")[0] if "://" in credentials.url else "none"
            raise EzloProtocolError(
                f"the relay URL must be wss://, not {scheme!r}: the MMS identity stays here"
            )
        ws = await _connect(http, credentials.url, self._ssl, connect_timeout=connect_timeout)
        channel = _channel(ws, request_timeout)
        try:
            await self._login(channel, credentials)
            await self._register(channel)
            return channel, await _hub_info(channel)
        except BaseException:
            await channel.close()
            raise

    @staticmethod
    async def _login(channel: RpcChannel, credentials: RelayCredentials) -> None:
        params = {"MMSAuth": credentials.identity, "MMSAuthSig": credentials.signature}
        try:
            await channel.call("loginUserMios", params)
        except EzloRpcError as err:
            if err.data == ALREADY_LOGGED_IN:
                return
            if err.data in IDENTITY_REFUSED_TAGS:
                raise _IdentityRefusedError(err) from err
            raise EzloConnectionError(
                f"the relay could not log in: {err.message} ({err.data})"
            ) from err

    async def _register(self, channel: RpcChannel) -> None:
        try:
            await channel.call("register", {"serial": self.serial})
        except EzloRpcError as err:
            if err.data in HUB_OFFLINE_TAGS:
                raise EzloHubOfflineError(
                    f"hub {self.serial} is not connected to the cloud: {err.message}"
                ) from err
            raise EzloConnectionError(
                f"the relay did not register hub {self.serial}: {err.message} ({err.data})"
            ) from err


type Transport = LocalHubTransport | RelayTransport
