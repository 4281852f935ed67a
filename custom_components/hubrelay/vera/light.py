"""Vera lights: dimmers (``Dimming1``), RGB bulbs (``Color1``) and switches the user calls lights.

The luup dimmer level runs 0..100; Home Assistant's brightness 1..255 is spread over it and a lit
light is never sent level 0.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ATTR_RGB_COLOR, ColorMode, LightEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.vera import RgbColor, VeraDevice, VeraDimmer, VeraSwitch
from .coordinator import VeraCoordinator
from .entity import VeraEntity


class VeraLight(VeraEntity[VeraSwitch], LightEntity):
    """A dimmer, an RGB bulb, or an on/off switch shown as a light."""

    _attr_name = None

    def __init__(self, coordinator: VeraCoordinator, device: VeraSwitch) -> None:
        """Pick the colour mode from what the device is."""
        super().__init__(coordinator, device, None)
        if isinstance(device, VeraDimmer) and device.supports_color:
            mode = ColorMode.RGB
        elif isinstance(device, VeraDimmer):
            mode = ColorMode.BRIGHTNESS
        else:
            mode = ColorMode.ONOFF
        self._attr_color_mode = mode
        self._attr_supported_color_modes = {mode}

    def _update(self) -> None:
        device = self.device
        self._attr_is_on = device.is_on
        if isinstance(device, VeraDimmer):
            if device.level is not None:
                self._attr_brightness = round(device.level * 255 / 100)
                if device.is_on is None:
                    self._attr_is_on = device.level > 0
            if device.color is not None:
                self._attr_rgb_color = (device.color.red, device.color.green, device.color.blue)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on, with a brightness and/or a colour when asked."""
        session, device_id = self.coordinator.session, self.device.id
        brightness, rgb = kwargs.get(ATTR_BRIGHTNESS), kwargs.get(ATTR_RGB_COLOR)
        if rgb is not None and self._attr_color_mode is ColorMode.RGB:
            await self.command(lambda: session.set_color(device_id, RgbColor(*rgb)))
        if brightness is not None and self._attr_color_mode is not ColorMode.ONOFF:
            level = max(1, round(brightness * 100 / 255))
            await self.command(lambda: session.set_level(device_id, level))
        elif rgb is None or not self.is_on:
            await self.command(lambda: session.set_switch(device_id, True))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        session, device_id = self.coordinator.session, self.device.id
        await self.command(lambda: session.set_switch(device_id, False))


def vera_lights(coordinator: VeraCoordinator, device: VeraDevice) -> list[VeraLight]:
    """Build a light per dimmer, and per switch the user listed as a light in the options."""
    if isinstance(device, VeraDimmer) or (
        isinstance(device, VeraSwitch) and coordinator.is_light(device)
    ):
        return [VeraLight(coordinator, device)]
    return []


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Vera entry."""
    coordinator.add_platform(vera_lights, async_add_entities)
