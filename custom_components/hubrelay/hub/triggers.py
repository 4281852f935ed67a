"""Device triggers from a device's event entities (buttons, accesses, scene runs), for every hub.

The automation editor lists, per button (the event entity's translation key, such as
``button_2``, or what its system names it, such as a scene's name), one trigger per kind of press
the entity can report: its event types, and for ``multi_press_end`` one trigger per press count.
A trigger follows the entity's state: it fires when the entity records a new event of its kind,
once per event. A state that only reappears (restored after a restart, available again after a
reconnect) is not a new event, so it fires nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.event import (
    ATTR_EVENT_TYPE,
    ATTR_EVENT_TYPES,
    ATTR_MULTI_PRESS_COUNT,
    ButtonEventType,
    DoorbellEventType,
)
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_ENTITY_ID,
    CONF_PLATFORM,
    CONF_TYPE,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HassJob,
    HomeAssistant,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from ..const import DOMAIN

CONF_SUBTYPE = "subtype"
#: Press counts a multi-press trigger is offered for (Ezlo reports one to five presses).
MULTI_PRESS_COUNTS = range(1, 6)
#: A hub scene ran (an Ezlo hub's scene run entity).
SCENE_RAN = "ran"
#: Event types whose trigger type is the event type itself.
SINGLE_TYPES = (
    ButtonEventType.PRESS_START,
    ButtonEventType.PRESS_END,
    ButtonEventType.LONG_PRESS_START,
    ButtonEventType.LONG_PRESS_END,
    DoorbellEventType.RING,
    SCENE_RAN,
)
#: Access events (a Loxone NFC Code Touch), each its own trigger type.
ACCESS_TYPES = ("access_granted", "access_denied")


def multi_press_type(count: int) -> str:
    """Trigger type of a series of `count` presses."""
    return f"multi_press_{count}"


#: Every trigger type a HubRelay device can offer.
TRIGGER_TYPES = frozenset(
    [*SINGLE_TYPES, *ACCESS_TYPES, *(multi_press_type(count) for count in MULTI_PRESS_COUNTS)]
)


def trigger_types(event_types: list[str]) -> list[str]:
    """Return the trigger types an entity with these event types offers, in a stable order."""
    types = [str(kind) for kind in (*SINGLE_TYPES, *ACCESS_TYPES) if kind in event_types]
    if ButtonEventType.MULTI_PRESS_END in event_types:
        types.extend(multi_press_type(count) for count in MULTI_PRESS_COUNTS)
    return types


def button_entities(hass: HomeAssistant, device_id: str) -> list[er.RegistryEntry]:
    """Return the device's HubRelay event entities."""
    return [
        entry
        for entry in er.async_entries_for_device(er.async_get(hass), device_id)
        if entry.domain == "event" and entry.platform == DOMAIN
    ]


def default_subtype(_registry: er.EntityRegistry, entry: er.RegistryEntry) -> str:
    """Name a trigger's subtype by the event entity's translation key (``button_2``)."""
    return entry.translation_key or "button"


#: Names what a trigger follows (shown in the editor): an event entity's registry entry to text.
type Subtype = Callable[[er.EntityRegistry, er.RegistryEntry], str]


def device_triggers(
    hass: HomeAssistant, device_id: str, subtype: Subtype = default_subtype
) -> list[dict[str, Any]]:
    """List a device's triggers: per button entity, one per kind of press it reports."""
    registry = er.async_get(hass)
    triggers: list[dict[str, Any]] = []
    for entry in button_entities(hass, device_id):
        event_types = list((entry.capabilities or {}).get(ATTR_EVENT_TYPES, ()))
        triggers.extend(
            {
                CONF_PLATFORM: "device",
                CONF_DOMAIN: DOMAIN,
                CONF_DEVICE_ID: device_id,
                CONF_ENTITY_ID: entry.id,
                CONF_TYPE: trigger_type,
                CONF_SUBTYPE: subtype(registry, entry),
            }
            for trigger_type in trigger_types(event_types)
        )
    return triggers


def _matches(trigger_type: str, attributes: dict[str, Any]) -> bool:
    """Whether an event entity's last event is of the trigger's kind."""
    event_type = attributes.get(ATTR_EVENT_TYPE)
    if trigger_type in SINGLE_TYPES or trigger_type in ACCESS_TYPES:
        return bool(event_type == trigger_type)
    return event_type == ButtonEventType.MULTI_PRESS_END and trigger_type == multi_press_type(
        attributes.get(ATTR_MULTI_PRESS_COUNT, 0)
    )


async def async_attach_button_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Run `action` once for every new event of the configured kind on the button's entity."""
    entity_id = er.async_validate_entity_id(er.async_get(hass), config[CONF_ENTITY_ID])
    trigger_type = str(config[CONF_TYPE])
    current = hass.states.get(entity_id)
    #: The last event (its timestamp) this trigger has seen; a state equal to it is no event.
    seen = [current.state if current is not None else None]

    @callback
    def _state_changed(event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if new is None or new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        is_new = old is not None and new.state != seen[0]
        seen[0] = new.state
        if not is_new or not _matches(trigger_type, dict(new.attributes)):
            return
        hass.async_run_hass_job(
            job,
            {
                "trigger": {
                    **trigger_info["trigger_data"],
                    CONF_PLATFORM: "device",
                    CONF_DOMAIN: DOMAIN,
                    CONF_DEVICE_ID: config[CONF_DEVICE_ID],
                    CONF_ENTITY_ID: entity_id,
                    CONF_TYPE: trigger_type,
                    CONF_SUBTYPE: config[CONF_SUBTYPE],
                    "description": f"{entity_id} {trigger_type}",
                }
            },
            event.context,
        )

    job = HassJob(action, f"hubrelay device trigger {trigger_info}")
    return async_track_state_change_event(hass, [entity_id], _state_changed)
