"""Home Assistant against the MMS cloud, Ezlo hub and NMA relay simulators (no library mocks)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.hubrelay.const import CONF_CONNECTION, CONF_HUB, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.ezlo import coordinator as coordinator_ezlo
from custom_components.hubrelay.hub import mms as hub_mms
from custom_components.hubrelay.protocols.ezlo import Backoff
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator, client_context
from tests.simulators.ezlo_hub_house import HubHouse, demo_house
from tests.simulators.mms_cloud import MmsCloudSimulator

USERNAME = "Alice.Home@Example.com"
PASSWORD = "s3cret Pass!"
VERA_SERIAL = "50000456"

FAST: dict[str, Any] = {
    "request_timeout": 1.0,
    "connect_timeout": 2.0,
    "keepalive_interval": 5.0,
    "backoff": Backoff(initial=0.02, maximum=0.1, jitter=0.5),
}


@dataclass
class EzloWorld:
    """The cloud, one hub on the account and the relay in front of it."""

    cloud: MmsCloudSimulator
    hub: EzloHubSimulator
    relay: NmaRelaySimulator

    @property
    def serial(self) -> str:
        return self.hub.house.serial


async def start_world(house: HubHouse, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[EzloWorld]:
    """Start everything on loopback and point the integration at it."""
    async with MmsCloudSimulator() as cloud:
        cloud.add_account(USERNAME, PASSWORD)
        async with EzloHubSimulator(house) as hub:

            def check(identity: str, signature: str) -> bool:
                return cloud.validate_identity(identity, signature) is not None

            async with NmaRelaySimulator(hub, identity_check=check) as relay:
                record = cloud.add_hub(
                    USERNAME,
                    house.serial,
                    relay_url=relay.url,
                    kind="ezlo",
                    name="Ezlo Plus",
                    local_ip="127.0.0.1",
                )
                cloud.add_hub(
                    USERNAME, VERA_SERIAL, relay_url="127.0.0.1:9", kind="vera", name="Vera"
                )
                hub.local_keys[record.local_user] = record.local_token
                monkeypatch.setattr(
                    hub_mms,
                    "MMS_OPTIONS",
                    {**cloud.client_kwargs(), "request_timeout": 2.0},
                )
                monkeypatch.setattr(coordinator_ezlo, "SESSION_OPTIONS", FAST)
                monkeypatch.setattr(coordinator_ezlo, "LOCAL_PORT", hub.port)
                monkeypatch.setattr(coordinator_ezlo, "RELAY_SSL", client_context(relay.cert_pem))
                yield EzloWorld(cloud, hub, relay)


@pytest.fixture
async def world(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[EzloWorld]:
    """The demo hub (a device of every mapped category) behind the simulated cloud."""
    async for running in start_world(demo_house(), monkeypatch):
        yield running


async def start_flow(hass: HomeAssistant) -> str:
    """Open the menu and choose Ezlo."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "ezlo"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "ezlo"
    flow_id: str = result["flow_id"]
    return flow_id


async def sign_in(hass: HomeAssistant, **overrides: str) -> ConfigFlowResult:
    """Open the flow and submit the cloud account."""
    flow_id = await start_flow(hass)
    return await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD} | overrides
    )


async def add_hub(
    hass: HomeAssistant, world: EzloWorld, connection: str = "local"
) -> HubRelayConfigEntry:
    """Add the simulated hub through the config flow, as a user's clicks would, and set it up."""
    result = await sign_in(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: connection}
    )
    if connection == "local":
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_HOST: "127.0.0.1"}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


@pytest.fixture
async def ezlo_entry(hass: HomeAssistant, world: EzloWorld) -> AsyncIterator[HubRelayConfigEntry]:
    """A loaded local-mode entry for the demo hub, unloaded again after the test."""
    entry = await add_hub(hass, world)
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def wait_for(hass: HomeAssistant, entity_id: str, expected: str) -> None:
    """Wait (3 s at most) until an entity shows `expected`: events travel over a real socket."""
    async with asyncio.timeout(3.0):
        while (state := hass.states.get(entity_id)) is None or state.state != expected:
            await asyncio.sleep(0.01)
    await hass.async_block_till_done()


def item_id(world: EzloWorld, device: str, item: str) -> str:
    """The id of a demo-house item."""
    value: str = world.hub.house.item_by_name(device, item)["_id"]
    return value
