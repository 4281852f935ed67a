"""Moving over from the Ezlo integrations: their registries as they leave them, taken over.

ha-ezlo-hub (domain `ezlo`): entry unique id and data `hub_serial` = the hub serial, entity
unique ids `<serial>_<device _id>_<switch|lock|cover|battery|battery_maint>`, devices
`("ezlo", <device _id>)`. ezloPi (domain `ezlopi`): one entry per account, entity unique ids
`<serial>_<item _id>`, devices `("ezlopi", "<serial>_<device _id>")` (`ezlo/takeover.py`).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.hubrelay.const import CONF_CONNECTION, CONF_HUB, DOMAIN
from custom_components.hubrelay.data import HubRelayConfigEntry
from custom_components.hubrelay.ezlo.takeover import EZLO_HUB, EZLOPI
from tests.components.ezlo.conftest import EzloWorld, sign_in


def device_of(world: EzloWorld, device: str, item: str) -> str:
    """The `_id` of the demo device with this name (found through one of its items)."""
    found: str = world.hub.house.item_by_name(device, item)["deviceId"]
    return found


async def add_hub_answering_takeover(
    hass: HomeAssistant, world: EzloWorld, *, take_over: bool, integration: str
) -> HubRelayConfigEntry:
    """Add the hub in local mode and answer the take-over step."""
    result = await sign_in(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "local"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "takeover"
    assert result["description_placeholders"]["integration"] == integration
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"take_over": take_over}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: HubRelayConfigEntry = result["result"]
    return entry


async def test_take_over_from_ha_ezlo_hub(hass: HomeAssistant, world: EzloWorld) -> None:
    serial = world.serial
    foreign = MockConfigEntry(
        domain="ezlo",
        title=f"Ezlo Hub {serial}",
        unique_id=serial,
        data={
            CONF_HOST: "127.0.0.1",
            "hub_serial": serial,
            "hub_uuid": "f0e1d2c3",
            "hub_user": "user-uuid",
            "hub_token": "opaque",
        },
    )
    foreign.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    built = {
        "switch.lamp": ("switch", device_of(world, "Lamp switch", "switch"), "switch"),
        "lock.front_door": ("lock", device_of(world, "Front lock", "door_lock"), "lock"),
        "sensor.front_door_battery": (
            "sensor",
            device_of(world, "Front lock", "door_lock"),
            "battery",
        ),
        "cover.garage": ("cover", device_of(world, "Garage door", "barrier"), "cover"),
    }
    for entity_id, (domain, device_id, suffix) in built.items():
        device = devices.async_get_or_create(
            config_entry_id=foreign.entry_id,
            identifiers={("ezlo", device_id)},
            name=entity_id,
            manufacturer="Ezlo",
        )
        entities.async_get_or_create(
            domain,
            "ezlo",
            f"{serial}_{device_id}_{suffix}",
            config_entry=foreign,
            device_id=device.id,
            suggested_object_id=entity_id.partition(".")[2],
        )
    entities.async_update_entity("lock.front_door", name="Front door", icon="mdi:door")
    # A device HubRelay does not have (removed from the hub since): it stays.
    entities.async_get_or_create(
        "switch",
        "ezlo",
        f"{serial}_deadbeef_switch",
        config_entry=foreign,
        suggested_object_id="gone",
    )

    entry = await add_hub_answering_takeover(hass, world, take_over=True, integration=EZLO_HUB.name)
    for entity_id, (_domain, device_id, suffix) in built.items():
        moved = entities.async_get(entity_id)
        assert moved is not None
        assert (moved.platform, moved.config_entry_id) == (DOMAIN, entry.entry_id)
        item = {"switch": "switch", "lock": "door_lock", "battery": "battery", "cover": "barrier"}
        assert moved.unique_id == f"{serial}_{device_id}_{item[suffix]}"
        assert hass.states.get(entity_id) is not None
    lock = entities.async_get("lock.front_door")
    assert lock is not None
    assert (lock.name, lock.icon) == ("Front door", "mdi:door")
    gone = entities.async_get("switch.gone")
    assert gone is not None
    assert gone.platform == "ezlo"
    assert foreign.disabled_by is ConfigEntryDisabler.USER
    await hass.config_entries.async_unload(entry.entry_id)


async def test_take_over_from_ezlopi(hass: HomeAssistant, world: EzloWorld) -> None:
    serial = world.serial
    house = world.hub.house
    foreign = MockConfigEntry(
        domain="ezlopi",
        title="owner@example.com",
        unique_id="owner@example.com",
        data={"username": "owner@example.com", "password": "secret"},
    )
    foreign.add_to_hass(hass)
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    lamp = house.item_by_name("Lamp switch", "switch")
    dimmer = house.item_by_name("Ceiling dimmer", "dimmer")
    for domain, item, object_id in (
        ("switch", lamp, "lamp_switch"),
        ("light", dimmer, "ceiling"),
    ):
        device = devices.async_get_or_create(
            config_entry_id=foreign.entry_id,
            identifiers={("ezlopi", f"{serial}_{item['deviceId']}")},
            name=object_id,
            manufacturer="ezloPi",
            model="ezloPi ESP32",
        )
        entities.async_get_or_create(
            domain,
            "ezlopi",
            f"{serial}_{item['_id']}",
            config_entry=foreign,
            device_id=device.id,
            suggested_object_id=object_id,
        )
    entities.async_update_entity("light.ceiling", hidden_by=er.RegistryEntryHider.USER)

    entry = await add_hub_answering_takeover(hass, world, take_over=True, integration=EZLOPI.name)
    switch = entities.async_get("switch.lamp_switch")
    assert switch is not None
    assert (switch.platform, switch.unique_id) == (
        DOMAIN,
        f"{serial}_{lamp['deviceId']}_switch",
    )
    light = entities.async_get("light.ceiling")
    assert light is not None
    assert (light.platform, light.unique_id, light.hidden_by) == (
        DOMAIN,
        f"{serial}_{dimmer['deviceId']}_dimmer",
        er.RegistryEntryHider.USER,
    )
    assert foreign.disabled_by is ConfigEntryDisabler.USER
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_ezlopi_account_with_other_hubs_is_not_taken_over(
    hass: HomeAssistant, world: EzloWorld
) -> None:
    foreign = MockConfigEntry(domain="ezlopi", unique_id="owner", data={})
    foreign.add_to_hass(hass)
    entities = er.async_get(hass)
    lamp = world.hub.house.item_by_name("Lamp switch", "switch")
    entities.async_get_or_create(
        "switch", "ezlopi", f"{world.serial}_{lamp['_id']}", config_entry=foreign
    )
    entities.async_get_or_create("switch", "ezlopi", "70000001_abc", config_entry=foreign)
    empty = MockConfigEntry(domain="ezlopi", unique_id="nobody", data={})
    empty.add_to_hass(hass)
    result = await sign_in(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: world.serial, CONF_CONNECTION: "local"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert foreign.disabled_by is None
    await hass.config_entries.async_unload(result["result"].entry_id)


def test_ezlo_unique_ids_of_other_hubs_name_nothing() -> None:
    entry = MockConfigEntry(domain="ezlo", unique_id="1")
    assert EZLO_HUB.candidates("switch", "2_dev_switch", "1", entry, entry) == ()
    assert EZLO_HUB.candidates("switch", "1_dev_volume", "1", entry, entry) == ()
    assert EZLO_HUB.candidates("switch", "1_", "1", entry, entry) == ()
    # Without a loaded HubRelay entry the item list is unknown: nothing is certain.
    assert EZLOPI.candidates("switch", "1_item", "1", entry, entry) == ()
