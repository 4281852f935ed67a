"""Loxone Miniservers: the system's platforms, set-up, unload and removal."""

from __future__ import annotations

import logging

from homeassistant.const import CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store

from ..const import CONF_CLIENT_UUID, CONF_TOKEN, DOMAIN, SYSTEM_LOXONE
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.system import HubSystem, platform_setups
from ..hub.takeover import async_check_takeover
from ..hub.triggers import device_triggers
from ..protocols.loxone import LoxoneError, MiniserverClient, Token
from . import (
    alarm_control_panel,
    binary_sensor,
    button,
    camera,
    climate,
    cover,
    event,
    fan,
    light,
    media_player,
    number,
    select,
    sensor,
    switch,
    weather,
)
from .coordinator import (
    STORAGE_VERSION,
    LoxoneCoordinator,
    async_resolve_endpoint,
    pins,
    structure_store_key,
)
from .diagnostics import loxone_diagnostics
from .entity import control_device_id
from .flow import LoxoneOptionsFlow
from .repairs import clear_issues, repair_flow
from .services import async_setup_services
from .takeover import LOXONE_TAKEOVER

_LOGGER = logging.getLogger(__name__)

PLATFORMS = platform_setups(
    alarm_control_panel,
    binary_sensor,
    button,
    camera,
    climate,
    cover,
    event,
    fan,
    light,
    media_player,
    number,
    select,
    sensor,
    switch,
    weather,
)

MINISERVER_MODELS = {0: "Miniserver Gen 1", 1: "Miniserver Go", 2: "Miniserver Gen 2"}


async def async_setup_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Connect to the Miniserver, register it as a device and set up its entities."""
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
    await hass.config_entries.async_forward_entry_setups(entry, list(PLATFORMS))
    # Devices of controls the Miniserver no longer has lose their entities.
    coordinator.remove_stale_devices(
        control_device_id(coordinator, control) for control in structure.controls.values()
    )
    async_check_takeover(hass, entry, coordinator.serial, SYSTEM_LOXONE, LOXONE_TAKEOVER.schemes)


async def async_remove_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Invalidate the entry's token on the Miniserver and drop its cached structure file."""
    clear_issues(hass, entry)
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
            **pins(entry.data),
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


LOXONE = HubSystem(
    name=SYSTEM_LOXONE,
    coordinator=LoxoneCoordinator,
    platforms=PLATFORMS,
    async_setup_entry=async_setup_entry,
    diagnostics=loxone_diagnostics,
    options_flow=LoxoneOptionsFlow,
    reauth_step="reauth_confirm",
    reconfigure_step="loxone_reconfigure",
    async_remove_entry=async_remove_entry,
    setup_services=async_setup_services,
    repair_flow=repair_flow,
    device_triggers=device_triggers,
    takeover=LOXONE_TAKEOVER,
)
