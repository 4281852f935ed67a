"""Hub scene runs as event entities and device triggers, against the Ezlo hub simulator.

The hub broadcasts ``hub.scene.run.progress`` started, then finished, for every run, whoever
started it. A test that expects no event runs a scene once more afterwards and checks that only
that run arrived: broadcasts travel in order on one socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.event import ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry

from ..presses import Presses
from .conftest import EzloWorld, add_hub, wait_for

GOOD_NIGHT = "event.ezlo_plus_good_night_ran"
LEAVING = "event.ezlo_plus_leaving_home_ran"
MOVIE = "event.ezlo_plus_movie_time_ran"


def scene_id(world: EzloWorld, name: str) -> str:
    """The id of a demo-house scene."""
    return next(key for key, scene in world.hub.house.scenes.items() if scene["name"] == name)


async def wait_until(condition: Callable[[], Any], seconds: float = 3.0) -> None:
    """Wait until `condition()` is true."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


def hub_device(hass: HomeAssistant, world: EzloWorld, entry: HubRelayConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, world.serial), entry.entry_id
    )
    assert device is not None
    return device.id


async def test_each_scene_has_a_run_entity_on_the_hub_device(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    for entity_id, scene in ((GOOD_NIGHT, "Good night"), (LEAVING, "Leaving home")):
        entry = registry.async_get(entity_id)
        assert entry is not None
        assert entry.translation_key == "scene_run"
        assert entry.unique_id == f"{world.serial}_scene_{scene_id(world, scene)}_run"
        assert entry.capabilities == {ATTR_EVENT_TYPES: ["ran"]}
        assert entry.device_id == hub_device(hass, world, ezlo_entry)
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state == STATE_UNKNOWN  # no run seen yet
        assert state.attributes["friendly_name"] == f"Ezlo Plus {scene} ran"


async def test_a_run_on_the_hub_fires_one_event(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    # The hub runs the scene on its own, as its schedule would: started, then finished.
    world.hub.run_scene(scene_id(world, "Good night"))
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await runs.wait_for(hass, 2)
    assert runs.kinds() == [(GOOD_NIGHT, "ran"), (LEAVING, "ran")]


async def test_a_run_from_home_assistant_fires_one_event(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    await hass.services.async_call(
        "scene", "turn_on", {"entity_id": "scene.ezlo_plus_good_night"}, blocking=True
    )
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await runs.wait_for(hass, 2)
    assert runs.kinds() == [(GOOD_NIGHT, "ran"), (LEAVING, "ran")]


async def test_two_quick_runs_are_two_events_in_order(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    good_night, leaving = scene_id(world, "Good night"), scene_id(world, "Leaving home")
    world.hub.run_scene(good_night)
    world.hub.run_scene(good_night)
    world.hub.run_scene(leaving)
    await runs.wait_for(hass, 3)
    assert runs.kinds() == [(GOOD_NIGHT, "ran"), (GOOD_NIGHT, "ran"), (LEAVING, "ran")]


async def test_only_a_start_is_a_run(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    good_night = scene_id(world, "Good night")
    world.hub.run_scene(good_night, statuses=("finished",))
    world.hub.run_scene(good_night, statuses=("failed",))
    # A run of a scene the hub never listed, and a scene edited on the hub: no run either.
    world.hub.broadcast("hub.scene.run.progress", {"scene_id": "nope", "status": "started"})
    world.hub.add_scene({**world.hub.house.scenes[good_night], "name": "Good night"})
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await runs.wait_for(hass, 1)
    assert runs.kinds() == [(LEAVING, "ran")]


async def test_reconnect_and_reload_fire_nothing(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    world.hub.run_scene(scene_id(world, "Good night"))
    await runs.wait_for(hass, 1)
    await world.hub.reboot(0.5)
    await wait_for(hass, GOOD_NIGHT, STATE_UNAVAILABLE)
    # Run while Home Assistant cannot see the hub: nobody hears it, nothing is played back.
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await wait_until(lambda: hass.states.get(GOOD_NIGHT).state != STATE_UNAVAILABLE)  # type: ignore[union-attr]
    await hass.async_block_till_done()
    # A restart of the entry: the last run is restored, not fired again.
    assert await hass.config_entries.async_reload(ezlo_entry.entry_id)
    await hass.async_block_till_done()
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await runs.wait_for(hass, 2)
    assert runs.kinds() == [(GOOD_NIGHT, "ran"), (LEAVING, "ran")]
    state = hass.states.get(GOOD_NIGHT)
    assert state is not None
    assert state.attributes["event_type"] == "ran"


async def test_a_run_heard_while_reconnecting_is_not_fired_late(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    world.hub.response_delay = 0.3
    await world.hub.drop_connections()
    await wait_for(hass, GOOD_NIGHT, STATE_UNAVAILABLE)
    # The session is logged in again but still loading the hub's lists: not connected yet.
    sent = len(world.hub.requests)
    await wait_until(lambda: ("hub.devices.list", {}) in world.hub.requests[sent:])
    world.hub.run_scene(scene_id(world, "Good night"))
    await wait_until(lambda: hass.states.get(GOOD_NIGHT).state != STATE_UNAVAILABLE)  # type: ignore[union-attr]
    world.hub.response_delay = 0.0
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await runs.wait_for(hass, 1)
    assert runs.kinds() == [(LEAVING, "ran")]
    assert hass.states.get(GOOD_NIGHT).state == STATE_UNKNOWN  # type: ignore[union-attr]


async def test_scenes_added_and_deleted_on_the_hub(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    world.hub.add_scene({"_id": "scene-new", "name": "Movie time", "enabled": True})
    await wait_until(lambda: hass.states.get(MOVIE) is not None)
    runs = Presses(hass, MOVIE)
    world.hub.run_scene("scene-new")
    await runs.wait_for(hass, 1)
    world.hub.delete_scene("scene-new")
    await wait_until(lambda: registry.async_get(MOVIE) is None)
    assert registry.async_get("scene.ezlo_plus_movie_time") is None
    assert registry.async_get(GOOD_NIGHT) is not None
    # A scene whose scene entity the user already removed: its run entity still goes.
    registry.async_remove("scene.ezlo_plus_leaving_home")
    world.hub.delete_scene(scene_id(world, "Leaving home"))
    await wait_until(lambda: registry.async_get(LEAVING) is None)
    assert registry.async_get(GOOD_NIGHT) is not None


async def test_device_trigger_per_scene_fires_once_per_run(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, hub_device(hass, world, ezlo_entry)
    )
    ours = {t["subtype"]: t for t in triggers if t["domain"] == DOMAIN}
    assert sorted(ours) == ["Good night", "Leaving home"]
    assert {t["type"] for t in ours.values()} == {"ran"}
    registry = er.async_get(hass)
    assert ours["Good night"]["entity_id"] == registry.async_get(GOOD_NIGHT).id  # type: ignore[union-attr]
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": ours["Good night"],
                "actions": {
                    "action": "test.automation",
                    "data": {"what": "{{ trigger.type }} {{ trigger.subtype }}"},
                },
            }
        },
    )
    runs = Presses(hass, GOOD_NIGHT, LEAVING)
    world.hub.run_scene(scene_id(world, "Good night"))
    world.hub.run_scene(scene_id(world, "Leaving home"))
    await runs.wait_for(hass, 2)
    assert [call.data["what"] for call in calls] == ["ran Good night"]


async def test_trigger_names_follow_the_scene_entity(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    registry.async_update_entity("scene.ezlo_plus_good_night", name="Bedtime")
    # A scene entity the user deleted: the scene's id names the trigger.
    registry.async_remove("scene.ezlo_plus_leaving_home")
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, hub_device(hass, world, ezlo_entry)
    )
    assert sorted(t["subtype"] for t in triggers if t["domain"] == DOMAIN) == sorted(
        ["Bedtime", scene_id(world, "Leaving home")]
    )
    # The keypad's buttons keep their keys.
    keypad = er.async_get(hass).async_get("event.living_room_hall_keypad_button_1")
    assert keypad is not None
    assert keypad.device_id is not None
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, keypad.device_id
    )
    assert {t["subtype"] for t in triggers if t["domain"] == DOMAIN} == {"button_1"}


async def test_a_hub_without_scenes_has_no_run_entities(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    world.hub.house.scenes.clear()
    entry = await add_hub(hass, world)
    assert not [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.translation_key == "scene_run"
    ]
    await hass.config_entries.async_unload(entry.entry_id)
