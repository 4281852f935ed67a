"""Run HubRelay in the newest Home Assistant release and fail on anything it reports about us.

Started by `scripts/test` with the second virtualenv's interpreter (`.venv-newest-ha`, made by
`scripts/setup` from requirements_newest_ha.txt): the demo's simulated hubs on loopback, a real
`hass` of that release with a minimal configuration (the HTTP, WebSocket and config-entry APIs,
onboarding for the owner, HubRelay and the demo's endpoint component), then

1. the owner is created and each hub added through the config flow API (Loxone Miniserver, Ezlo
   hub through the cloud account then on the LAN, Vera on the LAN);
2. every HubRelay entry must be loaded and every HubRelay entity must have a state that is not
   unavailable;
3. one command per hub (the soak's command entities) must reach the simulator;
4. Home Assistant stops, and its output must hold no warning, error or deprecation notice that
   names HubRelay (tests/newest_ha/logscan.py).

Every wait is bounded; the output's offending lines are printed. Exit status 0 when all held.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
import signal
import sys
import time
from typing import Any

import aiohttp

from tests.demo.stack import (
    LOGIN_PASSWORD,
    LOGIN_USERNAME,
    MINISERVER_USERNAME,
    ROOT,
    HomeAssistantApi,
    HomeAssistantProcess,
    free_port,
    simulated_hubs,
)
from tests.newest_ha.logscan import problems
from tests.simulators.miniserver import UserSpec
from tests.soak.ha_client import HaWebSocket
from tests.soak.systems import EzloSystem, LoxoneSystem, System, VeraSystem

DOMAIN = "hubrelay"
#: Only what HubRelay and this check need; no default_config (its integrations need packages that
#: the bare `homeassistant` wheel does not bring).
CONFIGURATION_YAML = """\
# Written by tests/newest_ha; the whole folder is recreated at every run.
homeassistant:
  name: HubRelay newest release check
  unit_system: metric
  time_zone: Europe/Vienna
  latitude: 48.2082
  longitude: 16.3738
  elevation: 171
  currency: EUR
  country: AT
  language: en
onboarding:
config:
api:
websocket_api:
logger:
  default: warning
  logs:
    custom_components.hubrelay: info
    custom_components.hubrelay_demo: info
hubrelay_demo:
"""
#: Python's own DeprecationWarnings are hidden by default; printed, they reach the scan too.
ENVIRONMENT = {"PYTHONWARNINGS": "default::DeprecationWarning,default::PendingDeprecationWarning"}
#: Not the demo's admin / admin, which HubRelay rightly warns about (a weak password).
MINISERVER_PASSWORD = "newest-release-check"
#: Seconds for the entries to load and the entities to show a state.
SETTLE_SECONDS = 90.0
#: Seconds for a command to reach its simulated hub.
COMMAND_SECONDS = 30.0


class CheckFailedError(Exception):
    """One requirement of the check did not hold (the message says which)."""


def log(message: str) -> None:
    """One progress line."""
    print(f"[newest-ha] {message}", flush=True)


async def wait_for(what: str, condition: Callable[[], Awaitable[bool]], seconds: float) -> None:
    """Poll `condition` every 0.25 s; CheckFailedError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await condition():
        if time.monotonic() > deadline:
            raise CheckFailedError(f"{what} (waited {seconds:.0f} s)")
        await asyncio.sleep(0.25)


async def entries_loaded(api: HomeAssistantApi, expected: int) -> list[dict[str, Any]]:
    """Wait until `expected` HubRelay entries exist and all are loaded; return them."""
    found: list[dict[str, Any]] = []

    async def loaded() -> bool:
        nonlocal found
        entries = await api.config_entries()
        found = [entry for entry in entries if entry["domain"] == DOMAIN]
        return len(found) == expected and all(e["state"] == "loaded" for e in found)

    try:
        await wait_for("HubRelay entries loaded", loaded, SETTLE_SECONDS)
    except CheckFailedError as err:
        states = ", ".join(f"{e['title']}: {e['state']}" for e in found) or "none"
        raise CheckFailedError(f"{err}; entries: {states}") from None
    return found


async def entities_with_state(ws: HaWebSocket, entries: list[dict[str, Any]]) -> dict[str, int]:
    """Wait until every HubRelay entity shows a state that is not unavailable; count per entry."""
    registry = await ws.entity_registry()
    ours = [e for e in registry if e.get("platform") == DOMAIN and not e.get("disabled_by")]
    titles = {entry["entry_id"]: entry["title"] for entry in entries}
    counts = dict.fromkeys(titles.values(), 0)
    for entity in ours:
        title = titles.get(entity.get("config_entry_id") or "")
        if title is not None:
            counts[title] += 1
    if empty := [title for title, count in counts.items() if count == 0]:
        raise CheckFailedError(f"entries without entities: {', '.join(empty)}")

    def missing() -> list[str]:
        return [
            e["entity_id"]
            for e in ours
            if (state := ws.states.get(e["entity_id"])) is None or state["state"] == "unavailable"
        ]

    async def shown() -> bool:
        return not missing()

    try:
        await wait_for("every HubRelay entity has a state", shown, SETTLE_SECONDS)
    except CheckFailedError as err:
        raise CheckFailedError(f"{err}; without one: {', '.join(missing()[:20])}") from None
    return counts


async def one_command(ws: HaWebSocket, system: System) -> str:
    """Send a command and wait until the hub received its value and the entity shows the hub's.

    The soak's second command: its first may carry the value the demo house already has.
    """
    command = system.command(1)
    before = len(system.delivered())
    outcome = await ws.call_service(command.domain, command.service, command.data, COMMAND_SECONDS)
    if not outcome.ok:
        raise CheckFailedError(
            f"{system.name}: {command.domain}.{command.service} failed: "
            f"{outcome.code} {outcome.message}"
        )

    async def delivered() -> bool:
        received = system.delivered()[before:]
        return bool(received) and abs(received[-1] - command.value) < 1e-6

    await wait_for(
        f"{system.name}: the hub received {command.value:g} for {system.command_entity}",
        delivered,
        COMMAND_SECONDS,
    )
    if (truth := system.truths.get(system.command_entity)) is not None:

        async def shown() -> bool:
            state = ws.states.get(system.command_entity)
            return state is not None and truth(state)

        await wait_for(
            f"{system.name}: {system.command_entity} shows the hub's value", shown, COMMAND_SECONDS
        )
    return f"{command.domain}.{command.service} on {system.command_entity} -> {command.value:g}"


async def run_check(workdir: Path) -> list[str]:
    """Start everything, check it, stop Home Assistant; return the failures (empty: passed)."""
    failures: list[str] = []
    async with simulated_hubs(generator_interval=None) as hubs:
        hubs.miniserver.users[MINISERVER_USERNAME] = UserSpec(MINISERVER_PASSWORD)
        hass = HomeAssistantProcess(
            workdir / "config",
            free_port(),
            hubs,
            configuration=CONFIGURATION_YAML,
            environment=ENVIRONMENT,
        )
        log(f"starting hass ({sys.executable}), output: {hass.output}")
        try:
            started = time.monotonic()
            await hass.start()
            log(f"Home Assistant answers after {time.monotonic() - started:.1f} s")
            async with aiohttp.ClientSession() as session:
                api = HomeAssistantApi(session, hass.base_url)
                token = await api.create_owner(LOGIN_USERNAME, LOGIN_PASSWORD)
                await api.add_miniserver(hubs.miniserver, MINISERVER_PASSWORD)
                await api.add_ezlo("local")
                await api.add_vera_local(hubs.vera)
                entries = await entries_loaded(api, 3)
                log("loaded: " + ", ".join(entry["title"] for entry in entries))
                ws = HaWebSocket(session, hass.base_url, token)
                await ws.connect()
                try:
                    counts = await entities_with_state(ws, entries)
                    log(
                        "entities with a state: "
                        + ", ".join(f"{title} {count}" for title, count in counts.items())
                    )
                    systems: list[System] = [
                        LoxoneSystem("loxone", hubs.miniserver),
                        EzloSystem("ezlo local", hubs.ezlo_hub, hubs.cloud),
                        VeraSystem("vera local", hubs.vera, hubs.cloud),
                    ]
                    for system in systems:
                        log(f"command delivered: {await one_command(ws, system)}")
                finally:
                    await ws.close()
        except (CheckFailedError, aiohttp.ClientError, TimeoutError, RuntimeError) as err:
            failures.append(f"{type(err).__name__}: {err}")
        finally:
            await hass.stop()
            log("Home Assistant stopped")
    if not hass.output.exists():
        return failures
    with hass.output.open(errors="replace") as output:
        found = problems(output)
    failures += [
        ("deprecation: " if record.deprecation else "log: ") + record.shown() for record in found
    ]
    return failures


async def check(workdir: Path) -> list[str]:
    """`run_check`, stopping in order on Ctrl-C or SIGTERM."""
    task = asyncio.current_task()
    if task is not None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, task.cancel)
    return await run_check(workdir)


def main() -> None:
    """Run the check and print its verdict (exit status 1 on any failure)."""
    parser = argparse.ArgumentParser(prog="python -m tests.newest_ha", description=__doc__)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "newest-ha")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds for the whole check (600)"
    )
    args = parser.parse_args()
    from homeassistant.const import __version__  # the venv's release, once parsed

    log(f"Home Assistant {__version__}, Python {sys.version.split()[0]}")
    try:
        failures = asyncio.run(asyncio.wait_for(check(args.workdir.resolve()), args.timeout))
    except TimeoutError:
        failures = [f"the check did not finish within {args.timeout:.0f} s"]
    except (KeyboardInterrupt, asyncio.CancelledError):
        failures = ["interrupted"]
    if failures:
        print(f"[newest-ha] FAILED against Home Assistant {__version__}:", flush=True)
        for failure in failures:
            print(f"  - {failure}", flush=True)
        sys.exit(1)
    log(f"passed against Home Assistant {__version__}")


if __name__ == "__main__":
    main()
