"""Ezlo hubs: the system's platforms, set-up and unload."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from ..const import SYSTEM_EZLO
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.system import HubSystem, platform_setups
from ..hub.takeover import async_check_takeover
from ..hub.triggers import device_triggers
from . import (
    binary_sensor,
    climate,
    cover,
    event,
    light,
    lock,
    scene,
    select,
    sensor,
    switch,
    weather,
)
from .coordinator import EzloCoordinator
from .diagnostics import ezlo_diagnostics
from .event_scene import scene_subtype
from .flow import EzloOptionsFlow
from .takeover import EZLO_TAKEOVER

PLATFORMS = platform_setups(
    binary_sensor, climate, cover, event, light, lock, scene, select, sensor, switch, weather
)


async def async_setup_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Connect to the hub, register it as a device and set up its entities."""
    coordinator = EzloCoordinator(hass, entry)
    await coordinator.async_start(PLATFORMS)
    async_check_takeover(hass, entry, coordinator.serial, SYSTEM_EZLO, EZLO_TAKEOVER.schemes)


def ezlo_device_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    """List a device's triggers: its buttons' presses, and on the hub device its scenes' runs."""
    return device_triggers(hass, device_id, scene_subtype)


EZLO = HubSystem(
    name=SYSTEM_EZLO,
    coordinator=EzloCoordinator,
    platforms=PLATFORMS,
    async_setup_entry=async_setup_entry,
    diagnostics=ezlo_diagnostics,
    options_flow=EzloOptionsFlow,
    reauth_step="ezlo_reauth",
    reconfigure_step="ezlo_reconfigure",
    device_triggers=ezlo_device_triggers,
    takeover=EZLO_TAKEOVER,
)
