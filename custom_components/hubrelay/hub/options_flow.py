"""Options of a hub whose devices come and go (Ezlo, Vera): pick devices from the loaded entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import SelectOptionDict, SelectSelector, SelectSelectorConfig
import probatio


def device_choices(devices: Iterable[tuple[str, str]]) -> SelectSelector:
    """Offer devices, given as (id, label), to pick several of."""
    options = [SelectOptionDict(value=value, label=label) for value, label in devices]
    return SelectSelector(SelectSelectorConfig(options=options, multiple=True))


class DeviceOptionsFlow(OptionsFlowWithReload):
    """Options that offer the hub's devices; the entry must be loaded to know them.

    Each system shows them on a step of its own, so the form is described for its hub.
    """

    async def _async_step_devices(
        self, user_input: dict[str, Any] | None, *, step_id: str
    ) -> ConfigFlowResult:
        """Show and store the options on the system's step `step_id`."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(dict(self._fields())), self.config_entry.options
            ),
        )

    def _fields(self) -> Mapping[Any, Any]:
        """Build the form's fields from the loaded entry's coordinator."""
        raise NotImplementedError
