"""Switches: Loxone Switch, TimedSwitch, central switches, charging, loads and alarm entries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from homeassistant.components.switch import SwitchEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity, LoxoneOnOff, parse_json_text
from .mapping import MOOD_ALL_OFF, EntityFactory, add_item_entities, build_entities, single


class LoxoneSwitch(LoxoneOnOff, SwitchEntity):
    """A Switch control: `active` is 1 when on."""

    _attr_name = None


class LoxoneTimedSwitch(LoxoneEntity, SwitchEntity):
    """A TimedSwitch: on starts its timer (`pulse`); -1 means permanently on."""

    _attr_name = None
    state_names = ("deactivationDelay",)

    def _update_from_values(self) -> None:
        delay = self.number("deactivationDelay")
        self._attr_is_on = None if delay is None else delay != 0

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start the timer."""
        await self.send("pulse")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off at once."""
        await self.send("off")


class LoxoneCentralLights(LoxoneEntity, SwitchEntity):
    """A CentralLightController: switches all its lighting controllers; on while any is on."""

    _attr_name = None

    def watched_states(self) -> Iterator[tuple[str, str]]:
        """Watch the active moods of every lighting controller this control drives."""
        controls = self.coordinator.structure.controls
        for index, target in enumerate(self.control.details.get("controls", [])):
            controller = controls.get(str(target.get("uuid", "")))
            if controller is not None and isinstance(
                ref := controller.states.get("activeMoods"), str
            ):
                yield f"moods{index}", ref

    def _update_from_values(self) -> None:
        moods = [parse_json_text(self.text(name), None) for name, _ref in self.watched_states()]
        known = [m for m in moods if isinstance(m, list)]
        self._attr_is_on = any(m != [MOOD_ALL_OFF] for m in known) if known else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch every lighting controller on."""
        await self.send("on")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch every lighting controller off."""
        await self.send("off")


class LoxoneCharging(LoxoneEntity, SwitchEntity):
    """Whether a wallbox may charge: Gen. 2 `enabled` (allow/…), Gen. 1 `charging` (charge/…)."""

    _attr_translation_key = "charging"

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Pick the state and command of the wallbox generation."""
        super().__init__(coordinator, control, "charging")
        gen2 = control.type == "Wallbox2"
        self.state_names = ("enabled" if gen2 else "charging",)
        self._command = "allow" if gen2 else "charge"

    def _update_from_values(self) -> None:
        value = self.number(self.state_names[0])
        self._attr_is_on = None if value is None else value != 0

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Allow (start) charging."""
        await self.send(f"{self._command}/on")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop or pause charging."""
        await self.send(f"{self._command}/off")


class LoxoneManagedLoad(LoxoneEntity, SwitchEntity):
    """One load of an Energy Manager (Gen. 1): on keeps it on, off overrides the manager's input."""

    _attr_translation_key = "managed_load"
    state_names = ("loads",)

    def __init__(
        self, coordinator: LoxoneCoordinator, control: Control, load: int, name: str
    ) -> None:
        """Follow the load with this id in the `loads` state."""
        super().__init__(coordinator, control, f"load_{load}")
        self._load = load
        self._attr_translation_placeholders = {"load": name}

    def _update_from_values(self) -> None:
        loads = parse_json_text(self.text("loads"), [])
        load = next(
            (item for item in loads if isinstance(item, dict) and item.get("id") == self._load),
            None,
        )
        self._attr_is_on = None if load is None else bool(load.get("isActive"))

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Keep the load on."""
        await self.send(f"turnOn/{self._load}")

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the load off until its input changes."""
        await self.send(f"turnOff/{self._load}")


def _managed_loads(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneManagedLoad(
            coordinator, control, int(load["id"]), str(load.get("name") or load["id"])
        )
        for load in control.details.get("loads", [])
        if isinstance(load, dict) and isinstance(load.get("id"), int)
    ]


class LoxoneAlarmEntry(LoxoneEntity, SwitchEntity):
    """One entry of an Alarm Clock: on while it will ring; switching rewrites the entry as it is."""

    _attr_translation_key = "alarm_entry"
    state_names = ("entryList",)

    def __init__(
        self, coordinator: LoxoneCoordinator, control: Control, entry: str, item: dict[str, Any]
    ) -> None:
        """Follow the entry with this id in the `entryList` state."""
        super().__init__(coordinator, control, f"entry_{entry}")
        self._entry = entry
        self._attr_translation_placeholders = {"entry": str(item.get("name") or entry)}

    def _item(self) -> dict[str, Any] | None:
        return alarm_entries(self.text("entryList")).get(self._entry)

    def _update_from_values(self) -> None:
        item = self._item()
        self._attr_is_on = None if item is None else bool(item.get("isActive"))

    async def _put(self, active: bool) -> None:
        item = self._item() or {}
        # Night-light entries repeat by `daily`, the others on operating modes.
        if item.get("nightLight"):
            repeat = "1" if item.get("daily") else "0"
        else:
            repeat = ",".join(str(mode) for mode in item.get("modes", []))
        name = quote(str(item.get("name", "")), safe="")
        time = int(item.get("alarmTime", 0))
        await self.send(f"entryList/put/{self._entry}/{name}/{time}/{int(active)}/{repeat}")

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let the entry ring."""
        await self._put(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Keep the entry but do not ring."""
        await self._put(False)


def alarm_entries(text: str | None) -> dict[str, dict[str, Any]]:
    """Read an Alarm Clock's `entryList` (entry id -> entry)."""
    entries = parse_json_text(text, {})
    if not isinstance(entries, dict):
        return {}
    return {str(key): item for key, item in entries.items() if isinstance(item, dict)}


class LoxoneToggle(LoxoneEntity, SwitchEntity):
    """A flag a control sets with `{command}/1|0` or two commands (a pool pump, a sauna fan)."""

    def __init__(
        self,
        coordinator: LoxoneCoordinator,
        control: Control,
        *,
        translation_key: str,
        state: str,
        commands: tuple[str, str],
    ) -> None:
        """Show `state`; send `commands` (on, off)."""
        super().__init__(coordinator, control, translation_key)
        self._attr_translation_key = translation_key
        self.state_names = (state,)
        self._commands = commands

    def _update_from_values(self) -> None:
        value = self.number(self.state_names[0])
        self._attr_is_on = None if value is None else value != 0

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self.send(self._commands[0])

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self.send(self._commands[1])


def _pool_switches(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    entities: list[LoxoneEntity] = [
        LoxoneToggle(
            coordinator,
            control,
            translation_key="pump",
            state="pump",
            commands=("pump/1", "pump/0"),
        )
    ]
    if control.details.get("hasHeating"):
        entities.append(
            LoxoneToggle(
                coordinator,
                control,
                translation_key="heating_approved",
                state="heatingApproved",
                commands=("approveHeating/1", "approveHeating/0"),
            )
        )
    return entities


def _sauna_fan(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneToggle(
            coordinator,
            control,
            translation_key="sauna_fan",
            state="fan",
            commands=("fanon", "fanoff"),
        )
    ]


FACTORIES: dict[str, EntityFactory] = {
    "CentralLightController": single(LoxoneCentralLights),
    "Switch": single(LoxoneSwitch),
    "TimedSwitch": single(LoxoneTimedSwitch),
    "Wallbox2": single(LoxoneCharging),
    "CarCharger": single(LoxoneCharging),
    "EnergyManager": _managed_loads,
    "PoolController": _pool_switches,
    "Sauna": _sauna_fan,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
    add_item_entities(
        coordinator, async_add_entities, "AlarmClock", "entryList", alarm_entries, LoxoneAlarmEntry
    )
