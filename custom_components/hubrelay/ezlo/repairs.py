"""Repair issue of a local Ezlo hub: another device answers at its address."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from ..hub.coordinator import HubRelayConfigEntry
from ..protocols.ezlo import EzloIdentityError


def identity_issue_id(entry_id: str) -> str:
    """Repair issue id for a hub that no longer presents the pinned identity."""
    return f"hub_identity_changed_{entry_id}"


@callback
def report_identity_changed(
    hass: HomeAssistant, entry: HubRelayConfigEntry, err: EzloIdentityError
) -> None:
    """Tell the user the device at the address is not the pinned hub; it got no key.

    A hub that was really reset presents a new TLS key: Reconfigure signs in to the cloud again
    and pins what the hub at the address then presents.
    """
    ir.async_create_issue(
        hass,
        DOMAIN,
        identity_issue_id(entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="hub_identity_changed",
        translation_placeholders={"title": entry.title, "serial": err.serial or "?"},
    )


@callback
def clear_identity_issue(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the identity issues: the pinned hub answered."""
    ir.async_delete_issue(hass, DOMAIN, identity_issue_id(entry.entry_id))
    ir.async_delete_issue(hass, DOMAIN, unproven_move_issue_id(entry.entry_id))


def unproven_move_issue_id(entry_id: str) -> str:
    """Repair issue id for an announcement of the hub at an address that proved nothing."""
    return f"hub_announced_elsewhere_{entry_id}"


@callback
def report_unproven_move(hass: HomeAssistant, entry: HubRelayConfigEntry, host: str) -> None:
    """Ask the user about a hub announced at a new address that did not prove it is the hub."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        unproven_move_issue_id(entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="hub_announced_elsewhere",
        translation_placeholders={"title": entry.title, "host": host},
    )
