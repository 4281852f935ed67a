"""Loxone numeric inputs: Slider, ValueSelector, UpDownAnalog and LeftRightAnalog."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity, NumberMode
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .formats import parse_format
from .mapping import EntityFactory, build_entities, single


class LoxoneNumber(LoxoneEntity, NumberEntity):
    """A numeric input; its range is in `details` (or in states for a ValueSelector)."""

    _attr_name = None
    _attr_mode = NumberMode.SLIDER
    state_names = ("value", "min", "max", "step")

    def _update_from_values(self) -> None:
        details = self.control.details
        fmt = parse_format(details.get("format"), self.control.name)
        self._attr_native_unit_of_measurement = fmt.unit
        for attr, name, default in (
            ("_attr_native_min_value", "min", 0.0),
            ("_attr_native_max_value", "max", 100.0),
            ("_attr_native_step", "step", 1.0),
        ):
            value = self.number(name)
            if value is None:
                value = float(details.get(name, default))
            setattr(self, attr, value)
        self._attr_native_value = self.number("value")

    async def async_set_native_value(self, value: float) -> None:
        """Send the new value (Loxone accepts the plain number as command)."""
        await self.send(f"{value:g}")


FACTORIES: dict[str, EntityFactory] = {
    kind: single(LoxoneNumber)
    for kind in ("Slider", "ValueSelector", "UpDownAnalog", "LeftRightAnalog")
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a number per slider-like control."""
    async_add_entities(build_entities(coordinator, FACTORIES))
