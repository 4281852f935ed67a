"""Energy sensors: energy managers, flow monitor, inverter, power supply and wallboxes.

Loxone reports these values in kW and kWh (the blocks' documented units, or the block's own format
where it has one). Each becomes a sensor with the device class, state class and unit that Home
Assistant's Energy dashboard and long-term statistics accept without a template in between.
Signed powers keep Loxone's sign: grid > 0 imports, storage > 0 discharges.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import UnitOfEnergy, UnitOfPower
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, parse_json_text
from .mapping import EntityFactory, add_item_entities
from .value_sensor import LoxoneValueSensor

KW = "%.2fkW"
KWH = "%.1fkWh"
PERCENT = "%.0f%%"

# Flow-monitor nodes whose live power the block's own Gpwr/Ppwr/Spwr states already show.
_SUMMED_NODES = frozenset({"Grid", "Production", "Storage"})


def _values(
    coordinator: LoxoneCoordinator, control: Control, table: tuple[tuple[str, str, str], ...]
) -> list[LoxoneEntity]:
    """One sensor per (state, format, translation key) the control has; SOC is a battery."""
    return [
        LoxoneValueSensor(
            coordinator,
            control,
            state,
            fmt,
            translation_key=key,
            device_class=SensorDeviceClass.BATTERY if key == "state_of_charge" else None,
        )
        for state, fmt, key in table
        if state in control.states
    ]


class LoxoneJsonEnergy(LoxoneEntity, SensorEntity):
    """A kWh figure inside a JSON text state (the Wallbox's current charging session)."""

    _attr_translation_key = "session_energy"
    _attr_device_class = SensorDeviceClass.ENERGY
    # A new session starts again at zero, which total_increasing counts as a meter reset.
    _attr_state_class = SensorStateClass.TOTAL_INCREASING
    _attr_native_unit_of_measurement = UnitOfEnergy.KILO_WATT_HOUR
    _attr_suggested_display_precision = 2

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Read `energy` from the `session` state."""
        super().__init__(coordinator, control, "session_energy")
        self.state_names = ("session",)

    def _update_from_values(self) -> None:
        session = parse_json_text(self.text("session"), {})
        energy = session.get("energy") if isinstance(session, dict) else None
        self._attr_native_value = float(energy) if isinstance(energy, int | float) else None


class LoxoneSupplyEnd(LoxoneEntity, SensorEntity):
    """When the Power Supply & Backup's battery runs out in backup mode (0: not applicable)."""

    _attr_translation_key = "supply_end"
    _attr_device_class = SensorDeviceClass.TIMESTAMP
    state_names = ("supplyTimeRemaining",)

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Belong to the power supply's device."""
        super().__init__(coordinator, control, "supply_end")

    def _update_from_values(self) -> None:
        end = self.number("supplyTimeRemaining")
        self._attr_native_value = datetime.fromtimestamp(end, UTC) if end else None


class LoxoneLoadPower(LoxoneEntity, SensorEntity):
    """The power one load of an Energy Manager Gen. 2 draws, from the manager's `loads` list."""

    _attr_translation_key = "load_power"
    _attr_device_class = SensorDeviceClass.POWER
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfPower.KILO_WATT
    _attr_suggested_display_precision = 2
    state_names = ("loads",)

    def __init__(
        self, coordinator: LoxoneCoordinator, control: Control, load: str, name: str
    ) -> None:
        """Follow the load with this uuid; the manager names it."""
        super().__init__(coordinator, control, f"load_{load}")
        self.load = load
        self._attr_translation_placeholders = {"load": name}

    def _update_from_values(self) -> None:
        load = next(
            (item for item in _loads(self.text("loads")) if item.get("uuid") == self.load), None
        )
        power = load.get("pwr") if load else None
        self._attr_native_value = float(power) if isinstance(power, int | float) else None


def _loads(text: str | None) -> list[dict[str, Any]]:
    loads = parse_json_text(text, [])
    return [item for item in loads if isinstance(item, dict)] if isinstance(loads, list) else []


def _energy_manager2(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    details = control.details
    table = [("Gpwr", KW, "grid_power"), ("Ppwr", KW, "production_power")]
    if details.get("HasSpwr", True):
        table.append(("Spwr", KW, "storage_power"))
    if details.get("HasSsoc", True):
        table.append(("Ssoc", PERCENT, "state_of_charge"))
    return _values(coordinator, control, tuple(table))


def _energy_manager(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return _values(
        coordinator,
        control,
        (("currentPower", KW, "power"), ("currentBat", PERCENT, "state_of_charge")),
    )


def _flow_monitor(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    fmt = control.details.get("actualFormat") or KW
    entities = _values(
        coordinator,
        control,
        (
            ("Gpwr", fmt, "grid_power"),
            ("Ppwr", fmt, "production_power"),
            ("Spwr", fmt, "storage_power"),
        ),
    )
    for node in control.details.get("nodes", []):
        if not isinstance(node, dict) or node.get("nodeType") in _SUMMED_NODES:
            continue
        state = node.get("actualEfmState")
        if not isinstance(state, str) or state not in control.states:
            continue  # a node without a live state of the block (a group of sub-nodes)
        entities.append(
            LoxoneValueSensor(
                coordinator,
                control,
                state,
                fmt,
                translation_key="node_power",
                key=f"node_{state}",
                placeholders={"node": str(node.get("title", state))},
            )
        )
    return entities


def _fronius(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return _values(
        coordinator,
        control,
        (
            ("prodCurr", KW, "production_power"),
            ("consCurr", KW, "consumption_power"),
            ("gridCurr", KW, "grid_power"),
            ("batteryCurr", KW, "storage_power"),
            ("stateOfCharge", PERCENT, "state_of_charge"),
            ("prodTotal", KWH, "production_energy"),
            ("prodCurrDay", KWH, "production_energy_today"),
            ("consCurrDay", KWH, "consumption_energy_today"),
        ),
    )


def _power_unit(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    entities = _values(
        coordinator,
        control,
        (("outputPower", KW, "output_power"), ("batteryStateOfCharge", PERCENT, "state_of_charge")),
    )
    for index, name in enumerate(control.details.get("Outputs", []), start=1):
        state = f"CP{index}"
        if not name or state not in control.states:
            continue  # an output without a name is unused
        entities.append(
            LoxoneValueSensor(
                coordinator,
                control,
                state,
                KW,
                translation_key="circuit_power",
                key=state.lower(),
                placeholders={"circuit": str(name)},
            )
        )
    if "supplyTimeRemaining" in control.states:
        entities.append(LoxoneSupplyEnd(coordinator, control))
    return entities


def _wallbox2(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    details = control.details
    entities = _values(
        coordinator,
        control,
        (
            ("actual", details.get("actualFormat") or KW, "power"),
            ("total", details.get("totalFormat") or KWH, "energy"),
        ),
    )
    if "session" in control.states:
        entities.append(LoxoneJsonEnergy(coordinator, control))
    return entities


def _car_charger(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return _values(
        coordinator,
        control,
        (
            ("power", KW, "power"),
            ("energySession", "%.2fkWh", "session_energy"),
            ("chargeDuration", "%.0fs", "charging_duration"),
        ),
    )


FACTORIES: dict[str, EntityFactory] = {
    "EnergyManager2": _energy_manager2,
    "EnergyManager": _energy_manager,
    "EnergyFlowMonitor": _flow_monitor,
    "Fronius": _fronius,
    "PowerUnit": _power_unit,
    "Wallbox2": _wallbox2,
    "CarCharger": _car_charger,
}


def _load_items(text: str) -> dict[str, dict[str, Any]]:
    return {str(item["uuid"]): item for item in _loads(text) if isinstance(item.get("uuid"), str)}


def _load_power(
    coordinator: LoxoneCoordinator, control: Control, uuid: str, item: dict[str, Any]
) -> LoxoneEntity:
    return LoxoneLoadPower(coordinator, control, uuid, str(item.get("name") or uuid))


def add_managed_loads(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a power sensor per load of every Energy Manager Gen. 2, as its `loads` list names it."""
    add_item_entities(
        coordinator, async_add_entities, "EnergyManager2", "loads", _load_items, _load_power
    )
