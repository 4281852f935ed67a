"""Base entities for Loxone: per-state subscriptions, availability, control and hub devices.

An entity subscribes only to the state UUIDs it shows, so a value event costs one dictionary
lookup and one callback per interested entity, however many controls the Miniserver has. It
writes its state only when one of those values actually changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
import json
import logging
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

from ..const import DOMAIN
from ..protocols.loxone import Control, StateValue, TextState
from .coordinator import LoxoneCoordinator

_LOGGER = logging.getLogger(__name__)


def parse_json_text(text: str | None, default: Any) -> Any:
    """Parse a JSON text state (never eval): Miniserver data is not trusted code."""
    try:
        return json.loads(text) if text else default
    except ValueError:
        _LOGGER.debug("Ignoring a text state that is not JSON")
        return default


def control_device_id(coordinator: LoxoneCoordinator, control: Control) -> str:
    """Device identifier of a control; sub-controls live on their parent's device."""
    return f"{coordinator.serial}_{control.parent or control.uuid}"


class LoxoneSessionEntity(Entity):
    """An entity showing Miniserver states: per-state subscriptions, availability, no polling."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    #: Whether the class overrides `_value_changed` (saves a call per event when it does not).
    _reacts_to_changes = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Note whether the subclass reacts to changed values."""
        super().__init_subclass__(**kwargs)
        cls._reacts_to_changes = cls._value_changed is not LoxoneSessionEntity._value_changed

    def __init__(self, coordinator: LoxoneCoordinator) -> None:
        """Keep the session owner; values arrive in `async_added_to_hass`."""
        self.coordinator = coordinator
        self._values: dict[str, StateValue] = {}

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Yield (name, state UUID) of every state this entity shows."""
        return iter(())

    async def async_added_to_hass(self) -> None:
        """Take the cached values and subscribe to every state this entity shows."""
        coordinator = self.coordinator
        for name, ref in self.watched_states():
            if (value := coordinator.state(ref)) is not None:
                self._values[name] = value
            self.async_on_remove(coordinator.subscribe(ref, self._subscriber(name)))
        self.async_on_remove(coordinator.add_availability_listener(self._availability_changed))
        self._attr_available = coordinator.connected
        self._update_from_values()

    def _subscriber(self, name: str) -> Callable[[bytes, StateValue], None]:
        """Return the callback for the events of state `name` (subclasses: a quicker one)."""
        return partial(self._state_event, name)

    @callback
    def _state_event(self, name: str, _uuid: bytes, value: StateValue) -> None:
        values = self._values
        if values.get(name) == value:
            return
        values[name] = value
        self._update_from_values()
        self.async_write_ha_state()
        if self._reacts_to_changes:
            self._value_changed(name)

    @callback
    def _availability_changed(self, available: bool) -> None:
        self._attr_available = available
        self.async_write_ha_state()

    def _update_from_values(self) -> None:
        """Set the `_attr_*` values from `self._values` (subclasses)."""

    def _value_changed(self, name: str) -> None:
        """React to a changed value after the state was written (subclasses)."""

    def number(self, name: str) -> float | None:
        """Return a numeric state, or None while unknown."""
        value = self._values.get(name)
        return value if isinstance(value, float) else None

    def text(self, name: str) -> str | None:
        """Return a text state, or None while unknown."""
        value = self._values.get(name)
        return value.text if isinstance(value, TextState) else None


class LoxoneHubEntity(LoxoneSessionEntity):
    """An entity of the Miniserver itself (weather service, operating mode)."""

    def __init__(self, coordinator: LoxoneCoordinator, key: str) -> None:
        """Belong to the Miniserver's device."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.serial}_{key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, coordinator.serial)})


class LoxoneEntity(LoxoneSessionEntity):
    """An entity showing (part of) one Loxone control, on that control's device."""

    #: Names of the control's states (keys of `control.states`) this entity reads.
    state_names: tuple[str, ...] = ()

    def __init__(
        self,
        coordinator: LoxoneCoordinator,
        control: Control,
        key: str | None = None,
    ) -> None:
        """Describe the entity and its device (room as area, linked to the Miniserver)."""
        super().__init__(coordinator)
        self.control = control
        self._attr_unique_id = f"{coordinator.serial}_{control.uuid}" + (f"_{key}" if key else "")
        owner = coordinator.structure.controls.get(control.parent or "", control)
        room = coordinator.structure.rooms.get(owner.room or "")
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, control_device_id(coordinator, control))},
            name=owner.name,
            manufacturer="Loxone",
            model=owner.type,
            suggested_area=room.name if room else None,
            via_device_id=coordinator.hub_device_id,
        )
        if control.parent is not None:
            # A sub-control (e.g. a lighting circuit) shares its parent's device: name it, and
            # leave it disabled until a user wants that much detail.
            self._attr_name = control.name
            self._attr_entity_registry_enabled_default = False

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Yield (name, state UUID) of the control's states this entity shows."""
        for name in self.state_names:
            ref = self.control.states.get(name)
            if isinstance(ref, str):
                yield name, ref

    async def send(self, command: str) -> None:
        """Send a command to this entity's control through the session owner."""
        await self.coordinator.async_send_command(self.control, command)


class LoxoneActive(LoxoneEntity):
    """A control whose `active` state is 1 when on (switches, circuits, digital inputs)."""

    state_names = ("active",)

    def _update_from_values(self) -> None:
        active = self.number("active")
        self._attr_is_on = None if active is None else active != 0


class LoxoneOnOff(LoxoneActive):
    """An `active` control that is switched with the `on` and `off` commands."""

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self.send("on")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self.send("off")
