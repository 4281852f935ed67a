"""The MMS cloud on loopback: auth, account and device servers plus the Ezlo cloud token exchange.

Every role is its own aiohttp server on ``127.0.0.1`` (its own port), so clients see distinct hosts
exactly as with the real cloud, and fail-over between a server and its alternate is real:

* ``auth``, ``auth_alt``: ``GET /autha/auth/username/{user}?SHA1Password=&PK_Oem=1&TokenVersion=2``
  -> ``{Identity, IdentitySignature, Server_Account, Server_Account_Alt, Server_Event,
  Server_Event_Alt}``; a wrong username, password or PK_Oem -> **404**.
* ``account``, ``account_alt``: ``GET /info/session/token`` (``MMSAuth``/``MMSAuthSig``) -> a
  plain-text session token valid on this server only; ``GET
  /account/account/account/{PK_Account}/devices`` and ``GET /device/device/device/{PK_Device}``
  (``MMSSession``, or the identity headers directly) -> ``{"Devices": [...]}`` / device info.
* ``device``, ``device_alt``: ``GET /info/session/token``; ``GET /device/device/device/{PK_Device}``
  (``MMSSession``) -> ``{PK_Device, Server_Relay, InternalIP, ExternalIP, LinuxFirmware, ...}``.
* ``cloud``: ``GET /mca-router/token/exchange/legacy-to-cloud/`` (identity headers) ->
  ``{"token": JWT}``; ``POST /v1/request`` (``Authorization: Bearer JWT``) with
  ``{"call": "access_keys_sync", ...}`` -> ``{"status": 1, "data": {"keys": {...}}}``.

A refused identity or session token answers 401 (``WWW-Authenticate: MMSAuth error="invalid
session"`` for sessions); an unknown device 404; a bad cloud call ``{"status": 0, "data":
{"error_text": ...}}``. Servers are named by ``127.0.0.1:<port>`` like the real bare host names, so
clients use ``scheme="http"``. ``Server_Event`` hosts are reported but not served.

Public API (the contract with the MMS client tests and the Ezlo / Vera simulators)::

    async with MmsCloudSimulator() as cloud:    # port=0: auth port; the other roles take free ports
    MmsCloudSimulator(domain="mios.test")        # roles named auth.mios.test:<port>, ... (DNS)
        cloud.add_account("user", "pass") -> Account     # .pk_account, .pk_user, .serials
        cloud.add_hub("user", "90000123", relay_url="ws://127.0.0.1:1234", kind="ezlo",
                      name="Ezlo Plus", local_ip="127.0.0.1",
                      only_on_alt_device_server=False) -> HubRecord
        cloud.client_kwargs() -> {"auth_hosts", "scheme", "cloud_url", "api_cloud_url"}  # MmsClient
        cloud.base_url / auth_url / auth_alt_url / cloud_url / api_cloud_url ; cloud.url(role)
        cloud.host(role) -> "127.0.0.1:<port>" ; cloud.auth_hosts -> (auth_url, auth_alt_url)
        cloud.hostnames -> {name: "127.0.0.1"}   # with a domain: what a DNS server must answer
        cloud.validate_identity(identity, signature) -> username | None   # valid & unexpired
        cloud.local_keys(serial) -> LocalKeys(serial, controller_uuid, user, token)
        cloud.hub(serial) -> HubRecord ; cloud.account(username) -> Account
        cloud.requests -> [(role, method, path)]   # every request answered, in order, no query
        # knobs
        cloud.fail_login_404 = True        # every login answers 404
        cloud.names["account"] = "http://127.0.0.1:N"   # how a role is named in answers (hostile)
        cloud.expire_identities()          # every identity issued so far is refused from now on
        cloud.expire_identity(identity)    # only this one is refused from now on
        cloud.identity_lifetime = 86400.0  # seconds from Generated to Expires of new identities
        cloud.cloud_token_lifetime = 3600.0
        cloud.revoke_sessions()            # every session token issued so far is refused (401)
        cloud.revoke_cloud_tokens()        # every cloud JWT issued so far is refused (401)
        cloud.primary_auth_down = True     # same as cloud.down.add("auth")
        cloud.down = {"device"}            # these roles drop every connection without answering
        cloud.errors = {"account": 500}    # these roles answer every request with that status
        cloud.outage = 503                 # every role answers that status until set to None
                                           # (apart from `errors`, which short faults clear)
        cloud.bodies = {"device": "<html>"}  # these roles answer every request 200 with that body
        cloud.response_delay = 0.5         # seconds before every answer

Run alone: ``python -m tests.simulators.mms_cloud --port 8480`` (``--help`` shows the demo account).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import secrets
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

from .mms_cloud_records import (
    Account,
    HubRecord,
    LocalKeys,
    TicketSigner,
    sha1_password,
)

__all__ = ["ROLES", "Account", "HubRecord", "LocalKeys", "MmsCloudSimulator"]

_LOGGER = logging.getLogger(__name__)

ROLES = ("auth", "auth_alt", "account", "account_alt", "device", "device_alt", "cloud")
SESSION_ROLES = frozenset({"account", "account_alt", "device", "device_alt"})
_ROLE_KEY = web.AppKey("role", str)
INVALID_SESSION = 'MMSAuth error="invalid session"'

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"
DEMO_EZLO_SERIAL = "90000123"
DEMO_VERA_SERIAL = "50000456"


class MmsCloudSimulator:
    """Auth, account, device and Ezlo cloud servers of the MMS cloud, on loopback."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, domain: str | None = None
    ) -> None:
        """``port`` is the primary auth server's; every other role gets a free port.

        ``domain``: name the servers ``<role>.<domain>`` (clients then resolve them by DNS, see
        `hostnames`) instead of by their address.
        """
        self._bind_host = host
        self._domain = domain
        self._auth_port = port
        self._signer = TicketSigner()
        self._accounts: dict[str, Account] = {}
        self._hubs: dict[str, HubRecord] = {}
        self._sessions: dict[str, dict[str, str]] = {role: {} for role in SESSION_ROLES}
        self._runners: dict[str, web.AppRunner] = {}
        self._ports: dict[str, int] = {}
        self._next_pk = 1_225_480
        self.requests: list[tuple[str, str, str]] = []
        self.fail_login_404 = False
        self.identity_lifetime = 86_400.0
        self.cloud_token_lifetime = 3_600.0
        self.down: set[str] = set()
        self.errors: dict[str, int] = {}
        self.outage: int | None = None
        self.bodies: dict[str, str] = {}
        self.response_delay = 0.0
        self.names: dict[str, str] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start one server per role."""
        for role in ROLES:
            app = web.Application(middlewares=[self._faults])
            app[_ROLE_KEY] = role
            self._routes(app, role)
            runner = web.AppRunner(
                app, access_log=None, handler_cancellation=True, shutdown_timeout=0.1
            )
            await runner.setup()
            site = web.TCPSite(runner, self._bind_host, self._auth_port if role == "auth" else 0)
            await site.start()
            self._runners[role] = runner
            self._ports[role] = runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop every server."""
        for runner in self._runners.values():
            await runner.cleanup()
        self._runners.clear()

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        await self.stop()

    # -- addresses ------------------------------------------------------------------------------

    def host(self, role: str) -> str:
        """Return the role's server as MMS names servers: ``host:port`` without a scheme."""
        return f"{self._hostname(role)}:{self._ports[role]}"

    def _hostname(self, role: str) -> str:
        if self._domain is None:
            return self._bind_host
        return f"{role.replace('_', '-')}.{self._domain}"

    @property
    def hostnames(self) -> dict[str, str]:
        """Return every server name and the address it must resolve to."""
        return {self._hostname(role): self._bind_host for role in ROLES}

    def _name(self, role: str) -> str:
        """Return how answers name a role's server: a `names` override (hostile), else its host."""
        return self.names.get(role, self.host(role))

    def url(self, role: str) -> str:
        """Return the role's base URL."""
        return f"http://{self.host(role)}"

    @property
    def base_url(self) -> str:
        """Return the primary auth server's URL."""
        return self.url("auth")

    @property
    def auth_url(self) -> str:
        """Return the primary auth server's URL (autha11)."""
        return self.url("auth")

    @property
    def auth_alt_url(self) -> str:
        """Return the fallback auth server's URL (autha12)."""
        return self.url("auth_alt")

    @property
    def auth_hosts(self) -> tuple[str, str]:
        """Return both auth servers, primary first."""
        return (self.auth_url, self.auth_alt_url)

    @property
    def cloud_url(self) -> str:
        """Return the Ezlo cloud URL (token exchange)."""
        return self.url("cloud")

    @property
    def api_cloud_url(self) -> str:
        """Return the Ezlo API cloud URL (``/v1/request``); the same server as `cloud_url`."""
        return self.url("cloud")

    def client_kwargs(self) -> dict[str, Any]:
        """Return the `MmsClient` keyword arguments that point it at this simulator."""
        return {
            "auth_hosts": self.auth_hosts,
            "scheme": "http",
            "cloud_url": self.cloud_url,
            "api_cloud_url": self.api_cloud_url,
        }

    # -- data -----------------------------------------------------------------------------------

    def add_account(self, username: str, password: str) -> Account:
        """Create an account (usernames match case-insensitively, as in MMS)."""
        self._next_pk += 1
        account = Account(username, password, self._next_pk, 2_879_000 + self._next_pk % 1000)
        self._accounts[username.lower()] = account
        return account

    def add_hub(
        self,
        username: str,
        serial: str,
        *,
        relay_url: str,
        kind: Literal["ezlo", "vera"],
        name: str,
        local_ip: str | None = None,
        firmware_version: str | None = None,
        only_on_alt_device_server: bool = False,
    ) -> HubRecord:
        """Put a unit on an account; ``relay_url`` is what ``Server_Relay`` will say."""
        account = self.account(username)
        hub = HubRecord(
            serial=serial,
            owner=account.username,
            kind=kind,
            name=name,
            relay_url=relay_url,
            local_ip=local_ip,
            mac_address=_mac_for(serial),
            firmware_version=firmware_version
            or ("2.0.90.3265.5" if kind == "ezlo" else "1.7.5186"),
            only_on_alt_device_server=only_on_alt_device_server,
        )
        self._hubs[serial] = hub
        account.serials.append(serial)
        return hub

    def account(self, username: str) -> Account:
        """Return an account by username."""
        return self._accounts[username.lower()]

    def hub(self, serial: str) -> HubRecord:
        """Return a unit by serial."""
        return self._hubs[serial]

    def local_keys(self, serial: str) -> LocalKeys:
        """Return what ``access_keys_sync`` hands out for the hub's local login."""
        hub = self._hubs[serial]
        return LocalKeys(serial, hub.controller_uuid, hub.local_user, hub.local_token)

    def validate_identity(self, identity: str, signature: str) -> str | None:
        """Return the username when the identity is ours, correctly signed and unexpired."""
        ticket = self._signer.check_identity(identity, signature)
        return None if ticket is None else str(ticket["Username"])

    # -- knobs ----------------------------------------------------------------------------------

    def expire_identities(self) -> None:
        """Refuse every identity issued so far (as if their ``Expires`` had passed)."""
        self._signer.revoke_issued()

    def expire_identity(self, identity: str) -> None:
        """Refuse one identity from now on (its ``Expires`` passed); the others stay valid."""
        self._signer.revoke(identity)

    def revoke_cloud_tokens(self) -> None:
        """Refuse every Ezlo cloud token (JWT) issued so far."""
        self._signer.revoke_jwts()

    def revoke_sessions(self) -> None:
        """Refuse every session token issued so far."""
        for tokens in self._sessions.values():
            tokens.clear()

    @property
    def primary_auth_down(self) -> bool:
        """Tell whether the primary auth server drops every connection."""
        return "auth" in self.down

    @primary_auth_down.setter
    def primary_auth_down(self, value: bool) -> None:
        if value:
            self.down.add("auth")
        else:
            self.down.discard("auth")

    @web.middleware
    async def _faults(self, request: web.Request, handler: Any) -> web.StreamResponse:
        role = request.app[_ROLE_KEY]
        if role in self.down:
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPServiceUnavailable
        if self.response_delay:
            await asyncio.sleep(self.response_delay)
        self.requests.append((role, request.method, request.path))
        status = self.outage or self.errors.get(role)
        if status is not None:
            return web.Response(status=status, text="Internal error")
        body = self.bodies.get(role)
        if body is not None:
            return web.Response(text=body, content_type="text/html")
        response: web.StreamResponse = await handler(request)
        return response

    # -- routes ---------------------------------------------------------------------------------

    def _routes(self, app: web.Application, role: str) -> None:
        if role in ("auth", "auth_alt"):
            app.router.add_get("/autha/auth/username/{username}", self._login)
        if role in SESSION_ROLES:
            app.router.add_get("/info/session/token", self._session_token)
            app.router.add_get("/device/device/device/{pk_device}", self._device)
        if role in ("account", "account_alt"):
            app.router.add_get("/account/account/account/{pk_account}/devices", self._devices)
        if role == "cloud":
            app.router.add_get("/mca-router/token/exchange/legacy-to-cloud/", self._exchange)
            app.router.add_post("/v1/request", self._api_request)

    def _identity_account(self, request: web.Request) -> Account | None:
        identity = request.headers.get("MMSAuth", "")
        signature = request.headers.get("MMSAuthSig", "")
        username = self.validate_identity(identity, signature)
        return None if username is None else self._accounts.get(username.lower())

    def _caller(self, request: web.Request) -> Account | None:
        session = request.headers.get("MMSSession")
        if session is None:
            return self._identity_account(request)
        username = self._sessions[request.app[_ROLE_KEY]].get(session)
        return None if username is None else self._accounts.get(username.lower())

    async def _login(self, request: web.Request) -> web.Response:
        account = self._accounts.get(request.match_info["username"].lower())
        query = request.query
        if (
            self.fail_login_404
            or account is None
            or query.get("PK_Oem") != "1"
            or query.get("SHA1Password", "").lower()
            != sha1_password(account.username, account.password)
        ):
            return web.Response(status=404, text="Not Found")
        identity, signature = self._signer.issue_identity(
            account, lifetime=self.identity_lifetime, server_auth=self.host(request.app[_ROLE_KEY])
        )
        return web.json_response(
            {
                "Identity": identity,
                "IdentitySignature": signature,
                "Server_Account": self._name("account"),
                "Server_Account_Alt": self._name("account_alt"),
                "Server_Event": "vera-us-oem-event11.mios.com",
                "Server_Event_Alt": "vera-us-oem-event12.mios.com",
            }
        )

    async def _session_token(self, request: web.Request) -> web.Response:
        account = self._identity_account(request)
        if account is None:
            return web.Response(status=401, text="Unauthorized")
        token = secrets.token_hex(20).upper()
        self._sessions[request.app[_ROLE_KEY]][token] = account.username
        return web.Response(text=token, content_type="text/plain")

    async def _devices(self, request: web.Request) -> web.Response:
        account = self._caller(request)
        if account is None:
            return _invalid_session()
        if request.match_info["pk_account"] != str(account.pk_account):
            return web.Response(status=403, text="Forbidden")
        return web.json_response({"Devices": [self._device_entry(s) for s in account.serials]})

    def _device_entry(self, serial: str) -> dict[str, Any]:
        hub = self._hubs[serial]
        return {
            "PK_Device": hub.serial,
            "PK_DeviceType": "7" if hub.kind == "ezlo" else "1",
            "PK_DeviceSubType": "2",
            "MacAddress": hub.mac_address,
            "Server_Device": self._name("device"),
            "Server_Device_Alt": self._name("device_alt"),
            "PK_Installation": str(1_250_000 + int(serial) % 1000),
            "Name": hub.name,
            "Using_2G": "0",
            "DeviceAssigned": "2023-01-22 23:25:54",
            "Blocked": 0,
        }

    async def _device(self, request: web.Request) -> web.Response:
        account = self._caller(request)
        if account is None:
            return _invalid_session()
        hub = self._hubs.get(request.match_info["pk_device"])
        role = request.app[_ROLE_KEY]
        if (
            hub is None
            or hub.owner != account.username
            or (role == "device" and hub.only_on_alt_device_server)
        ):
            return web.Response(status=404, text="Not Found")
        return web.json_response(
            {
                "PK_Device": hub.serial,
                "Server_Relay": hub.relay_url,
                "MacAddress": hub.mac_address,
                "Using_2G": 0,
                "ExternalIP": hub.external_ip,
                "AccessiblePort": "",
                "InternalIP": hub.local_ip or "",
                "AliveDate": "2026-05-01 10:00:00",
                "FirmwareVersion": hub.firmware_version,
                "Server_Device": self._name("device"),
                "Server_Event": "vera-us-oem-event11.mios.com",
                "FK_Branding": "1",
                "UI": "4" if hub.kind == "ezlo" else "7",
                "EngineStatus": "0",
                "HasWifi": "0",
                "HasAlarmPanel": "0",
                "LinuxFirmware": 1 if hub.kind == "ezlo" else 0,
                "NMAControllerStatus": hub.nma_controller_status,
                "NMAUuid": hub.controller_uuid if hub.kind == "ezlo" else "",
            }
        )

    async def _exchange(self, request: web.Request) -> web.Response:
        account = self._identity_account(request)
        pk_user = request.query.get("pk_user")
        if account is None or (pk_user is not None and pk_user != str(account.pk_user)):
            return web.Response(status=401, text="Unauthorized")
        token = self._signer.issue_jwt(
            {"username": account.username, "pk_user": account.pk_user},
            lifetime=self.cloud_token_lifetime,
        )
        return web.json_response({"token": token})

    async def _api_request(self, request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        claims = self._signer.check_jwt(token) if scheme == "Bearer" else None
        account = None if claims is None else self._accounts.get(str(claims["username"]).lower())
        if account is None:
            return web.json_response(
                {"status": 0, "data": {"error_text": "Unauthorized"}}, status=401
            )
        try:
            body = json.loads(await request.text())
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("call") != "access_keys_sync":
            return web.json_response({"status": 0, "data": {"error_text": "Unknown call"}})
        return web.json_response({"status": 1, "data": {"keys": self._keys(account)}})

    def _keys(self, account: Account) -> dict[str, Any]:
        keys: dict[str, Any] = {}
        for serial in account.serials:
            hub = self._hubs[serial]
            if hub.kind != "ezlo":
                continue
            keys[secrets.token_hex(12)] = {
                "meta": {
                    "entity": {"type": "controller", "id": hub.serial, "uuid": hub.controller_uuid}
                },
                "data": {"type": "string", "string": secrets.token_hex(16)},
            }
            keys[secrets.token_hex(12)] = {
                "meta": {
                    "entity": {"type": "user", "id": str(account.pk_user), "uuid": hub.local_user},
                    "target": {"type": "controller", "uuid": hub.controller_uuid},
                },
                "data": {"type": "string", "string": hub.local_token},
            }
        return keys


def _mac_for(serial: str) -> str:
    digits = serial.zfill(6)[-6:]
    return "00:0E:F3:" + ":".join(digits[i : i + 2] for i in (0, 2, 4))


def _invalid_session() -> web.Response:
    return web.Response(
        status=401, text="Unauthorized", headers={"WWW-Authenticate": INVALID_SESSION}
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulators.mms_cloud",
        description=(
            "MMS cloud simulator (auth, account, device servers and the Ezlo token exchange). "
            f"Demo account: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}, with Ezlo hub "
            f"{DEMO_EZLO_SERIAL} (Server_Relay = --ezlo-relay) and Vera unit {DEMO_VERA_SERIAL} "
            "(Server_Relay = --vera-relay). Point MmsClient at the printed auth URLs with "
            "scheme='http'."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind every server to")
    parser.add_argument("--port", type=int, default=0, help="primary auth server port (0: free)")
    parser.add_argument("--username", default=DEMO_USERNAME)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--ezlo-relay", default="ws://127.0.0.1:17001", help="Ezlo Server_Relay")
    parser.add_argument("--vera-relay", default="127.0.0.1:3481", help="Vera Server_Relay")
    parser.add_argument("--identity-lifetime", type=float, default=86_400.0, help="seconds")
    parser.add_argument("--response-delay", type=float, default=0.0, help="delay every answer")
    parser.add_argument("--debug", action="store_true", help="debug logging")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    simulator = MmsCloudSimulator(host=args.host, port=args.port)
    simulator.identity_lifetime = args.identity_lifetime
    simulator.response_delay = args.response_delay
    simulator.add_account(args.username, args.password)
    simulator.add_hub(
        args.username,
        DEMO_EZLO_SERIAL,
        relay_url=args.ezlo_relay,
        kind="ezlo",
        name="Ezlo Plus",
        local_ip="127.0.0.1",
    )
    simulator.add_hub(
        args.username, DEMO_VERA_SERIAL, relay_url=args.vera_relay, kind="vera", name="VeraPlus"
    )
    async with simulator:
        for role in ROLES:
            _LOGGER.info("%-11s %s", role, simulator.url(role))
        keys = simulator.local_keys(DEMO_EZLO_SERIAL)
        _LOGGER.info("Ezlo hub %s local user %s", DEMO_EZLO_SERIAL, keys.user)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
