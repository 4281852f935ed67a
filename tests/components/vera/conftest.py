"""Home Assistant against the Vera luup, Vera relay and MMS cloud simulators (no library mocks)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.hubrelay.const import CONF_UNIT, CONF_URL, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.hub import mms as hub_mms
from custom_components.hubrelay.protocols.vera import VeraTimings
from custom_components.hubrelay.vera import coordinator as coordinator_vera
from tests.simulators.mms_cloud import MmsCloudSimulator
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import HouseData, demo_house
from tests.simulators.vera_relay import VeraRelaySimulator

USERNAME = "vera.owner@example.com"
PASSWORD = "pw Secret-42!"
EZLO_SERIAL = "90000123"

FAST = VeraTimings(
    request_timeout=2.0,
    poll_timeout=1.0,
    minimum_delay=0.0,
    reload_retry_delay=0.01,
    backoff_initial=0.02,
    backoff_max=0.1,
)


@dataclass
class VeraWorld:
    """The cloud, one Vera on the account and the relay in front of it."""

    cloud: MmsCloudSimulator
    hub: VeraLuupSimulator
    relay: VeraRelaySimulator

    @property
    def serial(self) -> str:
        return self.hub.house.serial

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.hub.port}"


async def start_world(
    house: HouseData, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[VeraWorld]:
    """Start everything on loopback and point the integration at it."""
    async with MmsCloudSimulator() as cloud:
        cloud.add_account(USERNAME, PASSWORD)
        async with (
            VeraLuupSimulator(house) as hub,
            VeraRelaySimulator(hub, identity_check=cloud.validate_identity) as relay,
        ):
            cloud.add_hub(
                USERNAME, house.serial, relay_url=relay.host, kind="vera", name="VeraPlus"
            )
            cloud.add_hub(
                USERNAME, EZLO_SERIAL, relay_url="ws://127.0.0.1:9/", kind="ezlo", name="Ezlo"
            )
            monkeypatch.setattr(
                hub_mms,
                "MMS_OPTIONS",
                {**cloud.client_kwargs(), "request_timeout": 2.0},
            )
            monkeypatch.setattr(coordinator_vera, "TIMINGS", FAST)
            yield VeraWorld(cloud, hub, relay)


@pytest.fixture
async def world(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[VeraWorld]:
    """The demo Vera (a device of every mapped category) behind the simulated cloud."""
    async for running in start_world(demo_house(), monkeypatch):
        yield running


async def start_flow(hass: HomeAssistant, how: str) -> str:
    """Open the menu, choose Vera, then `vera_local` or `vera_account`."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "vera"}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": how}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == how
    flow_id: str = result["flow_id"]
    return flow_id


async def add_vera(
    hass: HomeAssistant, world: VeraWorld, connection: str = "local"
) -> HubRelayConfigEntry:
    """Add the simulated Vera through the config flow, as a user's clicks would, and set it up."""
    if connection == "local":
        flow_id = await start_flow(hass, "vera_local")
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: world.address})
    else:
        flow_id = await start_flow(hass, "vera_account")
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
        )
        result = await hass.config_entries.flow.async_configure(flow_id, {CONF_UNIT: world.serial})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


@pytest.fixture
async def vera_entry(hass: HomeAssistant, world: VeraWorld) -> AsyncIterator[HubRelayConfigEntry]:
    """A loaded local entry for the demo Vera, unloaded again after the test."""
    entry = await add_vera(hass, world)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def wait_for(hass: HomeAssistant, entity_id: str, expected: str) -> None:
    """Wait (3 s at most) until an entity shows `expected`: the long poll runs over a socket."""
    async with asyncio.timeout(3.0):
        while (state := hass.states.get(entity_id)) is None or state.state != expected:
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()
