"""The manifest's discovery matchers against the simulators' announcements.

Home Assistant hands an SSDP answer to an integration when every key of one of its matchers has
the same value in the answer's description, and a DHCP request when the MAC address matches a
``macaddress`` pattern (fnmatch on the upper-case MAC). The simulators describe themselves as the
real units do; the manifest, as Home Assistant's loader reads it, must pick them and not other
Loxone products, and the flow must hand each to its system.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from homeassistant import loader
from homeassistant.core import HomeAssistant

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.loxone.discovery import is_loxone_mac
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.vera_luup import VeraLuupSimulator


async def ssdp_matches(hass: HomeAssistant, description: dict[str, str]) -> bool:
    matchers = (await loader.async_get_ssdp(hass))[DOMAIN]
    return any(description.items() >= matcher.items() for matcher in matchers)


async def dhcp_matches(hass: HomeAssistant, mac: str) -> bool:
    matchers = [m for m in await loader.async_get_dhcp(hass) if m["domain"] == DOMAIN]
    return any(fnmatchcase(mac.upper(), str(m.get("macaddress"))) for m in matchers)


async def test_ssdp_descriptions_of_miniservers_and_veras_are_ours(hass: HomeAssistant) -> None:
    assert await ssdp_matches(hass, MiniserverSimulator().upnp_description())
    assert await ssdp_matches(hass, VeraLuupSimulator().upnp_description())
    audioserver = MiniserverSimulator().upnp_description() | {"modelName": "Loxone Audioserver"}
    assert not await ssdp_matches(hass, audioserver)


async def test_dhcp_matches_the_mac_blocks_of_miniservers_and_veras(hass: HomeAssistant) -> None:
    miniserver_mac = MiniserverSimulator().serial.lower()
    assert await dhcp_matches(hass, miniserver_mac)
    assert is_loxone_mac(miniserver_mac)
    assert await dhcp_matches(hass, "d0d3fc0a0b0c")
    assert not is_loxone_mac("d0d3fc0a0b0c")  # a Vera's request goes to the Vera steps
    assert not await dhcp_matches(hass, "aabbcc0a0b0c")
