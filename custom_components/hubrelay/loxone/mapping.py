"""Which Loxone controls become which Home Assistant entities: one table, one place.

Each platform module registers an entity factory per control type it handles; this module
walks the structure file once and hands each platform the controls of its types. Adding a control
type is one line in a platform's factory table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control, LoxoneStructure, StateValue, TextState

if TYPE_CHECKING:
    from .coordinator import LoxoneCoordinator
    from .entity import LoxoneEntity

type EntityFactory = Callable[["LoxoneCoordinator", Control], list["LoxoneEntity"]]
#: Builds the entity of one item (key, JSON object) of a control's list state.
type ItemFactory = Callable[["LoxoneCoordinator", Control, str, dict[str, Any]], "LoxoneEntity"]

# The LightControllerV2 mood that means "everything off".
MOOD_ALL_OFF = 778

# Containers whose sub-controls are entities of their own (lighting controllers' circuits).
SUB_CONTROL_PARENTS = frozenset({"LightControllerV2", "LightController"})


def mapped_controls(structure: LoxoneStructure) -> Iterator[Control]:
    """Every top-level control, plus the sub-controls of the containers we expose."""
    for control in structure.controls.values():
        yield control
        if control.type in SUB_CONTROL_PARENTS:
            yield from control.sub_controls.values()


def central_members(
    structure: LoxoneStructure, control: Control, types: frozenset[str]
) -> list[Control]:
    """Find the controls of `types` that a central control lists in its ``details.controls``."""
    listed = control.details.get("controls")
    return [
        member
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict)
        and (member := structure.controls.get(str(item.get("uuid")))) is not None
        and member.type in types
    ]


def single(cls: Callable[[LoxoneCoordinator, Control], LoxoneEntity]) -> EntityFactory:
    """Build the factory of a control type that becomes exactly one entity."""
    return lambda coordinator, control: [cls(coordinator, control)]


def build_entities(
    coordinator: LoxoneCoordinator,
    factories: Mapping[str, EntityFactory],
    *,
    sub_controls: bool = False,
) -> list[LoxoneEntity]:
    """Create one platform's entities for every control of a type it handles.

    `sub_controls` selects whether the factories apply to sub-controls (True) or to top-level
    controls (False), so a type such as Dimmer can be mapped differently in each place.
    """
    entities: list[LoxoneEntity] = []
    for control in mapped_controls(coordinator.structure):
        if (control.parent is not None) != sub_controls:
            continue
        if (factory := factories.get(control.type)) is not None:
            entities.extend(factory(coordinator, control))
    return entities


def add_item_entities(
    coordinator: LoxoneCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    control_type: str,
    state: str,
    items: Callable[[str], dict[str, dict[str, Any]]],
    factory: ItemFactory,
) -> None:
    """Add an entity per item of a text state listing things (a manager's loads, alarm entries).

    Such lists are states, not part of the structure file, so their entities appear when the list
    first arrives and whenever it names a new item; `items` reads the text into key -> item.
    """
    for control in coordinator.structure.controls.values():
        ref = control.states.get(state)
        if control.type != control_type or not isinstance(ref, str):
            continue
        known: set[str] = set()

        @callback
        def listener(
            _uuid: bytes, value: StateValue, control: Control = control, known: set[str] = known
        ) -> None:
            if not isinstance(value, TextState):
                return
            new = {key: item for key, item in items(value.text).items() if key not in known}
            known.update(new)
            if new:
                async_add_entities(
                    [factory(coordinator, control, key, item) for key, item in new.items()]
                )

        if (value := coordinator.state(ref)) is not None:
            listener(b"", value)
        coordinator.entry.async_on_unload(coordinator.subscribe(ref, listener))
