"""Vera devices that report less than the demo's, or change kind: each light shows what it knows.

A dimmer may report a level but no on/off status (or neither, before its first poll), an RGB bulb
that is on only needs its colour, and a device can be re-included as another kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from homeassistant.const import STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.vera.conftest import VeraWorld, add_vera, start_world, wait_for
from tests.simulators.vera_luup_house import demo_house

RGB_BULB = "light.living_living_rgb_bulb"


def dimmer(device_id: int, name: str, **codes: str) -> dict[str, Any]:
    """An sdata dimmer record (category 2) in the garden, with only the short codes given."""
    return {
        "name": name,
        "altid": str(device_id),
        "id": device_id,
        "category": 2,
        "subcategory": 3,
        "room": 4,
        "parent": 1,
        **codes,
        "state": -1,
        "comment": "",
    }


@pytest.fixture
async def variants(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[VeraWorld, HubRelayConfigEntry]]:
    house = demo_house()
    # A level but no status; neither (the engine has not polled it yet).
    house.devices[42] = dimmer(42, "Porch dimmer", level="30")
    house.devices[43] = dimmer(43, "Shed dimmer")
    async for world in start_world(house, monkeypatch):
        entry = await add_vera(hass, world)
        yield world, entry
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


def entity_of(hass: HomeAssistant, world: VeraWorld, domain: str, device_id: int) -> str | None:
    unique_id = f"{world.serial}_{device_id}"
    return er.async_get(hass).async_get_entity_id(domain, DOMAIN, unique_id)


def state_of(hass: HomeAssistant, entity_id: str | None) -> State:
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: object
) -> None:
    await hass.services.async_call(domain, service, {"entity_id": entity_id, **data}, blocking=True)


async def test_a_dimmer_without_status_is_on_by_its_level(
    hass: HomeAssistant, variants: tuple[VeraWorld, HubRelayConfigEntry]
) -> None:
    world, _ = variants
    porch = state_of(hass, entity_of(hass, world, "light", 42))
    assert porch.state == STATE_ON
    assert porch.attributes["brightness"] == 76  # 30 %
    shed = state_of(hass, entity_of(hass, world, "light", 43))
    assert shed.state == STATE_UNKNOWN
    assert shed.attributes["brightness"] is None


async def test_colour_for_a_bulb_that_is_on_sends_only_the_colour(
    hass: HomeAssistant, variants: tuple[VeraWorld, HubRelayConfigEntry]
) -> None:
    world, _ = variants
    await call(hass, Platform.LIGHT, "turn_on", RGB_BULB)
    await wait_for(hass, RGB_BULB, STATE_ON)
    world.hub.actions.clear()
    await call(hass, Platform.LIGHT, "turn_on", RGB_BULB, rgb_color=[0, 255, 0])
    assert [action for _, _, action, _ in world.hub.actions] == ["SetColorRGB"]


async def test_a_device_included_again_as_another_kind(
    hass: HomeAssistant, variants: tuple[VeraWorld, HubRelayConfigEntry]
) -> None:
    world, _ = variants
    light = entity_of(hass, world, "light", 42)
    before = state_of(hass, light)
    # Re-included as a plain switch: the light no longer follows it.
    world.hub.set_device(42, category=3, subcategory=0, status="0")
    world.hub.set_device(11, level="10")  # a later change, to know the first one arrived
    await wait_for_brightness(hass, "light.living_living_dimmer", 26)
    assert state_of(hass, light).state == before.state
    assert state_of(hass, light).attributes["brightness"] == before.attributes["brightness"]


async def wait_for_brightness(hass: HomeAssistant, entity_id: str, brightness: int) -> None:
    """Wait until a light reports `brightness`; updates arrive by long poll."""
    async with asyncio.timeout(3.0):
        while state_of(hass, entity_id).attributes.get("brightness") != brightness:
            await asyncio.sleep(0.01)
