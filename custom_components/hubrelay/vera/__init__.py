"""Vera controllers: the system's platforms, set-up and unload."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ..const import SYSTEM_VERA
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.system import HubSystem, platform_setups
from ..hub.takeover import async_check_takeover
from ..hub.triggers import device_triggers
from ..protocols.vera import VeraDimmer, VeraSwitch
from . import binary_sensor, climate, cover, event, light, lock, scene, sensor, switch
from .coordinator import VeraCoordinator
from .diagnostics import vera_diagnostics
from .flow import VeraOptionsFlow
from .repairs import async_remove_entry
from .takeover import VERA_TAKEOVER

PLATFORMS = platform_setups(
    binary_sensor, climate, cover, event, light, lock, scene, sensor, switch
)


async def async_setup_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Connect to the Vera, register it as a device and set up its entities."""
    coordinator = VeraCoordinator(hass, entry)
    await coordinator.async_start(PLATFORMS)
    _remove_replaced_switches(hass, coordinator)
    async_check_takeover(hass, entry, coordinator.serial, SYSTEM_VERA, VERA_TAKEOVER.schemes)


def _remove_replaced_switches(hass: HomeAssistant, coordinator: VeraCoordinator) -> None:
    """Drop the switch or light a device had before the "switches are lights" option changed."""
    shown_as: dict[str, Platform] = {}
    for device in coordinator.wanted_devices():
        if isinstance(device, VeraSwitch):
            light_ = isinstance(device, VeraDimmer) or coordinator.is_light(device)
            shown_as[f"{coordinator.serial}_{device.id}"] = (
                Platform.LIGHT if light_ else Platform.SWITCH
            )
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, coordinator.entry.entry_id):
        platform = shown_as.get(entity.unique_id)
        if platform is not None and entity.domain != platform:
            registry.async_remove(entity.entity_id)


VERA = HubSystem(
    name=SYSTEM_VERA,
    coordinator=VeraCoordinator,
    platforms=PLATFORMS,
    async_setup_entry=async_setup_entry,
    diagnostics=vera_diagnostics,
    options_flow=VeraOptionsFlow,
    reauth_step="vera_reauth",
    reconfigure_step="vera_reconfigure",
    device_triggers=device_triggers,
    async_remove_entry=async_remove_entry,
    takeover=VERA_TAKEOVER,
)
