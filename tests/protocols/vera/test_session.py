"""VeraSession against the luup simulator over loopback: load, long poll, actions, faults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.hubrelay.protocols.vera import (
    FanMode,
    HvacMode,
    RgbColor,
    SetpointTarget,
    VeraActionError,
    VeraConnectionError,
    VeraDevice,
    VeraDimmer,
    VeraError,
    VeraLock,
    VeraProtocolError,
    VeraSceneController,
    VeraSecuritySensor,
    VeraSession,
    VeraSwitch,
    VeraThermostat,
    VeraTimeoutError,
    VeraTimings,
    VeraWindowCovering,
)
from custom_components.hubrelay.protocols.vera.services import (
    COLOR,
    SETPOINT,
    SETPOINT_COOL,
    SETPOINT_HEAT,
)
from tests.simulators.vera_luup import VeraLuupSimulator

from .conftest import FAST, eventually

type Events = list[tuple[bool, VeraError | None]]


def _listen(session: VeraSession) -> Events:
    events: Events = []
    session.add_connection_listener(lambda up, err: events.append((up, err)))
    return events


async def test_connect_loads_everything(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> None:
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    events = _listen(session)
    assert session.serial is None
    await session.connect()
    try:
        assert events == [(True, None)]
        assert session.connected
        assert session.serial == hub.house.serial
        assert session.controller is not None
        assert session.controller.firmware == hub.house.firmware
        assert set(session.devices) == set(hub.house.devices)
        assert {room.id: room.name for room in session.rooms.values()} == {
            room["id"]: room["name"] for room in hub.house.rooms
        }
        assert set(session.scenes) == set(hub.house.scenes)
        assert session.categories[2] == "Dimmable Light"
        assert session.device_details[13].device_type.endswith("DoorLock:1")
        rgb = session.devices[12]
        assert isinstance(rgb, VeraDimmer)
        assert rgb.supports_color
        assert rgb.variable(COLOR, "SupportedColors") == "W,D,R,G,B"
        await session.connect()  # a second call is a no-op
        assert [r["id"] for r in hub.requests].count("sdata") == 1
    finally:
        await session.close()
        await session.close()
    assert not session.connected


async def test_falls_back_to_the_other_url_form(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> None:
    hub.proxied_enabled = False
    session = VeraSession.local(http, f"http://127.0.0.1:{hub.port}", timings=FAST)
    assert session.transport.label.endswith("/port_3480/data_request")
    await session.connect()
    try:
        assert session.transport.label == f"local {hub.direct_url}"
    finally:
        await session.close()


async def test_no_form_answers(hub: VeraLuupSimulator, http: aiohttp.ClientSession) -> None:
    hub.proxied_enabled = hub.direct_enabled = False
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    with pytest.raises(VeraConnectionError, match="HTTP 404"):
        await session.connect()
    assert not session.connected
    with pytest.raises(VeraConnectionError, match="not connected"):
        await session.set_switch(10, True)


async def test_unreachable_hub(http: aiohttp.ClientSession) -> None:
    hub = VeraLuupSimulator()
    await hub.start()
    port = hub.port
    await hub.stop()
    session = VeraSession.local(http, f"127.0.0.1:{port}", timings=FAST)
    with pytest.raises(VeraConnectionError, match="cannot reach"):
        await session.connect()


async def test_slow_hub_times_out(hub: VeraLuupSimulator, http: aiohttp.ClientSession) -> None:
    hub.response_delay = 0.5
    session = VeraSession.local(
        http, f"127.0.0.1:{hub.port}", timings=replace(FAST, request_timeout=0.1)
    )
    with pytest.raises(VeraTimeoutError):
        await session.connect()


async def test_empty_sdata_during_reload_is_a_connection_error(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> None:
    hub.fail_next(200, "", count=2)
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    with pytest.raises(VeraConnectionError, match="reloading"):
        await session.connect()


def test_needs_a_transport() -> None:
    with pytest.raises(ValueError, match="transport"):
        VeraSession([])


async def test_updates_reach_only_their_subscribers(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    motion: list[VeraDevice] = []
    door: list[VeraDevice] = []
    unsubscribe = connected.subscribe(21, motion.append)
    connected.subscribe(20, door.append)
    untouched = connected.devices[20]
    hub.set_device(21, tripped="1", armedtripped="1", lasttrip="1700000100")
    await eventually(lambda: len(motion) == 1)
    sensor = motion[0]
    assert isinstance(sensor, VeraSecuritySensor)
    assert (sensor.tripped, sensor.armed_tripped, sensor.last_trip) == (True, True, 1700000100)
    assert sensor.battery_level == 90  # kept from the full load: the poll sent the merged record
    assert connected.devices[21] is sensor
    assert connected.devices[20] is untouched
    assert door == []
    unsubscribe()
    unsubscribe()
    hub.set_device(21, tripped="0")
    hub.set_device(20, tripped="1")
    await eventually(lambda: len(door) == 1)
    assert len(motion) == 1


async def test_partial_answer_merges_into_the_full_state(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    hub.house.devices[11] = {"id": 11, "level": "30"}  # the engine now sends only a changed field
    hub.set_device(11)
    await eventually(lambda: getattr(connected.devices[11], "level", None) == 30)
    dimmer = connected.devices[11]
    assert isinstance(dimmer, VeraDimmer)
    assert dimmer.name == "Living dimmer"
    assert dimmer.watts == 12.5


async def test_comm_failure_makes_a_device_unavailable(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    assert connected.devices[10].available
    hub.set_device(10, commFailure="1")
    await eventually(lambda: not connected.devices[10].available)


async def test_quiet_hub_answers_the_poll_on_timeout(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    await eventually(lambda: sum(r.get("id") == "lu_sdata" for r in hub.requests) >= 2)
    assert hub.requests[-1]["timeout"] == "1"
    hub.set_device(16, humidity="61")
    await eventually(lambda: getattr(connected.devices[16], "value", None) == 61.0)


Check = Callable[[dict[str, Any], VeraDevice], bool]
ACTIONS: list[tuple[str, Callable[[VeraSession], Awaitable[object]], int, Check]] = [
    (
        "switch on",
        lambda s: s.set_switch(10, True),
        10,
        lambda r, d: r["status"] == "1" and isinstance(d, VeraSwitch) and d.is_on is True,
    ),
    (
        "dim",
        lambda s: s.set_level(11, 140),
        11,
        lambda r, d: r["level"] == "100" and isinstance(d, VeraDimmer) and d.level == 100,
    ),
    (
        "dim off",
        lambda s: s.set_switch(11, False),
        11,
        lambda r, d: r["level"] == "0" and isinstance(d, VeraDimmer) and d.is_on is False,
    ),
    (
        "colour",
        lambda s: s.set_color(12, RgbColor(300, 128, -4)),
        12,
        lambda r, d: isinstance(d, VeraDimmer)
        and d.color == RgbColor(255, 128, 0)
        and d.is_on is True,
    ),
    (
        "unlock",
        lambda s: s.set_locked(13, False),
        13,
        lambda r, d: r["locked"] == "0" and isinstance(d, VeraLock) and d.locked is False,
    ),
    (
        "cool mode",
        lambda s: s.set_hvac_mode(14, HvacMode.COOL),
        14,
        lambda r, d: isinstance(d, VeraThermostat)
        and d.hvac_mode == "CoolOn"
        and d.target_setpoint == 25,
    ),
    (
        "fan",
        lambda s: s.set_fan_mode(14, FanMode.ON),
        14,
        lambda r, d: isinstance(d, VeraThermostat) and d.fan_mode == "ContinuousOn",
    ),
    (
        "heat setpoint (auto)",
        lambda s: s.set_setpoint(14, 22.5),
        14,
        lambda r, d: r["heat"] == "22.5"
        and isinstance(d, VeraThermostat)
        and d.target_setpoint == 22.5,
    ),
    (
        "cool setpoint",
        lambda s: s.set_setpoint(14, 24, SetpointTarget.COOL),
        14,
        lambda r, d: isinstance(d, VeraThermostat) and d.cool_setpoint == 24 and d.setpoint == 21,
    ),
    (
        "single setpoint",
        lambda s: s.set_setpoint(14, 19, SetpointTarget.SINGLE),
        14,
        lambda r, d: isinstance(d, VeraThermostat) and d.setpoint == 19 and d.heat_setpoint == 19,
    ),
    (
        "open cover",
        lambda s: s.open_cover(24),
        24,
        lambda r, d: isinstance(d, VeraWindowCovering) and d.level == 100,
    ),
    (
        "cover position",
        lambda s: s.set_level(24, 40),
        24,
        lambda r, d: isinstance(d, VeraWindowCovering) and d.level == 40,
    ),
    (
        "arm",
        lambda s: s.set_armed(22, True),
        22,
        lambda r, d: isinstance(d, VeraSecuritySensor) and d.armed is True,
    ),
    (
        "disarm smoke",
        lambda s: s.set_armed(23, False),
        23,
        lambda r, d: isinstance(d, VeraSecuritySensor) and d.armed is False,
    ),
]


@pytest.mark.parametrize(
    ("name", "act", "device_id", "check"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
async def test_action_changes_the_hub(
    hub: VeraLuupSimulator,
    connected: VeraSession,
    name: str,
    act: Callable[[VeraSession], Awaitable[object]],
    device_id: int,
    check: Check,
) -> None:
    seen: list[VeraDevice] = []
    connected.subscribe(device_id, seen.append)
    before = len(hub.actions)
    await act(connected)
    assert len(hub.actions) == before + 1
    assert hub.actions[-1][0] == device_id
    await eventually(lambda: bool(seen) and check(hub.house.devices[device_id], seen[-1]))


async def test_setpoint_service_follows_the_mode(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    await connected.set_setpoint(14, 21.5)
    assert hub.actions[-1][1] == SETPOINT_HEAT
    await connected.set_hvac_mode(14, "CoolOn")
    await eventually(lambda: getattr(connected.devices[14], "hvac_mode", None) == "CoolOn")
    await connected.set_setpoint(14, 23)
    assert hub.actions[-1][1:] == (
        SETPOINT_COOL,
        "SetCurrentSetpoint",
        {"NewCurrentSetpoint": "23"},
    )
    await connected.set_hvac_mode(14, HvacMode.AUTO)
    await eventually(lambda: getattr(connected.devices[14], "hvac_mode", None) == "AutoChangeOver")
    await connected.set_setpoint(14, 22)
    assert hub.actions[-1][1] == SETPOINT
    with pytest.raises(VeraActionError, match="Invalid Service"):
        await connected.set_setpoint(10, 22)  # not a thermostat: plain service, refused


async def test_cover_stop_and_close(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    await connected.open_cover(24)
    await connected.stop_cover(24)
    assert hub.house.devices[24]["level"] == "100"
    await connected.close_cover(24)
    await eventually(lambda: getattr(connected.devices[24], "level", None) == 0)
    assert [action[2] for action in hub.actions] == ["Up", "Stop", "Down"]


async def test_run_scene(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    changes: list[None] = []
    connected.add_structure_listener(lambda: changes.append(None))
    assert not connected.scenes[2].active
    result = await connected.run_scene(2)
    assert result.job_id is None
    assert hub.actions[-1] == (
        None,
        "urn:micasaverde-com:serviceId:HomeAutomationGateway1",
        "RunScene",
        {"SceneNum": "2"},
    )
    await eventually(lambda: connected.scenes[2].active)
    assert changes
    with pytest.raises(VeraActionError, match="Invalid Scene"):
        await connected.run_scene(99)


async def test_refused_actions(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    with pytest.raises(VeraActionError, match="Device not found"):
        await connected.set_switch(999, True)
    with pytest.raises(VeraActionError, match="Invalid Service"):
        await connected.set_locked(10, True)
    with pytest.raises(VeraActionError, match="Invalid argument"):
        await connected.set_hvac_mode(14, "Turbo")
    assert hub.actions == []


async def test_scene_controller_press(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    presses: list[VeraDevice] = []
    connected.subscribe(25, presses.append)
    hub.press_scene_controller(25, 3)
    await eventually(lambda: bool(presses))
    controller = presses[-1]
    assert isinstance(controller, VeraSceneController)
    assert controller.last_scene_id == 3
    assert controller.last_scene_time is not None
    assert {"id": "status", "DeviceNum": "25", "output_format": "json"} in hub.requests


async def test_luup_reload_is_ridden_out(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    events = _listen(connected)
    old_loadtime = hub.loadtime
    await eventually(lambda: sum(r.get("id") == "lu_sdata" for r in hub.requests) >= 1)
    hub.reload_luup(empty_answers=3)
    await eventually(lambda: hub.requests.count({"id": "sdata", "output_format": "json"}) == 2)
    hub.set_device(10, status="1")
    await eventually(lambda: getattr(connected.devices[10], "is_on", None) is True)
    assert hub.loadtime == old_loadtime + 1
    assert events == []
    assert connected.connected


async def test_removed_and_added_devices(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    changes: list[None] = []
    unsubscribe = connected.add_structure_listener(lambda: changes.append(None))
    hub.add_device({"id": 40, "name": "New plug", "category": 3, "subcategory": 1, "status": "0"})
    await eventually(lambda: 40 in connected.devices)
    assert len(changes) == 1
    hub.remove_device(40)
    await eventually(lambda: 40 not in connected.devices)
    assert len(changes) == 2
    unsubscribe()
    unsubscribe()
    hub.remove_device(10)
    await eventually(lambda: 10 not in connected.devices)
    assert len(changes) == 2


async def test_one_failed_poll_is_retried_quietly(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    events = _listen(connected)
    await eventually(lambda: sum(r.get("id") == "lu_sdata" for r in hub.requests) >= 1)
    hub.fail_next(500)
    hub.set_device(10, status="1")
    await eventually(lambda: getattr(connected.devices[10], "is_on", None) is True)
    assert events == []


async def test_outage_is_reported_and_recovered(
    hub: VeraLuupSimulator, connected: VeraSession
) -> None:
    events = _listen(connected)
    hub.fail_next(500, count=4)
    hub.set_device(10, status="1")
    await eventually(lambda: bool(events) and events[-1] == (True, None))
    assert events[0][0] is False
    assert isinstance(events[0][1], VeraConnectionError)
    assert "HTTP 500" in str(events[0][1])
    assert sum(1 for up, _ in events if not up) == 1
    assert getattr(connected.devices[10], "is_on", None) is True


async def test_hub_restart_on_the_same_port(http: aiohttp.ClientSession) -> None:
    hub = VeraLuupSimulator()
    await hub.start()
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    await session.connect()
    events = _listen(session)
    try:
        await hub.stop()
        await eventually(lambda: bool(events))
        assert events[0][0] is False
        assert not session.connected
        hub = VeraLuupSimulator(port=hub.port)
        hub.house.devices[10]["status"] = "1"
        await hub.start()
        await eventually(lambda: events[-1] == (True, None))
        assert getattr(session.devices[10], "is_on", None) is True
    finally:
        await session.close()
        await hub.stop()


async def test_slow_polls_time_out_then_recover(http: aiohttp.ClientSession) -> None:
    timings = replace(FAST, request_timeout=0.2)
    async with VeraLuupSimulator() as hub:
        session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=timings)
        await session.connect()
        events = _listen(session)
        try:
            hub.response_delay = 2.0
            await eventually(lambda: bool(events))
            assert isinstance(events[0][1], VeraTimeoutError)
            hub.response_delay = 0.0
            await eventually(lambda: events[-1] == (True, None))
        finally:
            await session.close()


async def test_a_broken_listener_does_not_stop_updates(
    hub: VeraLuupSimulator, connected: VeraSession, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(device: VeraDevice) -> None:
        raise RuntimeError("listener bug")

    seen: list[VeraDevice] = []
    connected.subscribe(10, broken)
    connected.subscribe(10, seen.append)
    with caplog.at_level(logging.ERROR):
        hub.set_device(10, status="1")
        await eventually(lambda: bool(seen))
    assert "error in a Vera listener" in caplog.text


async def test_refresh_reloads(hub: VeraLuupSimulator, connected: VeraSession) -> None:
    hub.house.devices[15]["name"] = "Renamed"
    await connected.refresh()
    assert connected.devices[15].name == "Renamed"


async def test_sdata_without_versions_is_refused(
    hub: VeraLuupSimulator, http: aiohttp.ClientSession
) -> None:
    hub.fail_next(200, '{"full": 1, "devices": []}', count=2)
    session = VeraSession.local(http, f"127.0.0.1:{hub.port}", timings=FAST)
    with pytest.raises(VeraProtocolError, match="loadtime"):
        await session.connect()


def test_backoff_grows_with_jitter() -> None:
    timings = VeraTimings(backoff_initial=1.0, backoff_max=8.0)
    for failures, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (40, 8.0)):
        delay = timings.backoff(failures)
        assert ceiling / 2 <= delay <= ceiling
