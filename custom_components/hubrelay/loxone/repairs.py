"""Repair issues a Miniserver raises: weak password, another Miniserver, Message Center entries.

A Message Center entry gets one issue while it is active (see `message_center`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.const import CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.device_registry import format_mac

from ..const import CONF_PUBLIC_KEY, CONF_SERIAL, DOMAIN, SYSTEM_LOXONE
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.repairs import (
    clear_entry_issues,
    entry_issue_id,
    entry_issue_kinds,
    raise_entry_issue,
)
from ..protocols.loxone import LoxoneIdentityError, Token
from ..protocols.loxone.messages import normalize_serial

WEAK_PASSWORD = "weak_password"  # noqa: S105 - an issue kind, not a secret
IDENTITY_CHANGED = "identity_changed"
SYSTEM_MESSAGE = "system_message"
ANNOUNCED_ELSEWHERE = "miniserver_announced_elsewhere"


def weak_password_issue_id(entry_id: str) -> str:
    """Repair issue id for a Miniserver user with a weak password."""
    return entry_issue_id(WEAK_PASSWORD, entry_id)


def identity_issue_id(entry_id: str) -> str:
    """Repair issue id for a Miniserver that no longer presents the pinned identity."""
    return entry_issue_id(IDENTITY_CHANGED, entry_id)


def unproven_move_issue_id(entry_id: str) -> str:
    """Repair issue id for an announcement of the Miniserver at an address that proved nothing."""
    return entry_issue_id(ANNOUNCED_ELSEWHERE, entry_id)


@callback
def report_weak_password(hass: HomeAssistant, entry: HubRelayConfigEntry, token: Token) -> None:
    """Raise a repair issue while the Miniserver flags the user's password as weak."""
    if not token.unsecure_pass:
        clear_entry_issues(hass, entry, WEAK_PASSWORD)
        return
    raise_entry_issue(
        hass,
        entry,
        WEAK_PASSWORD,
        severity=ir.IssueSeverity.WARNING,
        placeholders={"username": entry.data[CONF_USERNAME]},
    )


@callback
def clear_issues(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the entry's repair issues when it is removed."""
    clear_entry_issues(hass, entry, WEAK_PASSWORD, IDENTITY_CHANGED, ANNOUNCED_ELSEWHERE)
    clear_system_messages(hass, entry)


def system_message_kind(uid: str) -> str:
    """Issue kind of one Message Center entry (its uid is checked to be short and plain)."""
    return f"{SYSTEM_MESSAGE}_{uid.lower()}"


@callback
def report_system_message(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    uid: str,
    *,
    severity: ir.IssueSeverity,
    placeholders: Mapping[str, str],
    learn_more_url: str | None,
) -> str:
    """Raise (or update) the issue of one active Message Center entry; return its kind."""
    kind = system_message_kind(uid)
    raise_entry_issue(
        hass,
        entry,
        kind,
        severity=severity,
        translation_key=SYSTEM_MESSAGE,
        placeholders=placeholders,
        learn_more_url=learn_more_url,
    )
    return kind


@callback
def clear_system_messages(
    hass: HomeAssistant, entry: HubRelayConfigEntry, keep: frozenset[str] = frozenset()
) -> None:
    """Drop the entry's Message Center issues other than the kinds in `keep`.

    The open issues are read from the registry, so entries solved while Home Assistant was not
    watching (or before a restart) are cleared too.
    """
    stale = entry_issue_kinds(hass, entry, f"{SYSTEM_MESSAGE}_") - keep
    clear_entry_issues(hass, entry, *sorted(stale))


@callback
def report_identity_changed(
    hass: HomeAssistant, entry: HubRelayConfigEntry, err: LoxoneIdentityError
) -> None:
    """Tell the user another Miniserver answers at the address; nothing was sent to it.

    The fix flow pins what it presented, for a Miniserver that was really reset or replaced.
    """
    same = normalize_serial(err.serial) == normalize_serial(entry.data[CONF_SERIAL])
    raise_entry_issue(
        hass,
        entry,
        IDENTITY_CHANGED,
        severity=ir.IssueSeverity.ERROR,
        translation_key=IDENTITY_CHANGED if same else "serial_changed",
        placeholders={"serial": err.serial, "fingerprint": _grouped(err.public_key)},
        fix_data={
            "system": SYSTEM_LOXONE,
            "entry_id": entry.entry_id,
            "serial": err.serial,
            "public_key": err.public_key,
        },
    )


@callback
def report_unproven_move(hass: HomeAssistant, entry: HubRelayConfigEntry, host: str) -> None:
    """Warn about a device announced as the Miniserver at `host` that did not prove it is."""
    raise_entry_issue(
        hass,
        entry,
        ANNOUNCED_ELSEWHERE,
        severity=ir.IssueSeverity.WARNING,
        placeholders={"host": host},
    )


@callback
def clear_identity_issue(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the identity issues: the pinned Miniserver answered."""
    clear_entry_issues(hass, entry, IDENTITY_CHANGED, ANNOUNCED_ELSEWHERE)


def _grouped(fingerprint: str) -> str:
    """Show the first 64 bits of a fingerprint, grouped for reading aloud (never a secret)."""
    head = fingerprint[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


class IdentityRepairFlow(RepairsFlow):
    """Accept the identity a reset or replaced Miniserver presents, after the user confirms."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Keep what the Miniserver presented when the issue was raised."""
        self._entry_id = str(data["entry_id"])
        self._serial = str(data["serial"])
        self._public_key = str(data["public_key"])

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Start with the question (what Home Assistant passes here is no answer)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask for confirmation, then pin the new identity and reload the entry."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        new_id = format_mac(self._serial)
        other = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, new_id)
        if other is not None and other.entry_id != entry.entry_id:
            return self.async_abort(
                reason="already_configured", description_placeholders={"serial": self._serial}
            )
        if user_input is None:
            return self.async_show_form(
                step_id="confirm",
                description_placeholders={
                    "title": entry.title,
                    "serial": self._serial,
                    "fingerprint": _grouped(self._public_key),
                },
            )
        accept_identity(self.hass, entry, self._serial, self._public_key)
        return self.async_create_entry(data={})


@callback
def accept_identity(
    hass: HomeAssistant, entry: HubRelayConfigEntry, serial: str, public_key: str
) -> None:
    """Pin a new identity; a new serial also moves the entry's devices and entities to it.

    A replaced Miniserver runs the restored configuration with the same control UUIDs, so its
    entities keep their ids, names, areas and history. Its new token comes through re-auth.
    """
    old = str(entry.data[CONF_SERIAL])
    if normalize_serial(serial) != normalize_serial(old):
        _move_to_serial(hass, entry, old, serial)
    hass.config_entries.async_update_entry(
        entry,
        unique_id=format_mac(serial),
        data={**entry.data, CONF_SERIAL: serial, CONF_PUBLIC_KEY: public_key},
    )
    clear_identity_issue(hass, entry)
    hass.config_entries.async_schedule_reload(entry.entry_id)


def _move_to_serial(hass: HomeAssistant, entry: HubRelayConfigEntry, old: str, new: str) -> None:
    """Re-key the entry's registry entries from one Miniserver serial to another."""
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if entity.unique_id.startswith(f"{old}_"):
            entities.async_update_entity(
                entity.entity_id, new_unique_id=new + entity.unique_id[len(old) :]
            )
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        identifiers = {
            (domain, new + key[len(old) :] if key == old or key.startswith(f"{old}_") else key)
            for domain, key in device.identifiers
        }
        connections = {
            (kind, dr.format_mac(new) if value == dr.format_mac(old) else value)
            for kind, value in device.connections
        }
        devices.async_update_device(
            device.id, new_identifiers=identifiers, new_connections=connections
        )


def repair_flow(issue_id: str, data: Mapping[str, Any]) -> RepairsFlow:
    """Return the fix flow of a fixable Loxone issue (only identity issues are fixable)."""
    return IdentityRepairFlow(data)
