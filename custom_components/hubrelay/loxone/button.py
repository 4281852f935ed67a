"""Loxone push buttons, digital up/down and left/right inputs, counter resets, alarm snooze."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .button_access import FACTORIES as ACCESS_FACTORIES
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, single


class LoxonePushbutton(LoxoneEntity, ButtonEntity):
    """A Pushbutton: pressing sends a pulse."""

    _attr_name = None

    async def async_press(self) -> None:
        """Send a pulse."""
        await self.send("pulse")


class LoxoneCommandButton(LoxoneEntity, ButtonEntity):
    """One command of a control as a button: a digital input's pulse, a counter's reset."""

    def __init__(
        self, coordinator: LoxoneCoordinator, control: Control, translation_key: str, command: str
    ) -> None:
        """Send `command` when pressed."""
        super().__init__(coordinator, control, translation_key)
        self._attr_translation_key = translation_key
        self._command = command

    async def async_press(self) -> None:
        """Send the command."""
        await self.send(self._command)


def _buttons(*pairs: tuple[str, str]) -> EntityFactory:
    """Build the factory of a control with one button per (translation key, command)."""
    return lambda coordinator, control: [
        LoxoneCommandButton(coordinator, control, key, command) for key, command in pairs
    ]


# The up/right output pulses with PulseUp, the down/left output with PulseDown.
FACTORIES: dict[str, EntityFactory] = {
    "Pushbutton": single(LoxonePushbutton),
    "UpDownDigital": _buttons(("up", "PulseUp"), ("down", "PulseDown")),
    "LeftRightDigital": _buttons(("left", "PulseDown"), ("right", "PulseUp")),
    "Hourcounter": _buttons(("reset_maintenance", "reset")),
    "AlarmClock": _buttons(("snooze", "snooze"), ("dismiss", "dismiss")),
    "Sauna": _buttons(("start_timer", "starttimer")),
    "PoolController": _buttons(
        ("start_filter", "filter"),
        ("start_backwash", "backwash"),
        ("start_circulation", "circulate"),
        ("start_drain", "drain"),
        ("acknowledge_error", "ackError"),
    ),
    **ACCESS_FACTORIES,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a button per Pushbutton control."""
    async_add_entities(build_entities(coordinator, FACTORIES))
