"""Diagnostics for a Vera entry: what helps a bug report, never a secret.

The password, MMS identity, username, serial, URL and title are redacted, and nothing from the
controller's location or relay servers is included. Devices are summarised by category with the
sdata fields they report (names, not values), which is what a mapping bug report needs.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME

from ..const import CONF_IDENTITY, CONF_SERIAL, CONF_URL
from ..hub.coordinator import HubRelayConfigEntry
from .coordinator import VeraCoordinator

TO_REDACT = {
    CONF_IDENTITY,
    CONF_PASSWORD,
    CONF_SERIAL,
    CONF_URL,
    CONF_USERNAME,
    "title",
    "unique_id",
}


def vera_diagnostics(entry: HubRelayConfigEntry, coordinator: VeraCoordinator) -> dict[str, Any]:
    """Return the redacted entry, the session state and a summary of the Vera's devices."""
    session = coordinator.session
    controller = session.controller
    details = session.device_details
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "controller": None
        if controller is None
        else {
            "model": controller.model,
            "firmware": controller.firmware,
            "temperature_unit": controller.temperature_unit,
            "mode": controller.mode,
        },
        "connection": {"connected": coordinator.connected, "session": session.connected},
        "devices_by_category": dict(
            sorted(Counter(device.category for device in session.devices.values()).items())
        ),
        "devices": [
            {
                "model_class": type(device).__name__,
                "category": device.category,
                "subcategory": device.subcategory,
                "device_type": details[device.id].device_type if device.id in details else None,
                "comm_failure": device.comm_failure,
                "fields": sorted(device.raw),
            }
            for device in session.devices.values()
        ],
        "rooms": len(session.rooms),
        "scenes": len(session.scenes),
    }
