"""Device triggers ("Button 2 pressed"): the system lists them, its event entities fire them.

Which buttons a device has and which presses they report is system knowledge, so the device's
system lists the triggers (`HubSystem.device_triggers`); every trigger then follows the state of
one event entity the same way on every hub (`hub/triggers.py`).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA, DeviceNotFound
from homeassistant.const import CONF_DOMAIN, CONF_ENTITY_ID, CONF_TYPE
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import probatio

from .const import DOMAIN
from .data import system_for
from .hub.triggers import CONF_SUBTYPE, TRIGGER_TYPES, async_attach_button_trigger

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        probatio.Required(CONF_DOMAIN): DOMAIN,
        probatio.Required(CONF_ENTITY_ID): cv.entity_id_or_uuid,
        probatio.Required(CONF_TYPE): probatio.In(sorted(TRIGGER_TYPES)),
        probatio.Required(CONF_SUBTYPE): str,
    }
)


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    """List the triggers of one of our devices, as its system describes them."""
    device = dr.async_get(hass).async_get(device_id)
    entry = hass.config_entries.async_get_entry(device.config_entry_id) if device else None
    if entry is None or entry.domain != DOMAIN:
        raise DeviceNotFound(f"Device {device_id} is not a HubRelay device")
    return system_for(entry.data).device_triggers(hass, device_id)


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Follow the button's event entity."""
    return await async_attach_button_trigger(hass, config, action, trigger_info)
