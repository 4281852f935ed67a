"""Home Assistant against the Miniserver simulator: no mocks of our own library."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.hubrelay.const import CONF_USE_TLS, CONF_VERIFY_TLS, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import coordinator as coordinator_module
from custom_components.hubrelay.protocols.loxone import Timings
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator

FAST = Timings(
    http_timeout=2.0,
    command_timeout=2.0,
    file_timeout=5.0,
    keepalive_interval=5.0,
    keepalive_timeout=2.0,
    reconnect_min=0.05,
    reconnect_max=0.2,
    long_backoff=0.2,
    out_of_service_delay=0.2,
)


@pytest.fixture(autouse=True)
def fast_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect in tenths of seconds instead of the real Miniserver's seconds."""
    monkeypatch.setattr(coordinator_module, "TIMINGS", FAST)


@pytest.fixture
async def miniserver() -> AsyncIterator[MiniserverSimulator]:
    """The built-in demo house on a free loopback port, user admin/admin."""
    async with MiniserverSimulator() as simulator:
        yield simulator


def form_input(simulator: MiniserverSimulator, **overrides: Any) -> dict[str, Any]:
    """What a user types into the Loxone form for this simulator."""
    return {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_USE_TLS: False,
        CONF_VERIFY_TLS: True,
        CONF_USERNAME: "admin",
        CONF_PASSWORD: "admin",
    } | overrides


async def add_miniserver(
    hass: HomeAssistant, simulator: MiniserverSimulator
) -> HubRelayConfigEntry:
    """Add the simulator through the config flow, as a user's clicks would, and set it up."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


@pytest.fixture
async def loxone_entry(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> AsyncIterator[HubRelayConfigEntry]:
    """A loaded entry for the simulator, unloaded again after the test."""
    entry = await add_miniserver(hass, miniserver)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def wait_for_state(hass: HomeAssistant, entity_id: str, expected: str) -> None:
    """Wait (3 s at most) until an entity shows `expected`: events travel over a real socket."""
    async with asyncio.timeout(3.0):
        while (state := hass.states.get(entity_id)) is None or state.state != expected:
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


def control(name: str) -> dict[str, Any]:
    """The demo house's control with this name."""
    return next(c for c in DEMO_HOUSE["controls"].values() if c["name"] == name)


def state_uuid(name: str, state: str) -> str:
    """The UUID of one state of a demo house control."""
    uuid: str = control(name)["states"][state]
    return uuid
