"""Add hubs from the UI: pick the system, then that system's own steps.

Home Assistant wants one flow class per integration. Each system's steps live in its package
(`loxone/flow.py`, `ezlo/flow.py`, `vera/flow.py`, the MMS account steps in `hub/`) and are
mixed in here; reauth, reconfigure and options go to the entry's system.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.core import callback
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo

from .const import DOMAIN
from .data import SYSTEMS, HubRelayConfigEntry, system_for, system_of
from .ezlo.flow import EzloFlow
from .loxone.discovery import is_loxone_mac, is_loxone_ssdp
from .loxone.flow import LoxoneFlow
from .vera.flow import VeraFlow


class HubRelayConfigFlow(LoxoneFlow, EzloFlow, VeraFlow, domain=DOMAIN):
    """Add a hub: a menu of systems, then the system's own steps."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: HubRelayConfigEntry) -> OptionsFlow:
        """Options for an existing entry: each system has its own."""
        return system_of(config_entry).options_flow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which kind of hub to add."""
        return self.async_show_menu(step_id="user", menu_options=list(SYSTEMS))

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """Offer a Miniserver or a Vera that asked DHCP for an address (matched by MAC block)."""
        if is_loxone_mac(discovery_info.macaddress):
            return await self._async_loxone_dhcp(discovery_info)
        return await self._async_vera_dhcp(discovery_info)

    async def async_step_ssdp(self, discovery_info: SsdpServiceInfo) -> ConfigFlowResult:
        """Offer a Miniserver or a Vera that answered SSDP (Ezlo hubs announce over mDNS)."""
        if is_loxone_ssdp(discovery_info):
            return await self._async_loxone_ssdp(discovery_info)
        return await self._async_vera_ssdp(discovery_info)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Ask for the password again after the hub refused the stored token or keys."""
        step = getattr(self, f"async_step_{system_for(entry_data).reauth_step}")
        result: ConfigFlowResult = await step()
        return result

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the hub is reached; the system's steps prove it is the same hub."""
        system = system_of(self._get_reconfigure_entry())
        step = getattr(self, f"async_step_{system.reconfigure_step}")
        result: ConfigFlowResult = await step(user_input)
        return result
