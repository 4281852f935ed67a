"""Repair issues of a local Vera: another device announced it at a new address."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..hub.coordinator import HubRelayConfigEntry
from ..hub.repairs import clear_entry_issues, entry_issue_id, raise_entry_issue

ANNOUNCED_ELSEWHERE = "vera_announced_elsewhere"


def unproven_move_issue_id(entry_id: str) -> str:
    """Repair issue id for an announcement of the Vera by a device that is another unit."""
    return entry_issue_id(ANNOUNCED_ELSEWHERE, entry_id)


@callback
def report_unproven_move(
    hass: HomeAssistant, entry: HubRelayConfigEntry, host: str, serial: str
) -> None:
    """Warn that the device at `host` announced this Vera but answers as unit `serial`."""
    raise_entry_issue(
        hass,
        entry,
        ANNOUNCED_ELSEWHERE,
        severity=ir.IssueSeverity.WARNING,
        placeholders={"host": host, "serial": serial},
    )


@callback
def clear_issues(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the entry's issues: it was moved to a proven address, or removed."""
    clear_entry_issues(hass, entry, ANNOUNCED_ELSEWHERE)


async def async_remove_entry(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop what a Vera keeps outside its entry: this issue."""
    clear_issues(hass, entry)
