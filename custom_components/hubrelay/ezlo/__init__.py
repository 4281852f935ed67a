"""Ezlo hubs: the system's platforms, set-up and unload."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from ..const import SYSTEM_EZLO
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.system import HubSystem, PlatformSetup
from . import (
    binary_sensor,
    climate,
    cover,
    light,
    lock,
    scene,
    select,
    sensor,
    switch,
    weather,
)
from .coordinator import EzloCoordinator, ezlo_device_id
from .diagnostics import ezlo_diagnostics
from .flow import EzloOptionsFlow

PLATFORMS: dict[Platform, PlatformSetup[EzloCoordinator]] = {
    Platform.BINARY_SENSOR: binary_sensor.async_setup_platform,
    Platform.CLIMATE: climate.async_setup_platform,
    Platform.COVER: cover.async_setup_platform,
    Platform.LIGHT: light.async_setup_platform,
    Platform.LOCK: lock.async_setup_platform,
    Platform.SCENE: scene.async_setup_platform,
    Platform.SELECT: select.async_setup_platform,
    Platform.SENSOR: sensor.async_setup_platform,
    Platform.SWITCH: switch.async_setup_platform,
    Platform.WEATHER: weather.async_setup_platform,
}


async def async_setup_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Connect to the hub, register it as a device and set up its entities."""
    coordinator = EzloCoordinator(hass, entry)
    await coordinator.async_setup()
    entry.async_on_unload(coordinator.async_shutdown)
    info = coordinator.session.hub_info
    coordinator.register_hub_device("Ezlo", info.model, info.firmware)
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, list(PLATFORMS))
    # Devices the hub no longer has, or that the user excluded, lose their entities.
    coordinator.remove_stale_devices(
        ezlo_device_id(coordinator.serial, device.id) for device in coordinator.wanted_devices()
    )


EZLO = HubSystem(
    name=SYSTEM_EZLO,
    coordinator=EzloCoordinator,
    platforms=PLATFORMS,
    async_setup_entry=async_setup_entry,
    diagnostics=ezlo_diagnostics,
    options_flow=EzloOptionsFlow,
    reauth_step="ezlo_reauth",
    reconfigure_step="ezlo_reconfigure",
)
