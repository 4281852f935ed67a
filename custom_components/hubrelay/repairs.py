"""Fix flows of repair issues: the system that raised an issue fixes it."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant

from .data import SYSTEMS
from .hub.takeover import SUMMARY_ISSUE, TAKEOVER_ISSUE, TakeoverRepairFlow


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Let the system named in the issue's data build its fix flow."""
    details = data or {}
    kind = details.get("kind")
    if kind == SUMMARY_ISSUE:
        return ConfirmRepairFlow()
    system = SYSTEMS[str(details["system"])]
    if kind == TAKEOVER_ISSUE and system.takeover is not None:
        return TakeoverRepairFlow(details, system.takeover)
    repair_flow = system.repair_flow
    if repair_flow is None:
        raise ValueError(f"{details['system']} raises no fixable issue ({issue_id})")
    return repair_flow(issue_id, details)
