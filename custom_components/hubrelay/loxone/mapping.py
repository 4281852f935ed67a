"""Which Loxone controls become which Home Assistant entities: one table, one place.

Each platform module registers an entity factory per control type it handles; this module
walks the structure file once and hands each platform the controls of its types. Adding a control
type is one line in a platform's factory table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from ..protocols.loxone import Control, LoxoneStructure

if TYPE_CHECKING:
    from .coordinator import LoxoneCoordinator
    from .entity import LoxoneEntity

type EntityFactory = Callable[["LoxoneCoordinator", Control], list["LoxoneEntity"]]

# The LightControllerV2 mood that means "everything off".
MOOD_ALL_OFF = 778

# Containers whose sub-controls are entities of their own (LightControllerV2 circuits).
SUB_CONTROL_PARENTS = frozenset({"LightControllerV2"})


def mapped_controls(structure: LoxoneStructure) -> Iterator[Control]:
    """Every top-level control, plus the sub-controls of the containers we expose."""
    for control in structure.controls.values():
        yield control
        if control.type in SUB_CONTROL_PARENTS:
            yield from control.sub_controls.values()


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
