"""The access outputs of a Loxone NFC Code Touch as buttons (`output/<n>` pulses one)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity

from ..protocols.loxone import Control
from .access import access_outputs
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory


class LoxoneAccessOutput(LoxoneEntity, ButtonEntity):
    """Pulse one named access output (`output/<n>`), as the app's button does."""

    _attr_translation_key = "access_output"

    def __init__(
        self, coordinator: LoxoneCoordinator, control: Control, number: int, name: str
    ) -> None:
        """One button per output named in `accessOutputs`."""
        super().__init__(coordinator, control, f"output_{number}")
        self._attr_translation_placeholders = {"output": name}
        self._number = number

    async def async_press(self) -> None:
        """Pulse the output."""
        await self.send(f"output/{self._number}")


def _buttons(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneAccessOutput(coordinator, control, number, name)
        for number, name in access_outputs(control).items()
    ]


FACTORIES: dict[str, EntityFactory] = {"NfcCodeTouch": _buttons}
