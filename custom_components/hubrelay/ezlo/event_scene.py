"""Runs of the hub's scenes as event entities: one per hub scene, on the hub device.

The hub broadcasts ``hub.scene.run.progress`` when a scene starts and again when it finishes,
whoever ran it: its own schedule, a keypad, the Ezlo app or Home Assistant. The entity records
one ``ran`` event per ``started`` broadcast received while connected. Nothing the session loads
at (re)connect or on a refresh is a run, so a run while Home Assistant could not see the hub is
not played back later. The device trigger *Scene "Good night" ran* follows the entity, named
after the scene's scene entity (`scene_subtype`).
"""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..const import DOMAIN
from ..hub.triggers import SCENE_RAN, default_subtype
from ..protocols.ezlo import Scene, SceneRunProgress
from .coordinator import EzloCoordinator
from .entity import EzloHubEntity
from .scene import follow_scenes, scene_key

#: The ``hub.scene.run.progress`` status that is a run; ``finished`` (or a failure) ends it.
STARTED = "started"
RUN_SUFFIX = "_run"
#: The translation key of the run entities.
SCENE_RUN = "scene_run"


def run_key(scene_id: str) -> str:
    """Return the unique id key (after the hub serial) of a hub scene's run event entity."""
    return scene_key(scene_id) + RUN_SUFFIX


class EzloSceneRun(EzloHubEntity, EventEntity):
    """The runs of one hub scene."""

    _attr_event_types = [SCENE_RAN]
    _attr_translation_key = "scene_run"  # SCENE_RUN (a literal for the translation check)

    def __init__(self, coordinator: EzloCoordinator, scene: Scene) -> None:
        """Belong to the hub device beside the scene's scene entity."""
        super().__init__(coordinator, run_key(scene.id))
        self._scene_id = scene.id
        self._attr_translation_placeholders = {"scene": scene.name or scene.id}

    async def async_added_to_hass(self) -> None:
        """Follow this scene's run broadcasts."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.session.subscribe_scene_run(self._scene_id, self._progress)
        )

    @callback
    def _progress(self, progress: SceneRunProgress) -> None:
        if progress.status != STARTED or not self.coordinator.session.connected:
            return
        self._trigger_event(SCENE_RAN)
        self.async_write_ha_state()


def add_scene_runs(
    coordinator: EzloCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a run event entity per hub scene, following scenes added or deleted on the hub."""
    follow_scenes(
        coordinator,
        "event",
        run_key,
        lambda scene: EzloSceneRun(coordinator, scene),
        async_add_entities,
    )


def scene_subtype(registry: er.EntityRegistry, entry: er.RegistryEntry) -> str:
    """Name a trigger's subtype: the scene's name for a scene run, else the button's key.

    The name is the scene entity's (as the user renamed it, else as the hub named it), read from
    the registry so the automation editor lists the triggers while the hub is away too.
    """
    if entry.translation_key != SCENE_RUN:
        return default_subtype(registry, entry)
    unique_id = entry.unique_id.removesuffix(RUN_SUFFIX)
    scene_id = registry.async_get_entity_id("scene", DOMAIN, unique_id)
    scene = registry.async_get(scene_id) if scene_id else None
    if scene is not None and (name := scene.name or scene.original_name):
        return name
    return unique_id.partition("_scene_")[2]
