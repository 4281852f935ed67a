"""HubClimateEntity: one set of temperatures under the names of 2026.10 and of 2026.11+."""

from __future__ import annotations

from homeassistant.components.climate import ClimateEntity
from homeassistant.const import UnitOfTemperature

from custom_components.hubrelay.hub.climate import HubClimateEntity

NAMES = (
    "temperature_unit",
    "current_temperature",
    "target_temperature",
    "target_temperature_low",
    "target_temperature_high",
)


class Thermostat(HubClimateEntity):
    """A thermostat that sets its temperatures the way HubRelay's entities do."""

    def __init__(self, unit: str, current: float, target: float | None, span: float) -> None:
        self._temperature_unit = unit
        self._current_temperature = current
        self._target_temperature = target
        self._target_temperature_low = None if target is None else target - span
        self._target_temperature_high = None if target is None else target + span


def test_both_names_answer_with_the_same_values() -> None:
    entity = Thermostat(UnitOfTemperature.FAHRENHEIT, 68.5, 70.0, 2.0)
    assert [getattr(entity, f"native_{name}") for name in NAMES] == [
        UnitOfTemperature.FAHRENHEIT,
        68.5,
        70.0,
        68.0,
        72.0,
    ]
    assert [getattr(entity, name) for name in NAMES] == [
        getattr(entity, f"native_{name}") for name in NAMES
    ]
    entity._current_temperature = 69.0
    entity._target_temperature = None
    assert (entity.native_current_temperature, entity.current_temperature) == (69.0, 69.0)
    assert (entity.native_target_temperature, entity.target_temperature) == (None, None)


def test_defaults_are_celsius_and_unknown() -> None:
    entity = HubClimateEntity()
    assert entity.native_temperature_unit == entity.temperature_unit == UnitOfTemperature.CELSIUS
    assert [getattr(entity, f"native_{name}") for name in NAMES[1:]] == [None] * 4


def test_the_class_provides_every_name_itself() -> None:
    # Home Assistant 2026.11 migrates, and reports, a subclass only when the class providing a
    # deprecated name does not also provide the native one; both live on HubClimateEntity.
    for name in NAMES:
        assert name in vars(HubClimateEntity)
        assert f"native_{name}" in vars(HubClimateEntity)
        assert not name.startswith("_attr_")
    assert issubclass(HubClimateEntity, ClimateEntity)
