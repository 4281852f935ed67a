"""The Miniserver's load sensors: disabled by default, polled only while enabled and connected."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_component import DATA_INSTANCES
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone.sensor_system import (
    FIGURES,
    POLL_INTERVAL,
    LoxoneSystemFigure,
    SystemStatusPoller,
)
from tests.components.loxone.conftest import wait_for_state
from tests.simulators.miniserver import MiniserverSimulator

KEYS = [figure.key for figure in FIGURES]


def entity_id(hass: HomeAssistant, entry: HubRelayConfigEntry, key: str) -> str:
    """The entity id of one load sensor of the entry's Miniserver."""
    found = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.data['serial']}_{key}"
    )
    assert found is not None
    return found


def asked(simulator: MiniserverSimulator, name: str) -> int:
    """How often the simulator was asked ``jdev/sys/{name}``."""
    return simulator.received.count(f"jdev/sys/{name}")


async def enable(hass: HomeAssistant, entry: HubRelayConfigEntry, *keys: str) -> None:
    """Enable load sensors as a user would, and reload the entry so they are added."""
    registry = er.async_get(hass)
    for key in keys:
        registry.async_update_entity(entity_id(hass, entry, key), disabled_by=None)
    # Home Assistant reloads the entry itself 30 s after an entity was enabled.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done()


def poller(hass: HomeAssistant, entry: HubRelayConfigEntry, key: str) -> SystemStatusPoller:
    """The poller behind an enabled load sensor."""
    sensor = hass.data[DATA_INSTANCES]["sensor"].get_entity(entity_id(hass, entry, key))
    assert isinstance(sensor, LoxoneSystemFigure)
    return sensor._poller


async def wait_until(hass: HomeAssistant, condition: Callable[[], bool]) -> None:
    """Wait (3 s at most) for a poll that travels over a real socket."""
    async with asyncio.timeout(3.0):
        while not condition():
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


async def test_disabled_by_default_and_never_polled(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    for key in KEYS:
        entry = registry.async_get(entity_id(hass, loxone_entry, key))
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert entry.entity_category is EntityCategory.DIAGNOSTIC
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL * 2)
    await hass.async_block_till_done()
    assert not [path for path in miniserver.received if path.startswith("jdev/sys/cpu")]
    assert asked(miniserver, "heap") == asked(miniserver, "numtasks") == 0


async def test_enabled_sensors_poll_and_show_the_figures(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    await enable(hass, entry, *KEYS)
    await wait_for_state(hass, entity_id(hass, entry, "cpu_load"), "14.0")
    await wait_for_state(hass, entity_id(hass, entry, "memory_used"), "478956.0")
    await wait_for_state(hass, entity_id(hass, entry, "memory_total"), "1016404.0")
    await wait_for_state(hass, entity_id(hass, entry, "task_count"), "64")
    cpu = hass.states.get(entity_id(hass, entry, "cpu_load"))
    assert cpu is not None
    assert cpu.attributes["unit_of_measurement"] == "%"
    assert cpu.attributes["state_class"] == "measurement"
    memory = hass.states.get(entity_id(hass, entry, "memory_used"))
    assert memory is not None
    assert memory.attributes["device_class"] == "data_size"

    heap = asked(miniserver, "heap")
    miniserver.system_figures.cpu = "37%"
    miniserver.system_figures.numtasks = None  # refused: the figure becomes unknown
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL * 2)
    await wait_for_state(hass, entity_id(hass, entry, "cpu_load"), "37.0")
    await wait_for_state(hass, entity_id(hass, entry, "task_count"), STATE_UNKNOWN)
    assert asked(miniserver, "heap") == heap + 1  # one command feeds both memory sensors


async def test_only_enabled_figures_are_asked(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await enable(hass, loxone_entry, "cpu_load")
    await wait_for_state(hass, entity_id(hass, loxone_entry, "cpu_load"), "14.0")
    assert asked(miniserver, "cpu") == 1
    assert asked(miniserver, "heap") == asked(miniserver, "numtasks") == 0


async def test_polling_stops_while_disconnected(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    await enable(hass, entry, "cpu_load")
    sensor = entity_id(hass, entry, "cpu_load")
    await wait_for_state(hass, sensor, "14.0")
    polls = poller(hass, entry, "cpu_load")
    assert polls.running
    miniserver.response_delay = 1.0  # the Miniserver sits on the next command for a second
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL)
    await asyncio.sleep(0.2)
    await miniserver.stop()  # the poll in flight loses its connection, unanswered
    await wait_for_state(hass, sensor, STATE_UNAVAILABLE)
    assert not polls.running
    before = asked(miniserver, "cpu")
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL * 3)
    await hass.async_block_till_done()
    assert asked(miniserver, "cpu") == before
    miniserver.response_delay = 0.0
    miniserver.system_figures.cpu = "55%"
    await miniserver.start()
    await wait_for_state(hass, sensor, "55.0")  # polled at once when the session is back
    assert polls.running
    assert asked(miniserver, "cpu") == before + 1
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert not polls.running


async def test_removed_sensors_stop_the_poll(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entry = loxone_entry
    await enable(hass, entry, "cpu_load")
    await wait_for_state(hass, entity_id(hass, entry, "cpu_load"), "14.0")
    polls = poller(hass, entry, "cpu_load")
    er.async_get(hass).async_remove(entity_id(hass, entry, "cpu_load"))
    await hass.async_block_till_done()
    assert not polls.running
    async_fire_time_changed(hass, dt_util.utcnow() + POLL_INTERVAL)
    await hass.async_block_till_done()
    assert asked(miniserver, "cpu") == 1
