"""A numeric Loxone state as a sensor, described by a Loxone format string.

Shared by the plain sensors (analog inputs, meters, daytimers) and the energy controls.
"""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity

from ..protocols.loxone import Control
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

    def _update_from_values(self) -> None:
        # `number()` inlined: this runs for every event of every value sensor.
        value = self._values.get(self.state_names[0])
        self._attr_native_value = value if isinstance(value, float) else None
