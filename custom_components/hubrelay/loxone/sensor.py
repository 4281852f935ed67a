"""Sensors: Loxone analog values, meters, text states and daytimers; Ezlo measurement items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from ..protocols.loxone.tokens import LOXONE_EPOCH
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, LoxoneHubEntity
from .intercom import INTERCOM_TYPES
from .mapping import EntityFactory, build_entities, single
from .sensor_access import FACTORIES as ACCESS_FACTORIES
from .sensor_energy import FACTORIES as ENERGY_FACTORIES, add_managed_loads
from .sensor_intercom import last_bell_sensors
from .sensor_system import add_message_center, add_system_figures
from .value_sensor import LoxoneValueSensor


class LoxoneTextSensor(LoxoneEntity, SensorEntity):
    """A text state (TextState, InfoOnlyText, TextInput, Tracker)."""

    _attr_name = None

    def __init__(self, coordinator: LoxoneCoordinator, control: Control, state: str) -> None:
        """Show the text state `state`."""
        super().__init__(coordinator, control)
        self.state_names = (state,)

    def _update_from_values(self) -> None:
        self._attr_native_value = self.text(self.state_names[0])


class LoxoneOperatingMode(LoxoneHubEntity, SensorEntity):
    """The Miniserver's operating mode (weekday, holiday, party…), named as in its configuration."""

    _attr_translation_key = "operating_mode"
    _attr_device_class = SensorDeviceClass.ENUM

    def __init__(self, coordinator: LoxoneCoordinator, ref: str) -> None:
        """Watch the `operatingMode` global state; its names come from the structure file."""
        super().__init__(coordinator, "operating_mode")
        self._ref = ref
        self._names = coordinator.structure.operating_modes
        self._attr_options = list(dict.fromkeys(self._names.values()))

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Watch the operating mode."""
        yield "mode", self._ref

    def _update_from_values(self) -> None:
        mode = self.number("mode")
        self._attr_native_value = None if mode is None else self._names.get(int(mode))


class LoxoneLatency(LoxoneHubEntity, SensorEntity):
    """Round trip of the last keepalive: how healthy the Miniserver link is (diagnostic)."""

    _attr_translation_key = "keepalive_latency"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False
    _attr_device_class = SensorDeviceClass.DURATION
    _attr_native_unit_of_measurement = UnitOfTime.MILLISECONDS
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_suggested_display_precision = 1
    # The client measures it on its own keepalive; reading the number sends nothing.
    _attr_should_poll = True

    def __init__(self, coordinator: LoxoneCoordinator) -> None:
        """Belong to the Miniserver's device."""
        super().__init__(coordinator, "keepalive_latency")

    def _update_from_values(self) -> None:
        latency = self.coordinator.client.latency
        self._attr_native_value = None if latency is None else latency * 1000

    async def async_update(self) -> None:
        """Read the latency of the last keepalive."""
        self._update_from_values()


class LoxoneNextAlarm(LoxoneEntity, SensorEntity):
    """When an Alarm Clock rings next (`nextEntryTime`, seconds since 2009; 0 when none)."""

    _attr_translation_key = "next_alarm"
    _attr_device_class = SensorDeviceClass.TIMESTAMP
    state_names = ("nextEntryTime",)

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Belong to the alarm clock's device."""
        super().__init__(coordinator, control, "next_alarm")

    def _update_from_values(self) -> None:
        seconds = self.number("nextEntryTime")
        self._attr_native_value = (
            LOXONE_EPOCH + timedelta(seconds=seconds) if seconds and seconds > 0 else None
        )


def _analog(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [LoxoneValueSensor(coordinator, control, "value", control.details.get("format"))]


def _meter(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    details = control.details
    entities: list[LoxoneEntity] = [
        LoxoneValueSensor(
            coordinator, control, "actual", details.get("actualFormat"), translation_key="power"
        ),
        LoxoneValueSensor(
            coordinator, control, "total", details.get("totalFormat"), translation_key="energy"
        ),
    ]
    if "totalNeg" in control.states:
        entities.append(
            LoxoneValueSensor(
                coordinator,
                control,
                "totalNeg",
                details.get("totalFormat"),
                translation_key="energy_returned",
            )
        )
    return entities


def _daytimer(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    fmt = control.details.get("format") if control.details.get("analog") else "%.0f"
    return [LoxoneValueSensor(coordinator, control, "value", fmt)]


class LoxoneHours(LoxoneValueSensor):
    """A duration Loxone counts in seconds that people read in hours (a maintenance counter)."""

    _attr_suggested_unit_of_measurement = UnitOfTime.HOURS


def _hourcounter(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    """Operating time and time to the next service."""
    return [
        LoxoneHours(coordinator, control, state, "%.0fs", translation_key=key)
        for state, key in (("total", "operating_time"), ("remaining", "maintenance_due_in"))
        if state in control.states
    ]


class LoxonePoolCycle(LoxoneEntity, SensorEntity):
    """The pool controller's running cycle (none, filter, flushing, circulate, drain)."""

    _attr_translation_key = "pool_cycle"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = ["none", "filter", "flushing", "circulate", "drain"]
    state_names = ("currentCycle",)

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Belong to the pool's device."""
        super().__init__(coordinator, control, "pool_cycle")

    def _update_from_values(self) -> None:
        cycle = self.number("currentCycle")
        options = self._attr_options
        valid = cycle is not None and 0 <= int(cycle) < len(options)
        self._attr_native_value = options[int(cycle)] if valid and cycle is not None else None


def _pool(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    details = control.details
    entities: list[LoxoneEntity] = [
        LoxonePoolCycle(coordinator, control),
        LoxoneValueSensor(
            coordinator, control, "remainingTime", "%.0fs", translation_key="cycle_remaining"
        ),
    ]
    if details.get("hasWaterLevel"):
        unit = str(details.get("waterLevelUnit") or "")
        entities.append(
            LoxoneValueSensor(
                coordinator, control, "waterLevel", f"%.1f{unit}", translation_key="water_level"
            )
        )
    return entities


def _sauna(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneValueSensor(
            coordinator, control, "tempBench", "%.1f°C", translation_key="bench_temperature"
        )
    ]


def _text(state: str) -> EntityFactory:
    return lambda coordinator, control: [LoxoneTextSensor(coordinator, control, state)]


FACTORIES: dict[str, EntityFactory] = {
    "InfoOnlyAnalog": _analog,
    "Meter": _meter,
    "Daytimer": _daytimer,
    "TextState": _text("textAndIcon"),
    "InfoOnlyText": _text("text"),
    "TextInput": _text("text"),
    "Tracker": _text("entries"),
    "Hourcounter": _hourcounter,
    "AlarmClock": single(LoxoneNextAlarm),
    "PoolController": _pool,
    "Sauna": _sauna,
    **ENERGY_FACTORIES,
    **dict.fromkeys(INTERCOM_TYPES, last_bell_sensors),
    **ACCESS_FACTORIES,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities([*build_entities(coordinator, FACTORIES), LoxoneLatency(coordinator)])
    add_managed_loads(coordinator, async_add_entities)
    add_message_center(coordinator, async_add_entities)
    add_system_figures(coordinator, async_add_entities)
    if (ref := coordinator.structure.global_states.get("operatingMode")) is not None:
        async_add_entities([LoxoneOperatingMode(coordinator, ref)])
