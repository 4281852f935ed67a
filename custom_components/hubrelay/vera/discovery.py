"""What a Vera announces on the LAN, and where its luup engine is then asked who it is.

Facts used (see README, "Discovery"):

* A Vera answers SSDP as ``deviceType``
  ``urn:schemas-micasaverde-com:device:HomeAutomationGateway:1`` with ``manufacturer``
  "MiOS, Ltd.", ``friendlyName`` "MiOS <serial>" and ``serialNumber`` "1"
  (a real unit's answer in home-assistant/core issue 57884; openLuup names its device 0 with the
  same type). The description is served by the UPnP server on another port than the luup
  engine, which answers ``data_request`` on port 3480.
* The MAC address block ``D0:D3:FC`` is registered to "Mios, Ltd." in the IEEE OUI list.

Neither tells the serial reliably (the friendly name can be changed), so the unit is always
asked: ``sdata`` over the local ``data_request``, which has no login and so nothing to leak.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any

from homeassistant.helpers.service_info.ssdp import ATTR_UPNP_FRIENDLY_NAME, SsdpServiceInfo
from homeassistant.util.network import is_ip_address
from yarl import URL

from ..const import CONF_CONNECTION, CONF_URL, CONNECTION_LOCAL
from ..protocols.vera.urls import LUUP_PORT

#: The MAC block of Vera units (IEEE: "Mios, Ltd.").
MIOS_OUI = "D0D3FC"
#: The SSDP device type of a Vera's luup engine.
VERA_DEVICE_TYPE = "urn:schemas-micasaverde-com:device:HomeAutomationGateway:1"
#: ``friendlyName`` of a unit nobody renamed: "MiOS 46202183".
MIOS_NAME = re.compile(r"MiOS[ _](\d{5,12})")
#: Where a discovered unit's luup engine is asked (tests point it elsewhere).
DISCOVERY_PORT = LUUP_PORT


def ssdp_host(info: SsdpServiceInfo) -> str | None:
    """Return the address of the unit that answered SSDP."""
    try:
        return URL(info.ssdp_location or "").host or None
    except ValueError:
        return None


def announced_serial(info: SsdpServiceInfo) -> str | None:
    """Return the serial the SSDP friendly name claims, if it has the factory form."""
    match = MIOS_NAME.fullmatch(str(info.upnp.get(ATTR_UPNP_FRIENDLY_NAME, "")).strip())
    return match.group(1) if match else None


def local_url(host: str) -> str:
    """Return the local address a discovered unit is reached at (the luup engine's port)."""
    return f"{host}:{DISCOVERY_PORT}"


def url_host(url: str) -> str | None:
    """Return the host of an entry's local address as typed (``ip``, ``ip:3480``, a URL)."""
    try:
        return URL(url if "://" in url else f"http://{url}").host
    except ValueError:
        return None


def follows_address(data: Mapping[str, Any]) -> bool:
    """Tell whether an entry is reached at an IP address that discovery may replace.

    A relay entry is reached through the cloud, and one given a host name follows the unit
    through DNS by itself.
    """
    if data.get(CONF_CONNECTION) != CONNECTION_LOCAL:
        return False
    host = url_host(str(data.get(CONF_URL, "")))
    return host is not None and is_ip_address(host)
