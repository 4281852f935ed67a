"""Diagnostics for an Ezlo hub entry: what helps a bug report, never a secret.

The password, MMS identity and signature, local keys, serials, username, host and the hub's
location are redacted. Devices are summarised by category and their items by name, type, scale
and tokens (what a mapping bug report needs), without values: a lock's user codes are items too.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME

from ..const import CONF_IDENTITY, CONF_LOCAL_KEYS, CONF_SERIAL
from ..hub.coordinator import HubRelayConfigEntry
from .coordinator import EzloCoordinator

TO_REDACT = {
    CONF_HOST,
    CONF_IDENTITY,
    CONF_LOCAL_KEYS,
    CONF_PASSWORD,
    CONF_SERIAL,
    CONF_USERNAME,
    "title",
    "unique_id",
    # hub.info.get
    "serial",
    "uuid",
    "location",
    "localtime",
}


def ezlo_diagnostics(entry: HubRelayConfigEntry, coordinator: EzloCoordinator) -> dict[str, Any]:
    """Return the redacted entry, the session state and a summary of the hub's devices."""
    session = coordinator.session
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "hub": async_redact_data(dict(session.hub_info.raw), TO_REDACT),
        "connection": {
            "connected": coordinator.connected,
            "state": session.state.value,
            "reconnects": session.reconnects,
        },
        "devices_by_category": dict(
            sorted(Counter(device.category for device in session.devices.values()).items())
        ),
        "devices": [
            {
                "category": device.category,
                "subcategory": device.subcategory,
                "type": device.type,
                "reachable": device.reachable,
                "items": {
                    item.name: {
                        "value_type": item.value_type,
                        "scale": item.scale,
                        "enum": list(item.enum),
                        "settable": item.has_setter,
                    }
                    for item in session.device_items(device.id)
                },
            }
            for device in session.devices.values()
        ],
        "rooms": len(session.rooms),
        "scenes": len(session.scenes),
        "house_modes": None if session.modes is None else len(session.modes.modes),
    }
