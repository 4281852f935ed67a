"""Fix flows of repair issues: the system that raised an issue fixes it."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .data import SYSTEMS


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Let the system named in the issue's data build its fix flow."""
    details = data or {}
    repair_flow = SYSTEMS[str(details["system"])].repair_flow
    if repair_flow is None:
        raise ValueError(f"{details['system']} raises no fixable issue ({issue_id})")
    return repair_flow(issue_id, details)
