"""Repair issues that belong to one config entry: named `<kind>_<entry id>`, titled by the entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from .coordinator import HubRelayConfigEntry


def entry_issue_id(kind: str, entry_id: str) -> str:
    """Return the id of an entry's issue of one kind (one of each kind per entry)."""
    return f"{kind}_{entry_id}"


@callback
def raise_entry_issue(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    kind: str,
    *,
    severity: ir.IssueSeverity,
    placeholders: Mapping[str, str],
    translation_key: str | None = None,
    fix_data: dict[str, Any] | None = None,
    learn_more_url: str | None = None,
) -> None:
    """Raise (or update) an entry's issue; with `fix_data` it is fixable by the system's flow."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        entry_issue_id(kind, entry.entry_id),
        is_fixable=fix_data is not None,
        severity=severity,
        translation_key=translation_key or kind,
        translation_placeholders={"title": entry.title, **placeholders},
        data=fix_data,
        learn_more_url=learn_more_url,
    )


@callback
def entry_issue_kinds(hass: HomeAssistant, entry: HubRelayConfigEntry, prefix: str) -> set[str]:
    """Kinds of the entry's open issues whose kind starts with `prefix` (one per item)."""
    suffix = f"_{entry.entry_id}"
    return {
        issue_id.removesuffix(suffix)
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith(prefix) and issue_id.endswith(suffix)
    }


@callback
def clear_entry_issues(hass: HomeAssistant, entry: HubRelayConfigEntry, *kinds: str) -> None:
    """Drop an entry's issues of these kinds."""
    for kind in kinds:
        ir.async_delete_issue(hass, DOMAIN, entry_issue_id(kind, entry.entry_id))
