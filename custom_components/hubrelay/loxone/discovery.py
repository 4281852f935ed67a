"""What a Miniserver announces on the LAN, and the probes that check it before anything is trusted.

Facts used (see README, "Discovery"):

* The MAC address block ``50:4F:94`` is registered to Loxone Electronics GmbH (IEEE OUI list),
  and a Miniserver's serial number is its MAC address (``504F94xxxxxx``; openHAB's Loxone
  binding: "effectively this is the MAC address of its network interface"), so a DHCP
  announcement already names the serial and the entry's unique id (``format_mac``).
* A Miniserver answers SSDP and describes itself in ``/upnp.xml`` with ``manufacturer``
  "Loxone Electronics GmbH", ``modelName`` "Loxone Miniserver" and ``serialNumber`` = its serial
  (sarnau/Inside-The-Loxone-Miniserver, "Loxone Miniserver Networking"; openHAB's
  ``LxDiscoveryParticipant`` matches the same two fields).
* The LoxLIVE UDP broadcast (a zero byte to port 7070, answers on 7071) tells the same, but Home
  Assistant has no hook for a private broadcast protocol, so it is not used.

An announcement proves nothing. A new Miniserver is asked for its serial over the unauthenticated
``jdev/cfg/apiKey``; a configured one is followed to a new address only when the device there
presents the entry's pinned serial and public-key fingerprint. Neither probe sends a credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_MANUFACTURER,
    ATTR_UPNP_SERIAL,
    SsdpServiceInfo,
)
from yarl import URL

from ..const import DEFAULT_LOXONE_PORT
from ..protocols.loxone import Endpoint
from ..protocols.loxone.http_api import fetch_api_info, fetch_public_key
from ..protocols.loxone.messages import normalize_serial
from ..protocols.loxone.pinning import check_identity, public_key_fingerprint
from . import coordinator as coordinator_loxone

#: The MAC block (and so the serial prefix) of every Miniserver.
LOXONE_OUI = "504F94"
#: The SSDP description's manufacturer, as Home Assistant's matcher sees it.
LOXONE_MANUFACTURER = "Loxone Electronics GmbH"
#: Where a Miniserver found by DHCP is asked first: its web port (tests point it elsewhere).
DISCOVERY_PORT = DEFAULT_LOXONE_PORT


def is_loxone_mac(mac: str) -> bool:
    """Tell whether a MAC address (any notation) lies in Loxone's block."""
    return normalize_serial(mac).startswith(LOXONE_OUI)


def is_loxone_ssdp(info: SsdpServiceInfo) -> bool:
    """Tell whether an SSDP announcement describes a Loxone device."""
    return str(info.upnp.get(ATTR_UPNP_MANUFACTURER, "")).strip() == LOXONE_MANUFACTURER


def ssdp_address(info: SsdpServiceInfo) -> tuple[str, int, str] | None:
    """Return host, HTTP port and announced serial of a Miniserver's SSDP answer, or None."""
    serial = str(info.upnp.get(ATTR_UPNP_SERIAL) or "").strip()
    try:
        location = URL(info.ssdp_location or "")
    except ValueError:
        return None
    if not location.host or not serial:
        return None
    return location.host, location.port or DEFAULT_LOXONE_PORT, serial


async def async_probe_serial(hass: HomeAssistant, host: str, port: int) -> str:
    """Ask the device at host:port for its Miniserver serial (plain HTTP, nothing sent)."""
    api = await fetch_api_info(
        async_get_clientsession(hass),
        Endpoint.build(host, port),
        coordinator_loxone.TIMINGS.http_timeout,
    )
    return api.serial


async def async_prove_identity(hass: HomeAssistant, host: str, data: Mapping[str, Any]) -> None:
    """Check that the device at `host` is the entry's Miniserver, the way every session does.

    It is reached with the entry's port and TLS settings and must present the pinned serial and
    key fingerprint: `LoxoneIdentityError` when it does not, another `LoxoneError` when it cannot
    be asked. No credential is sent either way.
    """
    endpoint = coordinator_loxone.build_endpoint({**data, CONF_HOST: host})
    session = async_get_clientsession(hass)
    timeout = coordinator_loxone.TIMINGS.http_timeout
    api = await fetch_api_info(session, endpoint, timeout)
    key = await fetch_public_key(session, endpoint, timeout)
    pins = coordinator_loxone.pins(data)
    check_identity(
        api.serial,
        public_key_fingerprint(key),
        expected_serial=pins["expected_serial"],
        # An entry from before keys were pinned proves nothing by its serial alone.
        expected_public_key=pins["expected_public_key"] or "-",
    )
