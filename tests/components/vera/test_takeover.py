"""Moving over from Home Assistant's core `vera`: its registry as it leaves it, taken over.

Built as core `vera` (Home Assistant 2026.10, pyvera 0.3.16) builds it: entry unique id = the
controller's serial number, data `vera_controller_url`/`lights`/`exclude`/`legacy_unique_id`;
entity ids `<domain>.<slug name>_<device id>`, unique ids `vera_<serial>_<device id>` (metered
switches add `_power`/`_energy`), no devices.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.hubrelay.const import CONF_URL, DOMAIN
from custom_components.hubrelay.hub.takeover import SUMMARY_ISSUE, TAKEOVER_ISSUE
from custom_components.hubrelay.vera.takeover import CORE_VERA
from tests.components.vera.conftest import VeraWorld, start_flow

#: (platform, core unique id suffix, core entity id, HubRelay unique id suffix)
MATCHED = [
    ("switch", "10", "switch.hall_switch_10", "10"),
    ("sensor", "10_power", "sensor.hall_switch_10_power", "10_power"),
    ("sensor", "10_energy", "sensor.hall_switch_10_energy", "10_energy"),
    ("light", "11", "light.living_dimmer_11", "11"),
    ("sensor", "15", "sensor.living_temperature_15", "15_temperature"),
    ("sensor", "19", "sensor.house_power_19", "19_power"),
    ("binary_sensor", "20", "binary_sensor.front_door_20", "20"),
    ("switch", "20", "switch.front_door_20", "20_armed"),
    ("sensor", "25", "sensor.hall_scene_controller_25", "25_scene"),
]


def add_core_vera(hass: HomeAssistant, world: VeraWorld, *, legacy: bool) -> MockConfigEntry:
    """Build the core `vera` entry and its entities, with a user's name and hiding."""
    url = f"http://{world.address}"
    entry = MockConfigEntry(
        domain="vera",
        title=url,
        unique_id=world.serial,
        data={
            "vera_controller_url": url,
            "lights": [],
            "exclude": [],
            "legacy_unique_id": legacy,
        },
    )
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for domain, suffix, entity_id, _ours in MATCHED:
        unique_id = suffix if legacy else f"vera_{world.serial}_{suffix}"
        if legacy and "_" in suffix:
            continue  # metering sensors came after the legacy ids
        created = registry.async_get_or_create(
            domain,
            "vera",
            unique_id,
            config_entry=entry,
            suggested_object_id=entity_id.partition(".")[2],
        )
        assert created.entity_id == entity_id
    registry.async_update_entity("switch.hall_switch_10", name="Hall", icon="mdi:lamp")
    registry.async_update_entity(
        "sensor.living_temperature_15", hidden_by=er.RegistryEntryHider.USER
    )
    # Another Vera's device, and a scene controller shown as a switch: not certain, they stay.
    registry.async_get_or_create(
        "sensor", "vera", "vera_999_3", config_entry=entry, suggested_object_id="other_3"
    )
    registry.async_get_or_create(
        "cover", "vera", f"vera_{world.serial}_25", config_entry=entry, suggested_object_id="x_25"
    )
    return entry


@pytest.mark.parametrize("legacy", [False, True])
async def test_the_config_flow_takes_over_from_core_vera(
    hass: HomeAssistant, world: VeraWorld, legacy: bool
) -> None:
    foreign = add_core_vera(hass, world, legacy=legacy)
    flow_id = await start_flow(hass, "vera_local")
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: world.address})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "takeover"
    assert result["description_placeholders"]["integration"] == CORE_VERA.name
    result = await hass.config_entries.flow.async_configure(flow_id, {"take_over": True})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]

    registry = er.async_get(hass)
    expected = [m for m in MATCHED if not (legacy and "_" in m[1])]
    for domain, _suffix, entity_id, ours in expected:
        moved = registry.async_get(entity_id)
        assert moved is not None, entity_id
        assert (moved.domain, moved.platform, moved.config_entry_id, moved.unique_id) == (
            domain,
            DOMAIN,
            entry.entry_id,
            f"{world.serial}_{ours}",
        )
        assert hass.states.get(entity_id) is not None, entity_id
    hall = registry.async_get("switch.hall_switch_10")
    assert hall is not None
    assert (hall.name, hall.icon) == ("Hall", "mdi:lamp")
    temperature = registry.async_get("sensor.living_temperature_15")
    assert temperature is not None
    assert temperature.hidden_by is er.RegistryEntryHider.USER
    assert registry.async_get("switch.hall_hall_switch") is None
    for entity_id in ("sensor.other_3", "cover.x_25"):
        left = registry.async_get(entity_id)
        assert left is not None
        assert (left.platform, left.disabled_by) == ("vera", er.RegistryEntryDisabler.CONFIG_ENTRY)
    assert foreign.disabled_by is ConfigEntryDisabler.USER
    summary = ir.async_get(hass).async_get_issue(DOMAIN, f"{SUMMARY_ISSUE}_{entry.entry_id}")
    assert summary is not None
    assert (summary.translation_placeholders or {})["moved"] == str(len(expected))
    await hass.config_entries.async_unload(entry.entry_id)


async def test_without_take_over_a_repair_issue_offers_it(
    hass: HomeAssistant, world: VeraWorld
) -> None:
    add_core_vera(hass, world, legacy=False)
    flow_id = await start_flow(hass, "vera_local")
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_URL: world.address})
    result = await hass.config_entries.flow.async_configure(flow_id, {"take_over": False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{TAKEOVER_ISSUE}_{entry.entry_id}")
    assert issue is not None
    assert issue.is_fixable
    assert (issue.data or {})["system"] == "vera"
    assert er.async_get(hass).async_get("switch.hall_hall_switch") is not None
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("domain", "unique_id", "legacy", "expected"),
    [
        ("light", "vera_S1_11", False, ("S1_11",)),
        ("sensor", "vera_S1_10_energy", False, ("S1_10_energy",)),
        ("sensor", "vera_S2_10", False, ()),
        ("sensor", "vera_S1_10_volts", False, ()),
        ("sensor", "vera_S1_x", False, ()),
        ("lock", "13", True, ("S1_13",)),
        ("lock", "vera_S1_13", True, ()),
    ],
)
def test_core_vera_unique_ids(
    domain: str, unique_id: str, legacy: bool, expected: tuple[str, ...]
) -> None:
    entry = MockConfigEntry(domain="vera", unique_id="S1", data={"legacy_unique_id": legacy})
    assert CORE_VERA.candidates(domain, unique_id, "S1", entry, entry) == expected
