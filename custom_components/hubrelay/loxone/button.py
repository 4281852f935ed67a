"""Loxone push buttons, digital inputs, counter resets, alarm snooze, intercom answers and doors."""

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


class LoxoneIntercomOutput(LoxoneEntity, ButtonEntity):
    """A door output of an intercom (a Pushbutton sub-control, such as the door opener)."""

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Named like the output; enabled, unlike most sub-controls: opening doors is the point."""
        super().__init__(coordinator, control)
        self._attr_entity_registry_enabled_default = True

    async def async_press(self) -> None:
        """Send a pulse to the output."""
        await self.send("pulse")


def _intercom(*pairs: tuple[str, str]) -> EntityFactory:
    """Build an intercom's command buttons plus one button per door output."""
    commands = _buttons(*pairs)
    return lambda coordinator, control: [
        *commands(coordinator, control),
        *(
            LoxoneIntercomOutput(coordinator, output)
            for output in control.sub_controls.values()
            if output.type == "Pushbutton"
        ),
    ]


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
    # `answer` stops the bell; only IntercomV2 documents `mute/1` and `mute/0`.
    "Intercom": _intercom(("answer", "answer")),
    "IntercomV2": _intercom(
        ("answer", "answer"), ("mute_bell", "mute/1"), ("unmute_bell", "mute/0")
    ),
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
