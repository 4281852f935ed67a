"""Loxone ventilation units (Ventilation controls) as fans.

The block runs on its own (presence, humidity, schedule); Home Assistant overrides it with the
block's timers: a timer profile from Loxone Config as a preset, or a manual timer for a speed.
A manual speed holds for `MANUAL_TIMER` seconds, then the block returns to automatic, as a
timer started in the Loxone app does.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.fan import FanEntity, FanEntityFeature
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, single

MANUAL_TIMER = 3600
PRESET_AUTOMATIC = "automatic"

# `activeTimerProfile` values that are no profile of the details.
_MANUAL, _NO_TIMER = -1, -2


class LoxoneVentilation(LoxoneEntity, FanEntity):
    """A Ventilation: speed in %, timer profiles as presets, automatic as the default preset."""

    _attr_name = None
    _attr_translation_key = "ventilation"
    _attr_supported_features = (
        FanEntityFeature.SET_SPEED
        | FanEntityFeature.PRESET_MODE
        | FanEntityFeature.TURN_ON
        | FanEntityFeature.TURN_OFF
    )
    state_names = ("speed", "mode", "activeTimerProfile")

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Read the timer profiles (name, interval, speed, default mode) from the details."""
        super().__init__(coordinator, control)
        self._profiles = [
            profile
            for profile in control.details.get("timerProfiles") or []
            if isinstance(profile, dict) and profile.get("name")
        ]
        self._attr_preset_modes = [PRESET_AUTOMATIC] + [str(p["name"]) for p in self._profiles]

    def _update_from_values(self) -> None:
        speed = self.number("speed")
        self._attr_percentage = None if speed is None else round(speed)
        profile = self.number("activeTimerProfile")
        if profile is None or int(profile) == _MANUAL:
            self._attr_preset_mode = None
        elif int(profile) == _NO_TIMER:
            self._attr_preset_mode = PRESET_AUTOMATIC
        elif 0 <= int(profile) < len(self._profiles):
            self._attr_preset_mode = str(self._profiles[int(profile)]["name"])
        else:
            self._attr_preset_mode = None

    @property
    def is_on(self) -> bool | None:
        """Running while the speed is above zero."""
        return None if self.percentage is None else self.percentage > 0

    async def async_set_percentage(self, percentage: int) -> None:
        """Hold a speed with a manual timer, in the current ventilation mode."""
        mode = int(self.number("mode") or 0)
        await self.send(f"setTimer/{MANUAL_TIMER}/{percentage}/{mode}/{_MANUAL}")

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Start a timer profile, or stop every timer (automatic)."""
        if preset_mode == PRESET_AUTOMATIC:
            await self.send("setTimer/0")
            return
        index = next(i for i, p in enumerate(self._profiles) if p["name"] == preset_mode)
        profile = self._profiles[index]
        speed = profile.get("speed") or {}
        value = speed.get("value", 0) if speed.get("enabled", True) else self.percentage or 0
        interval = int(profile.get("interval") or MANUAL_TIMER)
        await self.send(f"setTimer/{interval}/{value}/{profile.get('defaultMode', 0)}/{index}")

    async def async_turn_on(
        self, percentage: int | None = None, preset_mode: str | None = None, **kwargs: Any
    ) -> None:
        """Run at a speed or preset, or hand back to the block's automatic."""
        if preset_mode is not None:
            await self.async_set_preset_mode(preset_mode)
        elif percentage is not None:
            await self.async_set_percentage(percentage)
        else:
            await self.async_set_preset_mode(PRESET_AUTOMATIC)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop the fan with a manual timer at zero speed."""
        await self.async_set_percentage(0)


FACTORIES: dict[str, EntityFactory] = {"Ventilation": single(LoxoneVentilation)}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a fan per ventilation unit."""
    async_add_entities(build_entities(coordinator, FACTORIES))
