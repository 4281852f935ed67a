"""Loxone lights: dimmers, colour pickers and the lighting controller with its moods.

A Loxone dimmer's position runs from its `min` to its `max` (often not 0..100) in `step`s;
Home Assistant's brightness 1..255 is spread over that range, so 1 % in HA is the dimmer's
lowest lit level, never a value the dimmer would round to off. The LightControllerV2 is one light
whose effects are its moods; its circuits are lights too, disabled by default. The first-generation
LightController is one light whose effects are its scenes, with its Dimmer and ColorPicker circuits.
"""

from __future__ import annotations

from collections.abc import Iterator
import re
from typing import Any

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    ColorMode,
    LightEntity,
    LightEntityFeature,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, LoxoneOnOff, parse_json_text
from .mapping import MOOD_ALL_OFF, EntityFactory, build_entities, single

MIN_KELVIN = 2700


MAX_KELVIN = 6500


_COLOR = re.compile(r"^(hsv|temp|lumitech)\(([-\d.]+),([-\d.]+)(?:,([-\d.]+))?\)$")


def dimmer_range(
    low: float | None, high: float | None, step: float | None
) -> tuple[float, float, float]:
    """Return a dimmer's usable (min, max, step), with Loxone's defaults for missing values."""
    low = 0.0 if low is None else low
    high = 100.0 if high is None or high <= low else high
    return low, high, (step if step and step > 0 else 1.0)


def position_to_brightness(position: float, low: float, high: float) -> int:
    """Map a lit dimmer position onto HA brightness 1..255."""
    fraction = (min(max(position, low), high) - low) / (high - low)
    return max(1, round(fraction * 255))


def brightness_to_position(brightness: int, low: float, high: float, step: float) -> float:
    """Map HA brightness onto the dimmer's range in whole steps, never down to off."""
    target = low + (high - low) * brightness / 255
    target = low + round((target - low) / step) * step
    return max(min(target, high), low + step if low == 0 else low)


class LoxoneDimmer(LoxoneEntity, LightEntity):
    """A Dimmer or EIBDimmer; EIB dimmers have no min/max/step states and run 0..100."""

    _attr_name = None
    _attr_color_mode = ColorMode.BRIGHTNESS
    _attr_supported_color_modes = {ColorMode.BRIGHTNESS}
    state_names = ("position", "min", "max", "step")

    def _range(self) -> tuple[float, float, float]:
        return dimmer_range(self.number("min"), self.number("max"), self.number("step"))

    def _update_from_values(self) -> None:
        position = self.number("position")
        self._attr_is_on = None if position is None else position > 0
        if position is None or not self._attr_is_on:
            self._attr_brightness = None
            return
        low, high, _step = self._range()
        self._attr_brightness = position_to_brightness(position, low, high)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on at the last level, or at a brightness mapped onto min..max in steps."""
        if (brightness := kwargs.get(ATTR_BRIGHTNESS)) is None:
            await self.send("on")
            return
        await self.send(f"{brightness_to_position(brightness, *self._range()):g}")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self.send("off")


class LoxoneCircuitSwitch(LoxoneOnOff, LightEntity):
    """An on/off circuit of a lighting controller."""

    _attr_color_mode = ColorMode.ONOFF
    _attr_supported_color_modes = {ColorMode.ONOFF}


class LoxoneColorPicker(LoxoneEntity, LightEntity):
    """A ColorPickerV2: `hsv(h,s,v)` or `temp(brightness,kelvin)` in its `color` text state."""

    _attr_name = None
    _attr_supported_color_modes = {ColorMode.HS, ColorMode.COLOR_TEMP}
    _attr_min_color_temp_kelvin = MIN_KELVIN
    _attr_max_color_temp_kelvin = MAX_KELVIN
    state_names = ("color",)
    _last_level = 100.0
    #: How this picker type spells a colour temperature: `temp(…)` (V2) or `lumitech(…)` (V1).
    _temp_command = "temp"

    def _parsed(self) -> tuple[str, list[float]] | None:
        match = _COLOR.match((self.text("color") or "").replace(" ", ""))
        if match is None:
            return None
        kind, *numbers = match.groups()
        return kind, [float(n) for n in numbers if n is not None]

    def _update_from_values(self) -> None:
        parsed = self._parsed()
        if parsed is None:
            self._attr_is_on = self._attr_brightness = self._attr_color_mode = None
            return
        kind, numbers = parsed
        if kind == "hsv" and len(numbers) == 3:
            hue, saturation, level = numbers
            self._attr_color_mode = ColorMode.HS
            self._attr_hs_color = (hue, saturation)
        else:
            level, kelvin = numbers[0], numbers[1]
            self._attr_color_mode = ColorMode.COLOR_TEMP
            self._attr_color_temp_kelvin = round(kelvin)
        self._attr_is_on = level > 0
        if level > 0:
            self._last_level = level
        self._attr_brightness = round(level * 255 / 100) if level > 0 else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Set colour, colour temperature and/or brightness; plain on restores the last level."""
        level = self._last_level
        if (brightness := kwargs.get(ATTR_BRIGHTNESS)) is not None:
            level = max(1, round(brightness * 100 / 255))
        if (kelvin := kwargs.get(ATTR_COLOR_TEMP_KELVIN)) is not None:
            await self._send_temp(level, kelvin)
        elif (hs_color := kwargs.get(ATTR_HS_COLOR)) is not None:
            await self._send_hsv(hs_color[0], hs_color[1], level)
        elif self._attr_color_mode == ColorMode.COLOR_TEMP:
            await self._send_temp(level, self._attr_color_temp_kelvin or MAX_KELVIN)
        else:
            hue, saturation = self._attr_hs_color or (0.0, 0.0)
            await self._send_hsv(hue, saturation, level)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Keep the colour, at zero brightness."""
        if self._attr_color_mode == ColorMode.COLOR_TEMP:
            await self._send_temp(0, self._attr_color_temp_kelvin or MAX_KELVIN)
        else:
            hue, saturation = self._attr_hs_color or (0.0, 0.0)
            await self._send_hsv(hue, saturation, 0)

    async def _send_hsv(self, hue: float, saturation: float, level: float) -> None:
        await self.send(f"hsv({round(hue)},{round(saturation)},{round(level)})")

    async def _send_temp(self, level: float, kelvin: float) -> None:
        kelvin = min(max(kelvin, MIN_KELVIN), MAX_KELVIN)
        await self.send(f"{self._temp_command}({round(level)},{round(kelvin)})")


class LoxoneColorPickerV1(LoxoneColorPicker):
    """A ColorPicker of the first LightController: `hsv(…)` or `lumitech(brightness,kelvin)`."""

    _temp_command = "lumitech"


# A LightController (V1) `sceneList` text: 1="Reading",2="Evening"; 0 is all off, 9 all on.
_SCENE = re.compile(r'(\d+)="([^"]*)"')
SCENE_OFF = 0


class LoxoneLightScenes(LoxoneEntity, LightEntity):
    """A LightController (V1): on unless scene 0 (all off) is active, its scenes as effects."""

    _attr_name = None
    _attr_supported_color_modes = {ColorMode.ONOFF}
    _attr_color_mode = ColorMode.ONOFF
    _attr_supported_features = LightEntityFeature.EFFECT
    state_names = ("activeScene", "sceneList")

    def _scenes(self) -> dict[int, str]:
        return {int(n): name for n, name in _SCENE.findall(self.text("sceneList") or "")}

    def _update_from_values(self) -> None:
        scenes = self._scenes()
        self._attr_effect_list = list(scenes.values())
        scene = self.number("activeScene")
        self._attr_is_on = None if scene is None else int(scene) != SCENE_OFF
        self._attr_effect = None if scene is None else scenes.get(int(scene))

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Activate a scene by name, or all on (scene 9)."""
        if (effect := kwargs.get(ATTR_EFFECT)) is not None:
            scene = next(n for n, name in self._scenes().items() if name == effect)
            await self.send(str(scene))
        else:
            await self.send("on")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Activate scene 0 (all off)."""
        await self.send("off")


class LoxoneLightController(LoxoneEntity, LightEntity):
    """A LightControllerV2: on unless only the "off" mood is active; moods are effects."""

    _attr_name = None
    _attr_supported_features = LightEntityFeature.EFFECT
    state_names = ("activeMoods", "moodList")

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Find the master dimmer that carries the controller's overall brightness."""
        super().__init__(coordinator, control)
        self._master = control.sub_controls.get(str(control.details.get("masterValue") or ""))
        mode = ColorMode.BRIGHTNESS if self._master is not None else ColorMode.ONOFF
        self._attr_color_mode = mode
        self._attr_supported_color_modes = {mode}
        self._moods: dict[str, int] = {}

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Also watch the master dimmer's position and range."""
        yield from super().watched_states()
        if self._master is not None:
            for name in ("position", "min", "max", "step"):
                if isinstance(ref := self._master.states.get(name), str):
                    yield f"master_{name}", ref

    def _update_from_values(self) -> None:
        moods = parse_json_text(self.text("moodList"), [])
        self._moods = {
            str(mood["name"]): int(mood["id"])
            for mood in moods
            if isinstance(mood, dict) and "name" in mood and str(mood.get("id", "")).isdigit()
        }
        self._attr_effect_list = [n for n, i in self._moods.items() if i != MOOD_ALL_OFF]
        active = parse_json_text(self.text("activeMoods"), None)
        if not isinstance(active, list):
            self._attr_is_on = self._attr_effect = self._attr_brightness = None
            return
        self._attr_is_on = active != [MOOD_ALL_OFF]
        names = {i: n for n, i in self._moods.items()}
        self._attr_effect = names.get(active[0]) if len(active) == 1 else None
        position = self.number("master_position")
        if self._master is None or position is None or not self._attr_is_on or position <= 0:
            self._attr_brightness = None
            return
        low, high, _step = dimmer_range(
            self.number("master_min"), self.number("master_max"), self.number("master_step")
        )
        self._attr_brightness = position_to_brightness(position, low, high)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Activate a mood (effect), set the master brightness, or switch everything on."""
        if (effect := kwargs.get(ATTR_EFFECT)) is not None and effect in self._moods:
            await self.send(f"changeTo/{self._moods[effect]}")
        brightness = kwargs.get(ATTR_BRIGHTNESS)
        if brightness is not None and self._master is not None:
            low, high, step = dimmer_range(
                self.number("master_min"), self.number("master_max"), self.number("master_step")
            )
            position = brightness_to_position(brightness, low, high, step)
            await self.coordinator.async_send_command(self._master, f"{position:g}")
        if effect is None and brightness is None:
            await self.send("on")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Activate the "off" mood."""
        await self.send("off")


def _circuit(kind: type[LoxoneEntity]) -> EntityFactory:
    """Build lights for a controller's circuits (the base class disables them by default)."""

    def factory(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
        parent = coordinator.structure.controls.get(control.parent or "")
        if parent is not None and control.uuid == parent.details.get("masterValue"):
            return []  # the controller's own brightness, shown by the controller light
        return [kind(coordinator, control)]

    return factory


FACTORIES: dict[str, EntityFactory] = {
    "Dimmer": single(LoxoneDimmer),
    "EIBDimmer": single(LoxoneDimmer),
    "ColorPickerV2": single(LoxoneColorPicker),
    "LightControllerV2": single(LoxoneLightController),
    "LightController": single(LoxoneLightScenes),
}


CIRCUIT_FACTORIES: dict[str, EntityFactory] = {
    "Dimmer": _circuit(LoxoneDimmer),
    "EIBDimmer": _circuit(LoxoneDimmer),
    "Switch": _circuit(LoxoneCircuitSwitch),
    "ColorPickerV2": _circuit(LoxoneColorPicker),
    "ColorPicker": _circuit(LoxoneColorPickerV1),
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(
        build_entities(coordinator, FACTORIES)
        + build_entities(coordinator, CIRCUIT_FACTORIES, sub_controls=True)
    )
