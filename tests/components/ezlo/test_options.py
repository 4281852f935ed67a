"""Ezlo options: devices left out of Home Assistant."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.hubrelay.const import CONF_EXCLUDED_DEVICES
from custom_components.hubrelay.data import HubRelayConfigEntry
from tests.components.ezlo.conftest import EzloWorld


async def test_excluded_devices_get_no_entities(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    lamp = next(d for d in world.hub.house.devices.values() if d["name"] == "Lamp switch")
    assert hass.states.get("switch.living_room_lamp_switch") is not None
    result = await hass.config_entries.options.async_init(ezlo_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "ezlo_options"
    options = result["data_schema"].schema[CONF_EXCLUDED_DEVICES].config["options"]  # type: ignore[union-attr]
    assert {"value": lamp["_id"], "label": "Lamp switch"} in options
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_EXCLUDED_DEVICES: [lamp["_id"]]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()  # the options flow reloads the entry
    assert er.async_get(hass).async_get("switch.living_room_lamp_switch") is None
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), ezlo_entry.entry_id)
    assert "Lamp switch" not in {device.name for device in devices}
    assert hass.states.get("sensor.kitchen_multisensor_temperature") is not None


async def test_options_need_a_connected_hub(
    hass: HomeAssistant, world: EzloWorld, ezlo_entry: HubRelayConfigEntry
) -> None:
    await hass.config_entries.async_unload(ezlo_entry.entry_id)
    result = await hass.config_entries.options.async_init(ezlo_entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"
