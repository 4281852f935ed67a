"""Value sensors' own event path (issue 17): what an event of its state shows and reads back."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_component import DATA_INSTANCES

from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.loxone.coordinator import LoxoneCoordinator
from custom_components.hubrelay.loxone.value_sensor import LoxoneValueSensor
from custom_components.hubrelay.protocols.loxone import TextState
from tests.components.loxone.conftest import state_uuid, wait_for_state
from tests.simulators.miniserver import MiniserverSimulator

ENTITY = "sensor.garden_outdoor_temperature"


def sensor(hass: HomeAssistant, entity_id: str) -> LoxoneValueSensor:
    entity = hass.data[DATA_INSTANCES]["sensor"].get_entity(entity_id)
    assert isinstance(entity, LoxoneValueSensor)
    return entity


async def test_number_text_and_back(
    hass: HomeAssistant, miniserver: MiniserverSimulator, loxone_entry: HubRelayConfigEntry
) -> None:
    uuid = state_uuid("Outdoor temperature", "value")
    miniserver.set_value(uuid, 7.5)
    await wait_for_state(hass, ENTITY, "7.5")
    entity = sensor(hass, ENTITY)
    assert (entity.number("value"), entity.text("value")) == (7.5, None)
    assert (entity.number("other"), entity.text("other")) == (None, None)
    # A text where a number belongs shows unknown, and reads back as the text it is.
    miniserver.set_text(uuid, "n/a")
    await wait_for_state(hass, ENTITY, STATE_UNKNOWN)
    assert (entity.number("value"), entity.text("value")) == (None, "n/a")
    miniserver.set_value(uuid, -3.0)
    await wait_for_state(hass, ENTITY, "-3.0")
    assert entity.native_value == -3.0


class ReactingSensor(LoxoneValueSensor):
    """A value sensor that reacts to changes: it takes the general event path."""

    changed: list[str]

    def _value_changed(self, name: str) -> None:
        self.changed.append(name)


async def test_a_subclass_reacting_to_changes_takes_the_general_path(
    hass: HomeAssistant, loxone_entry: HubRelayConfigEntry
) -> None:
    coordinator = cast(LoxoneCoordinator, loxone_entry.runtime_data)
    control = next(
        c for c in coordinator.structure.controls.values() if c.name == "Outdoor temperature"
    )
    entity = ReactingSensor(coordinator, control, "value", "%.1f°C")
    entity.changed = []
    writes: list[None] = []
    cast(Any, entity).async_write_ha_state = lambda: writes.append(None)
    subscriber = entity._subscriber("value")
    assert isinstance(subscriber, partial)
    subscriber(b"\0" * 16, 4.0)
    subscriber(b"\0" * 16, 4.0)  # unchanged: nothing written
    subscriber(b"\0" * 16, TextState("text", b"\0" * 16))
    assert (entity.native_value, entity.text("value"), len(writes)) == (None, "text", 2)
    assert entity.changed == ["value", "value"]
