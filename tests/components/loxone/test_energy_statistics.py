"""Energy sensors are statistics the recorder and the Energy dashboard accept as they are."""

from __future__ import annotations

from homeassistant.components.energy.data import async_get_manager
from homeassistant.components.energy.validate import async_validate
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import list_statistic_ids, validate_statistics
from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
    DEVICE_CLASS_UNITS,
    SensorDeviceClass,
)
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped]
    async_wait_recording_done,
    do_adhoc_statistics,
)

from tests.components.loxone.conftest import add_miniserver
from tests.simulators.miniserver import MiniserverSimulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """Load the integration, with the recorder's database prepared before Home Assistant starts."""


ENERGY_TYPES = frozenset(
    {"EnergyManager2", "EnergyManager", "EnergyFlowMonitor", "Fronius", "PowerUnit"}
    | {"Wallbox2", "CarCharger"}
)


async def test_energy_sensors_pass_the_statistics_and_energy_dashboard_checks(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    miniserver: MiniserverSimulator,
) -> None:
    """Every energy-control sensor is a valid long-term statistic, the dashboard takes them."""
    entry = await add_miniserver(hass, miniserver)
    energy_devices = {
        device.id
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        if device.model in ENERGY_TYPES
    }
    sensors = [
        e.entity_id
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if e.domain == "sensor" and e.device_id in energy_devices and e.disabled_by is None
    ]
    assert len(sensors) > 25
    statistic_sensors = []
    for entity_id in sensors:
        state = hass.states.get(entity_id)
        assert state is not None
        device_class = SensorDeviceClass(state.attributes["device_class"])
        state_class = state.attributes.get("state_class")
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        if device_class is SensorDeviceClass.TIMESTAMP:
            continue
        statistic_sensors.append(entity_id)
        assert unit in DEVICE_CLASS_UNITS[device_class], entity_id
        assert state_class in DEVICE_CLASS_STATE_CLASSES[device_class], entity_id
        if device_class is SensorDeviceClass.ENERGY:
            assert state_class == "total_increasing", entity_id

    # Compile the current five minutes, then ask the recorder what it thinks of each statistic.
    now = dt_util.utcnow()
    do_adhoc_statistics(
        hass, start=now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    )
    await async_wait_recording_done(hass)
    issues = await recorder_mock.async_add_executor_job(validate_statistics, hass)
    assert {k: v for k, v in issues.items() if k in statistic_sensors} == {}
    compiled = await recorder_mock.async_add_executor_job(
        list_statistic_ids, hass, set(statistic_sensors)
    )
    assert {item["statistic_id"] for item in compiled} == set(statistic_sensors)

    # The Energy dashboard: grid, solar, battery power and per-device consumption.
    assert await async_setup_component(hass, "energy", {})
    manager = await async_get_manager(hass)
    await manager.async_update(
        {
            "energy_sources": [
                {
                    "type": "solar",
                    "stat_energy_from": "sensor.garage_solar_inverter_production_energy",
                    "stat_rate": "sensor.garage_solar_inverter_production_power",
                    "config_entry_solar_forecast": None,
                },
                {
                    "type": "grid",
                    "stat_energy_from": "sensor.garage_heat_pump_meter_energy",
                    "stat_energy_to": None,
                    "stat_cost": None,
                    "entity_energy_price": None,
                    "number_energy_price": None,
                    "stat_compensation": None,
                    "entity_energy_price_export": None,
                    "number_energy_price_export": None,
                    "stat_rate": "sensor.garage_energy_manager_grid_power",
                    "cost_adjustment_day": 0.0,
                },
            ],
            "device_consumption": [
                {
                    "stat_consumption": "sensor.garage_wallbox_energy",
                    "stat_rate": "sensor.garage_wallbox_power",
                },
                {
                    "stat_consumption": "sensor.garage_old_charger_session_energy",
                    "stat_rate": "sensor.garage_old_charger_power",
                },
            ],
        }
    )
    result = (await async_validate(hass)).as_dict()
    problems = [issue for source in result["energy_sources"] for issue in source] + [
        issue for device in result["device_consumption"] for issue in device
    ]
    assert problems == []
    await hass.config_entries.async_unload(entry.entry_id)
