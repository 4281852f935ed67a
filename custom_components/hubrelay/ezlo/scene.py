"""Ezlo hub scenes as scenes; scenes added on the hub appear without a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.scene import Scene as SceneEntity
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..const import DOMAIN
from ..protocols.ezlo import Scene
from .coordinator import EzloCoordinator
from .entity import EzloHubEntity


class EzloScene(EzloHubEntity, SceneEntity):
    """A scene of the hub, run on activation."""

    def __init__(self, coordinator: EzloCoordinator, scene: Scene) -> None:
        """Belong to the hub device, named like the scene."""
        super().__init__(coordinator, f"scene_{scene.id}")
        self._scene = scene
        self._attr_name = scene.name or scene.id

    async def async_activate(self, **kwargs: Any) -> None:
        """Run the scene on the hub."""
        await self.coordinator.async_run_scene(self._scene.id, self._scene.name)


async def async_setup_platform(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a scene per hub scene, and follow scenes added or deleted on the hub."""
    hass, entry = coordinator.hass, coordinator.entry
    known: set[str] = set()

    @callback
    def scenes_changed(scenes: Mapping[str, Scene]) -> None:
        new = [scene for scene_id, scene in scenes.items() if scene_id not in known]
        registry = er.async_get(hass)
        for scene_id in known - scenes.keys():
            unique_id = f"{coordinator.serial}_scene_{scene_id}"
            if entity_id := registry.async_get_entity_id("scene", DOMAIN, unique_id):
                registry.async_remove(entity_id)
        known.clear()
        known.update(scenes)
        async_add_entities([EzloScene(coordinator, scene) for scene in new])

    scenes_changed(coordinator.session.scenes)
    entry.async_on_unload(coordinator.session.on_scenes_changed(scenes_changed))
