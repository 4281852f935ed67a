"""HubRelay: Loxone Miniservers and Vera / Ezlo hubs in Home Assistant."""

from __future__ import annotations

import logging

from homeassistant.const import CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType

from .const import CONF_CLIENT_UUID, CONF_SYSTEM, CONF_TOKEN, DOMAIN, SYSTEM_EZLO, SYSTEM_VERA
from .coordinator import (
    STORAGE_VERSION,
    LoxoneCoordinator,
    async_resolve_endpoint,
    structure_store_key,
    weak_password_issue_id,
)
from .data import HubRelayConfigEntry
from .entity import control_device_id
from .protocols.loxone import LoxoneError, MiniserverClient, Token
from .services import async_setup_services
from .setup_ezlo import EZLO_PLATFORMS, async_setup_ezlo_entry
from .setup_vera import VERA_PLATFORMS, async_setup_vera_entry

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS = [
    Platform.ALARM_CONTROL_PANEL,
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.COVER,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.WEATHER,
]

MINISERVER_MODELS = {0: "Miniserver Gen 1", 1: "Miniserver Go", 2: "Miniserver Gen 2"}


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions; hubs are added as config entries from the UI."""
    async_setup_services(hass)
    return True


def _is_ezlo(entry: HubRelayConfigEntry) -> bool:
    return entry.data.get(CONF_SYSTEM) == SYSTEM_EZLO


def _is_vera(entry: HubRelayConfigEntry) -> bool:
    return entry.data.get(CONF_SYSTEM) == SYSTEM_VERA


async def async_setup_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
    """Connect to the hub, register it as a device and set up its entities."""
    if _is_ezlo(entry):
        return await async_setup_ezlo_entry(hass, entry)
    if _is_vera(entry):
        return await async_setup_vera_entry(hass, entry)
    coordinator = await LoxoneCoordinator.async_create(hass, entry)
    await coordinator.async_setup()
    entry.async_on_unload(coordinator.async_shutdown)

    structure = coordinator.structure
    api = coordinator.client.api_info
    info = structure.ms_info
    hub = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, coordinator.serial)},
        connections={(dr.CONNECTION_NETWORK_MAC, dr.format_mac(coordinator.serial))},
        manufacturer="Loxone",
        model=MINISERVER_MODELS.get(info.miniserver_type or 0, "Miniserver"),
        name=info.name or entry.title,
        serial_number=coordinator.serial,
        sw_version=api.version if api else None,
    )
    coordinator.hub_device_id = hub.id
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Devices of controls the Miniserver no longer has lose their entities.
    coordinator.remove_stale_devices(
        control_device_id(coordinator, control) for control in structure.controls.values()
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> bool:
    """Unload the entities; the session closes through `async_on_unload`."""
    platforms = EZLO_PLATFORMS if _is_ezlo(entry) else PLATFORMS
    if _is_vera(entry):
        platforms = VERA_PLATFORMS
    return await hass.config_entries.async_unload_platforms(entry, platforms)


async def async_remove_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Invalidate the entry's token on the Miniserver and drop its cached structure file.

    An Ezlo or Vera entry leaves nothing behind: what it needs lives in the entry itself.
    """
    if _is_ezlo(entry) or _is_vera(entry):
        return
    ir.async_delete_issue(hass, DOMAIN, weak_password_issue_id(entry.entry_id))
    await Store[dict[str, object]](hass, STORAGE_VERSION, structure_store_key(entry)).async_remove()
    client: MiniserverClient | None = None
    try:
        client = MiniserverClient(
            async_get_clientsession(hass),
            await async_resolve_endpoint(hass, entry.data),
            username=entry.data[CONF_USERNAME],
            client_uuid=entry.data[CONF_CLIENT_UUID],
            token=Token.from_dict(entry.data[CONF_TOKEN]),
            status_updates=False,
        )
        await client.connect()
        await client.kill_token()
    except LoxoneError as err:
        _LOGGER.warning(
            "Could not invalidate the token on Miniserver %s (%s); it expires by itself",
            entry.title,
            err,
        )
    finally:
        if client is not None:
            await client.close()
