"""A hub cannot grow the cache with unknown items or start a load per announcement (issue 13,
item 11)."""

from __future__ import annotations

import logging
import math

import pytest

from custom_components.hubrelay.protocols.ezlo import Device, EzloHubSession
from custom_components.hubrelay.protocols.ezlo.session import DEVICE_LOAD_BATCH, MAX_DEVICE_LOADS
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import object_id

from .helpers import wait_until


def item_record(device_id: str) -> dict[str, object]:
    return {
        "_id": object_id(),
        "deviceId": device_id,
        "name": "lux",
        "valueType": "int",
        "value": 1,
    }


async def marker(hub: EzloHubSimulator, local: EzloHubSession, value: float) -> None:
    """Wait until a broadcast sent after the others was handled (the socket keeps order)."""
    temp = next(i for i, item in hub.house.items.items() if item["name"] == "temp")
    hub.set_item_value(temp, value)
    await wait_until(lambda: local.items[temp].value == value)


async def test_updates_and_additions_of_unknown_items_are_ignored(
    hub: EzloHubSimulator, local: EzloHubSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "custom_components.hubrelay.protocols.ezlo")
    device = next(iter(local.devices))
    before = set(local.items)
    for _ in range(200):
        hub.broadcast("hub.item.updated", item_record(device))
        hub.broadcast("hub.item.added", item_record(object_id()))  # a device nobody listed
    await marker(hub, local, 26.5)
    assert set(local.items) == before
    assert len([r for r in caplog.records if "unknown things" in r.message]) == 1  # once


async def test_a_device_added_flood_loads_items_in_a_few_batched_calls(
    hub: EzloHubSimulator, local: EzloHubSession
) -> None:
    flood = 60
    added: list[Device] = []
    local.on_device_added(added.append)
    hub.response_delay = 0.02
    ids = []
    for number in range(flood):
        device_id = hub.house.add_device(f"Plug {number}", "switch", "", "switch.outlet")
        ids.append(device_id)
        hub.add_device(hub.house.devices.pop(device_id), [])
    await wait_until(lambda: len(added) == flood)
    loads = [
        params["deviceIds"]
        for method, params in hub.requests
        if method == "hub.items.list" and "deviceIds" in params
    ]
    assert len(loads) <= math.ceil(flood / DEVICE_LOAD_BATCH) + MAX_DEVICE_LOADS
    assert sorted(i for batch in loads for i in batch) == sorted(ids)  # each asked for once
    assert {device.id for device in added} == set(ids)
