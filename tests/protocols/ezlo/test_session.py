"""The session over the local hub: every method, every broadcast, reconnects and fault knobs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.hubrelay.protocols.ezlo import (
    Broadcast,
    ConnectionState,
    Device,
    EzloConnectionError,
    EzloHubSession,
    EzloRpcError,
    EzloTimeoutError,
    EzloValueError,
    HouseModes,
    Item,
    LocalHubTransport,
    LocalKey,
    RgbColor,
    SceneRunProgress,
)
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import object_id

from .conftest import USER, KeyStore, SessionFactory
from .helpers import wait_until


def item_id(hub: EzloHubSimulator, device: str, name: str) -> str:
    return str(hub.house.item_by_name(device, name)["_id"])


async def test_set_values_of_every_kind(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    updates: list[Item] = []
    cases: list[tuple[str, str, Any, Any]] = [
        ("Lamp switch", "switch", True, True),
        ("Ceiling dimmer", "dimmer", 80.0, 80),
        ("Thermostat", "thermostat_setpoint_heating", 22.5, 22.5),
        ("Thermostat", "thermostat_mode", "cool", "cool"),
        ("Front lock", "door_lock", "unsecured", "unsecured"),
        ("Color bulb", "rgbcolor", RgbColor(1, 2, 3), {"red": 1, "green": 2, "blue": 3}),
    ]
    for device, name, value, _ in cases:
        local.subscribe_item(item_id(hub, device, name), updates.append)
        await local.set_item_value(item_id(hub, device, name), value)
    await wait_until(lambda: len(updates) == len(cases))
    for (device, name, _, sent), update in zip(cases, updates, strict=True):
        assert hub.house.item_by_name(device, name)["value"] == sent
        assert type(hub.house.item_by_name(device, name)["value"]) is type(sent)
        assert update.id == item_id(hub, device, name)
    assert local.items[item_id(hub, "Color bulb", "rgbcolor")].value == RgbColor(1, 2, 3)


async def test_values_are_checked_before_sending(
    hub: EzloHubSimulator, local: EzloHubSession
) -> None:
    sent_before = len(hub.requests)
    with pytest.raises(EzloValueError, match="above the maximum"):
        await local.set_item_value(item_id(hub, "Ceiling dimmer", "dimmer"), 101)
    with pytest.raises(EzloValueError, match="below the minimum"):
        await local.set_item_value(item_id(hub, "Thermostat", "thermostat_setpoint_heating"), 4.5)
    with pytest.raises(EzloValueError, match="not one of"):
        await local.set_item_value(item_id(hub, "Thermostat", "thermostat_mode"), "warp")
    with pytest.raises(EzloValueError, match="read-only"):
        await local.set_item_value(item_id(hub, "Multisensor", "temp"), 20)
    with pytest.raises(EzloValueError, match="unknown item"):
        await local.set_item_value("nope", 1)
    assert len(hub.requests) == sent_before


async def test_hub_rejection_is_an_rpc_error(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    target = item_id(hub, "Ceiling dimmer", "dimmer")
    hub.house.items[target]["maxValue"] = 50  # the hub narrowed the range since we loaded it
    with pytest.raises(EzloRpcError) as caught:
        await local.set_item_value(target, 60)
    assert caught.value.code == -32602
    assert caught.value.data == "rpc.params.invalid"


async def test_scenes_modes_and_arming(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    events: list[Broadcast] = []
    modes: list[HouseModes] = []
    local.on_broadcast(events.append)
    local.on_modes_changed(modes.append)
    scene, other = list(local.scenes.values())[:2]
    runs: list[SceneRunProgress] = []
    other_runs: list[SceneRunProgress] = []
    local.subscribe_scene_run(scene.id, runs.append)
    stop_other = local.subscribe_scene_run(other.id, other_runs.append)
    stop_other()
    await local.run_scene(scene.id)
    await wait_until(lambda: sum(isinstance(event, SceneRunProgress) for event in events) == 2)
    progress = [event for event in events if isinstance(event, SceneRunProgress)]
    assert [(p.scene_id, p.status) for p in progress] == [
        (scene.id, "started"),
        (scene.id, "finished"),
    ]
    # Per scene: only its own runs, and nothing once unsubscribed.
    assert runs == progress
    hub.run_scene(other.id)
    await wait_until(lambda: sum(isinstance(event, SceneRunProgress) for event in events) == 4)
    assert runs == progress
    assert other_runs == []

    await local.switch_mode("3")
    await wait_until(lambda: local.modes is not None and local.modes.current == "3")
    assert [(m.current, m.switch_to) for m in modes] == [("1", "3"), ("3", "")]
    assert local.modes is not None
    assert local.modes.mode_name("3") == "Night"
    with pytest.raises(EzloValueError):
        await local.switch_mode("42")

    motion = next(d for d in local.devices.values() if d.name == "Hall motion")
    changed: list[Device] = []
    local.subscribe_device(motion.id, changed.append)
    await local.set_device_armed(motion.id, True)
    await wait_until(lambda: local.devices[motion.id].armed)
    assert changed[-1].armed
    assert changed[-1].name == "Hall motion"


async def test_device_added_updated_removed(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    added: list[tuple[Device, int]] = []
    removed: list[str] = []
    local.on_device_added(lambda device: added.append((device, len(local.device_items(device.id)))))
    local.on_device_removed(removed.append)
    device_id = hub.house.add_device("Porch plug", "switch", "exterior_plugin", "switch.outlet")
    record = hub.house.devices.pop(device_id)
    plug_item = hub.house.add_item(device_id, "switch", "bool", False, setter=True)
    item = hub.house.items.pop(plug_item)
    hub.add_device(record, [item])
    await wait_until(lambda: len(added) == 1)
    assert added[0][0].name == "Porch plug"
    assert added[0][1] == 1
    hub.update_device(device_id, reachable=False)
    await wait_until(lambda: not local.devices[device_id].available)
    assert local.devices[device_id].name == "Porch plug"
    hub.remove_device(device_id)
    await wait_until(lambda: removed == [device_id])
    assert device_id not in local.devices
    assert plug_item not in local.items


async def test_item_broadcasts(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    temp = item_id(hub, "Multisensor", "temp")
    values: list[Any] = []
    unsubscribe = local.subscribe_item(temp, lambda item: values.append((item.value, item.scale)))
    hub.set_item_value(temp, 23.25)
    await wait_until(lambda: values == [(23.25, "celsius")])
    unsubscribe()
    hub.set_item_value(temp, 24.0)
    await wait_until(lambda: local.items[temp].value == 24.0)
    assert values == [(23.25, "celsius")]
    new_id = object_id()
    device = next(iter(local.devices))
    hub.broadcast(
        "hub.item.added",
        {
            "_id": new_id,
            "deviceId": device,
            "name": "heat_alarm",
            "valueType": "token",
            "value": "no_heat",
        },
    )
    await wait_until(lambda: new_id in local.items)
    hub.broadcast("hub.item.updated", {"_id": "unknown", "value": 1})  # not enough to build an item
    hub.broadcast("hub.item.removed", {"_id": new_id})
    await wait_until(lambda: new_id not in local.items)
    hub.broadcast("hub.item.added", {"_id": "x", "name": "broken"})
    hub.broadcast(
        "hub.item.updated",
        {"_id": "late", "deviceId": device, "name": "lux", "valueType": "illuminance", "value": 3},
    )
    hub.set_item_value(temp, 25.0)  # a marker: the broadcasts above were handled before it
    await wait_until(lambda: local.items[temp].value == 25.0)
    assert "x" not in local.items
    assert "unknown" not in local.items
    assert "late" not in local.items  # an update never creates an item the hub did not list


async def test_scene_and_room_broadcasts(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    scene_changes: list[int] = []
    room_changes: list[set[str]] = []
    local.on_scenes_changed(lambda scenes: scene_changes.append(len(scenes)))
    local.on_rooms_changed(
        lambda rooms: room_changes.append({room.name for room in rooms.values()})
    )
    hub.add_scene({"_id": "s-new", "name": "Movie", "enabled": True})
    hub.add_scene({"_id": "s-new", "name": "Movie night", "enabled": False})
    await wait_until(lambda: len(scene_changes) == 2)
    assert local.scenes["s-new"].name == "Movie night"
    assert not local.scenes["s-new"].enabled
    hub.delete_scene("s-new")
    await wait_until(lambda: "s-new" not in local.scenes)
    hub.add_room({"_id": "r-new", "name": "Attic"})
    await wait_until(lambda: "r-new" in local.rooms)
    hub.add_room({"_id": "r-new", "name": "Loft"})
    await wait_until(lambda: local.rooms["r-new"].name == "Loft")
    hub.delete_room("r-new")
    await wait_until(lambda: "r-new" not in local.rooms)
    hub.house.rooms.append({"_id": "r-2", "name": "Garage"})
    hub.broadcast("hub.room.all.deleted", {})
    await wait_until(lambda: "r-2" in local.rooms)
    assert room_changes[-1] == {"Living room", "Kitchen", "Bedroom", "Garage"}
    hub.broadcast("hub.network.changed", {"interfaces": []})
    hub.broadcast("hub.scene.deleted", {"_id": "never-existed"})
    hub.broadcast("hub.room.deleted", {"_id": "never-existed"})
    hub.broadcast("hub.device.updated", {"_id": "never-existed", "name": "x"})
    hub.broadcast("hub.device.removed", {"_id": "never-existed"})
    await asyncio.sleep(0.05)
    assert len(scene_changes) == 3
    assert local.connected


async def test_hub_reboot_recovers_with_full_refresh(
    hub: EzloHubSimulator, local: EzloHubSession
) -> None:
    states: list[ConnectionState] = []
    local.on_connection_state(states.append)
    added: list[Device] = []
    removed: list[str] = []
    local.on_device_added(added.append)
    local.on_device_removed(removed.append)
    modes: list[str] = []
    local.on_modes_changed(lambda m: modes.append(m.current))
    scenes: list[int] = []
    local.on_scenes_changed(lambda s: scenes.append(len(s)))
    rooms: list[int] = []
    local.on_rooms_changed(lambda r: rooms.append(len(r)))
    lamp = item_id(hub, "Lamp switch", "switch")
    seen: list[Any] = []
    local.subscribe_item(lamp, lambda item: seen.append(item.value))
    motion = next(d.id for d in local.devices.values() if d.name == "Hall motion")
    devices_seen: list[bool] = []
    local.subscribe_device(motion, lambda device: devices_seen.append(device.reachable))

    await hub.reboot(0.2)
    # while the hub is down: values, devices, modes, scenes and rooms change
    hub.house.items[lamp]["value"] = True
    hub.house.devices[motion]["reachable"] = False
    gone = next(d for d in hub.house.devices if hub.house.devices[d]["name"] == "Garage door")
    del hub.house.devices[gone]
    new = hub.house.add_device("New siren", "siren", "", "siren")
    assert hub.house.modes is not None
    hub.house.modes["current"] = "2"
    hub.house.scenes.clear()
    hub.house.rooms.append({"_id": "r-x", "name": "Cellar"})
    await wait_until(lambda: local.reconnects == 1 and local.connected)
    assert ConnectionState.DISCONNECTED in states
    assert states[-1] is ConnectionState.CONNECTED
    assert seen == [True]
    assert devices_seen == [False]
    assert [d.id for d in added] == [new]
    assert removed == [gone]
    assert modes == ["2"]
    assert scenes == [0]
    assert rooms == [4]


async def test_drop_connections_recovers(hub: EzloHubSimulator, local: EzloHubSession) -> None:
    await hub.drop_connections()
    await wait_until(lambda: local.reconnects == 1 and local.connected)
    await local.refresh()
    assert len(local.devices) == len(hub.house.devices)


async def test_bad_local_key_on_reconnect_is_refreshed(
    hub: EzloHubSimulator, keys: KeyStore, local: EzloHubSession
) -> None:
    hub.rotate_local_key(USER, "rotated")
    keys.fresh = LocalKey(USER, "rotated")
    await hub.drop_connections()
    await wait_until(lambda: local.reconnects == 1 and local.connected)
    assert [refresh for _, refresh in keys.calls] == [False, False, True]


async def test_refused_key_on_reconnect_stops_with_auth_failed(
    hub: EzloHubSimulator, local: EzloHubSession
) -> None:
    hub.rotate_local_key(USER, "rotated")
    await hub.drop_connections()
    await wait_until(lambda: local.state is ConnectionState.AUTH_FAILED)
    with pytest.raises(EzloConnectionError):
        await local.run_scene("any")


async def test_slow_answers_time_out_then_recover(
    hub: EzloHubSimulator, local: EzloHubSession
) -> None:
    hub.response_delay = 1.5
    with pytest.raises(EzloTimeoutError, match=r"hub\.scenes\.run"):
        await local.run_scene(next(iter(local.scenes)))
    hub.response_delay = 0.0
    await local.run_scene(next(iter(local.scenes)))


async def test_keepalive_detects_a_silent_hub(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    session = await make_session(
        LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys),
        keepalive_interval=0.05,
        request_timeout=0.2,
    )
    await asyncio.sleep(0.15)  # a few keepalives answered in time
    assert session.reconnects == 0
    hub.response_delay = 0.3
    await wait_until(lambda: session.state is not ConnectionState.CONNECTED)
    hub.response_delay = 0.0
    await wait_until(lambda: session.connected and session.reconnects >= 1)


async def test_connect_failure_closes_and_connect_twice_is_refused(
    hub: EzloHubSimulator, keys: KeyStore, make_session: SessionFactory
) -> None:
    session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys))
    with pytest.raises(EzloConnectionError, match="already started"):
        await session.connect()
    hub.response_delay = 0.3
    slow = await make_session(
        LocalHubTransport("127.0.0.1", port=hub.port, key_provider=keys),
        connect=False,
        request_timeout=0.5,
    )
    hub.house.recorded_errors["hub.items.list"] = {
        "code": -32500,
        "message": "busy",
        "data": "ezlo.busy",
    }
    with pytest.raises(EzloRpcError, match="busy"):
        await slow.connect()
    assert slow.state is ConnectionState.DISCONNECTED
    with pytest.raises(EzloConnectionError):
        _ = slow.hub_info


async def test_listener_errors_do_not_break_the_session(
    hub: EzloHubSimulator, local: EzloHubSession
) -> None:
    temp = item_id(hub, "Multisensor", "temp")

    def broken(_: Item) -> None:
        raise RuntimeError("listener bug")

    good: list[float] = []
    local.subscribe_item(temp, broken)
    local.subscribe_item(temp, lambda item: good.append(item.value))  # type: ignore[arg-type]
    hub.set_item_value(temp, 19.0)
    await wait_until(lambda: good == [19.0])
    assert local.connected


async def test_session_without_scenes_or_modes(make_session: SessionFactory) -> None:
    from tests.simulators.ezlo_hub_house import demo_house

    house = demo_house(anonymous=True)
    house.recorded_errors["hub.scenes.list"] = {
        "code": -32602,
        "message": "Unknown method",
        "data": "rpc.method.notfound",
    }
    house.modes = None
    async with EzloHubSimulator(house) as hub:
        session = await make_session(LocalHubTransport("127.0.0.1", port=hub.port))
        assert session.scenes == {}
        assert session.modes is None
        hub.broadcast("hub.modes.switched", {"from": "1", "to": "2", "status": "done"})
        await asyncio.sleep(0.05)
        assert session.modes is None
        await session.close()
    assert session.state is ConnectionState.CLOSED
