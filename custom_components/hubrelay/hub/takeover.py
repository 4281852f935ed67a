"""Take a hub's entities over from another integration that served it before HubRelay.

People switch from PyLoxone or Home Assistant's core `vera` with years of history, dashboards and
automations on the old entity ids. Each system describes the integrations it can take over from
with a `ForeignScheme`: how to tell which hub a foreign config entry serves, and which of our
unique ids a foreign entity's unique id names (the schemes and the versions they were read from
are in `loxone/takeover.py`, `vera/takeover.py` and `ezlo/takeover.py`).

The take-over works on the registries only:

1. `plan_takeover` pairs each foreign entity with the one entity of ours it names. A pair is
   made only when it is certain: the foreign entry serves the same hub serial, the candidate is
   one of our registry entries of the same entity domain, exactly one candidate exists, and no
   other foreign entity names it. Everything else is listed, never guessed.
2. `async_take_over` unloads both entries, removes our fresh registry entry of each pair and
   re-homes the foreign one onto our platform, config entry, unique id and device
   (`EntityRegistry.async_update_entity_platform`, which needs the entity not loaded). The
   entity id, the user's name, icon, area, disabled and hidden choices and entity options stay.
   A device the user renamed or put in an area hands that to our device when ours has none.
   Then the foreign entry is disabled (never deleted) and ours set up again.

Long-term statistics are keyed by entity id, so they continue. A unit that changes within one
unit class (W and kW, Wh and kWh) is converted by the recorder to the unit the statistics were
compiled in; see README "Moving over" for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
import logging
from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryDisabler,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.typing import UNDEFINED
import probatio

from ..const import DOMAIN
from .coordinator import HubRelayConfigEntry
from .repairs import clear_entry_issues, raise_entry_issue

_LOGGER = logging.getLogger(__name__)

#: Entry data: the foreign entry the user chose to take over from in the config flow.
CONF_TAKEOVER = "takeover_from"
#: Config-flow field: take the entities over (or keep both integrations side by side).
CONF_TAKE_OVER = "take_over"

#: Issue kinds: a foreign entry serves the entry's hub; the summary of a finished take-over.
TAKEOVER_ISSUE = "takeover"
SUMMARY_ISSUE = "takeover_summary"

#: At most this many entity ids are listed in a summary; the rest are counted.
LISTED = 20

#: Candidate unique ids of ours for a foreign entity: (entity domain, foreign unique id, our
#: serial, the foreign entry, our entry).
type Candidates = Callable[[str, str, str, ConfigEntry, HubRelayConfigEntry], tuple[str, ...]]


@dataclass(frozen=True, kw_only=True, slots=True)
class ForeignScheme:
    """An integration whose entities HubRelay can take over for one hub system."""

    #: The integration's domain (`loxone`, `vera`).
    domain: str
    #: Its name in the UI.
    name: str
    #: Whether a foreign entry serves the hub with this serial (and only that hub).
    serves: Callable[[HomeAssistant, ConfigEntry, str], bool]
    candidates: Candidates


@dataclass(frozen=True, kw_only=True, slots=True)
class TakeoverSupport:
    """What a hub system offers for take-overs: the schemes, and how an entry names its hub."""

    schemes: tuple[ForeignScheme, ...]
    serial_of: Callable[[HubRelayConfigEntry], str]


@dataclass(slots=True)
class TakeoverPlan:
    """What a take-over moves, what only HubRelay has, and what stays with the other entry."""

    scheme: ForeignScheme
    foreign_entry_id: str
    foreign_title: str
    #: (foreign entity id, our entity id) per matched pair.
    moves: list[tuple[str, str]] = field(default_factory=list)
    #: Our entity ids the other integration did not have.
    new: list[str] = field(default_factory=list)
    #: Foreign entity ids with no certain counterpart; they stay with the other entry.
    left: list[str] = field(default_factory=list)

    def placeholders(self) -> dict[str, str]:
        """Describe the plan (or the finished take-over) for forms and issues."""
        return {
            "integration": self.scheme.name,
            "other_title": self.foreign_title,
            "moved": str(len(self.moves)),
            "new": str(len(self.new)),
            "left": str(len(self.left)),
            "moved_list": _listed(foreign for foreign, _ in self.moves),
            "new_list": _listed(self.new),
            "left_list": _listed(self.left),
        }


def _listed(entity_ids: Iterable[str]) -> str:
    """List entity ids one per line, at most `LISTED` of them (the count says the rest)."""
    ids = sorted(entity_ids)
    if not ids:
        return "-"
    shown = [f"- {entity_id}" for entity_id in ids[:LISTED]]
    if len(ids) > LISTED:
        shown.append(f"- (+{len(ids) - LISTED})")
    return "\n".join(shown)


def find_foreign_entry(
    hass: HomeAssistant, schemes: Iterable[ForeignScheme], serial: str
) -> tuple[ForeignScheme, ConfigEntry] | None:
    """Return an enabled entry of another integration that serves the hub with this serial."""
    for scheme in schemes:
        for entry in hass.config_entries.async_entries(scheme.domain):
            if entry.disabled_by is None and scheme.serves(hass, entry, serial):
                return scheme, entry
    return None


def plan_takeover(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    serial: str,
    scheme: ForeignScheme,
    foreign: ConfigEntry,
) -> TakeoverPlan:
    """Pair the foreign entry's entities with ours; only certain pairs are made."""
    registry = er.async_get(hass)
    ours = {
        (entity.domain, entity.unique_id): entity.entity_id
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    claims: dict[str, list[str]] = {}
    plan = TakeoverPlan(
        scheme=scheme, foreign_entry_id=foreign.entry_id, foreign_title=foreign.title
    )
    for entity in er.async_entries_for_config_entry(registry, foreign.entry_id):
        found = [
            ours[key]
            for unique_id in scheme.candidates(
                entity.domain, entity.unique_id, serial, foreign, entry
            )
            if (key := (entity.domain, unique_id)) in ours
        ]
        if len(found) == 1:
            claims.setdefault(found[0], []).append(entity.entity_id)
        else:
            plan.left.append(entity.entity_id)
    for our_id, foreign_ids in claims.items():
        if len(foreign_ids) == 1:
            plan.moves.append((foreign_ids[0], our_id))
        else:
            plan.left.extend(foreign_ids)
    taken = {our_id for _, our_id in plan.moves}
    plan.new = [entity_id for entity_id in ours.values() if entity_id not in taken]
    plan.moves.sort()
    plan.left.sort()
    plan.new.sort()
    return plan


async def async_take_over(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    serial: str,
    scheme: ForeignScheme,
    foreign: ConfigEntry,
) -> TakeoverPlan:
    """Move the matching entities over, disable the foreign entry and set ours up again."""
    plan = plan_takeover(hass, entry, serial, scheme, foreign)
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    # PyLoxone's unload deletes the registry entries of its entities that have no state, which
    # after an unload is all of them: keep what the user had to hand it over all the same.
    before = {foreign_id: entities.async_get(foreign_id) for foreign_id, _ in plan.moves}
    entries = hass.config_entries
    # An entry waiting for its hub (setup retry) has no entities loaded; it is left to retry.
    was_loaded = entry.state is ConfigEntryState.LOADED
    if was_loaded:
        await entries.async_unload(entry.entry_id)
    if foreign.state is ConfigEntryState.LOADED:
        await entries.async_unload(foreign.entry_id)
    moved = []
    for foreign_id, our_id in plan.moves:
        ours = entities.async_get(our_id)
        theirs = before[foreign_id]
        if ours is None or theirs is None:
            plan.left.append(foreign_id)
            continue
        _hand_over_device(devices, theirs.device_id, ours.device_id)
        if entities.async_get(foreign_id) is None:
            _customise_ours(entities, devices, ours, theirs)
        else:
            entities.async_remove(our_id)
            entities.async_update_entity_platform(
                foreign_id,
                DOMAIN,
                new_config_entry_id=entry.entry_id,
                # The same unique id (ha-ezlo-hub's battery) is no new one: Home Assistant
                # would find the entry itself under it and refuse.
                new_unique_id=ours.unique_id if ours.unique_id != theirs.unique_id else UNDEFINED,
                new_device_id=ours.device_id,
            )
        moved.append((foreign_id, our_id))
    plan.moves = moved
    plan.left.sort()
    await entries.async_set_disabled_by(foreign.entry_id, ConfigEntryDisabler.USER)
    if was_loaded:
        await entries.async_setup(entry.entry_id)
    _LOGGER.info(
        "Took %d entities over from %s (%s); %d stay there",
        len(plan.moves),
        scheme.name,
        foreign.title,
        len(plan.left),
    )
    return plan


def _customise_ours(
    entities: er.EntityRegistry,
    devices: dr.DeviceRegistry,
    ours: er.RegistryEntry,
    theirs: er.RegistryEntry,
) -> None:
    """Give our entry the entity id and the user's choices of a foreign entry that is gone."""
    entities.async_update_entity(
        ours.entity_id,
        new_entity_id=theirs.entity_id,
        name=theirs.name,
        icon=theirs.icon,
        aliases=list(theirs.aliases),
        labels=set(theirs.labels),
        disabled_by=theirs.disabled_by,
        hidden_by=theirs.hidden_by,
    )
    for domain, options in theirs.options.items():
        entities.async_update_entity_options(theirs.entity_id, domain, options)
    if theirs.area_id is None:
        return
    try:
        entities.async_update_entity(theirs.entity_id, area_id=theirs.area_id)
    except ValueError:
        # Our entity is its device's main feature (no name of its own): the area goes there.
        if ours.device_id is not None:
            devices.async_update_device(ours.device_id, area_id=theirs.area_id)


def _hand_over_device(
    devices: dr.DeviceRegistry, foreign_id: str | None, our_id: str | None
) -> None:
    """Give our device the area and the name the user gave the foreign one.

    Our device is fresh: its area is only the room the hub suggested, so the user's area wins;
    a name the user already gave our device stays.
    """
    theirs = devices.async_get(foreign_id) if foreign_id else None
    ours = devices.async_get(our_id) if our_id else None
    if theirs is None or ours is None:
        return
    changes: dict[str, Any] = {}
    if theirs.name_by_user and not ours.name_by_user:
        changes["name_by_user"] = theirs.name_by_user
    if theirs.area_id and theirs.area_id != ours.area_id:
        changes["area_id"] = theirs.area_id
    if changes:
        devices.async_update_device(ours.id, **changes)


@callback
def async_check_takeover(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    serial: str,
    system: str,
    schemes: Iterable[ForeignScheme],
) -> None:
    """At set-up: run the take-over chosen in the config flow, or offer one as a repair issue."""
    found = find_foreign_entry(hass, schemes, serial)
    pending = entry.data.get(CONF_TAKEOVER)
    if pending is not None:
        hass.config_entries.async_update_entry(
            entry, data={k: v for k, v in entry.data.items() if k != CONF_TAKEOVER}
        )
    if found is None:
        clear_entry_issues(hass, entry, TAKEOVER_ISSUE)
        return
    scheme, foreign = found
    if pending == foreign.entry_id:
        _take_over_once_loaded(hass, entry, serial, scheme, foreign)
        return
    raise_entry_issue(
        hass,
        entry,
        TAKEOVER_ISSUE,
        severity=ir.IssueSeverity.WARNING,
        placeholders={"integration": scheme.name, "other_title": foreign.title},
        fix_data={
            "system": system,
            "kind": TAKEOVER_ISSUE,
            "entry_id": entry.entry_id,
            "foreign_entry_id": foreign.entry_id,
        },
    )


def _take_over_once_loaded(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    serial: str,
    scheme: ForeignScheme,
    foreign: ConfigEntry,
) -> None:
    """Start the take-over when the entry has finished loading (it reloads the entry)."""

    @callback
    def _state_changed() -> None:
        if entry.state is not ConfigEntryState.LOADED:
            return
        remove()
        hass.async_create_task(_run(), f"{DOMAIN} take-over for {entry.title}")

    async def _run() -> None:
        plan = await async_take_over(hass, entry, serial, scheme, foreign)
        report_summary(hass, entry, plan)

    remove = entry.async_on_state_change(_state_changed)


@callback
def report_summary(hass: HomeAssistant, entry: HubRelayConfigEntry, plan: TakeoverPlan) -> None:
    """Show what a take-over did until the user confirms it."""
    clear_entry_issues(hass, entry, TAKEOVER_ISSUE)
    raise_entry_issue(
        hass,
        entry,
        SUMMARY_ISSUE,
        severity=ir.IssueSeverity.WARNING,
        placeholders=plan.placeholders(),
        fix_data={"kind": SUMMARY_ISSUE},
    )


@callback
def clear_takeover_issues(hass: HomeAssistant, entry: HubRelayConfigEntry) -> None:
    """Drop the entry's take-over issues when it is removed."""
    clear_entry_issues(hass, entry, TAKEOVER_ISSUE, SUMMARY_ISSUE)


class TakeoverFlow(ConfigFlow):
    """The config flow's last step: take the entities over from the integration serving the hub.

    A system's step calls `async_create_hub_entry` instead of `async_create_entry`.
    """

    #: Title, data and serial of the entry to create, and the entry serving the same hub.
    _takeover_entry: tuple[str, dict[str, Any], str, ForeignScheme, ConfigEntry]

    async def async_create_hub_entry(
        self,
        title: str,
        data: dict[str, Any],
        serial: str,
        schemes: Iterable[ForeignScheme],
    ) -> ConfigFlowResult:
        """Create the entry, first asking about a take-over if another entry serves the hub."""
        found = find_foreign_entry(self.hass, schemes, serial)
        if found is None:
            return self.async_create_entry(title=title, data=data)
        self._takeover_entry = (title, data, serial, *found)
        return await self.async_step_takeover()

    async def async_step_takeover(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to take the other integration's entities over."""
        title, data, _serial, scheme, foreign = self._takeover_entry
        if user_input is not None:
            if user_input[CONF_TAKE_OVER]:
                data = {**data, CONF_TAKEOVER: foreign.entry_id}
            return self.async_create_entry(title=title, data=data)
        count = len(er.async_entries_for_config_entry(er.async_get(self.hass), foreign.entry_id))
        return self.async_show_form(
            step_id="takeover",
            data_schema=probatio.Schema({probatio.Required(CONF_TAKE_OVER, default=True): bool}),
            description_placeholders={
                "integration": scheme.name,
                "other_title": foreign.title,
                "count": str(count),
            },
        )


class TakeoverRepairFlow(RepairsFlow):
    """Fix the take-over issue: show the plan, take over, show the summary."""

    def __init__(self, data: Mapping[str, Any], support: TakeoverSupport) -> None:
        """Keep the entries the issue names and how this system reads its serial."""
        self._entry_id = str(data["entry_id"])
        self._foreign_id = str(data["foreign_entry_id"])
        self._serial_of = support.serial_of
        self._schemes = {scheme.domain: scheme for scheme in support.schemes}
        self._done: TakeoverPlan

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Start with the plan (what Home Assistant passes here is no answer)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show what would move; on confirmation take over and show the summary."""
        entries = self.hass.config_entries
        entry = entries.async_get_entry(self._entry_id)
        foreign = entries.async_get_entry(self._foreign_id)
        if (
            entry is None
            or foreign is None
            or entry.disabled_by is not None
            or foreign.disabled_by is not None
        ):
            return self.async_abort(reason="takeover_gone")
        scheme = self._schemes[foreign.domain]
        serial = self._serial_of(entry)
        if user_input is None:
            plan = plan_takeover(self.hass, entry, serial, scheme, foreign)
            return self.async_show_form(
                step_id="confirm", description_placeholders=plan.placeholders()
            )
        self._done = await async_take_over(self.hass, entry, serial, scheme, foreign)
        clear_entry_issues(self.hass, entry, TAKEOVER_ISSUE)
        return await self.async_step_summary()

    async def async_step_summary(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show what was taken over and what stayed."""
        if user_input is None:
            return self.async_show_form(
                step_id="summary", description_placeholders=self._done.placeholders()
            )
        return self.async_create_entry(data={})
