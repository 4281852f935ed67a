"""Selects: Loxone radio buttons (Radio controls) and wallbox charging modes."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..protocols.loxone import Control
from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, single


class LoxoneRadio(LoxoneEntity, SelectEntity):
    """A Radio: one active output (id >= 1) or none (0, the "all off" entry)."""

    _attr_name = None
    state_names = ("activeOutput",)

    def __init__(self, coordinator: LoxoneCoordinator, control: Control) -> None:
        """Read the outputs and the optional "all off" label from the details."""
        super().__init__(coordinator, control)
        outputs = control.details.get("outputs", {})
        self._by_id: dict[int, str] = {
            int(key): str(name) for key, name in outputs.items() if str(key).isdigit()
        }
        self._all_off: str | None = control.details.get("allOff") or None
        if self._all_off is not None:
            self._by_id[0] = self._all_off
        self._attr_options = [self._by_id[key] for key in sorted(self._by_id)]

    def _update_from_values(self) -> None:
        active = self.number("activeOutput")
        self._attr_current_option = None if active is None else self._by_id.get(int(active))

    async def async_select_option(self, option: str) -> None:
        """Activate an output, or switch all off ("reset")."""
        key = next(key for key, name in self._by_id.items() if name == option)
        await self.send("reset" if key == 0 else str(key))


class LoxoneChargingMode(LoxoneEntity, SelectEntity):
    """A wallbox's limitation mode, by number: Gen. 2 modes named in Loxone Config, Gen. 1 fixed.

    Option texts that are our own (manual, automatic, keep…) are translation keys; the mode names
    a user gave the wallbox in Loxone Config are shown as written.
    """

    def __init__(
        self,
        coordinator: LoxoneCoordinator,
        control: Control,
        *,
        translation_key: str,
        state: str,
        command: str,
        options: dict[int, str],
    ) -> None:
        """Show `state` as one of `options` (number -> option) and send `command/{number}`."""
        super().__init__(coordinator, control, translation_key)
        self._attr_translation_key = translation_key
        self.state_names = (state,)
        self._command = command
        self._by_id = options
        self._attr_options = list(options.values())

    def _update_from_values(self) -> None:
        mode = self.number(self.state_names[0])
        self._attr_current_option = None if mode is None else self._by_id.get(int(mode))

    async def async_select_option(self, option: str) -> None:
        """Switch to the mode with this option."""
        mode = next(key for key, name in self._by_id.items() if name == option)
        await self.send(f"{self._command}/{mode}")


# Gen. 2 modes 1-5 are named in Loxone Config (an empty name is an unused mode); 99 is manual.
WALLBOX_MANUAL_MODE = 99


def _wallbox2_modes(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    named = {
        int(mode["id"]): str(mode["name"])
        for mode in control.details.get("modes", [])
        if isinstance(mode, dict) and isinstance(mode.get("id"), int) and mode.get("name")
    }
    return [
        LoxoneChargingMode(
            coordinator,
            control,
            translation_key="charging_mode",
            state="mode",
            command="setmode",
            options=named | {WALLBOX_MANUAL_MODE: "manual"},
        ),
        LoxoneChargingMode(
            coordinator,
            control,
            translation_key="mode_after_unplugging",
            state="modeUnplug",
            command="modeUnplug",
            options={0: "keep"} | named,
        ),
    ]


def _car_charger_mode(coordinator: LoxoneCoordinator, control: Control) -> list[LoxoneEntity]:
    return [
        LoxoneChargingMode(
            coordinator,
            control,
            translation_key="limit_mode",
            state="limitMode",
            command="limitMode",
            options={0: "maximum", 1: "manual", 2: "automatic"},
        )
    ]


FACTORIES: dict[str, EntityFactory] = {
    "Radio": single(LoxoneRadio),
    "Wallbox2": _wallbox2_modes,
    "CarCharger": _car_charger_mode,
}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add this platform's entities for the Loxone entry."""
    async_add_entities(build_entities(coordinator, FACTORIES))
