"""Long-term statistics continue across a take-over, also when the unit changes (Wh -> kWh)."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.components.recorder.statistics import (
    async_import_statistics,
    list_statistic_ids,
    statistics_during_period,
    validate_statistics,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped]
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.hubrelay.const import DOMAIN
from tests.components.loxone.conftest import control, form_input
from tests.simulators.miniserver import MiniserverSimulator

ENTITY_ID = "sensor.loxone_office_energy"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """Load the integration, with the recorder's database prepared before Home Assistant starts."""


async def test_statistics_follow_the_entity_id_and_convert_the_unit(
    recorder_mock: Recorder, hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    foreign = MockConfigEntry(
        domain="loxone", title="PyLoxone", unique_id=miniserver.serial, options={}
    )
    foreign.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor",
        "loxone",
        control("Office energy")["uuidAction"],
        config_entry=foreign,
        suggested_object_id="loxone_office_energy",
    )
    # A year of history: PyLoxone's statistics of this meter were compiled in Wh.
    start = dt_util.utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=2)
    async_import_statistics(
        hass,
        {
            "statistic_id": ENTITY_ID,
            "source": "recorder",
            "name": None,
            "unit_of_measurement": "Wh",
            "unit_class": "energy",
            "has_sum": True,
            "mean_type": StatisticMeanType.NONE,
        },
        [
            {"start": start + timedelta(hours=h), "state": 1000.0 * h, "sum": 1000.0 * h}
            for h in range(3)
        ],
    )
    await async_wait_recording_done(hass)

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form_input(miniserver)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"take_over": True})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    state = hass.states.get(ENTITY_ID)
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "kWh"

    now = dt_util.utcnow()
    do_adhoc_statistics(
        hass, start=now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    )
    await async_wait_recording_done(hass)
    issues = await recorder_mock.async_add_executor_job(validate_statistics, hass)
    assert ENTITY_ID not in issues
    (meta,) = await recorder_mock.async_add_executor_job(list_statistic_ids, hass, {ENTITY_ID})
    # The statistics stay in the unit they were compiled in; new states are converted into it.
    assert meta["statistics_unit_of_measurement"] == "Wh"
    for units, factor in ((None, 1.0), ({"energy": "Wh"}, 1000.0)):
        rows = await recorder_mock.async_add_executor_job(
            statistics_during_period,
            hass,
            start,
            None,
            {ENTITY_ID},
            "5minute",
            units,
            {"state"},
        )
        # The new five minutes, shown in the entity's unit (kWh) or converted on request (Wh).
        (row,) = rows[ENTITY_ID]
        assert row["state"] == pytest.approx(float(state.state) * factor)
    hourly = await recorder_mock.async_add_executor_job(
        statistics_during_period, hass, start, None, {ENTITY_ID}, "hour", {"energy": "Wh"}, {"sum"}
    )
    # The history from before the take-over is still there under the same statistic id (a
    # compile in the last five minutes of an hour adds that hour after it).
    assert [row["sum"] for row in hourly[ENTITY_ID]][:3] == [0.0, 1000.0, 2000.0]
    await hass.config_entries.async_unload(result["result"].entry_id)
