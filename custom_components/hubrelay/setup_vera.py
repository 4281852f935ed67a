"""Set up a Vera entry: connect, register the controller device, forward the Vera platforms."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

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
    coordinator.register_hub_device(
        "Vera Control",
        controller.model if controller else None,
        controller.firmware if controller else None,
    )
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, VERA_PLATFORMS)
    # Devices the Vera no longer has, or that the user excluded, lose their entities.
    coordinator.remove_stale_devices(
        vera_device_id(coordinator.serial, device.id) for device in coordinator.wanted_devices()
    )
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
