"""Moving over from PyLoxone: its registries as it leaves them, taken over against the simulator.

The foreign entry, devices and entities are built the way JoDehli/PyLoxone 0.9.x builds them
(`loxone/takeover.py` names the code): entry unique id = `msInfo.serialNr`, settings in the
options, the token in the data; entity unique id = the control's `uuidAction`; control devices
`("loxone", uuidAction)`, the Miniserver `("loxone", serial)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryDisabler,
    ConfigEntryState,
    ConfigFlow,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from custom_components.hubrelay.const import DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.hub.takeover import (
    CONF_TAKEOVER,
    LISTED,
    SUMMARY_ISSUE,
    TAKEOVER_ISSUE,
    TakeoverPlan,
    async_check_takeover,
    plan_takeover,
)
from custom_components.hubrelay.loxone.takeover import LOXONE_TAKEOVER, PYLOXONE
from custom_components.hubrelay.repairs import async_create_fix_flow
from tests.components.loxone.conftest import control, form_input
from tests.simulators.miniserver import MiniserverSimulator

SERIAL = "504F94A0B1C2"


@dataclass(frozen=True)
class Foreign:
    """A PyLoxone entity to build: platform, control name, and the user's customisation."""

    domain: str
    control: str
    object_id: str
    customise: dict[str, Any]


#: Matched: same control, same platform in HubRelay.
HALL_LIGHT = Foreign("switch", "Hall light", "loxone_hall_light", {"name": "Flur", "icon": "mdi:x"})
OUTDOOR = Foreign("sensor", "Outdoor temperature", "outdoor_temp", {"hidden_by": "user"})
BLIND = Foreign("cover", "Living room blind", "loxone_living_room_blind", {"disabled_by": "user"})
CONTACT = Foreign("binary_sensor", "Front door contact", "front_door", {})
#: PyLoxone before its button platform made a Pushbutton a switch; HubRelay has a button.
OLD_BUTTON = Foreign("switch", "Garage door button", "loxone_garage_door_button", {})
FOREIGN = (HALL_LIGHT, OUTDOOR, BLIND, CONTACT, OLD_BUTTON)


async def add_pyloxone(hass: HomeAssistant, port: int, *, fork: bool = False) -> MockConfigEntry:
    """Build the PyLoxone entry, its devices and entities, with a user's customisations.

    JoDehli/PyLoxone 0.9.22 sets the entry's unique id to the serial; the alxzndr fork (0.10)
    leaves it empty and adds `verify_ssl` to the options.
    """
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "username": "admin",
        "password": "admin",
        "generate_scenes": True,
        "generate_scenes_delay": 3,
        "generate_lightcontroller_subcontrols": False,
    }
    if fork:
        options["verify_ssl"] = True
    entry = MockConfigEntry(
        domain="loxone",
        title="PyLoxone (127.0.0.1)",
        version=4,
        unique_id=None if fork else SERIAL,
        data={"token": "opaque", "hash_alg": "SHA256", "valid_until": 123456},
        options=options,
    )
    entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    areas = ar.async_get(hass)
    devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={("loxone", SERIAL)},
        connections=set() if fork else {("mac", "127.0.0.1")},
        name="Demo House",
        manufacturer="Loxone",
        model="Miniserver (Gen 2)",
    )
    hallway = areas.async_create("Hallway")
    for foreign in FOREIGN:
        lox = control(foreign.control)
        device = devices.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={("loxone", lox["uuidAction"])},
            name=f"loxone {lox['name']}",
            manufacturer="Loxone",
            model=lox["type"],
        )
        created = entities.async_get_or_create(
            foreign.domain,
            "loxone",
            lox["uuidAction"],
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=foreign.object_id,
            original_name=lox["name"],
        )
        changes: dict[str, Any] = dict(foreign.customise)
        if "hidden_by" in changes:
            changes["hidden_by"] = er.RegistryEntryHider.USER
        if "disabled_by" in changes:
            changes["disabled_by"] = er.RegistryEntryDisabler.USER
        if foreign is CONTACT:
            changes["area_id"] = hallway.id
        entities.async_update_entity(created.entity_id, **changes)
        if foreign is HALL_LIGHT:
            devices.async_update_device(
                device.id, name_by_user="Hallway ceiling", area_id=hallway.id
            )
    entities.async_get_or_create(
        "sensor",
        "loxone",
        "loxone_software_version",
        config_entry=entry,
        suggested_object_id="loxone_software_version",
    )
    return entry


async def add_hubrelay(
    hass: HomeAssistant, miniserver: MiniserverSimulator, *, take_over: bool
) -> HubRelayConfigEntry:
    """Add the Miniserver through the config flow and answer the take-over step."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form_input(miniserver)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "takeover"
    assert result["description_placeholders"] == {
        "integration": "PyLoxone",
        "other_title": "PyLoxone (127.0.0.1)",
        "count": "6",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"take_over": take_over}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


def uid(name: str) -> str:
    return f"{SERIAL}_{control(name)['uuidAction']}"


def registry_picture(hass: HomeAssistant) -> list[tuple[Any, ...]]:
    """Everything a take-over may change, for comparing two runs."""
    return sorted(
        (
            e.entity_id,
            e.platform,
            e.unique_id,
            e.config_entry_id,
            e.device_id,
            e.name,
            e.icon,
            e.area_id,
            e.disabled_by,
            e.hidden_by,
        )
        for e in er.async_get(hass).entities.values()
    )


def assert_taken_over(
    hass: HomeAssistant, entry: HubRelayConfigEntry, foreign: MockConfigEntry
) -> None:
    """The matching entities are ours under their old ids with every customisation."""
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    hall = entities.async_get("switch.loxone_hall_light")
    assert hall is not None
    assert (hall.platform, hall.config_entry_id, hall.unique_id) == (
        DOMAIN,
        entry.entry_id,
        uid("Hall light"),
    )
    assert (hall.name, hall.icon, hall.disabled_by) == ("Flur", "mdi:x", None)
    # HubRelay's entity shows under the old id; its own default id was never kept.
    assert hass.states.get("switch.loxone_hall_light") is not None
    assert entities.async_get("switch.hall_hall_light") is None
    assert hall.device_id is not None
    hall_device = devices.async_get(hall.device_id)
    assert hall_device is not None
    assert (DOMAIN, uid("Hall light")) in hall_device.identifiers
    assert hall_device.name_by_user == "Hallway ceiling"
    assert hall_device.area_id == ar.async_get(hass).async_get_area_by_name("Hallway").id  # type: ignore[union-attr]

    outdoor = entities.async_get("sensor.outdoor_temp")
    assert outdoor is not None
    assert (outdoor.platform, outdoor.unique_id, outdoor.hidden_by) == (
        DOMAIN,
        uid("Outdoor temperature"),
        er.RegistryEntryHider.USER,
    )
    blind = entities.async_get("cover.loxone_living_room_blind")
    assert blind is not None
    assert (blind.platform, blind.disabled_by) == (DOMAIN, er.RegistryEntryDisabler.USER)
    assert hass.states.get("cover.loxone_living_room_blind") is None
    contact = entities.async_get("binary_sensor.front_door")
    assert contact is not None
    assert contact.platform == DOMAIN
    assert contact.area_id == ar.async_get(hass).async_get_area_by_name("Hallway").id  # type: ignore[union-attr]

    # What HubRelay has no certain counterpart for stays with the disabled PyLoxone entry.
    for entity_id in ("switch.loxone_garage_door_button", "sensor.loxone_software_version"):
        left = entities.async_get(entity_id)
        assert left is not None
        assert (left.platform, left.config_entry_id) == ("loxone", foreign.entry_id)
        assert left.disabled_by is er.RegistryEntryDisabler.CONFIG_ENTRY
    assert entities.async_get("button.garage_garage_door_button") is not None
    assert foreign.disabled_by is ConfigEntryDisabler.USER
    assert hass.config_entries.async_get_entry(foreign.entry_id) is foreign


@pytest.mark.parametrize("fork", [False, True])
async def test_the_config_flow_takes_over_from_pyloxone(
    hass: HomeAssistant, miniserver: MiniserverSimulator, fork: bool
) -> None:
    foreign = await add_pyloxone(hass, miniserver.port, fork=fork)
    entry = await add_hubrelay(hass, miniserver, take_over=True)
    assert entry.state is ConfigEntryState.LOADED
    assert CONF_TAKEOVER not in entry.data
    assert_taken_over(hass, entry, foreign)

    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"{TAKEOVER_ISSUE}_{entry.entry_id}") is None
    summary = issues.async_get_issue(DOMAIN, f"{SUMMARY_ISSUE}_{entry.entry_id}")
    assert summary is not None
    placeholders = summary.translation_placeholders or {}
    assert (placeholders["moved"], placeholders["left"]) == ("4", "2")
    assert placeholders["left_list"] == (
        "- sensor.loxone_software_version\n- switch.loxone_garage_door_button"
    )
    assert (
        int(placeholders["new"])
        == len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)) - 4
    )
    # The summary goes away when the user has read it.
    assert await async_setup_component(hass, "repairs", {})
    manager = hass.data["repairs"]["flow_manager"]
    result = await manager.async_init(DOMAIN, data={"issue_id": summary.issue_id})
    assert result["step_id"] == "confirm"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert issues.async_get_issue(DOMAIN, summary.issue_id) is None

    # Running it again (a reload, a restart) changes nothing.
    before = registry_picture(hass)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    async_check_takeover(hass, entry, SERIAL, "loxone", LOXONE_TAKEOVER.schemes)
    await hass.async_block_till_done()
    assert registry_picture(hass) == before
    assert issues.async_get_issue(DOMAIN, f"{TAKEOVER_ISSUE}_{entry.entry_id}") is None

    # Going back: remove HubRelay, enable PyLoxone again; what it kept is enabled again and the
    # taken-over entity ids are free for PyLoxone to use (README "Moving over from PyLoxone").
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert er.async_get(hass).async_get("switch.loxone_hall_light") is None
    await hass.config_entries.async_set_disabled_by(foreign.entry_id, None)
    await hass.async_block_till_done()
    assert foreign.disabled_by is None
    button = er.async_get(hass).async_get("switch.loxone_garage_door_button")
    assert button is not None
    assert button.disabled_by is None
    again = er.async_get(hass).async_get_or_create(
        "switch",
        "loxone",
        control("Hall light")["uuidAction"],
        config_entry=foreign,
        suggested_object_id="loxone_hall_light",
    )
    assert again.entity_id == "switch.loxone_hall_light"
    assert issues.async_get_issue(DOMAIN, f"{SUMMARY_ISSUE}_{entry.entry_id}") is None


async def test_declined_the_repair_issue_offers_it_and_takes_over(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    foreign = await add_pyloxone(hass, miniserver.port)
    entry = await add_hubrelay(hass, miniserver, take_over=False)
    # Both run side by side, nothing moved yet.
    assert er.async_get(hass).async_get("switch.hall_hall_light") is not None
    assert foreign.disabled_by is None
    issues = ir.async_get(hass)
    issue = issues.async_get_issue(DOMAIN, f"{TAKEOVER_ISSUE}_{entry.entry_id}")
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "title": entry.title,
        "integration": "PyLoxone",
        "other_title": "PyLoxone (127.0.0.1)",
    }

    assert await async_setup_component(hass, "repairs", {})
    manager = hass.data["repairs"]["flow_manager"]
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["moved"] == "4"
    assert result["description_placeholders"]["moved_list"].splitlines() == [
        "- binary_sensor.front_door",
        "- cover.loxone_living_room_blind",
        "- sensor.outdoor_temp",
        "- switch.loxone_hall_light",
    ]
    result = await manager.async_configure(result["flow_id"], {})
    assert result["step_id"] == "summary"
    assert result["description_placeholders"]["left"] == "2"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert_taken_over(hass, entry, foreign)
    assert issues.async_get_issue(DOMAIN, issue.issue_id) is None

    # A fix started for an entry that is gone (or already disabled) aborts.
    flow = await async_create_fix_flow(hass, issue.issue_id, dict(issue.data or {}))
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["reason"] == "takeover_gone"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_only_the_same_miniserver_is_taken_over(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    other = MockConfigEntry(domain="loxone", title="Other", unique_id="504F94000001", options={})
    other.add_to_hass(hass)
    never_started = MockConfigEntry(domain="loxone", title="New", unique_id=None, options={})
    never_started.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "loxone"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form_input(miniserver)
    )
    # No PyLoxone entry serves this Miniserver: no take-over step, no issue.
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    assert not ir.async_get(hass).async_get_issue(DOMAIN, f"{TAKEOVER_ISSUE}_{entry.entry_id}")
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("unique_id", "expected"),
    [
        ("2f3fbf50-aa60-e690-6dc2bb57bbc3a449", (f"{SERIAL}_2f3fbf50-aa60-e690-6dc2bb57bbc3a449",)),
        ("2F3FBF50-AA60-E690-6DC2BB57BBC3A449", (f"{SERIAL}_2F3FBF50-AA60-E690-6DC2BB57BBC3A449",)),
        ("2f3fbf50-aa60-e690-6dc2bb57bbc3a449_total", ()),
        ("loxone_software_version", ()),
    ],
)
def test_pyloxone_unique_ids(unique_id: str, expected: tuple[str, ...]) -> None:
    entry = MockConfigEntry(domain="loxone", unique_id=SERIAL)
    assert PYLOXONE.candidates("switch", unique_id, SERIAL, entry, entry) == expected


async def test_two_foreign_entities_for_one_of_ours_both_stay(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    foreign = await add_pyloxone(hass, miniserver.port)
    entry = await add_hubrelay(hass, miniserver, take_over=False)
    entities = er.async_get(hass)
    # A fork that kept upper-case UUIDs next to the lower-case ones: which one is meant is not
    # certain, so neither moves.
    entities.async_get_or_create(
        "sensor",
        "loxone",
        control("Oven power")["uuidAction"],
        config_entry=foreign,
        suggested_object_id="oven_a",
    )
    found = (PYLOXONE, foreign)
    plan = plan_takeover(hass, entry, SERIAL, *found)
    assert "sensor.oven_a" not in plan.left
    moved = dict(plan.moves)
    assert moved["sensor.oven_a"] == "sensor.kitchen_oven_power"

    def twice(
        domain: str, unique_id: str, serial: str, foreign_entry: Any, ours: Any
    ) -> tuple[str, ...]:
        return (f"{serial}_{control('Oven power')['uuidAction']}",)

    greedy = type(PYLOXONE)(
        domain="loxone", name="Greedy", serves=PYLOXONE.serves, candidates=twice
    )
    plan = plan_takeover(hass, entry, SERIAL, greedy, foreign)
    assert not plan.moves
    assert len(plan.left) == len(FOREIGN) + 2
    assert plan.placeholders()["moved_list"] == "-"
    await hass.config_entries.async_unload(entry.entry_id)


def test_a_summary_lists_a_bounded_number_of_entities() -> None:
    plan = TakeoverPlan(
        scheme=PYLOXONE,
        foreign_entry_id="x",
        foreign_title="PyLoxone",
        left=[f"sensor.s{i:02}" for i in range(LISTED + 5)],
    )
    lines = plan.placeholders()["left_list"].splitlines()
    assert len(lines) == LISTED + 1
    assert (lines[0], lines[-1]) == ("- sensor.s00", "- (+5)")


async def test_a_loaded_pyloxone_that_deletes_its_entities_on_unload(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    """PyLoxone's unload removes its registry entries that have no state: all of them.

    The take-over keeps what the user had from before the unload and gives it to our entries.
    """

    async def setup_entry(_hass: HomeAssistant, _entry: Any) -> bool:
        return True

    async def unload_entry(hass_: HomeAssistant, entry_: Any) -> bool:
        registry = er.async_get(hass_)
        for entity in er.async_entries_for_config_entry(registry, entry_.entry_id):
            if hass_.states.get(entity.entity_id) is None:
                registry.async_remove(entity.entity_id)
        return True

    mock_integration(
        hass,
        MockModule("loxone", async_setup_entry=setup_entry, async_unload_entry=unload_entry),
    )
    mock_platform(hass, "loxone.config_flow", None)
    foreign = await add_pyloxone(hass, miniserver.port)
    with mock_config_flow("loxone", PyLoxoneFlow):
        assert await hass.config_entries.async_setup(foreign.entry_id)
        await _take_over_from_loaded(hass, miniserver, foreign)


class PyLoxoneFlow(ConfigFlow):
    """Stands in for PyLoxone's `SchemaConfigFlowHandler` (its entries are version 4)."""

    VERSION = 4


async def _take_over_from_loaded(
    hass: HomeAssistant, miniserver: MiniserverSimulator, foreign: MockConfigEntry
) -> None:
    assert foreign.state is ConfigEntryState.LOADED
    entry = await add_hubrelay(hass, miniserver, take_over=True)
    assert foreign.state is ConfigEntryState.NOT_LOADED
    assert foreign.disabled_by is ConfigEntryDisabler.USER
    entities = er.async_get(hass)
    hall = entities.async_get("switch.loxone_hall_light")
    assert hall is not None
    assert (hall.platform, hall.config_entry_id, hall.unique_id) == (
        DOMAIN,
        entry.entry_id,
        uid("Hall light"),
    )
    assert (hall.name, hall.icon) == ("Flur", "mdi:x")
    assert hass.states.get("switch.loxone_hall_light") is not None
    outdoor = entities.async_get("sensor.outdoor_temp")
    assert outdoor is not None
    assert outdoor.hidden_by is er.RegistryEntryHider.USER
    blind = entities.async_get("cover.loxone_living_room_blind")
    assert blind is not None
    assert blind.disabled_by is er.RegistryEntryDisabler.USER
    contact = entities.async_get("binary_sensor.front_door")
    assert contact is not None
    assert contact.device_id is not None
    # Our contact is its device's main feature: the user's area goes to the device.
    contact_device = dr.async_get(hass).async_get(contact.device_id)
    assert contact_device is not None
    hallway = ar.async_get(hass).async_get_area_by_name("Hallway")
    assert hallway is not None
    assert contact_device.area_id == hallway.id
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_that_is_not_loaded_is_taken_over_and_loads_later(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    foreign = await add_pyloxone(hass, miniserver.port)
    entry = await add_hubrelay(hass, miniserver, take_over=False)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{TAKEOVER_ISSUE}_{entry.entry_id}")
    assert issue is not None
    # The hub was unreachable at start: the entry waits, none of its entities is loaded.
    await hass.config_entries.async_unload(entry.entry_id)
    assert await async_setup_component(hass, "repairs", {})
    manager = hass.data["repairs"]["flow_manager"]
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    result = await manager.async_configure(result["flow_id"], {})
    assert result["step_id"] == "summary"
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert_taken_over(hass, entry, foreign)

    # A disabled HubRelay entry is not a target.
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.config_entries.async_set_disabled_by(foreign.entry_id, None)
    flow = await async_create_fix_flow(hass, issue.issue_id, dict(issue.data or {}))
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["reason"] == "takeover_gone"
