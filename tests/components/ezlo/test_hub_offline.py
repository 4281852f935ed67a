"""A hub that leaves the cloud is waited for, never a reason to ask for the password (issue 20).

The relay announces ``ezlostatechanged`` (``connected: false``) and then refuses ``register`` with
``register.device.offline`` "Controller is offline" on every reconnect, as a real relay does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from custom_components.hubrelay.const import DOMAIN
from tests.components.ezlo.conftest import EzloWorld, add_hub, wait_for

LAMP = "switch.living_room_lamp_switch"


async def wait_until(condition: Callable[[], Any], seconds: float = 3.0) -> None:
    """Wait until `condition()` is true."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    """Every re-authentication flow in progress for the integration."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "reauth"
    ]


async def test_hub_offline_at_the_relay_needs_no_reauth(
    hass: HomeAssistant, world: EzloWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    entry = await add_hub(hass, world, "relay")
    await wait_for(hass, LAMP, STATE_OFF)
    logins = len(world.relay.logins)
    await world.relay.disconnect_hub()
    await wait_for(hass, LAMP, STATE_UNAVAILABLE)
    # Several reconnects, each logged in and then refused "Controller is offline".
    await wait_until(lambda: len(world.relay.logins) >= logins + 3)
    await hass.async_block_till_done()
    assert not reauth_flows(hass)
    assert entry.state is ConfigEntryState.LOADED
    world.hub.house.item_by_name("Lamp switch", "switch")["value"] = True  # changed meanwhile
    world.relay.reconnect_hub()
    await wait_for(hass, LAMP, STATE_ON)  # back on its own, with what changed while away
    assert not reauth_flows(hass)
    assert "refused our credentials" not in caplog.text
    assert "Controller is offline" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def test_hub_offline_at_start_retries_setup_without_reauth(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    entry = await add_hub(hass, world, "relay")
    await hass.config_entries.async_unload(entry.entry_id)
    await world.relay.disconnect_hub()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not reauth_flows(hass)
    world.relay.reconnect_hub()
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(hass, LAMP, STATE_OFF)
    await hass.config_entries.async_unload(entry.entry_id)
