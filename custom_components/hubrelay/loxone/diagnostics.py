"""Diagnostics for a Miniserver entry: what helps a bug report, never a secret.

Tokens, the client UUID, the visualisation password, serials, MAC-based ids, host names and
the Miniserver's location are redacted; the structure file is summarised, not dumped.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_USERNAME

from ..const import CONF_CLIENT_UUID, CONF_SERIAL, CONF_TOKEN, CONF_VISU_PASSWORD
from ..hub.coordinator import HubRelayConfigEntry
from .coordinator import LoxoneCoordinator

TO_REDACT = {
    CONF_CLIENT_UUID,
    CONF_HOST,
    CONF_SERIAL,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VISU_PASSWORD,
    "title",
    "unique_id",
}


def loxone_diagnostics(
    entry: HubRelayConfigEntry, coordinator: LoxoneCoordinator
) -> dict[str, Any]:
    """Return the redacted entry, session state and a summary of the structure file."""
    client = coordinator.client
    structure = coordinator.structure
    api = client.api_info
    token = client.token
    types = Counter(control.type for control in structure.all_controls())
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "miniserver": {
            "firmware": api.version if api else None,
            "type": structure.ms_info.miniserver_type,
            "language": structure.ms_info.language_code,
            "event_slots": api.has_event_slots if api else None,
        },
        "connection": {
            "connected": coordinator.connected,
            "state": client.connection_state.value,
            "keepalive_latency_ms": None if client.latency is None else client.latency * 1000,
            "last_error": type(client.last_error).__name__ if client.last_error else None,
        },
        "token": None
        if token is None
        else {
            "expires": token.expires_at.isoformat(),
            "rights": token.rights,
            "hash_alg": token.hash_alg.value,
        },
        "structure": {
            "last_modified": structure.last_modified,
            "rooms": len(structure.rooms),
            "categories": len(structure.cats),
            "controls_by_type": dict(sorted(types.items())),
            "weather_server": structure.weather_server is not None,
        },
    }
