"""Vera options: switches shown as lights, devices left out of Home Assistant."""

from __future__ import annotations

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.hubrelay.const import CONF_EXCLUDED_DEVICES, CONF_LIGHTS
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.vera.conftest import VeraWorld, wait_for


async def test_lights_and_excluded_devices(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    assert hass.states.get("switch.hall_hall_switch") is not None
    result = await hass.config_entries.options.async_init(vera_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "vera_options"
    schema = result["data_schema"].schema
    lights = schema[CONF_LIGHTS].config["options"]
    assert lights == [{"value": "10", "label": "Hall switch"}]  # dimmers are lights already
    excluded = schema[CONF_EXCLUDED_DEVICES].config["options"]
    assert {"value": "16", "label": "Bath humidity"} in excluded
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LIGHTS: ["10"], CONF_EXCLUDED_DEVICES: ["16"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()  # the options flow reloads the entry
    registry = er.async_get(hass)
    assert registry.async_get("switch.hall_hall_switch") is None
    assert registry.async_get("sensor.bath_bath_humidity_humidity") is None
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), vera_entry.entry_id)
    assert "Bath humidity" not in {device.name for device in devices}
    (light,) = [
        e.entity_id
        for e in er.async_entries_for_config_entry(registry, vera_entry.entry_id)
        if e.unique_id == f"{world.serial}_10" and e.domain == "light"
    ]
    await hass.services.async_call("light", "turn_on", {"entity_id": light}, blocking=True)
    await wait_for(hass, light, STATE_ON)
    assert world.hub.house.devices[10]["status"] == "1"


async def test_options_need_a_connected_vera(
    hass: HomeAssistant, world: VeraWorld, vera_entry: HubRelayConfigEntry
) -> None:
    await hass.config_entries.async_unload(vera_entry.entry_id)
    result = await hass.config_entries.options.async_init(vera_entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
