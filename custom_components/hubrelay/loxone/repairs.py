"""Repair issues a Miniserver raises: a HubRelay user whose password it flags as weak."""

from __future__ import annotations

from homeassistant.const import CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from ..hub.coordinator import HubRelayConfigEntry
from ..protocols.loxone import Token


def weak_password_issue_id(entry_id: str) -> str:
    """Repair issue id for a Miniserver user with a weak password."""
    return f"weak_password_{entry_id}"


@callback
def report_weak_password(hass: HomeAssistant, entry: HubRelayConfigEntry, token: Token) -> None:
    """Raise a repair issue while the Miniserver flags the user's password as weak."""
    issue_id = weak_password_issue_id(entry.entry_id)
    if not token.unsecure_pass:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="weak_password",
        translation_placeholders={"title": entry.title, "username": entry.data[CONF_USERNAME]},
    )


@callback
def clear_issues(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the entry's repair issues when it is removed."""
    ir.async_delete_issue(hass, DOMAIN, weak_password_issue_id(entry.entry_id))
