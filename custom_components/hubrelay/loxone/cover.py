"""Loxone covers: Jalousie (blinds, shutters, curtains, awnings), Gate, Window, CentralJalousie.

A Jalousie's `position` runs from 0 (up, open) to 1 (down, closed), the reverse of Home
Assistant's 0 (closed) .. 100 (open); its slats (`shadePosition`) are inverted the same way. An
awning is the exception: Loxone moves it "down" to extend it, and an extended awning is what Home
Assistant calls open, so its position is not inverted. Only blinds have slats, so only they
offer tilt (PyLoxone showed tilt on roller shutters too).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from homeassistant.components.cover import (
    ATTR_POSITION,
    ATTR_TILT_POSITION,
    CoverDeviceClass,
    CoverEntity,
    CoverEntityFeature,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, central_members, single

_MOVE = CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE | CoverEntityFeature.STOP


_TILT = (
    CoverEntityFeature.OPEN_TILT
    | CoverEntityFeature.CLOSE_TILT
    | CoverEntityFeature.STOP_TILT
    | CoverEntityFeature.SET_TILT_POSITION
)


# Jalousie `details.animation` -> device class (3 is "not supported": no animation, no class).
_BLINDS = 0


_JALOUSIE_CLASSES: dict[int, CoverDeviceClass] = {
    _BLINDS: CoverDeviceClass.BLIND,
    1: CoverDeviceClass.SHUTTER,
    2: CoverDeviceClass.CURTAIN,
    4: CoverDeviceClass.CURTAIN,
    5: CoverDeviceClass.CURTAIN,
    6: CoverDeviceClass.AWNING,
}


def _percent(fraction: float | None, *, inverted: bool) -> int | None:
    """Turn a Loxone 0..1 fraction into a Home Assistant 0..100 position."""
    if fraction is None:
        return None
    value = 1.0 - fraction if inverted else fraction
    return round(min(max(value, 0.0), 1.0) * 100)


def _animation(control: Control) -> int | None:
    animation = control.details.get("animation")
    return animation if isinstance(animation, int) else None


def _jalousie_class(control: Control) -> CoverDeviceClass | None:
    animation = _animation(control)
    return None if animation is None else _JALOUSIE_CLASSES.get(animation)


class LoxoneJalousie(LoxoneEntity, CoverEntity):
    """A Jalousie; `up`/`down` are 1 while it moves that way."""

    _attr_name = None
    state_names = ("position", "shadePosition", "up", "down")

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Choose the device class and the tilt support from the animation."""
        super().__init__(coordinator, control)
        self._attr_device_class = _jalousie_class(control)
        self._inverted = self._attr_device_class != CoverDeviceClass.AWNING
        self._tilt = _animation(control) == _BLINDS
        self._attr_supported_features = _MOVE | CoverEntityFeature.SET_POSITION
        if self._tilt:
            self._attr_supported_features |= _TILT

    def _update_from_values(self) -> None:
        position = _percent(self.number("position"), inverted=self._inverted)
        self._attr_current_cover_position = position
        self._attr_is_closed = None if position is None else position == 0
        if self._tilt:
            self._attr_current_cover_tilt_position = _percent(
                self.number("shadePosition"), inverted=True
            )
        up, down = bool(self.number("up")), bool(self.number("down"))
        self._attr_is_opening = up if self._inverted else down
        self._attr_is_closing = down if self._inverted else up

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Move fully open (an awning fully out)."""
        await self.send("FullUp" if self._inverted else "FullDown")

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Move fully closed (an awning fully in)."""
        await self.send("FullDown" if self._inverted else "FullUp")

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop moving."""
        await self.send("stop")

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move to a position; Loxone counts percent closed."""
        position: int = kwargs[ATTR_POSITION]
        await self.send(f"manualPosition/{100 - position if self._inverted else position}")

    async def async_open_cover_tilt(self, **kwargs: Any) -> None:
        """Open the slats."""
        await self.send("manualLamelle/0")

    async def async_close_cover_tilt(self, **kwargs: Any) -> None:
        """Close the slats."""
        await self.send("manualLamelle/100")

    async def async_set_cover_tilt_position(self, **kwargs: Any) -> None:
        """Turn the slats; Loxone counts percent closed."""
        tilt: int = kwargs[ATTR_TILT_POSITION]
        await self.send(f"manualLamelle/{100 - tilt}")

    async def async_stop_cover_tilt(self, **kwargs: Any) -> None:
        """Stop turning the slats."""
        await self.send("stop")


class _OpeningCover(LoxoneEntity, CoverEntity):
    """A Gate or Window: `position` 0 (closed) .. 1 (open), a motion state 1 / -1 while moving."""

    _attr_name = None
    _attr_supported_features = _MOVE
    _motion = "active"
    _open_command = "open"
    _close_command = "close"

    def _update_from_values(self) -> None:
        position = _percent(self.number("position"), inverted=False)
        self._attr_current_cover_position = position
        self._attr_is_closed = None if position is None else position == 0
        motion = self.number(self._motion) or 0.0
        self._attr_is_opening = motion > 0
        self._attr_is_closing = motion < 0

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open fully."""
        await self.send(self._open_command)

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close fully."""
        await self.send(self._close_command)

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop moving."""
        await self.send("stop")


class LoxoneGate(_OpeningCover):
    """A Gate: `active` is 1 while opening, -1 while closing."""

    state_names = ("position", "active")

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Animation 0 is a garage door; the others are gates and doors that swing or fold."""
        super().__init__(coordinator, control)
        self._attr_device_class = (
            CoverDeviceClass.GARAGE if _animation(control) == 0 else CoverDeviceClass.GATE
        )


class LoxoneWindow(_OpeningCover):
    """A motorised Window: `direction` is 1 while opening, -1 while closing."""

    _attr_device_class = CoverDeviceClass.WINDOW
    _attr_supported_features = _MOVE | CoverEntityFeature.SET_POSITION
    state_names = ("position", "direction")
    _motion = "direction"
    _open_command = "fullopen"
    _close_command = "fullclose"

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move to a position (percent open, as Home Assistant counts)."""
        await self.send(f"moveToPosition/{kwargs[ATTR_POSITION]}")


class LoxoneCentralJalousie(LoxoneEntity, CoverEntity):
    """A CentralJalousie moves every blind it lists; it has no position of its own.

    Its state is derived from the listed blinds: open while any is open, closed when all are,
    position their mean, moving while any moves. It stays unknown until every blind has reported.
    "Up" means open unless every listed blind is an awning, as for a single Jalousie.
    """

    _attr_name = None
    _attr_supported_features = _MOVE

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Find the listed blinds in the structure file."""
        super().__init__(coordinator, control)
        self._members = central_members(coordinator.structure, control, frozenset({"Jalousie"}))
        classes = {_jalousie_class(member) for member in self._members}
        self._attr_device_class = classes.pop() if len(classes) == 1 else None
        self._inverted = self._attr_device_class != CoverDeviceClass.AWNING

    async def async_added_to_hass(self) -> None:
        """Subscribe to the position and direction of every listed blind."""
        await super().async_added_to_hass()
        refs = {
            f"{member.uuid}.{name}": ref
            for member in self._members
            for name in ("position", "up", "down")
            if isinstance(ref := member.states.get(name), str)
        }
        for key, ref in refs.items():
            if (value := self.coordinator.state(ref)) is not None:
                self._values[key] = value
            self.async_on_remove(self.coordinator.subscribe(ref, partial(self._state_event, key)))
        self._update_from_values()

    def _update_from_values(self) -> None:
        positions = [
            _percent(self.number(f"{m.uuid}.position"), inverted=self._inverted)
            for m in self._members
        ]
        known = [p for p in positions if p is not None]
        if not known or len(known) != len(positions):
            self._attr_current_cover_position = self._attr_is_closed = None
        else:
            self._attr_current_cover_position = round(sum(known) / len(known))
            self._attr_is_closed = all(p == 0 for p in known)
        up = any(self.number(f"{m.uuid}.up") for m in self._members)
        down = any(self.number(f"{m.uuid}.down") for m in self._members)
        self._attr_is_opening = up if self._inverted else down
        self._attr_is_closing = down if self._inverted else up

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open every listed blind."""
        await self.send("FullUp" if self._inverted else "FullDown")

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close every listed blind."""
        await self.send("FullDown" if self._inverted else "FullUp")

    async def async_stop_cover(self, **kwargs: Any) -> None:
        """Stop every listed blind."""
        await self.send("stop")


FACTORIES: dict[str, EntityFactory] = {
    "Jalousie": single(LoxoneJalousie),
    "Gate": single(LoxoneGate),
    "Window": single(LoxoneWindow),
    "CentralJalousie": single(LoxoneCentralJalousie),
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
