"""What every hub's coordinator shares: availability, its listeners, and device-driven platforms.

Each system (Loxone, Ezlo, Vera) owns its session in its own coordinator; the parts that are the
same everywhere live here once: "lost" and "restored" are logged once each at info level, entities
learn about availability through listeners, and (for hubs whose devices come and go) every
platform gets entities for devices added after setup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
import logging
from typing import Any, ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..const import CONF_EXCLUDED_DEVICES, CONF_SERIAL, DOMAIN

_LOGGER = logging.getLogger(__name__)

#: A HubRelay config entry: its runtime data is the coordinator of the entry's system.
type HubRelayConfigEntry = ConfigEntry[HubCoordinator]
type AvailabilityListener = Callable[[bool], None]


class HubCoordinator:
    """One hub session per config entry, as far as availability is concerned."""

    #: How log messages name the hub ("Miniserver", "Ezlo hub", "Vera").
    kind: ClassVar[str]

    def __init__(self, hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
        """Start unavailable, with no listeners."""
        self.hass = hass
        self.entry = entry
        self._available = False
        #: Set once the entry unloads or Home Assistant stops: the close that follows is no loss.
        self._closing = False
        self._availability_listeners: list[AvailabilityListener] = []
        #: Device registry id of the hub's own device, set by entry setup.
        self.hub_device_id = ""

    @property
    def serial(self) -> str:
        """The hub serial this entry belongs to (its unique id)."""
        return str(self.entry.data[CONF_SERIAL])

    @property
    def connected(self) -> bool:
        """Return True while the hub session is up."""
        return self._available

    @callback
    def add_availability_listener(self, listener: AvailabilityListener) -> Callable[[], None]:
        """Call `listener(available)` when the session goes down or comes back."""
        self._availability_listeners.append(listener)
        return lambda: self._availability_listeners.remove(listener)

    @callback
    def _set_available(self, available: bool, reason: object = None) -> None:
        """Record a session change, log it once, and tell the entities."""
        if available == self._available:
            return
        self._available = available
        if available:
            _LOGGER.info("Connection to %s %s restored", self.kind, self.entry.title)
        elif not self._closing:
            _LOGGER.info(
                "Connection to %s %s lost (%s); reconnecting",
                self.kind,
                self.entry.title,
                reason or "closed",
            )
        for listener in tuple(self._availability_listeners):
            listener(available)

    @callback
    def remove_stale_devices(self, wanted: Iterable[str]) -> None:
        """Drop this entry's devices (and so their entities) other than the hub and `wanted`."""
        registry = dr.async_get(self.hass)
        current = {(DOMAIN, self.serial)} | {(DOMAIN, identifier) for identifier in wanted}
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            if not device.identifiers & current:
                registry.async_remove_device(device.id)

    async def _async_stop(self, _event: Event) -> None:
        await self.async_shutdown()

    async def async_shutdown(self) -> None:
        """Close the session for good (unload and Home Assistant stop)."""
        self._closing = True
        await self._async_close_session()

    async def _async_close_session(self) -> None:
        """Close this system's session."""
        raise NotImplementedError


class DeviceHubCoordinator[DeviceT](HubCoordinator):
    """A hub whose devices appear and disappear at runtime (Ezlo, Vera)."""

    def __init__(self, hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
        """Start with no platforms."""
        super().__init__(hass, entry)
        self._platforms: list[
            tuple[Callable[[Any, DeviceT], Sequence[Entity]], AddConfigEntryEntitiesCallback]
        ] = []

    async def async_start(self, platforms: Iterable[Platform]) -> None:
        """Connect, register the hub, set up the platforms and drop devices no longer wanted."""
        await self.async_setup()
        self.entry.async_on_unload(self.async_shutdown)
        self.register_hub_device(*self.hub_description())
        self.entry.runtime_data = self
        await self.hass.config_entries.async_forward_entry_setups(self.entry, list(platforms))
        # Devices the hub no longer has, or that the user excluded, lose their entities.
        self.remove_stale_devices(
            self.device_identifier(device) for device in self.wanted_devices()
        )

    async def async_setup(self) -> None:
        """Connect once, or raise what Home Assistant needs to retry or re-authenticate."""
        raise NotImplementedError

    def hub_description(self) -> tuple[str, str | None, str | None]:
        """Manufacturer, model and firmware of the hub, once connected."""
        raise NotImplementedError

    def device_identifier(self, device: DeviceT) -> str:
        """Device registry identifier (below DOMAIN) of one of the hub's devices."""
        raise NotImplementedError

    @callback
    def register_hub_device(
        self, manufacturer: str, model: str | None, firmware: str | None
    ) -> None:
        """Register the hub itself: the device its devices are connected through."""
        hub = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={(DOMAIN, self.serial)},
            manufacturer=manufacturer,
            model=model or None,
            name=self.entry.title,
            serial_number=self.serial,
            sw_version=firmware or None,
        )
        self.hub_device_id = hub.id

    def wanted_devices(self) -> list[DeviceT]:
        """Return the hub's devices, less those the user excluded in the options."""
        raise NotImplementedError

    def excluded(self) -> set[str]:
        """Ids (as text) of the devices the user left out in the options."""
        return {str(device_id) for device_id in self.entry.options.get(CONF_EXCLUDED_DEVICES, ())}

    @callback
    def add_platform(
        self,
        build: Callable[[Any, DeviceT], Sequence[Entity]],
        add: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add a platform's entities for every device now and for each device added later."""
        self._platforms.append((build, add))
        add([entity for device in self.wanted_devices() for entity in build(self, device)])

    @callback
    def _add_device(self, device: DeviceT) -> None:
        """Give a device added at runtime its entities on every platform."""
        for build, add in self._platforms:
            add(build(self, device))

    @callback
    def _remove_device(self, identifier: str) -> None:
        """Drop a vanished device (and so its entities) from the registry."""
        registry = dr.async_get(self.hass)
        device = registry.async_get_device_by_identifier((DOMAIN, identifier), self.entry.entry_id)
        if device is not None:
            registry.async_remove_device(device.id)
