"""Set up an Ezlo hub entry: connect, register the hub device, forward the Ezlo platforms."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
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
    hub = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, coordinator.serial)},
        manufacturer="Ezlo",
        model=info.model or None,
        name=entry.title,
        serial_number=coordinator.serial,
        sw_version=info.firmware or None,
    )
    coordinator.hub_device_id = hub.id
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, EZLO_PLATFORMS)
    _remove_stale_devices(hass, coordinator)
    return True


def _remove_stale_devices(hass: HomeAssistant, coordinator: EzloCoordinator) -> None:
    """Drop devices (and so their entities) the hub no longer has or the user excluded."""
    registry = dr.async_get(hass)
    current = {(DOMAIN, coordinator.serial)} | {
        (DOMAIN, ezlo_device_id(coordinator.serial, device.id))
        for device in coordinator.wanted_devices()
    }
    for device in dr.async_entries_for_config_entry(registry, coordinator.entry.entry_id):
        if not device.identifiers & current:
            registry.async_remove_device(device.id)
