"""Ezlo hub scenes as scenes; scenes added on the hub appear without a restart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.scene import Scene as SceneEntity
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..const import DOMAIN
from ..protocols.ezlo import Scene
from .coordinator import EzloCoordinator
from .entity import EzloHubEntity


def scene_key(scene_id: str) -> str:
    """Return the unique id key (after the hub serial) of a hub scene's scene entity."""
    return f"scene_{scene_id}"


class EzloScene(EzloHubEntity, SceneEntity):
    """A scene of the hub, run on activation."""

    def __init__(self, coordinator: EzloCoordinator, scene: Scene) -> None:
        """Belong to the hub device, named like the scene."""
        super().__init__(coordinator, scene_key(scene.id))
        self._scene = scene
        self._attr_name = scene.name or scene.id

    async def async_activate(self, **kwargs: Any) -> None:
        """Run the scene on the hub."""
        await self.coordinator.async_run_scene(self._scene.id, self._scene.name)


def follow_scenes(
    coordinator: EzloCoordinator,
    domain: str,
    key: Callable[[str], str],
    build: Callable[[Scene], Entity],
    add: AddConfigEntryEntitiesCallback,
) -> None:
    """Give each hub scene an entity of `domain` (unique id key `key(scene id)`), following the hub.

    A scene added on the hub gets its entity at once; a deleted scene's entity leaves the registry.
    """
    hass, entry = coordinator.hass, coordinator.entry
    known: set[str] = set()

    @callback
    def scenes_changed(scenes: Mapping[str, Scene]) -> None:
        new = [scene for scene_id, scene in scenes.items() if scene_id not in known]
        registry = er.async_get(hass)
        for scene_id in known - scenes.keys():
            unique_id = f"{coordinator.serial}_{key(scene_id)}"
            if entity_id := registry.async_get_entity_id(domain, DOMAIN, unique_id):
                registry.async_remove(entity_id)
        known.clear()
        known.update(scenes)
        add([build(scene) for scene in new])

    scenes_changed(coordinator.session.scenes)
    entry.async_on_unload(coordinator.session.on_scenes_changed(scenes_changed))


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a scene per hub scene, and follow scenes added or deleted on the hub."""
    follow_scenes(
        coordinator,
        "scene",
        scene_key,
        lambda scene: EzloScene(coordinator, scene),
        async_add_entities,
    )
