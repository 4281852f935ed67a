"""`scripts/demo`: run the simulated hubs and a real Home Assistant until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path
import signal

import aiohttp

from tests.demo.stack import (
    LOGIN_PASSWORD,
    LOGIN_USERNAME,
    ROOT,
    HomeAssistantApi,
    HomeAssistantProcess,
    simulated_hubs,
)

_LOGGER = logging.getLogger("demo")


async def run(args: argparse.Namespace) -> None:
    """Start everything, add the entries, then wait until cancelled (Ctrl-C or SIGTERM)."""
    task = asyncio.current_task()
    if task is not None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, task.cancel)
    async with simulated_hubs(args.generate or None) as hubs:
        print(f"[demo] Miniserver demo house on {hubs.miniserver.base_url} (admin / admin)")
        print(
            f"[demo] MMS cloud on {hubs.cloud.base_url}, Ezlo hub on {hubs.ezlo_hub.url}, "
            f"Vera on {hubs.vera.base_url}"
        )
        hass = HomeAssistantProcess(args.config.resolve(), args.port, hubs)
        print(f"[demo] starting Home Assistant ({args.config}/, log: {hass.output})")
        try:
            await hass.start()
            async with aiohttp.ClientSession() as session:
                api = HomeAssistantApi(session, hass.base_url)
                await api.onboard(LOGIN_USERNAME, LOGIN_PASSWORD)
                await api.remove_onboarding_extras()
                entry = await api.add_miniserver(hubs.miniserver)
                print(f"[demo] added Loxone Miniserver '{entry['title']}'")
                entry = await api.add_ezlo()
                print(f"[demo] added Ezlo hub '{entry['title']}' (cloud account, then local)")
                entry = await api.add_vera_local(hubs.vera)
                print(f"[demo] added Vera '{entry['title']}' (local, {hubs.vera.base_url})")
            print()
            print(
                f"    Home Assistant: {hass.base_url}   login: {LOGIN_USERNAME} / {LOGIN_PASSWORD}"
            )
            print("    Press Ctrl-C to stop.")
            print()
            await asyncio.Event().wait()
        finally:
            print("[demo] stopping Home Assistant and the simulators")
            await hass.stop()


def main() -> None:
    """Parse the command line and run until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="scripts/demo", description=__doc__)
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant port (8123)")
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "config" / "demo",
        help="configuration folder, recreated at every start (config/demo)",
    )
    parser.add_argument(
        "--generate", type=float, default=2.0, help="seconds between simulated changes (0: off)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(run(args))
    print("[demo] stopped")


if __name__ == "__main__":
    main()
