"""Ezlo and Vera hub scenes as scenes; scenes added on the hub appear without a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.scene import Scene as SceneEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator_ezlo import EzloCoordinator
from .coordinator_vera import VeraCoordinator
from .data import HubRelayConfigEntry
from .entity_ezlo import EzloHubEntity
from .entity_vera import VeraBaseEntity
from .protocols.ezlo import Scene
from .protocols.vera import Scene as VeraSceneModel

PARALLEL_UPDATES = 1


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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a scene per hub scene, and follow scenes added or deleted on the hub."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, VeraCoordinator):
        _setup_vera_scenes(hass, entry, coordinator, async_add_entities)
        return
    if not isinstance(coordinator, EzloCoordinator):
        return
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


class VeraScene(VeraBaseEntity, SceneEntity):
    """A Vera scene, run on activation; it belongs to the controller's device."""

    def __init__(self, coordinator: VeraCoordinator, scene: VeraSceneModel) -> None:
        """Name it like the scene."""
        super().__init__(coordinator)
        self._scene = scene
        self._attr_unique_id = f"{coordinator.serial}_scene_{scene.id}"
        self._attr_name = scene.name or f"Scene {scene.id}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, coordinator.serial)})

    async def async_activate(self, **kwargs: Any) -> None:
        """Run the scene on the controller."""
        session, scene_id = self.coordinator.session, self._scene.id
        await self.coordinator.async_command(self._scene.name, lambda: session.run_scene(scene_id))


def _setup_vera_scenes(
    hass: HomeAssistant,
    entry: HubRelayConfigEntry,
    coordinator: VeraCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a scene per Vera scene and follow the scenes the structure listener reports."""
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
