"""Repair issues of a local Ezlo hub: another device answers at its address, or announces it."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..hub.coordinator import HubRelayConfigEntry
from ..hub.repairs import clear_entry_issues, entry_issue_id, raise_entry_issue
from ..protocols.ezlo import EzloIdentityError

IDENTITY_CHANGED = "hub_identity_changed"
ANNOUNCED_ELSEWHERE = "hub_announced_elsewhere"


def identity_issue_id(entry_id: str) -> str:
    """Repair issue id for a hub that no longer presents the pinned identity."""
    return entry_issue_id(IDENTITY_CHANGED, entry_id)


def unproven_move_issue_id(entry_id: str) -> str:
    """Repair issue id for an announcement of the hub at an address that proved nothing."""
    return entry_issue_id(ANNOUNCED_ELSEWHERE, entry_id)


@callback
def report_identity_changed(
    hass: HomeAssistant, entry: HubRelayConfigEntry, err: EzloIdentityError
) -> None:
    """Tell the user the device at the address is not the pinned hub; it got no key.

    A hub that was really reset presents a new TLS key: Reconfigure signs in to the cloud again
    and pins what the hub at the address then presents.
    """
    raise_entry_issue(
        hass,
        entry,
        IDENTITY_CHANGED,
        severity=ir.IssueSeverity.ERROR,
        placeholders={"serial": err.serial or "?"},
    )


@callback
def report_unproven_move(hass: HomeAssistant, entry: HubRelayConfigEntry, host: str) -> None:
    """Ask the user about a hub announced at a new address that did not prove it is the hub."""
    raise_entry_issue(
        hass,
        entry,
        ANNOUNCED_ELSEWHERE,
        severity=ir.IssueSeverity.WARNING,
        placeholders={"host": host},
    )


@callback
def clear_identity_issue(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the identity issues: the pinned hub answered."""
    clear_entry_issues(hass, entry, IDENTITY_CHANGED, ANNOUNCED_ELSEWHERE)
