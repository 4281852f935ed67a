"""Vera switches: on/off devices (``SwitchPower1``) and the arm switch of security sensors."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import VeraDevice, VeraDimmer, VeraSecuritySensor, VeraSwitch
from .coordinator import VeraCoordinator
from .entity import VeraEntity


class VeraSwitchEntity(VeraEntity[VeraSwitch], SwitchEntity):
    """A switch, siren or garage door."""

    _attr_name = None

    def _update(self) -> None:
        self._attr_is_on = self.device.is_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_switch(device_id, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_switch(device_id, False))


class VeraArmSwitch(VeraEntity[VeraSecuritySensor], SwitchEntity):
    """Arms (on) or bypasses (off) a security sensor."""

    _attr_translation_key = "armed"

    def __init__(self, coordinator: VeraCoordinator, device: VeraSecuritySensor) -> None:
        """Belong to the sensor's device."""
        super().__init__(coordinator, device, "armed")

    def _update(self) -> None:
        self._attr_is_on = self.device.armed

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Arm."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_armed(device_id, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Bypass."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_armed(device_id, False))


def vera_switches(coordinator: VeraCoordinator, device: VeraDevice) -> list[SwitchEntity]:
    """Build a switch per on/off device not shown as a light; an arm switch per armable sensor."""
    if isinstance(device, VeraSecuritySensor) and device.armed is not None:
        return [VeraArmSwitch(coordinator, device)]
    if (
        isinstance(device, VeraSwitch)
        and not isinstance(device, VeraDimmer)
        and not coordinator.is_light(device)
    ):
        return [VeraSwitchEntity(coordinator, device, None)]
    return []


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Vera entry."""
    coordinator.add_platform(vera_switches, async_add_entities)
