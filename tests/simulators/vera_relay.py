"""Loopback MMS relay for legacy Vera units: the tunnel from the cloud to a ``VeraLuupSimulator``.

It plays ``Server_Relay`` of a UI6/UI7 unit (``research/ezlo_vera.md`` §1.2):

* ``GET /info/session/token`` with ``MMSAuth``/``MMSAuthSig`` -> a plain-text session token valid
  on this relay only; identities are checked by ``identity_check`` (the MMS cloud simulator's
  ``validate_identity``), a refused one gets 401.
* ``GET /relay/relay/relay/device/{PK_Device}/port_3480/data_request?...`` with ``MMSSession`` ->
  the hub's own answer (``VeraLuupSimulator.answer``). An unknown or revoked session gets 401 with
  ``WWW-Authenticate: MMSAuth error="invalid session"``; a unit without a tunnel (offline, or not
  the simulated one) gets 500 ``ERROR:Tunnel not found``.

Public API::

    relay = VeraRelaySimulator(hub, identity_check=cloud.validate_identity, port=0)
    await relay.start(); relay.host ("127.0.0.1:<port>", give it to cloud.add_hub(relay_url=...))
    relay.url; relay.requests (paths, in order); relay.sessions_issued; await relay.stop()
    # fault knobs
    relay.revoke_sessions()          # every session token issued so far gets 401 from now on
    relay.reject_next(count=1, status=401)  # the next N tunnel requests get 401 (or 403)
    relay.tunnel_up = False          # the unit is offline: 500 ERROR:Tunnel not found
    relay.black_hole()               # open connections go silent, never closed
"""

from __future__ import annotations

from collections.abc import Callable
import secrets

from aiohttp import web

from tests.simulators.black_hole import BlackHole
from tests.simulators.vera_luup import VeraLuupSimulator

INVALID_SESSION = {"WWW-Authenticate": 'MMSAuth error="invalid session"'}


class VeraRelaySimulator:
    """The relay server in front of one simulated luup engine."""

    def __init__(
        self,
        hub: VeraLuupSimulator,
        *,
        identity_check: Callable[[str, str], str | None],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Tunnel to ``hub`` for callers whose identity ``identity_check`` accepts."""
        self.hub = hub
        self.identity_check = identity_check
        self.bind, self.port = host, port
        self.requests: list[str] = []
        self.sessions_issued = 0
        self.tunnel_up = True
        self._sessions: set[str] = set()
        self._rejections: list[int] = []
        self.hole = BlackHole()
        self._runner: web.AppRunner | None = None

    @property
    def host(self) -> str:
        """How MMS names this relay in ``Server_Relay``."""
        return f"{self.bind}:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}"

    async def start(self) -> None:
        """Start serving."""
        app = web.Application()
        app.router.add_get("/info/session/token", self._session_token)
        app.router.add_get(
            "/relay/relay/relay/device/{pk_device}/port_3480/data_request", self._tunnel
        )
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.bind, self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving."""
        self.hole.abort_silent()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> VeraRelaySimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def revoke_sessions(self) -> None:
        """Refuse every session token issued so far."""
        self._sessions.clear()

    def black_hole(self) -> None:
        """Every connection open now stops answering without closing; new ones work."""
        self.hole.swallow_open()

    def reject_next(self, count: int = 1, status: int = 401) -> None:
        """Answer ``status`` (401 or 403) to the next ``count`` tunnel requests."""
        self._rejections.extend([status] * count)

    async def _session_token(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        identity = request.headers.get("MMSAuth", "")
        signature = request.headers.get("MMSAuthSig", "")
        if self.identity_check(identity, signature) is None:
            return web.Response(status=401, headers=INVALID_SESSION)
        token = secrets.token_hex(20)
        self._sessions.add(token)
        self.sessions_issued += 1
        return web.Response(text=token, content_type="text/plain")

    async def _tunnel(self, request: web.Request) -> web.Response:
        self.hole.seen(request.transport)
        response = await self._tunnel_answer(request)
        if self.hole.swallows(request.transport):
            await self.hole.hold(request.transport)
        return response

    async def _tunnel_answer(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        if self._rejections:
            return web.Response(status=self._rejections.pop(0), headers=INVALID_SESSION)
        if request.headers.get("MMSSession", "") not in self._sessions:
            return web.Response(status=401, headers=INVALID_SESSION)
        if not self.tunnel_up or request.match_info["pk_device"] != self.hub.house.serial:
            return web.Response(status=500, text="ERROR:Tunnel not found")
        status, body = await self.hub.answer(dict(request.query))
        content_type = "application/json" if body.startswith("{") else "text/plain"
        return web.Response(status=status, text=body, content_type=content_type)
