"""Loxone numeric inputs (Slider, ValueSelector, Up/Down, Left/Right) and energy parameters."""

from __future__ import annotations

from homeassistant.components.number import NumberDeviceClass, NumberEntity, NumberMode
from homeassistant.const import PERCENTAGE, UnitOfPower
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
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


class LoxoneParameter(LoxoneEntity, NumberEntity):
    """A parameter an energy block takes by command: a charging limit, a storage setting.

    The range is fixed, or read from two of the control's states (`limits`) where the block
    reports it live (the Gen. 1 wallbox's minLimit/maxLimit).
    """

    _attr_mode = NumberMode.BOX

    def __init__(
        self,
        coordinator: LoxoneCoordinator,
        control: Control,
        *,
        translation_key: str,
        state: str,
        command: str,
        power: bool,
        span: tuple[float, float, float],
        limits: tuple[str, str] | None = None,
    ) -> None:
        """Show `state`, send `command/{value}`; `span` is (min, max, step)."""
        super().__init__(coordinator, control, translation_key)
        self._attr_translation_key = translation_key
        self._command = command
        self._limits = limits
        self.state_names = (state, *(limits or ()))
        self._attr_native_min_value, self._attr_native_max_value, self._attr_native_step = span
        if power:
            self._attr_device_class = NumberDeviceClass.POWER
            self._attr_native_unit_of_measurement = UnitOfPower.KILO_WATT
        else:
            self._attr_device_class = NumberDeviceClass.BATTERY
            self._attr_native_unit_of_measurement = PERCENTAGE

    def _update_from_values(self) -> None:
        if self._limits is not None:
            low, high = (self.number(name) for name in self._limits)
            if low is not None and high is not None and low < high:
                self._attr_native_min_value, self._attr_native_max_value = low, high
        self._attr_native_value = self.number(self.state_names[0])

    async def async_set_native_value(self, value: float) -> None:
        """Send the new value."""
        await self.send(f"{self._command}/{value:g}")


def _wallbox_limit(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    if control.type == "CarCharger":
        return [
            LoxoneParameter(
                coordinator,
                control,
                translation_key="charging_limit",
                state="currentLimit",
                command="limit",
                power=True,
                span=(0.0, 22.0, 0.1),
                limits=("minLimit", "maxLimit"),
            )
        ]
    details = control.details
    span = (float(details.get("min", 0.0)), float(details.get("max", 22.0)), 0.1)
    return [
        LoxoneParameter(
            coordinator,
            control,
            translation_key="charging_limit",
            state="limit",
            command="manualLimit",
            power=True,
            span=span,
        )
    ]


def _storage_settings(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    """MinSoc and MaxSpwr, unless logic in Loxone Config drives (locks) them."""
    details = control.details
    entities: list[LoxoneEntity] = []
    if not details.get("MinSocLocked") and "MinSoc" in control.states:
        entities.append(
            LoxoneParameter(
                coordinator,
                control,
                translation_key="minimum_state_of_charge",
                state="MinSoc",
                command="setMinSoc",
                power=False,
                span=(0.0, 100.0, 1.0),
            )
        )
    if not details.get("MaxSpwrLocked") and "MaxSpwr" in control.states:
        entities.append(
            LoxoneParameter(
                coordinator,
                control,
                translation_key="maximum_storage_power",
                state="MaxSpwr",
                command="setMaxSpwr",
                power=True,
                span=(0.0, 100.0, 0.1),
            )
        )
    return entities


FACTORIES: dict[str, EntityFactory] = {
    kind: single(LoxoneNumber)
    for kind in ("Slider", "ValueSelector", "UpDownAnalog", "LeftRightAnalog")
} | {
    "Wallbox2": _wallbox_limit,
    "CarCharger": _wallbox_limit,
    "EnergyManager2": _storage_settings,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a number per slider-like control."""
    async_add_entities(build_entities(coordinator, FACTORIES))
