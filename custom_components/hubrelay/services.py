"""The integration's actions: each system registers its own (Loxone: `hubrelay.send_command`)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .data import SYSTEMS


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every system's actions (once, in `async_setup`)."""
    for system in SYSTEMS.values():
        if system.setup_services is not None:
            system.setup_services(hass)
