"""The `hubrelay.send_command` action: any command to any Loxone control, mapped or not."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import probatio

from ..const import DOMAIN
from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator

SERVICE_SEND_COMMAND = "send_command"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_CONTROL = "control"
ATTR_COMMAND = "command"

SEND_COMMAND_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_CONTROL): probatio.All(cv.string, probatio.Length(min=1)),
        probatio.Required(ATTR_COMMAND): probatio.All(cv.string, probatio.Length(min=1)),
    }
)


def _coordinator(hass: HomeAssistant, entry_id: str) -> LoxoneCoordinator:
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    coordinator = entry.runtime_data
    if not isinstance(coordinator, LoxoneCoordinator):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loxone",
            translation_placeholders={"title": entry.title},
        )
    return coordinator


def find_control(coordinator: LoxoneCoordinator, wanted: str) -> Control:
    """Find a control (or sub-control) by UUID, action UUID or exact, unique name."""
    controls = list(coordinator.structure.all_controls())
    key = wanted.strip().lower()
    for control in controls:
        if key in (control.uuid.lower(), control.uuid_action.lower()):
            return control
    named = [control for control in controls if control.name.strip().lower() == key]
    if len(named) == 1:
        return named[0]
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="control_ambiguous" if named else "control_not_found",
        translation_placeholders={"control": wanted},
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, in `async_setup`)."""

    async def send_command(call: ServiceCall) -> None:
        coordinator = _coordinator(hass, call.data[ATTR_CONFIG_ENTRY_ID])
        control = find_control(coordinator, call.data[ATTR_CONTROL])
        await coordinator.async_send_command(control, call.data[ATTR_COMMAND])

    hass.services.async_register(
        DOMAIN, SERVICE_SEND_COMMAND, send_command, schema=SEND_COMMAND_SCHEMA
    )
