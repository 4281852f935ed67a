"""Set up an Ezlo hub entry: connect, register the hub device, forward the Ezlo platforms."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .coordinator_ezlo import EzloCoordinator, ezlo_device_id
from .data import HubRelayConfigEntry

EZLO_PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.CLIMATE,
    Platform.COVER,
    Platform.LIGHT,
    Platform.LOCK,
    Platform.SCENE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.WEATHER,
]


async def async_setup_ezlo_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
    """Connect to the hub, register it as a device and set up its entities."""
    coordinator = EzloCoordinator(hass, entry)
    await coordinator.async_setup()
    entry.async_on_unload(coordinator.async_shutdown)
    info = coordinator.session.hub_info
    coordinator.register_hub_device("Ezlo", info.model, info.firmware)
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, EZLO_PLATFORMS)
    # Devices the hub no longer has, or that the user excluded, lose their entities.
    coordinator.remove_stale_devices(
        ezlo_device_id(coordinator.serial, device.id) for device in coordinator.wanted_devices()
    )
    return True
