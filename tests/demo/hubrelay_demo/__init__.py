"""Point HubRelay's Ezlo cloud at the demo's simulated MMS cloud, relay and hub.

The soak run (`scripts/soak`) also uses it to shorten the reconnect delays, so that many faults fit
into a bounded run (the demo keeps the real ones), to make HubRelay trust the test authority
that issued its TLS Miniserver's certificate, as a real Gen 2's is trusted through the system's
roots (verification stays on), and to resolve host names through its DNS server, whose failures
are then real ones for every lookup Home Assistant makes.

Loaded only by `scripts/demo` and the browser test (``hubrelay_demo:`` in the demo's
configuration.yaml, this folder linked into its custom_components). HubRelay itself always talks
to the real Ezlo cloud; its endpoints are module settings that the tests change in-process, and
this component changes them the same way inside the demo's Home Assistant, from the file the demo
writes. Everything after that is the real integration speaking the real protocols.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
import ssl
import tracemalloc
from typing import Any

from homeassistant.components import websocket_api
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import _async_get_or_create_resolver
from homeassistant.helpers.typing import ConfigType

from custom_components.hubrelay.ezlo import coordinator as coordinator_ezlo
from custom_components.hubrelay.hub import mms as hub_mms
from custom_components.hubrelay.loxone import coordinator
from custom_components.hubrelay.protocols.ezlo import Backoff
from custom_components.hubrelay.protocols.loxone import Timings
from custom_components.hubrelay.protocols.vera import VeraTimings
from custom_components.hubrelay.vera import coordinator as coordinator_vera

DOMAIN = "hubrelay_demo"
#: Written by the demo next to configuration.yaml.
ENDPOINTS_FILE = "hubrelay_demo.json"

CONFIG_SCHEMA = cv.empty_config_schema(DOMAIN)

_LOGGER = logging.getLogger(__name__)


def _load(path: Path) -> tuple[dict[str, Any], ssl.SSLContext, ssl.SSLContext | None]:
    """Read the endpoints; build TLS contexts trusting the simulated relay and, when the file
    names one, the authority of a TLS Miniserver (blocking I/O)."""
    endpoints: dict[str, Any] = json.loads(path.read_text())
    relay_ssl = ssl.create_default_context(cadata=endpoints["relay_ca_pem"])
    loxone_ca = endpoints.get("loxone_ca_pem")
    loxone_ssl = None if loxone_ca is None else ssl.create_default_context(cadata=loxone_ca)
    return endpoints, relay_ssl, loxone_ssl


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Redirect the Ezlo cloud, relay TLS and local port before any HubRelay entry exists."""
    path = Path(hass.config.path(ENDPOINTS_FILE))
    try:
        endpoints, relay_ssl, loxone_ssl = await hass.async_add_executor_job(_load, path)
    except (OSError, ValueError, KeyError, ssl.SSLError):
        _LOGGER.exception("Cannot read the demo endpoints from %s", path)
        return False
    hub_mms.MMS_OPTIONS.update(endpoints["mms"])
    coordinator_ezlo.LOCAL_PORT = int(endpoints["local_port"])
    coordinator_ezlo.RELAY_SSL = relay_ssl
    if loxone_ssl is not None:
        coordinator.TLS_CONTEXT = loxone_ssl
        _LOGGER.warning("HubRelay trusts the demo's test authority for Miniserver certificates")
    if timings := endpoints.get("timings"):
        _apply_timings(timings)
    if dns_port := endpoints.get("dns_port"):
        _resolve_through(hass, int(dns_port))
    websocket_api.async_register_command(hass, _memory)
    websocket_api.async_register_command(hass, _ready)
    _LOGGER.warning(
        "HubRelay's Ezlo cloud is the demo's simulator at %s (local hub port %s)",
        endpoints["mms"].get("cloud_url"),
        coordinator_ezlo.LOCAL_PORT,
    )
    _reload_entries_set_up_before(hass)
    return True


@callback
def _reload_entries_set_up_before(hass: HomeAssistant) -> None:
    """Reload the HubRelay entries Home Assistant began to set up before this component.

    When Home Assistant starts with entries already there (a restart), it sets up HubRelay and
    this component side by side, neither depending on the other, and an entry may be built first
    with the real cloud and the real delays (the soak's Miniserver then kept a 300 s backoff).
    """
    reloads = hass.data.setdefault(DOMAIN, [])
    for entry in hass.config_entries.async_entries("hubrelay"):
        if entry.state is not ConfigEntryState.NOT_LOADED:
            _LOGGER.warning("Reloading %s: it was set up before the demo settings", entry.title)
            # The reload waits for a set-up in progress (the entry's lock).
            reloads.append(hass.async_create_task(hass.config_entries.async_reload(entry.entry_id)))


@websocket_api.websocket_command({"type": "hubrelay_demo/ready"})
@websocket_api.async_response
async def _ready(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Answer once the reloads of entries set up before the demo settings are done."""
    await asyncio.gather(*hass.data.get(DOMAIN, []))
    connection.send_result(msg["id"])


@callback
def _resolve_through(hass: HomeAssistant, port: int) -> None:
    """Send Home Assistant's DNS queries (c-ares, shared by its HTTP sessions) to 127.0.0.1:port."""
    _async_get_or_create_resolver(hass)._resolver.nameservers = [f"127.0.0.1:{port}"]
    _LOGGER.warning("Home Assistant resolves host names through the soak's DNS server")


def _apply_timings(timings: dict[str, Any]) -> None:
    """Replace the reconnect delays and timeouts of all three systems."""
    coordinator.TIMINGS = Timings(**timings["loxone"])
    ezlo = dict(timings["ezlo"])
    ezlo["backoff"] = Backoff(**ezlo["backoff"])
    coordinator_ezlo.SESSION_OPTIONS.update(ezlo)
    coordinator_vera.TIMINGS = VeraTimings(**timings["vera"])
    _LOGGER.warning("HubRelay runs with shortened delays for the soak: %s", timings)


#: Allocations made by HubRelay's own code lines (tracemalloc records the allocating line).
HUBRELAY_CODE = tracemalloc.Filter(True, "*/custom_components/hubrelay/*")


def _hubrelay_memory() -> dict[str, int]:
    """Bytes still allocated by HubRelay's code, and by everything (blocking: a snapshot)."""
    snapshot = tracemalloc.take_snapshot()
    ours = snapshot.filter_traces([HUBRELAY_CODE])
    return {
        "hubrelay": sum(stat.size for stat in ours.statistics("filename")),
        "traced": tracemalloc.get_traced_memory()[0],
    }


@websocket_api.websocket_command({"type": "hubrelay_demo/memory"})
@websocket_api.async_response
async def _memory(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Answer the soak's memory probe (needs PYTHONTRACEMALLOC=1)."""
    if not tracemalloc.is_tracing():
        connection.send_error(msg["id"], "not_tracing", "start Home Assistant with tracemalloc")
        return
    connection.send_result(msg["id"], await hass.async_add_executor_job(_hubrelay_memory))
