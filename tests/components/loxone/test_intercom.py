"""Loxone intercoms against the Miniserver simulator: camera, doorbell, bell history, buttons.

The simulator serves the intercom's camera on loopback behind basic authentication and hands out
its address and credentials only in an encrypted `securedDetails` answer, as a Miniserver does.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
import json
import logging
from typing import Any

from homeassistant.components import automation, camera
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.event import ATTR_EVENT_TYPES
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_get_device_automations,
    async_mock_service,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone import camera as camera_module
from custom_components.hubrelay.loxone.camera import _first_frame
from custom_components.hubrelay.loxone.intercom import (
    MAX_BELL_EVENTS,
    VideoAccess,
    _secret_details,
    bell_times,
)
from custom_components.hubrelay.protocols.loxone import Control
from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.miniserver_intercom import CAMERA_USER, MJPEG_BOUNDARY, camera_password

from ..presses import Presses
from .conftest import add_miniserver, control, state_uuid, wait_for_state

CAMERA = "camera.hall_front_door"
DOORBELL = "event.hall_front_door_doorbell"
LAST_BELL = "sensor.hall_front_door_last_bell"
ANSWER = "button.hall_front_door_answer"
OPENER = "button.hall_front_door_door_opener"
ACTION = control("Front door")["uuidAction"]
BELL = state_uuid("Front door", "bell")
SECURED = f"jdev/sps/io/{ACTION}/securedDetails"


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button entity."""
    await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)


def local(*parts: int) -> datetime:
    """A Miniserver time (local, in Home Assistant's zone)."""
    return datetime(*parts, tzinfo=dt_util.get_default_time_zone())  # type: ignore[misc]


async def wait_for_sensor_time(hass: HomeAssistant, entity_id: str, expected: datetime) -> None:
    """Wait (3 s at most) until a timestamp sensor shows `expected`."""
    await wait_for_state(hass, entity_id, dt_util.as_utc(expected).isoformat())


async def wait_for_value(miniserver: MiniserverSimulator, uuid: str, value: float) -> None:
    """Wait (3 s at most) until the simulator holds `value` for a state."""
    async with asyncio.timeout(3.0):
        while miniserver.values.get(uuid) != value:
            await asyncio.sleep(0.01)


# -- entities -------------------------------------------------------------------------------------
async def test_an_intercom_has_its_entities(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    registry = er.async_get(hass)
    entities = {
        entry.entity_id: entry
        for entry in er.async_entries_for_config_entry(registry, loxone_entry.entry_id)
        if entry.unique_id.startswith(f"{loxone_entry.runtime_data.serial}_{ACTION}")
    }
    assert sorted(entities) == sorted(
        [
            CAMERA,
            DOORBELL,
            LAST_BELL,
            ANSWER,
            OPENER,
            "button.hall_front_door_outside_light",
        ]
    )
    assert len({entry.device_id for entry in entities.values()}) == 1
    assert all(entry.disabled_by is None for entry in entities.values())
    assert entities[DOORBELL].capabilities == {ATTR_EVENT_TYPES: ["ring"]}
    doorbell = hass.states.get(DOORBELL)
    assert doorbell is not None
    assert doorbell.state == STATE_UNKNOWN
    assert doorbell.attributes["device_class"] == "doorbell"
    cam = hass.states.get(CAMERA)
    assert cam is not None
    assert cam.state == "idle"
    assert cam.attributes["friendly_name"] == "Front door"
    last = hass.states.get(LAST_BELL)
    assert last is not None
    assert dt_util.parse_datetime(last.state) == local(2026, 1, 15, 8, 15, 2)
    assert [dt_util.parse_datetime(time) for time in last.attributes["bell_events"]] == [
        local(2026, 1, 15, 8, 15, 2),
        local(2026, 1, 14, 17, 30, 5),
    ]


# -- camera -------------------------------------------------------------------------------------
async def test_the_camera_image_comes_from_the_intercom(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    image = await camera.async_get_image(hass, CAMERA)
    assert image.content.startswith(b"\xff\xd8")
    assert image.content.endswith(b"\xff\xd9")
    # The simulator answers securedDetails only to an encrypted command.
    assert miniserver.received.count(SECURED) == 1
    assert miniserver.intercom.requests == [("jpg", 200)]
    # Asked once per session: the next image needs no new details.
    await camera.async_get_image(hass, CAMERA)
    assert miniserver.received.count(SECURED) == 1
    assert miniserver.intercom.requests == [("jpg", 200), ("jpg", 200)]


async def test_without_a_snapshot_the_first_stream_frame_is_the_image(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.intercom.alert_image = False
    image = await camera.async_get_image(hass, CAMERA)
    assert image.content.startswith(b"\xff\xd8")
    assert image.content.endswith(b"\xff\xd9")
    assert miniserver.intercom.requests == [("mjpg", 200)]


async def test_a_changed_intercom_password_is_fetched_again_once(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await camera.async_get_image(hass, CAMERA)
    miniserver.intercom.passwords[ACTION] = "changed-in-config-7"
    image = await camera.async_get_image(hass, CAMERA)
    assert image.content.startswith(b"\xff\xd8")
    assert miniserver.received.count(SECURED) == 2
    assert miniserver.intercom.requests == [("jpg", 200), ("jpg", 401), ("jpg", 200)]


async def test_an_intercom_without_video_has_no_image(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.intercom.video_configured = False
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, CAMERA)
    assert miniserver.intercom.requests == []


async def test_no_image_while_disconnected_and_fresh_details_after(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await camera.async_get_image(hass, CAMERA)
    await miniserver.stop()
    await wait_for_state(hass, CAMERA, STATE_UNAVAILABLE)
    entity = hass.data["camera"].get_entity(CAMERA)
    assert await entity.async_camera_image() is None
    await miniserver.start()
    await wait_for_state(hass, CAMERA, "idle")
    await camera.async_get_image(hass, CAMERA)
    assert miniserver.received.count(SECURED) == 2


async def test_a_camera_error_or_an_unreachable_camera_gives_no_image(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    miniserver.intercom.fail_status = 500
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, CAMERA)
    assert miniserver.intercom.requests == [("jpg", 500)]
    # New details (after a reconnect) that point at a port nobody listens on.
    miniserver.intercom.camera_base = "http://127.0.0.1:9"
    await miniserver.stop()
    await wait_for_state(hass, CAMERA, STATE_UNAVAILABLE)
    await miniserver.start()
    await wait_for_state(hass, CAMERA, "idle")
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, CAMERA)
    assert miniserver.intercom.requests == [("jpg", 500)]


async def test_old_firmware_video_info_in_the_plain_details(hass: HomeAssistant) -> None:
    """Before securedDetails the structure file itself carried `videoInfo`."""
    async with MiniserverSimulator(structure=_v2_house(secured_details=False)) as sim:
        action = uid("v2.intercom")
        intercom = sim.structure["controls"][action]
        intercom["type"] = "Intercom"
        intercom["details"]["videoInfo"] = {
            "streamUrl": f"{sim.base_url}/intercom/{action}/mjpg/video.mjpg",
            "user": CAMERA_USER,
            "pass": camera_password(action),
        }
        entry = await add_miniserver(hass, sim)
        image = await camera.async_get_image(hass, "camera.garden_gate")
        assert image.content.startswith(b"\xff\xd8")
        assert sim.intercom.requests == [("mjpg", 200)]
        assert not any(path.endswith("securedDetails") for path in sim.received)
        await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_credentials_in_the_structure_stay_off_the_disk(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A structure file with old firmware's `videoInfo` password is never cached in storage.

    One cached before (by an earlier version) is removed at the next start, and the camera still
    works from the file downloaded again.
    """
    async with MiniserverSimulator(structure=_v2_house(secured_details=False)) as sim:
        action = uid("v2.intercom")
        intercom = sim.structure["controls"][action]
        intercom["type"] = "Intercom"
        password = camera_password(action)
        intercom["details"]["videoInfo"] = {
            "streamUrl": f"{sim.base_url}/intercom/{action}/mjpg/video.mjpg",
            "user": CAMERA_USER,
            "pass": password,
        }
        entry = await add_miniserver(hass, sim)
        key = f"{DOMAIN}.{entry.entry_id}.structure"
        assert key not in hass_storage
        await hass.config_entries.async_unload(entry.entry_id)

        hass_storage[key] = {"version": 1, "key": key, "data": sim.structure}
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert key not in hass_storage
        assert password not in json.dumps(hass_storage, default=str)
        image = await camera.async_get_image(hass, "camera.garden_gate")
        assert image.content.startswith(b"\xff\xd8")

        # Without the password in it, the file is cached again.
        del intercom["details"]["videoInfo"]
        sim.structure["lastModified"] = "2030-01-01 00:00:00"
        await sim.drop_connections()
        async with asyncio.timeout(5):
            while key not in hass_storage:
                await asyncio.sleep(0.05)
        await hass.async_block_till_done()
        await hass.config_entries.async_unload(entry.entry_id)


async def test_an_intercom_that_keeps_refusing_gives_no_image(hass: HomeAssistant) -> None:
    """Details without a user: no authentication is sent, the camera refuses twice."""
    async with MiniserverSimulator(structure=_v2_house(secured_details=False)) as sim:
        action = uid("v2.intercom")
        video = {"streamUrl": f"{sim.base_url}/intercom/{action}/mjpg/video.mjpg"}
        sim.structure["controls"][action]["details"]["videoInfo"] = video
        entry = await add_miniserver(hass, sim)
        with pytest.raises(HomeAssistantError):
            await camera.async_get_image(hass, "camera.garden_gate")
        assert sim.intercom.requests == [("mjpg", 401), ("mjpg", 401)]
        await hass.config_entries.async_unload(entry.entry_id)


class _Chunks:
    """A stream that hands out fixed chunks, then ends."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)

    async def read(self, _size: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""


async def test_first_frame_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = b"\xff\xd8jpeg\xff\xd9"
    assert await _first_frame(_Chunks(b"--b\r\n\xff\xd8jp", b"eg\xff\xd9tail")) == frame  # type: ignore[arg-type]
    assert await _first_frame(_Chunks(b"--b\r\n\xff\xd8 cut off")) is None  # type: ignore[arg-type]
    monkeypatch.setattr(camera_module, "MAX_IMAGE_BYTES", 8)
    assert await _first_frame(_Chunks(b"\xff\xd8123456", b"789")) is None  # type: ignore[arg-type]


async def test_no_stream_without_video(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    miniserver.intercom.video_configured = False
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{CAMERA}")
    assert response.status >= 400
    assert miniserver.intercom.requests == []


async def test_the_mjpeg_stream_is_relayed(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
) -> None:
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{CAMERA}")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("multipart/x-mixed-replace")
    data = b""
    async with asyncio.timeout(3.0):
        while data.count(b"\xff\xd9") < 2:
            data += await response.content.read(4096)
    response.close()
    assert f"--{MJPEG_BOUNDARY}".encode() in data
    assert ("mjpg", 200) in miniserver.intercom.requests


async def test_credentials_reach_no_log_attribute_or_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    miniserver: MiniserverSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert await async_setup_component(hass, "diagnostics", {})  # before the HTTP client starts
    entry = await add_miniserver(hass, miniserver)
    await camera.async_get_image(hass, CAMERA)
    miniserver.intercom.passwords[ACTION] = "second-secret-5"  # a refusal logs at debug level
    await camera.async_get_image(hass, CAMERA)
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{CAMERA}")
    await response.content.read(4096)
    response.close()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    states = json.dumps([state.as_dict() for state in hass.states.async_all()], default=str)
    secrets = [camera_password(ACTION), "second-secret-5", "sip-secret", f"/intercom/{ACTION}"]
    for secret in secrets:
        assert secret not in json.dumps(diagnostics), secret
        assert secret not in states, secret
        assert secret not in caplog.text, secret
    await hass.config_entries.async_unload(entry.entry_id)


# -- doorbell -----------------------------------------------------------------------------------
async def test_a_ring_is_exactly_one_event(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    rings = Presses(hass, DOORBELL)
    miniserver.ring(ACTION, "20260115090000")
    await rings.wait_for(hass, 1)
    await wait_for_sensor_time(hass, LAST_BELL, local(2026, 1, 15, 9, 0, 0))
    await press(hass, ANSWER)
    await wait_for_value(miniserver, BELL, 0.0)
    miniserver.ring(ACTION, "20260115090500")
    await rings.wait_for(hass, 2)
    assert rings.kinds() == [(DOORBELL, "ring"), (DOORBELL, "ring")]
    assert miniserver.commands.count((ACTION, "answer")) == 1


async def test_ringing_in_the_table_after_a_reconnect_is_no_event(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    rings = Presses(hass, DOORBELL)
    await miniserver.stop()
    await wait_for_state(hass, DOORBELL, STATE_UNAVAILABLE)
    miniserver.ring(ACTION)  # rang while Home Assistant could not see it; still ringing
    await miniserver.start()
    await wait_for_state(hass, DOORBELL, STATE_UNKNOWN)
    miniserver.set_value(BELL, 0.0)
    miniserver.ring(ACTION)
    await rings.wait_for(hass, 1)
    assert len(rings.seen) == 1


async def test_a_reload_while_ringing_fires_nothing(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)
    rings = Presses(hass, DOORBELL)
    miniserver.ring(ACTION)
    await rings.wait_for(hass, 1)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    miniserver.set_value(BELL, 0.0)
    miniserver.ring(ACTION)
    await rings.wait_for(hass, 2)
    assert len(rings.seen) == 2
    await hass.config_entries.async_unload(entry.entry_id)


async def test_doorbell_device_trigger(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    entity = er.async_get(hass).async_get(DOORBELL)
    assert entity is not None
    assert entity.device_id is not None
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, entity.device_id
    )
    ours = [t for t in triggers if t["domain"] == DOMAIN]
    assert ours == [
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": entity.device_id,
            "entity_id": entity.id,
            "type": "ring",
            "subtype": "doorbell",
            "metadata": {"secondary": False},
        }
    ]
    calls: list[ServiceCall] = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": ours[0],
                "actions": {"action": "test.automation", "data": {"type": "{{ trigger.type }}"}},
            }
        },
    )
    rings = Presses(hass, DOORBELL)
    miniserver.ring(ACTION)
    await rings.wait_for(hass, 1)
    await miniserver.stop()
    await wait_for_state(hass, DOORBELL, STATE_UNAVAILABLE)
    await miniserver.start()
    await wait_for_state(hass, DOORBELL, next(iter(rings.stamps[DOORBELL])))
    miniserver.set_value(BELL, 0.0)
    miniserver.ring(ACTION)
    await rings.wait_for(hass, 2)
    assert [call.data["type"] for call in calls] == ["ring", "ring"]


# -- buttons ------------------------------------------------------------------------------------
async def test_the_door_opener_pulses_its_output(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    await press(hass, OPENER)
    assert miniserver.commands[-1] == (f"{ACTION}/1", "pulse")
    await press(hass, "button.hall_front_door_outside_light")
    assert miniserver.commands[-1] == (f"{ACTION}/2", "pulse")


async def test_commands_and_details_while_disconnected_raise(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    coordinator = loxone_entry.runtime_data
    intercom = coordinator.structure.controls[ACTION]
    await miniserver.stop()
    await wait_for_state(hass, ANSWER, STATE_UNAVAILABLE)
    for attempt in (
        coordinator.async_send_command(intercom, "answer"),
        coordinator.async_send_command(intercom.sub_controls[f"{ACTION}/1"], "pulse"),
        coordinator.async_secured_details(intercom),
    ):
        with pytest.raises(HomeAssistantError) as err:
            await attempt
        assert err.value.translation_key == "not_connected"


async def test_details_of_a_control_without_them_fail_clearly(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    coordinator = loxone_entry.runtime_data
    switch = next(c for c in coordinator.structure.controls.values() if c.type == "Switch")
    with pytest.raises(HomeAssistantError) as err:
        await coordinator.async_secured_details(switch)
    assert err.value.translation_key == "secured_details_failed"


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", ""])
async def test_broken_details_give_no_image(
    hass: HomeAssistant,
    miniserver: MiniserverSimulator,
    loxone_entry: HubRelayConfigEntry,
    raw: str,
) -> None:
    miniserver.intercom.raw_details = raw
    coordinator = loxone_entry.runtime_data
    if raw:
        with pytest.raises(HomeAssistantError) as err:
            await coordinator.async_secured_details(coordinator.structure.controls[ACTION])
        assert err.value.translation_key == "secured_details_failed"
    else:
        assert await coordinator.async_secured_details(coordinator.structure.controls[ACTION]) == {}
    with pytest.raises(HomeAssistantError):
        await camera.async_get_image(hass, CAMERA)
    assert miniserver.intercom.requests == []


# -- IntercomV2 ---------------------------------------------------------------------------------
def _v2_house(*, secured_details: bool) -> dict[str, Any]:
    """A structure with one IntercomV2 (states as documented) and its door output."""
    key = "v2.intercom"
    action = uid(key)
    names = ["bell", "missedBellEvents", "deviceState", "address"]
    intercom: dict[str, Any] = {
        "name": "Gate",
        "type": "IntercomV2",
        "uuidAction": action,
        "room": uid("room.garden"),
        "cat": uid("cat.security"),
        "isSecured": False,
        "details": {"deviceUuid": uid("v2.device")},
        "states": {name: uid(f"{key}.{name}") for name in names},
        "subControls": {
            f"{action}/1": {
                "name": "Gate opener",
                "type": "Pushbutton",
                "uuidAction": f"{action}/1",
                "states": {"active": uid(f"{key}/1.active")},
            }
        },
    }
    if secured_details:
        intercom["securedDetails"] = True
    return {
        "lastModified": "2026-02-01 10:00:00",
        "msInfo": {"serialNr": "504F94A0B1C2", "msName": "Gate house", "miniserverType": 2},
        "rooms": {uid("room.garden"): {"uuid": uid("room.garden"), "name": "Garden"}},
        "cats": {uid("cat.security"): {"uuid": uid("cat.security"), "name": "Security"}},
        "controls": {action: intercom},
    }


async def test_intercom_v2_mute_answer_ring_and_camera(hass: HomeAssistant) -> None:
    action = uid("v2.intercom")
    async with MiniserverSimulator(structure=_v2_house(secured_details=True)) as sim:
        entry = await add_miniserver(hass, sim)
        rings = Presses(hass, "event.garden_gate_doorbell")
        sim.ring(action, "20260201100000")
        await rings.wait_for(hass, 1)
        await wait_for_sensor_time(hass, "sensor.garden_gate_last_bell", local(2026, 2, 1, 10))
        for button, command in (
            ("mute_bell", "mute/1"),
            ("unmute_bell", "mute/0"),
            ("answer", "answer"),
            ("gate_opener", "pulse"),
        ):
            await press(hass, f"button.garden_gate_{button}")
            assert sim.commands[-1][1] == command
        image = await camera.async_get_image(hass, "camera.garden_gate")
        assert image.content.startswith(b"\xff\xd8")
        await hass.config_entries.async_unload(entry.entry_id)


async def test_intercom_v2_without_secured_details_has_no_camera(hass: HomeAssistant) -> None:
    async with MiniserverSimulator(structure=_v2_house(secured_details=False)) as sim:
        entry = await add_miniserver(hass, sim)
        assert hass.states.get("event.garden_gate_doorbell") is not None
        assert hass.states.get("camera.garden_gate") is None
        await hass.config_entries.async_unload(entry.entry_id)


# -- parsing ------------------------------------------------------------------------------------
def test_video_access_reads_video_info_and_hides_the_password() -> None:
    access = VideoAccess.from_details(
        {
            "videoInfo": {
                "streamUrl": "http://cam:secret-1@192.0.2.7/mjpg/video.mjpg",
                "alertImage": "ftp://192.0.2.7/image.jpg",
            }
        }
    )
    assert access is not None
    assert str(access.stream_url) == "http://192.0.2.7/mjpg/video.mjpg"
    assert access.still_url == access.stream_url
    assert (access.user, access.password) == ("cam", "secret-1")
    assert "secret-1" not in repr(access)
    given = VideoAccess.from_details(
        {"videoInfo": {"alertImage": "https://192.0.2.7/jpg", "user": CAMERA_USER, "pass": "p"}}
    )
    assert given is not None
    assert (given.stream_url, given.user, given.password) == (None, CAMERA_USER, "p")
    assert str(given.still_url) == "https://192.0.2.7/jpg"
    for details in (
        None,
        {},
        {"videoInfo": {}},
        {"videoInfo": "x"},
        {"videoInfo": {"streamUrl": "not a url at all"}},
        {"videoInfo": {"streamUrl": "http://[bad"}},
        {"videoInfo": {"streamUrl": 5}},
    ):
        assert VideoAccess.from_details(details) is None, details


def test_secrets_in_plain_details_are_found_in_every_form() -> None:
    assert not _secret_details(None)
    assert not _secret_details({"videoInfo": {}, "audioInfo": {}})
    assert not _secret_details({"videoInfo": {"streamUrl": "http://10.0.0.5/mjpg/video.mjpg"}})
    assert _secret_details({"audioInfo": {"host": "10.0.0.5:5060", "pass": "sip-secret"}})
    assert _secret_details({"videoInfo": {"user": "admin"}})
    assert _secret_details({"videoInfo": {"streamUrl": "http://admin:pw@10.0.0.5/mjpg/video.mjpg"}})


def test_bell_times_are_bounded_and_skip_junk() -> None:
    stamps = [f"202601{day:02d}120000" for day in range(1, 31)]
    times = bell_times("|".join(["junk", *reversed(stamps), ""]))
    assert len(times) == MAX_BELL_EVENTS
    assert times == sorted(times)
    assert times[-1].day == 30
    assert bell_times(None) == []


def test_the_structure_flag_for_secured_details() -> None:
    data = control("Front door")
    assert Control.from_json(data["uuidAction"], data).has_secured_details is True
    switch = control("Hall light")
    assert Control.from_json(switch["uuidAction"], switch).has_secured_details is False
