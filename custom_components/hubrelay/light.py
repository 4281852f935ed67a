"""Loxone dimmers (Dimmer, EIBDimmer) as lights.

A Loxone dimmer's position runs from its `min` to its `max` (often not 0..100) in `step`s;
Home Assistant's brightness 1..255 is spread over that range, so 1 % in HA is the dimmer's
lowest lit level, never a value the dimmer would round to off.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ColorMode, LightEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import HubRelayConfigEntry
from .entity import LoxoneEntity
from .mapping.loxone import EntityFactory, build_entities, single

PARALLEL_UPDATES = 1


class LoxoneDimmer(LoxoneEntity, LightEntity):
    """A Dimmer or EIBDimmer; EIB dimmers have no min/max/step states and run 0..100."""

    _attr_name = None
    _attr_color_mode = ColorMode.BRIGHTNESS
    _attr_supported_color_modes = {ColorMode.BRIGHTNESS}
    state_names = ("position", "min", "max", "step")

    def _range(self) -> tuple[float, float, float]:
        low = self.number("min")
        high = self.number("max")
        step = self.number("step")
        low = 0.0 if low is None else low
        high = 100.0 if high is None or high <= low else high
        return low, high, (step if step and step > 0 else 1.0)

    def _update_from_values(self) -> None:
        position = self.number("position")
        self._attr_is_on = None if position is None else position > 0
        if position is None or not self._attr_is_on:
            self._attr_brightness = None
            return
        low, high, _step = self._range()
        fraction = (min(max(position, low), high) - low) / (high - low)
        self._attr_brightness = max(1, round(fraction * 255))

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on at the last level, or at a brightness mapped onto min..max in steps."""
        if (brightness := kwargs.get(ATTR_BRIGHTNESS)) is None:
            await self.send("on")
            return
        low, high, step = self._range()
        target = low + (high - low) * brightness / 255
        target = low + round((target - low) / step) * step
        await self.send(f"{max(min(target, high), low + step if low == 0 else low):g}")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self.send("off")


FACTORIES: dict[str, EntityFactory] = {
    "Dimmer": single(LoxoneDimmer),
    "EIBDimmer": single(LoxoneDimmer),
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a light per standalone dimmer."""
    async_add_entities(build_entities(entry.runtime_data, FACTORIES))
