"""Vera scenes as scenes; scenes added on the controller appear without a restart."""

from __future__ import annotations

from typing import Any

from homeassistant.components.scene import Scene as SceneEntity
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..const import DOMAIN
from ..protocols.vera import Scene as VeraSceneModel
from .coordinator import VeraCoordinator
from .entity import VeraBaseEntity


class VeraScene(VeraBaseEntity, SceneEntity):
    """A Vera scene, run on activation; it belongs to the controller's device."""

    def __init__(self, coordinator: VeraCoordinator, scene: VeraSceneModel) -> None:
        """Name it like the scene."""
        super().__init__(coordinator)
        self._scene = scene
        self._attr_unique_id = f"{coordinator.serial}_scene_{scene.id}"
        if scene.name:
            self._attr_name = scene.name
        else:
            self._attr_translation_key = "unnamed_scene"
            self._attr_translation_placeholders = {"id": str(scene.id)}
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, coordinator.serial)})

    async def async_activate(self, **kwargs: Any) -> None:
        """Run the scene on the controller."""
        session, scene_id = self.coordinator.session, self._scene.id
        await self.coordinator.async_command(self._scene.name, lambda: session.run_scene(scene_id))


async def async_setup_platform(
    coordinator: VeraCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a scene per Vera scene and follow the scenes the structure listener reports."""
    hass, entry = coordinator.hass, coordinator.entry
    known: set[int] = set()

    @callback
    def scenes_changed() -> None:
        scenes = coordinator.session.scenes
        registry = er.async_get(hass)
        for scene_id in known - scenes.keys():
            unique_id = f"{coordinator.serial}_scene_{scene_id}"
            if entity_id := registry.async_get_entity_id("scene", DOMAIN, unique_id):
                registry.async_remove(entity_id)
        new = [scene for scene_id, scene in scenes.items() if scene_id not in known]
        known.clear()
        known.update(scenes)
        if new:
            async_add_entities([VeraScene(coordinator, scene) for scene in new])

    scenes_changed()
    entry.async_on_unload(coordinator.session.add_structure_listener(scenes_changed))
