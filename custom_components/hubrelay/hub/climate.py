"""Thermostat temperatures under both names Home Assistant has given them.

Home Assistant 2026.11 reads a climate entity's temperatures from `native_temperature_unit`,
`native_current_temperature` and `native_target_temperature` (`_high`, `_low`), and reports the
older names (`temperature_unit`, `current_temperature`…) and their `_attr_` shorthands as
deprecated; from 2027.11 they fail. Home Assistant 2026.10, the oldest version HubRelay supports,
knows only the older names and has no `_attr_native_*` shorthands.

`HubClimateEntity` keeps the temperatures itself and answers under both names. A class that
provides the native name is used as it is by 2026.11 (nothing is migrated or reported), 2026.10
reads the older name, and the values have one source. Subclasses set `_temperature_unit`,
`_current_temperature`, `_target_temperature`, `_target_temperature_low` and
`_target_temperature_high`, never the `_attr_` forms. Once the oldest supported version has the
native names, the older ones go (2026.11 declares them `Final`, so mypy would reject them here).
"""

from __future__ import annotations

from homeassistant.components.climate import ClimateEntity
from homeassistant.const import UnitOfTemperature


class HubClimateEntity(ClimateEntity):
    """A climate entity whose temperatures both Home Assistant 2026.10 and 2026.11+ read."""

    _temperature_unit: str = UnitOfTemperature.CELSIUS
    _current_temperature: float | None = None
    _target_temperature: float | None = None
    _target_temperature_low: float | None = None
    _target_temperature_high: float | None = None

    @property
    def native_temperature_unit(self) -> str:
        """The unit the thermostat reports and takes its temperatures in."""
        return self._temperature_unit

    @property
    def native_current_temperature(self) -> float | None:
        """The measured temperature, in the thermostat's unit."""
        return self._current_temperature

    @property
    def native_target_temperature(self) -> float | None:
        """The single target temperature, in the thermostat's unit."""
        return self._target_temperature

    @property
    def native_target_temperature_low(self) -> float | None:
        """The lower end of the target range, in the thermostat's unit."""
        return self._target_temperature_low

    @property
    def native_target_temperature_high(self) -> float | None:
        """The upper end of the target range, in the thermostat's unit."""
        return self._target_temperature_high

    # The names Home Assistant 2026.10 reads (deprecated from 2026.11, which reads the above).

    @property
    def temperature_unit(self) -> str:
        """The thermostat's unit, for Home Assistant 2026.10."""
        return self._temperature_unit

    @property
    def current_temperature(self) -> float | None:
        """The measured temperature, for Home Assistant 2026.10."""
        return self._current_temperature

    @property
    def target_temperature(self) -> float | None:
        """The single target temperature, for Home Assistant 2026.10."""
        return self._target_temperature

    @property
    def target_temperature_low(self) -> float | None:
        """The lower end of the target range, for Home Assistant 2026.10."""
        return self._target_temperature_low

    @property
    def target_temperature_high(self) -> float | None:
        """The upper end of the target range, for Home Assistant 2026.10."""
        return self._target_temperature_high
