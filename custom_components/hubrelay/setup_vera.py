"""Set up a Vera entry: connect, register the controller device, forward the Vera platforms."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN
from .coordinator_vera import VeraCoordinator, vera_device_id
from .data import HubRelayConfigEntry
from .protocols.vera import VeraDimmer, VeraSwitch

VERA_PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.CLIMATE,
    Platform.COVER,
    Platform.LIGHT,
    Platform.LOCK,
    Platform.SCENE,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup_vera_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
    """Connect to the Vera, register it as a device and set up its entities."""
    coordinator = VeraCoordinator(hass, entry)
    await coordinator.async_setup()
    entry.async_on_unload(coordinator.async_shutdown)
    controller = coordinator.session.controller
    hub = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, coordinator.serial)},
        manufacturer="Vera Control",
        model=(controller.model if controller else None) or None,
        name=entry.title,
        serial_number=coordinator.serial,
        sw_version=(controller.firmware if controller else None) or None,
    )
    coordinator.hub_device_id = hub.id
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, VERA_PLATFORMS)
    _remove_stale_devices(hass, coordinator)
    _remove_replaced_switches(hass, coordinator)
    return True


def _remove_replaced_switches(hass: HomeAssistant, coordinator: VeraCoordinator) -> None:
    """Drop the switch or light a device had before the "switches are lights" option changed."""
    shown_as: dict[str, Platform] = {}
    for device in coordinator.wanted_devices():
        if isinstance(device, VeraSwitch):
            light = isinstance(device, VeraDimmer) or coordinator.is_light(device)
            shown_as[f"{coordinator.serial}_{device.id}"] = (
                Platform.LIGHT if light else Platform.SWITCH
            )
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, coordinator.entry.entry_id):
        platform = shown_as.get(entity.unique_id)
        if platform is not None and entity.domain != platform:
            registry.async_remove(entity.entity_id)


def _remove_stale_devices(hass: HomeAssistant, coordinator: VeraCoordinator) -> None:
    """Drop devices (and so their entities) the Vera no longer has or the user excluded."""
    registry = dr.async_get(hass)
    current = {(DOMAIN, coordinator.serial)} | {
        (DOMAIN, vera_device_id(coordinator.serial, device.id))
        for device in coordinator.wanted_devices()
    }
    for device in dr.async_entries_for_config_entry(registry, coordinator.entry.entry_id):
        if not device.identifiers & current:
            registry.async_remove_device(device.id)
