"""A running Vera entry: Luup reloads, relay outages, reauth, devices and scenes, diagnostics."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import CONF_IDENTITY, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.vera.coordinator import VeraCoordinator
from tests.components.vera.conftest import PASSWORD, USERNAME, VeraWorld, add_vera, wait_for

SWITCH = "switch.hall_hall_switch"
TEMPERATURE = "sensor.living_living_temperature_temperature"


async def wait_until(condition: Callable[[], Any], seconds: float = 5.0) -> None:
    """Wait until `condition()` is true; the long poll answers asynchronously."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


def coordinator_of(entry: HubRelayConfigEntry) -> VeraCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, VeraCoordinator)
    return coordinator


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


async def switch_on(hass: HomeAssistant) -> None:
    await hass.services.async_call("switch", "turn_on", {"entity_id": SWITCH}, blocking=True)


async def test_luup_reload_keeps_entities_available(
    hass: HomeAssistant, world: VeraWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    entry = await add_vera(hass, world)
    world.hub.reload_luup(empty_answers=3)
    world.hub.set_device(15, temperature="23.0")
    await wait_for(hass, TEMPERATURE, "23.0")
    await switch_on(hass)
    await wait_for(hass, SWITCH, STATE_ON)
    assert "lost" not in caplog.text
    # A two-setpoint thermostat still shows the heat setpoint while heating (HA core #73802).
    climate = hass.states.get("climate.living_living_thermostat")
    assert climate is not None
    assert climate.attributes["temperature"] == 21.0
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("connection", ["local", "relay"])
async def test_outage_makes_everything_unavailable_once(
    hass: HomeAssistant, world: VeraWorld, caplog: pytest.LogCaptureFixture, connection: str
) -> None:
    caplog.set_level(logging.INFO)
    entry = await add_vera(hass, world, connection)
    if connection == "relay":
        world.relay.tunnel_up = False
    else:
        world.hub.fail_next(500, "ERROR: down", count=10_000)
    world.hub.set_device(15, temperature="23.5")  # wakes the held poll
    await wait_for(hass, SWITCH, STATE_UNAVAILABLE)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    # Home Assistant skips unavailable entities; a command racing the loss is refused.
    session = coordinator_of(entry).session
    with pytest.raises(HomeAssistantError) as refused:
        await coordinator_of(entry).async_command(
            "Hall switch", lambda: session.set_switch(10, True)
        )
    assert refused.value.translation_key == "vera_not_connected"
    if connection == "relay":
        world.relay.tunnel_up = True
    else:
        world.hub._failures.clear()
    await wait_for(hass, SWITCH, STATE_OFF)
    await wait_for(hass, TEMPERATURE, "23.5")
    assert caplog.text.count("Connection to Vera") == 2
    assert "lost" in caplog.text
    assert "restored" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def test_relay_session_renewal_stores_the_new_identity(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world, "relay")
    old = entry.data[CONF_IDENTITY]["identity"]
    world.cloud.expire_identities()
    world.relay.revoke_sessions()
    world.hub.set_device(15, temperature="19.0")
    await wait_for(hass, TEMPERATURE, "19.0")
    await wait_until(lambda: entry.data[CONF_IDENTITY]["identity"] != old)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_relay_reauth_when_mms_refuses_the_password(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    entry = await add_vera(hass, world, "relay")
    world.cloud.expire_identities()
    world.cloud.fail_login_404 = True
    world.relay.revoke_sessions()
    world.hub.set_device(15, temperature="19.0")
    await wait_until(lambda: reauth_flows(hass))
    await wait_for(hass, SWITCH, STATE_UNAVAILABLE)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_setup_retries_and_asks_for_reauth(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world, "relay")
    await hass.config_entries.async_unload(entry.entry_id)
    world.relay.tunnel_up = False
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    world.relay.tunnel_up = True
    world.cloud.expire_identities()
    world.cloud.fail_login_404 = True
    await hass.config_entries.async_unload(entry.entry_id)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert reauth_flows(hass)


async def test_refused_and_undelivered_commands(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world)
    world.hub.house.scenes.pop(1)  # the engine forgot the scene without telling us
    with pytest.raises(HomeAssistantError, match="refused"):
        await hass.services.async_call(
            "scene", "turn_on", {"entity_id": "scene.vera_50012345_good_night"}, blocking=True
        )
    world.hub.fail_next(500, "", count=1)
    with pytest.raises(HomeAssistantError, match="could not be delivered"):
        await switch_on(hass)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_devices_and_scenes_come_and_go(
    hass: HomeAssistant,
    world: VeraWorld,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    entry = await add_vera(hass, world)
    world.hub.add_device(
        {
            "name": "Garden plug",
            "id": 40,
            "category": 3,
            "subcategory": 0,
            "room": 4,
            "parent": 1,
            "altid": "40",
            "status": "1",
            "state": -1,
            "comment": "",
        }
    )
    await wait_until(
        lambda: entity_registry.async_get_entity_id("switch", DOMAIN, f"{world.serial}_40")
    )
    entity_id = entity_registry.async_get_entity_id("switch", DOMAIN, f"{world.serial}_40")
    assert entity_id is not None
    await wait_for(hass, entity_id, STATE_ON)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{world.serial}_40"), entry.entry_id
    )
    assert device is not None
    assert device.suggested_area == "Garden"
    world.hub.remove_device(40)
    await wait_until(lambda: device_registry.async_get(device.id) is None)
    await wait_until(lambda: entity_registry.async_get(entity_id) is None)

    world.hub.house.scenes[7] = {"name": "Party", "id": 7, "room": 0, "active": 0}
    world.hub.reload_luup(empty_answers=0)
    await wait_until(lambda: hass.states.get("scene.vera_50012345_party") is not None)
    del world.hub.house.scenes[7]
    world.hub.reload_luup(empty_answers=0)
    await wait_until(lambda: entity_registry.async_get("scene.vera_50012345_party") is None)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_home_assistant_stop_closes_the_session(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, world: VeraWorld
) -> None:
    caplog.set_level(logging.INFO)
    entry = await add_vera(hass, world)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    # A deliberate close is not a lost connection.
    assert "lost" not in caplog.text
    assert not coordinator_of(entry).session.connected
    await hass.config_entries.async_unload(entry.entry_id)


async def test_removing_the_entry(hass: HomeAssistant, world: VeraWorld) -> None:
    entry = await add_vera(hass, world)
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert hass.states.get(SWITCH) is None


async def test_diagnostics_are_useful_and_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    world: VeraWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for connection in ("local", "relay"):
        entry = await add_vera(hass, world, connection)
        result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
        assert result["connection"]["connected"] is True
        assert result["devices_by_category"]["4"] == 4
        assert result["controller"]["model"] == "MiCasaVerde VeraPlus"
        dump = json.dumps(result)
        secrets = [PASSWORD, world.serial, USERNAME, world.address, "relay41"]
        if connection == "relay":
            identity = entry.data[CONF_IDENTITY]
            secrets += [identity["identity"], identity["signature"]]
        for secret in secrets:
            assert secret not in dump, secret
        for secret in secrets[:1] + secrets[5:]:
            assert secret not in caplog.text
        assert await hass.config_entries.async_remove(entry.entry_id)


async def test_nameless_devices_and_scenes_are_named_in_the_users_language(
    hass: HomeAssistant,
    world: VeraWorld,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    world.hub.house.scenes[8] = {"name": "", "id": 8, "room": 0, "active": 0}
    world.hub.add_device(
        {
            "name": "",
            "id": 41,
            "category": 3,
            "subcategory": 0,
            "room": 4,
            "parent": 1,
            "altid": "41",
            "status": "1",
            "state": -1,
            "comment": "",
        }
    )
    entry = await add_vera(hass, world)
    ids = {
        "scene": f"{world.serial}_scene_8",
        "switch": f"{world.serial}_41",
    }
    registered = {
        domain: entity_registry.async_get_entity_id(domain, DOMAIN, unique_id)
        for domain, unique_id in ids.items()
    }
    # The names the code used to build in English, so the entity ids stay what they were.
    assert registered == {
        "scene": "scene.vera_50012345_scene_8",
        "switch": "switch.garden_device_41",
    }

    def names() -> tuple[str | None, str]:
        device = device_registry.async_get_device_by_identifier(
            (DOMAIN, f"{world.serial}_41"), entry.entry_id
        )
        assert device is not None
        state = hass.states.get(registered["scene"] or "")
        assert state is not None
        return device.name, state.attributes["friendly_name"]

    assert names() == ("Device 41", f"{entry.title} Scene 8")
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.config.async_update(language="de")
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert names() == ("Gerät 41", f"{entry.title} Szene 8")
    assert {
        domain: entity_registry.async_get_entity_id(domain, DOMAIN, unique_id)
        for domain, unique_id in ids.items()
    } == registered
    await hass.config_entries.async_unload(entry.entry_id)
