"""Ezlo lights: a device's ``switch``, ``dimmer`` (brightness) and ``rgbcolor`` items as one light.

The hub's dimmer runs from its ``minValue`` to its ``maxValue`` (0..100 on every known device);
Home Assistant's brightness 1..255 is spread over that range and never rounds a lit light to 0.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ATTR_RGB_COLOR, ColorMode, LightEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.ezlo import Device, RgbColor
from .coordinator import EzloCoordinator
from .entity import EzloEntity
from .mapping import is_light

LIGHT_ITEMS = ("switch", "dimmer", "rgbcolor")


class EzloLight(EzloEntity, LightEntity):
    """An Ezlo light: on/off, brightness when it has a dimmer, RGB when it has a colour item."""

    _attr_name = None

    def __init__(self, coordinator: EzloCoordinator, device: Device, key: str) -> None:
        """Pick the colour mode from the items the device has."""
        super().__init__(coordinator, device, key, LIGHT_ITEMS)
        if "rgbcolor" in self.items:
            mode = ColorMode.RGB
        elif "dimmer" in self.items:
            mode = ColorMode.BRIGHTNESS
        else:
            mode = ColorMode.ONOFF
        self._attr_color_mode = mode
        self._attr_supported_color_modes = {mode}

    def _range(self) -> tuple[float, float]:
        dimmer = self.items["dimmer"]
        low = dimmer.min_value if dimmer.min_value is not None else 0.0
        high = dimmer.max_value if dimmer.max_value is not None else 100.0
        return low, high

    def _update(self) -> None:
        switch = self.value("switch")
        level = self.number("dimmer")
        if isinstance(switch, bool):
            self._attr_is_on = switch
        else:
            self._attr_is_on = None if level is None else level > 0
        if level is not None:
            low, high = self._range()
            self._attr_brightness = round((level - low) * 255 / (high - low)) if high > low else 0
        color = self.value("rgbcolor")
        if isinstance(color, RgbColor):
            self._attr_rgb_color = (color.red, color.green, color.blue)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on, with a brightness and/or a colour when asked."""
        brightness = kwargs.get(ATTR_BRIGHTNESS)
        rgb = kwargs.get(ATTR_RGB_COLOR)
        if rgb is not None and "rgbcolor" in self.items:
            await self.set_item("rgbcolor", RgbColor(*rgb))
        if brightness is not None and "dimmer" in self.items:
            low, high = self._range()
            level = round(low + brightness * (high - low) / 255)
            await self.set_item("dimmer", max(low + 1, level))
        if self.value("switch") is not True and "switch" in self.items:
            await self.set_item("switch", True)
        elif "switch" not in self.items and brightness is None:
            await self.set_item("dimmer", self._range()[1])

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off (dimmer to its minimum when the device has no switch item)."""
        if "switch" in self.items:
            await self.set_item("switch", False)
        else:
            await self.set_item("dimmer", self._range()[0])


def ezlo_lights(coordinator: EzloCoordinator, device: Device) -> list[EzloLight]:
    """One light per light device with a settable switch or dimmer."""
    items = coordinator.device_items(device.id)
    if not is_light(device, set(items)):
        return []
    for key in ("dimmer", "switch"):
        if (item := items.get(key)) is not None and item.has_setter:
            return [EzloLight(coordinator, device, key)]
    return []


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Ezlo entry."""
    coordinator.add_platform(ezlo_lights, async_add_entities)
