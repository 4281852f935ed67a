"""Switches: Loxone Switch, TimedSwitch (stairway/pulse) and central switches; Ezlo switch items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, LoxoneOnOff, parse_json_text
from .mapping import MOOD_ALL_OFF, EntityFactory, build_entities, single


class LoxoneSwitch(LoxoneOnOff, SwitchEntity):
    """A Switch control: `active` is 1 when on."""

    _attr_name = None


class LoxoneTimedSwitch(LoxoneEntity, SwitchEntity):
    """A TimedSwitch: on starts its timer (`pulse`); -1 means permanently on."""

    _attr_name = None
    state_names = ("deactivationDelay",)

    def _update_from_values(self) -> None:
        delay = self.number("deactivationDelay")
        self._attr_is_on = None if delay is None else delay != 0

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start the timer."""
        await self.send("pulse")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off at once."""
        await self.send("off")


class LoxoneCentralLights(LoxoneEntity, SwitchEntity):
    """A CentralLightController: switches all its lighting controllers; on while any is on."""

    _attr_name = None

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Watch the active moods of every lighting controller this control drives."""
        controls = self.coordinator.structure.controls
        for index, target in enumerate(self.control.details.get("controls", [])):
            controller = controls.get(str(target.get("uuid", "")))
            if controller is not None and isinstance(
                ref := controller.states.get("activeMoods"), str
            ):
                yield f"moods{index}", ref

    def _update_from_values(self) -> None:
        moods = [parse_json_text(self.text(name), None) for name, _ref in self.watched_states()]
        known = [m for m in moods if isinstance(m, list)]
        self._attr_is_on = any(m != [MOOD_ALL_OFF] for m in known) if known else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch every lighting controller on."""
        await self.send("on")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch every lighting controller off."""
        await self.send("off")


FACTORIES: dict[str, EntityFactory] = {
    "CentralLightController": single(LoxoneCentralLights),
    "Switch": single(LoxoneSwitch),
    "TimedSwitch": single(LoxoneTimedSwitch),
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
