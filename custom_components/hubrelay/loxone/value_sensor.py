"""A numeric Loxone state as a sensor, described by a Loxone format string.

Shared by the plain sensors (analog inputs, meters, daytimers) and the energy controls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import final

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.core import callback

from ..protocols.loxone import Control, StateValue, TextState
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .formats import parse_format


class LoxoneValueSensor(LoxoneEntity, SensorEntity):
    """One numeric state of a control, with unit and device class from its format string."""

    def __init__(
        self,
        coordinator: LoxoneCoordinator,
        control: Control,
        state: str,
        fmt: str | None,
        *,
        translation_key: str | None = None,
        key: str | None = None,
        device_class: SensorDeviceClass | None = None,
        placeholders: dict[str, str] | None = None,
    ) -> None:
        """Show `state`; a translation key names secondary values (e.g. a meter's energy).

        `key` tells apart several values of one translation key (e.g. one per output);
        `device_class` names what the unit alone cannot (a percentage that is a battery);
        `placeholders` fill the translated name (e.g. the output's configured name).
        """
        super().__init__(coordinator, control, key or translation_key)
        self.state_names = (state,)
        self._shown = _Shown(self)
        value_format = parse_format(fmt, control.name)
        self._attr_native_unit_of_measurement = value_format.unit
        self._attr_device_class = device_class or value_format.device_class
        self._attr_state_class = value_format.state_class
        self._attr_suggested_display_precision = value_format.precision
        if translation_key is None:
            self._attr_name = None
        else:
            self._attr_translation_key = translation_key
            self._attr_translation_placeholders = placeholders or {}

    @property
    def native_value(self) -> float | None:
        """The value last taken (a plain read, unlike Home Assistant's cached property)."""
        return self._shown.value

    def _subscriber(self, name: str) -> Callable[[bytes, StateValue], None]:
        """Send the events of the one state this sensor shows to `_Shown.event`, the hot path.

        A subclass that reacts to changed values gets the general `_state_event` path.
        """
        if self._reacts_to_changes:
            return super()._subscriber(name)
        return self._shown.event

    @final
    def _update_from_values(self) -> None:
        # Final: `_Shown.event` does the same without calling it.
        self._shown.take(self._values.get(self.state_names[0]))

    def number(self, name: str) -> float | None:
        """Return a numeric state, or None while unknown (the shown one from `_Shown`)."""
        if name == self.state_names[0]:
            return self._shown.value
        return super().number(name)

    def text(self, name: str) -> str | None:
        """Return a text state, or None while unknown (the shown one from `_Shown`)."""
        if name == self.state_names[0]:
            raw = self._shown.raw
            return raw.text if isinstance(raw, TextState) else None
        return super().text(name)


class _Shown:
    """What a value sensor shows, apart from the entity: all that an event of its state touches.

    An entity is a large object whose attribute dictionary is far from everything else an event
    needs; measured with 2 000 sensors, reading and writing it cost more than the rest of our
    event path. The event compares and keeps the raw value here (not in the entity's `_values`,
    which keeps the value the sensor started with; `number` and `text` read it from here) and
    touches the entity once, to write its state.
    """

    __slots__ = ("entity", "raw", "value")

    def __init__(self, entity: LoxoneValueSensor) -> None:
        """Nothing shown yet."""
        self.entity = entity
        self.raw: StateValue | None = None
        self.value: float | None = None

    def take(self, raw: StateValue | None) -> None:
        """Keep a raw value and the number it shows (none for anything but a number)."""
        self.raw = raw
        self.value = raw if isinstance(raw, float) else None

    @callback
    def event(self, _uuid: bytes, value: StateValue) -> None:
        """`LoxoneSessionEntity._state_event` with `_update_from_values` inlined."""
        if self.raw == value:
            return
        self.raw = value
        self.value = value if isinstance(value, float) else None
        self.entity.async_write_ha_state()
