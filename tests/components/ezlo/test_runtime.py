"""An Ezlo entry at run time: setup outcomes, reconnects, reauth, devices coming and going."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import CONF_IDENTITY, CONF_LOCAL_KEYS, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.ezlo.coordinator import EzloCoordinator
from custom_components.hubrelay.protocols.ezlo import ConnectionState
from tests.components.ezlo.conftest import PASSWORD, EzloWorld, add_hub, item_id, wait_for
from tests.simulators.ezlo_hub_house import HubHouse

LAMP = "switch.living_room_lamp_switch"


async def wait_until(condition: Callable[[], Any], seconds: float = 3.0) -> None:
    """Wait until `condition()` is true."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


def coordinator_of(entry: HubRelayConfigEntry) -> EzloCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, EzloCoordinator)
    return coordinator


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


async def test_relay_drop_reconnects(
    hass: HomeAssistant, world: EzloWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    entry = await add_hub(hass, world, "relay")
    await world.relay.drop_connections()
    await wait_for(hass, LAMP, STATE_UNAVAILABLE)
    await wait_for(hass, LAMP, STATE_OFF)
    # A change made while disconnected reaches the entity through the relay again.
    world.hub.set_item_value(item_id(world, "Lamp switch", "switch"), True)
    await wait_for(hass, LAMP, STATE_ON)
    assert caplog.text.count("Connection to Ezlo hub Ezlo Plus lost") == 1
    assert caplog.text.count("Connection to Ezlo hub Ezlo Plus restored") == 1
    await hass.config_entries.async_unload(entry.entry_id)
    # Unloading closes the session on purpose: no second "lost ... reconnecting".
    assert caplog.text.count("Connection to Ezlo hub Ezlo Plus lost") == 1


async def test_hub_reboot_reconnects_and_refuses_commands_meanwhile(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    await world.hub.reboot(0.5)
    await wait_for(hass, LAMP, STATE_UNAVAILABLE)
    coordinator = coordinator_of(entry)
    device_id = world.hub.house.item_by_name("Lamp switch", "switch")["deviceId"]
    with pytest.raises(HomeAssistantError) as caught:
        await coordinator.async_set_item(coordinator.device_items(device_id)["switch"], True)
    assert caught.value.translation_key == "hub_not_connected"
    # Changed during the reboot: the full refresh after reconnecting shows it.
    world.hub.house.item_by_name("Lamp switch", "switch")["value"] = True
    await wait_for(hass, LAMP, STATE_ON)
    assert coordinator.session.reconnects >= 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_relay_reauth_when_the_identity_cannot_be_renewed(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world, "relay")
    world.cloud.expire_identities()
    world.cloud.fail_login_404 = True
    await world.relay.drop_connections()
    await wait_until(lambda: reauth_flows(hass))
    assert coordinator_of(entry).session.state is ConnectionState.AUTH_FAILED
    assert hass.states.get(LAMP).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_local_reauth_when_keys_are_refused_and_the_identity_expired(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    keys = world.cloud.local_keys(world.serial)
    world.hub.rotate_local_key(keys.user, "rotated")
    world.cloud.expire_identities()
    await world.hub.drop_connections()
    # No password is stored in local mode, so the expired identity cannot be renewed.
    await wait_until(lambda: reauth_flows(hass))
    await hass.config_entries.async_unload(entry.entry_id)


async def test_local_keys_refreshed_through_the_cloud(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world)
    keys = world.cloud.local_keys(world.serial)
    old_token = entry.data[CONF_LOCAL_KEYS]["token"]
    world.cloud.hub(world.serial).local_token = "fresh-token"
    world.hub.rotate_local_key(keys.user, "fresh-token")
    await world.hub.drop_connections()
    await wait_until(lambda: entry.data[CONF_LOCAL_KEYS]["token"] != old_token)
    assert entry.data[CONF_LOCAL_KEYS]["token"] == "fresh-token"
    await wait_for(hass, LAMP, STATE_OFF)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_setup_retries_and_asks_for_reauth(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    await hass.config_entries.async_unload(entry.entry_id)
    await world.hub.reboot(30)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    world.hub.rebooting = False
    keys = world.cloud.local_keys(world.serial)
    world.hub.rotate_local_key(keys.user, "rotated")
    world.cloud.expire_identities()
    await hass.config_entries.async_unload(entry.entry_id)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert reauth_flows(hass)


async def test_devices_and_scenes_come_and_go(
    hass: HomeAssistant,
    world: EzloWorld,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    entry = await add_hub(hass, world)
    scratch = HubHouse(info={})
    plug = scratch.add_device("Garden plug", "switch", "exterior_plugin", "switch.outlet")
    scratch.add_item(plug, "switch", "bool", True, setter=True)
    world.hub.add_device(scratch.devices[plug], list(scratch.items.values()))
    await wait_for(hass, "switch.garden_plug", STATE_ON)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{world.serial}_{plug}"), entry.entry_id
    )
    assert device is not None
    assert device.via_device_id is not None
    world.hub.update_device(plug, reachable=False)
    await wait_for(hass, "switch.garden_plug", STATE_UNAVAILABLE)
    world.hub.remove_device(plug)
    await wait_until(lambda: entity_registry.async_get("switch.garden_plug") is None)
    assert device_registry.async_get(device.id) is None

    scene = {"_id": "scene-new", "name": "Movie time", "enabled": True}
    world.hub.add_scene(scene)
    await wait_until(lambda: hass.states.get("scene.ezlo_plus_movie_time") is not None)
    world.hub.delete_scene("scene-new")
    await wait_until(lambda: entity_registry.async_get("scene.ezlo_plus_movie_time") is None)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_refused_command(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    # The hub forgot the scene without telling us: it refuses to run it.
    world.hub.house.scenes.clear()
    with pytest.raises(HomeAssistantError, match="refused"):
        await hass.services.async_call(
            "scene", "turn_on", {"entity_id": "scene.ezlo_plus_good_night"}, blocking=True
        )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_send_command_is_for_loxone_only(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    with pytest.raises(ServiceValidationError, match="not a Loxone"):
        await hass.services.async_call(
            DOMAIN,
            "send_command",
            {"config_entry_id": entry.entry_id, "control": "x", "command": "on"},
            blocking=True,
        )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_home_assistant_stop_closes_the_session(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, world: EzloWorld
) -> None:
    caplog.set_level(logging.INFO)
    entry = await add_hub(hass, world)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    # A deliberate close is not a lost connection.
    assert "lost" not in caplog.text
    assert coordinator_of(entry).session.state is ConnectionState.CLOSED
    await hass.config_entries.async_unload(entry.entry_id)


async def test_removing_the_entry(hass: HomeAssistant, world: EzloWorld) -> None:
    entry = await add_hub(hass, world)
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert hass.states.get(LAMP) is None


async def test_diagnostics_are_useful_and_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    world: EzloWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for connection in ("local", "relay"):
        entry = await add_hub(hass, world, connection)
        result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
        assert result["connection"]["connected"] is True
        assert result["devices_by_category"]["security_sensor"] == 11
        assert result["hub"]["model"] == "h2.1"
        dump = json.dumps(result)
        identity = entry.data[CONF_IDENTITY]
        keys = world.cloud.local_keys(world.serial)
        secrets = [
            identity["identity"],
            identity["signature"],
            keys.token,
            keys.user,
            PASSWORD,
            world.serial,
            "Alice.Home",
            "48.2",
        ]
        for secret in secrets:
            assert secret not in dump, secret
        for secret in (identity["identity"], identity["signature"], keys.token, PASSWORD):
            assert secret not in caplog.text
        assert await hass.config_entries.async_remove(entry.entry_id)
