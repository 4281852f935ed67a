"""The demo stack, shared by `scripts/demo` and the browser test.

Simulated hubs run in this process on loopback; Home Assistant runs as a real `hass` subprocess
with its frontend and HubRelay loaded from this repository. Onboarding and the config entries go
through Home Assistant's own HTTP APIs, the same requests the frontend sends for a user's clicks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import sys
import time
from typing import Any

import aiohttp

from tests.simulators.dns_server import DnsServer
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator
from tests.simulators.ezlo_hub_house import demo_house as ezlo_demo_house
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.mms_cloud import (
    DEMO_EZLO_SERIAL,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    DEMO_VERA_SERIAL,
    MmsCloudSimulator,
)
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_relay import VeraRelaySimulator

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "custom_components" / "hubrelay"
#: The demo-only component that points HubRelay's Ezlo cloud at the simulators.
DEMO_ENDPOINTS = Path(__file__).resolve().parent / "hubrelay_demo"
DOMAIN = "hubrelay"
#: The Home Assistant login the demo creates during onboarding.
LOGIN_USERNAME = "demo"
LOGIN_PASSWORD = "demo"
#: What a user types into the Loxone form for the simulated Miniserver.
MINISERVER_USERNAME = "admin"
MINISERVER_PASSWORD = "admin"
#: Integrations that onboarding's core config step adds on its own.
ONBOARDING_EXTRAS = frozenset({"google_translate", "met", "radio_browser", "shopping_list"})

CONFIGURATION_YAML = """\
# Written by scripts/demo; the whole folder is recreated at every start.
homeassistant:
  name: HubRelay demo
  unit_system: metric
  time_zone: Europe/Vienna
  latitude: 48.2082
  longitude: 16.3738
  elevation: 171
  currency: EUR
  country: AT
  language: en
frontend:
config:
logger:
  default: warning
  logs:
    custom_components.hubrelay: info
    custom_components.hubrelay_demo: info
hubrelay_demo:
"""


class DemoError(RuntimeError):
    """The demo stack could not be started or set up."""


@dataclass(slots=True)
class SimulatedHubs:
    """Every simulated peer of the demo, started and on loopback."""

    miniserver: MiniserverSimulator
    cloud: MmsCloudSimulator
    ezlo_hub: EzloHubSimulator
    ezlo_relay: NmaRelaySimulator
    vera: VeraLuupSimulator
    vera_relay: VeraRelaySimulator
    #: The DNS server naming the cloud's servers (None: they are named by address).
    dns: DnsServer | None = None


@contextlib.asynccontextmanager
async def simulated_hubs(
    generator_interval: float | None = 2.0, cloud_domain: str | None = None
) -> AsyncIterator[SimulatedHubs]:
    """Start the Miniserver demo house, the MMS cloud, an Ezlo hub with relay and a Vera.

    `cloud_domain`: name the cloud's servers in this domain and serve the names by DNS.
    """
    async with contextlib.AsyncExitStack() as stack:
        miniserver = await stack.enter_async_context(MiniserverSimulator())
        if generator_interval is not None:
            miniserver.enable_generator(generator_interval)
            stack.callback(miniserver.disable_generator)
        cloud = await stack.enter_async_context(MmsCloudSimulator(domain=cloud_domain))
        dns = None
        if cloud_domain is not None:
            dns = await stack.enter_async_context(DnsServer(cloud.hostnames))
        cloud.add_account(DEMO_USERNAME, DEMO_PASSWORD)
        ezlo_hub = await stack.enter_async_context(
            EzloHubSimulator(ezlo_demo_house(DEMO_EZLO_SERIAL))
        )
        ezlo_relay = await stack.enter_async_context(
            NmaRelaySimulator(
                ezlo_hub, identity_check=lambda a, s: cloud.validate_identity(a, s) is not None
            )
        )
        record = cloud.add_hub(
            DEMO_USERNAME,
            DEMO_EZLO_SERIAL,
            relay_url=ezlo_relay.url,
            kind="ezlo",
            name="Ezlo Plus",
            local_ip="127.0.0.1",
        )
        # The hub knows the local user the cloud hands out (a real hub syncs it from the cloud).
        ezlo_hub.local_keys[record.local_user] = record.local_token
        vera = await stack.enter_async_context(VeraLuupSimulator())
        vera_relay = VeraRelaySimulator(vera, identity_check=cloud.validate_identity)
        await vera_relay.start()
        stack.push_async_callback(vera_relay.stop)
        cloud.add_hub(
            DEMO_USERNAME, DEMO_VERA_SERIAL, relay_url=vera_relay.host, kind="vera", name="VeraPlus"
        )
        yield SimulatedHubs(miniserver, cloud, ezlo_hub, ezlo_relay, vera, vera_relay, dns)


def free_port() -> int:
    """A free TCP port on loopback (for Home Assistant's HTTP server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def demo_endpoints(hubs: SimulatedHubs) -> dict[str, Any]:
    """Where the demo's Home Assistant finds the simulated Ezlo cloud, relay, hub and DNS."""
    endpoints: dict[str, Any] = {
        "mms": hubs.cloud.client_kwargs(),
        "local_port": hubs.ezlo_hub.port,
        "relay_ca_pem": hubs.ezlo_relay.cert_pem.decode("ascii"),
    }
    if hubs.dns is not None:
        endpoints["dns_port"] = hubs.dns.port
    return endpoints


def prepare_config(
    config_dir: Path,
    port: int,
    endpoints: dict[str, Any],
    configuration: str = CONFIGURATION_YAML,
) -> None:
    """A fresh configuration folder: configuration.yaml, HubRelay and the demo endpoints."""
    if config_dir.exists():
        shutil.rmtree(config_dir)
    (config_dir / "custom_components").mkdir(parents=True)
    (config_dir / "configuration.yaml").write_text(configuration)
    (config_dir / "hubrelay_demo.json").write_text(json.dumps(endpoints))
    (config_dir / "custom_components" / "hubrelay_demo").symlink_to(
        DEMO_ENDPOINTS, target_is_directory=True
    )
    # HTTP settings live in storage: YAML would only be staged as a trial that reverts after 5 min.
    (config_dir / ".storage").mkdir()
    (config_dir / ".storage" / "http").write_text(json.dumps(http_storage(port)))
    (config_dir / "custom_components" / DOMAIN).symlink_to(INTEGRATION, target_is_directory=True)


def http_storage(port: int) -> dict[str, Any]:
    """Home Assistant's stored HTTP settings: loopback only, on `port`, confirmed."""
    return {
        "version": 2,
        "minor_version": 2,
        "key": "http",
        "data": {
            "stable": {
                "server_port": port,
                "server_host": ["127.0.0.1"],
                "cors_allowed_origins": [],
                "login_attempts_threshold": -1,
                "ip_ban_enabled": False,
                "ssl_profile": "modern",
                "use_x_frame_options": True,
                "created_at": "2026-01-01T00:00:00+00:00",
                "error": None,
                "error_message": None,
            },
            "pending": None,
            "yaml_migration_done": True,
        },
    }


class HomeAssistantProcess:
    """A real `hass` process on 127.0.0.1 with a fresh configuration folder."""

    def __init__(
        self,
        config_dir: Path,
        port: int,
        hubs: SimulatedHubs,
        *,
        timings: dict[str, Any] | None = None,
        loxone_ca_pem: bytes | None = None,
        trace_memory: bool = False,
        configuration: str = CONFIGURATION_YAML,
        environment: dict[str, str] | None = None,
    ) -> None:
        """Prepare to run Home Assistant from `config_dir` on `port`, pointed at `hubs`.

        `timings` (see tests/demo/hubrelay_demo) shortens HubRelay's reconnect delays;
        `loxone_ca_pem` is a root HubRelay then trusts for Miniserver certificates (a TLS one's);
        `trace_memory` starts Python's tracemalloc in Home Assistant (for the soak's leak check);
        `configuration` replaces the demo's configuration.yaml; `environment` adds variables.
        """
        self.config_dir = config_dir
        self.hubs = hubs
        self.timings = timings
        self.loxone_ca_pem = loxone_ca_pem
        self.trace_memory = trace_memory
        self.configuration = configuration
        self.environment = dict(environment or {})
        if trace_memory:
            self.environment["PYTHONTRACEMALLOC"] = "1"
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.output = config_dir / "hass-output.log"
        self._process: asyncio.subprocess.Process | None = None

    async def start(self, startup_seconds: float = 180.0, *, fresh: bool = True) -> None:
        """Start `hass` and wait until its HTTP API answers.

        `fresh`: a new configuration folder; otherwise Home Assistant starts again from the
        folder it left (its registries, entries and restored states), its log continued.
        """
        if fresh:
            endpoints = demo_endpoints(self.hubs)
            if self.timings is not None:
                endpoints["timings"] = self.timings
            if self.loxone_ca_pem is not None:
                endpoints["loxone_ca_pem"] = self.loxone_ca_pem.decode("ascii")
            prepare_config(self.config_dir, self.port, endpoints, self.configuration)
        hass = Path(sys.executable).with_name("hass")
        with self.output.open("wb" if fresh else "ab") as output:
            # Its own session: Ctrl-C reaches the demo, which then stops Home Assistant in order.
            self._process = await asyncio.create_subprocess_exec(
                str(hass),
                "--config",
                str(self.config_dir),
                "--skip-pip",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **self.environment} if self.environment else None,
            )
        deadline = time.monotonic() + startup_seconds
        async with aiohttp.ClientSession() as session:
            while True:
                if self._process.returncode is not None:
                    raise DemoError(f"hass exited with {self._process.returncode}: {self.tail()}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(
                        f"{self.base_url}/api/onboarding", timeout=aiohttp.ClientTimeout(total=5)
                    ) as response:
                        # Onboarding's view exists only until onboarding is done: after a
                        # restart any answer means the HTTP server is up.
                        if response.status == 200 or (not fresh and response.status < 500):
                            return
                if time.monotonic() > deadline:
                    raise DemoError(f"hass silent for {startup_seconds:.0f} s: {self.tail()}")
                await asyncio.sleep(0.25)

    @property
    def pid(self) -> int:
        """The running `hass` process id."""
        if self._process is None:
            raise DemoError("Home Assistant is not running")
        return self._process.pid

    def tail(self, lines: int = 30) -> str:
        """The end of Home Assistant's console output, for error messages."""
        try:
            text = self.output.read_text(errors="replace")
        except OSError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:])

    async def restart(self, startup_seconds: float = 180.0) -> None:
        """Stop Home Assistant as a user's restart does and start it from the same folder."""
        await self.stop()
        await self.start(startup_seconds, fresh=False)

    async def stop(self, grace_seconds: float = 60.0) -> None:
        """Stop Home Assistant gracefully (SIGTERM), killing it if it hangs."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), grace_seconds)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()


class HomeAssistantApi:
    """The HTTP requests the frontend sends during onboarding and when adding an integration."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the Home Assistant at `base_url`."""
        self.session = session
        self.base_url = base_url
        self.client_id = f"{base_url}/"
        self.token = ""

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(
            method, f"{self.base_url}{path}", headers=headers, **kwargs
        ) as response:
            if response.status >= 400:
                raise DemoError(f"{method} {path}: {response.status} {await response.text()}")
            return await response.json()

    async def create_owner(self, username: str, password: str) -> str:
        """Onboarding's first step: create the owner and sign in; return an access token."""
        created = await self._request(
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": username.capitalize(),
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        tokens = await self._request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": created["auth_code"],
                "client_id": self.client_id,
            },
        )
        self.token = tokens["access_token"]
        return self.token

    async def onboard(self, username: str, password: str) -> str:
        """Create the owner, sign in and finish every onboarding step; return an access token."""
        await self.create_owner(username, password)
        await self._request("POST", "/api/onboarding/core_config")
        await self._request("POST", "/api/onboarding/analytics")
        await self._request(
            "POST",
            "/api/onboarding/integration",
            json={"client_id": self.client_id, "redirect_uri": f"{self.base_url}/?auth_callback=1"},
        )
        return self.token

    async def config_entries(self) -> list[dict[str, Any]]:
        """Every config entry (domain, title, state...), as the integrations page lists them."""
        path = "/api/config/config_entries/entry"
        entries: list[dict[str, Any]] = await self._request("GET", path)
        return entries

    async def remove_onboarding_extras(self, settle_seconds: float = 10.0) -> None:
        """Remove the entries onboarding adds by itself; they need the internet or are clutter."""
        deadline = time.monotonic() + settle_seconds
        while True:
            entries = await self._request("GET", "/api/config/config_entries/entry")
            extras = [e for e in entries if e["domain"] in ONBOARDING_EXTRAS]
            for entry in extras:
                await self._request(
                    "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                )
            if {e["domain"] for e in extras} >= {"shopping_list", "google_translate"}:
                return
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.5)

    async def start_flow(self) -> dict[str, Any]:
        """Add integration -> HubRelay: the first step (the system menu)."""
        result: dict[str, Any] = await self._request(
            "POST",
            "/api/config/config_entries/flow",
            json={"handler": DOMAIN, "show_advanced_options": False},
        )
        return result

    async def flow_step(self, flow_id: str, user_input: dict[str, Any]) -> dict[str, Any]:
        """Submit a menu choice or a form."""
        result: dict[str, Any] = await self._request(
            "POST", f"/api/config/config_entries/flow/{flow_id}", json=user_input
        )
        return result

    async def abort_flow(self, flow_id: str) -> None:
        """Close a flow without finishing it."""
        await self._request("DELETE", f"/api/config/config_entries/flow/{flow_id}")

    async def add_miniserver(
        self, miniserver: MiniserverSimulator, password: str = MINISERVER_PASSWORD
    ) -> dict[str, Any]:
        """HubRelay -> Loxone Miniserver -> the form filled for the simulator."""
        menu = await self.start_flow()
        form = await self.flow_step(menu["flow_id"], {"next_step_id": "loxone"})
        if form.get("type") != "form":
            raise DemoError(f"unexpected Loxone step: {form}")
        result = await self.flow_step(form["flow_id"], miniserver_form(miniserver, password))
        if result.get("type") != "create_entry":
            raise DemoError(f"the Loxone flow did not create an entry: {result}")
        return result

    async def add_vera_local(self, vera: VeraLuupSimulator) -> dict[str, Any]:
        """HubRelay -> Vera -> local network -> the simulator's address."""
        menu = await self.start_flow()
        flow_id = menu["flow_id"]
        await self.flow_step(flow_id, {"next_step_id": "vera"})
        form = await self.flow_step(flow_id, {"next_step_id": "vera_local"})
        if form.get("type") != "form":
            raise DemoError(f"unexpected Vera step: {form}")
        result = await self.flow_step(flow_id, {"url": vera.base_url})
        if result.get("type") != "create_entry":
            raise DemoError(f"the Vera flow did not create an entry: {result}")
        return result

    async def add_ezlo(self, connection: str = "local") -> dict[str, Any]:
        """HubRelay -> Ezlo -> the cloud account -> the demo hub, local or through the relay."""
        menu = await self.start_flow()
        flow_id = menu["flow_id"]
        await self.flow_step(flow_id, {"next_step_id": "ezlo"})
        hub = await self.flow_step(flow_id, {"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
        if hub.get("step_id") != "ezlo_hub":
            raise DemoError(f"the Ezlo cloud sign-in failed: {hub}")
        result = await self.flow_step(flow_id, {"hub": DEMO_EZLO_SERIAL, "connection": connection})
        if connection == "local":
            if result.get("step_id") != "ezlo_local":
                raise DemoError(f"unexpected Ezlo step: {result}")
            result = await self.flow_step(flow_id, {"host": "127.0.0.1"})
        if result.get("type") != "create_entry":
            raise DemoError(f"the Ezlo flow did not create an entry: {result}")
        return result


def miniserver_form(
    miniserver: MiniserverSimulator, password: str = MINISERVER_PASSWORD
) -> dict[str, Any]:
    """What a user types into the Loxone Miniserver form for the simulator."""
    return {
        "host": "127.0.0.1",
        "port": miniserver.port,
        "use_tls": False,
        "verify_tls": True,
        "username": MINISERVER_USERNAME,
        "password": password,
    }
