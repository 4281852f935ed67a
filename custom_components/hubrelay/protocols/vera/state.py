"""The hub's current state, rebuilt from a full sdata and patched by long-poll answers.

A long-poll answer carries only the devices and scenes that changed, and only some of their
fields, so each record is merged into the one we hold before the model is rebuilt. A change of
``loadtime`` means the engine restarted: the next full answer replaces everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .models import (
    EMPTY_VARIABLES,
    ControllerInfo,
    Room,
    Scene,
    Variables,
    VeraDevice,
    parse_device,
)
from .responses import SData


@dataclass(frozen=True, slots=True)
class StateChange:
    """What an update changed: device ids to notify and whether the structure moved."""

    devices: frozenset[int] = frozenset()
    structure: bool = False
    scenes: bool = False


@dataclass(slots=True)
class HubState:
    """Everything the session caches about one hub."""

    controller: ControllerInfo | None = None
    loadtime: int | None = None
    dataversion: int | None = None
    devices: dict[int, VeraDevice] = field(default_factory=dict)
    rooms: dict[int, Room] = field(default_factory=dict)
    scenes: dict[int, Scene] = field(default_factory=dict)
    categories: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    _records: dict[int, Mapping[str, Any]] = field(default_factory=dict, init=False)
    _variables: dict[int, Variables] = field(default_factory=dict, init=False)

    def replace(
        self, sdata: SData, variables: Mapping[int, Variables] | None = None
    ) -> StateChange:
        """Take a full answer (after connecting or a Luup reload); report what differs."""
        if variables is not None:
            self._variables = dict(variables)
        if sdata.controller is not None:
            self.controller = sdata.controller
        self.loadtime, self.dataversion = sdata.loadtime, sdata.dataversion
        old_devices = self.devices
        self._records = dict(sdata.devices)
        self.devices = {
            device_id: parse_device(record, self._variables.get(device_id, EMPTY_VARIABLES))
            for device_id, record in self._records.items()
        }
        old_rooms, old_scenes = self.rooms, self.scenes
        self.rooms = {room.id: room for room in sdata.rooms or ()}
        self.scenes = {scene.id: scene for scene in sdata.scenes or ()}
        if sdata.categories is not None:
            self.categories = sdata.categories
        changed = {
            device_id
            for device_id, device in self.devices.items()
            if old_devices.get(device_id) != device
        }
        structure = (
            old_devices.keys() != self.devices.keys()
            or old_rooms != self.rooms
            or old_scenes.keys() != self.scenes.keys()
        )
        return StateChange(frozenset(changed), structure, old_scenes != self.scenes)

    def merge(self, sdata: SData) -> StateChange:
        """Apply a partial long-poll answer: patch the records it carries."""
        if sdata.dataversion is not None:
            self.dataversion = sdata.dataversion
        changed: set[int] = set()
        new_device = False
        for device_id, record in sdata.devices.items():
            old = self._records.get(device_id)
            # A stored record is a read-only view of a dict: copied in C, not key by key.
            merged = old.copy() if type(old) is MappingProxyType else dict(old or {})
            merged.update(record)
            new_device = new_device or device_id not in self._records
            self._records[device_id] = MappingProxyType(merged)
            if self._rebuild(device_id):
                changed.add(device_id)
        scenes_changed = False
        for scene in sdata.scenes or ():
            new_device = new_device or scene.id not in self.scenes
            scenes_changed = scenes_changed or self.scenes.get(scene.id) != scene
            self.scenes[scene.id] = scene
        return StateChange(frozenset(changed), new_device, scenes_changed)

    def set_variables(self, variables: Mapping[int, Variables]) -> frozenset[int]:
        """Store fresh UPnP variables (from ``status``); return the devices whose model moved."""
        changed = set()
        for device_id, values in variables.items():
            self._variables[device_id] = values
            if device_id in self._records and self._rebuild(device_id):
                changed.add(device_id)
        return frozenset(changed)

    def _rebuild(self, device_id: int) -> bool:
        device = parse_device(
            self._records[device_id], self._variables.get(device_id, EMPTY_VARIABLES)
        )
        if self.devices.get(device_id) == device:
            return False
        self.devices[device_id] = device
        return True
