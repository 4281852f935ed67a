"""Which Ezlo entities HubRelay takes over from the Ezlo integrations people run today.

- jamincollins/ha-ezlo-hub (HACS, domain `ezlo`, read at f78c6a8, May 2026): the config entry's
  unique id is the hub serial (``hub.info.get`` ``serial``, also in data ``hub_serial`` next to
  ``host``, ``hub_uuid``, ``hub_user`` and ``hub_token``). Entity unique ids are
  ``<serial>_<device _id>_<suffix>`` with the suffixes ``switch`` (in-wall switch), ``lock``,
  ``cover`` (garage door), ``battery`` and ``battery_maint``; devices ``("ezlo", <device _id>)``
  via ``("ezlo", <serial>)``.
- ezloteam's ezloPi integration (domain `ezlopi`; ezloteam/ezlopi-hass-integration, renamed
  homeassistant-ezlopi, read at 2063fde): one entry per Ezlo account (unique id the user name,
  data ``username``/``password``) serving every hub of it. Entity unique ids are
  ``<hub serial>_<item _id>``; devices ``("ezlopi", "<serial>_<device _id>")``. An item id
  names one item of one device, so the hub's own item list gives HubRelay's id; only an entry
  that serves this one hub is taken over (disabling it would stop the account's other hubs).

HubRelay's own unique ids are ``<serial>_<device _id>_<item name>`` (`ezlo/entity.py`).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ..const import CONF_SERIAL
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.takeover import ForeignScheme, TakeoverSupport
from .coordinator import EzloCoordinator

#: ha-ezlo-hub's suffix -> the item names HubRelay's entity of that platform ends in.
EZLO_HUB_SUFFIXES: dict[str, tuple[str, ...]] = {
    "switch": ("switch",),
    "lock": ("door_lock",),
    "cover": ("barrier", "dimmer", "shutter_command"),
    "battery": ("battery",),
    "battery_maint": ("battery_maintenance_state",),
}


def _ezlo_hub_serves(_hass: HomeAssistant, entry: ConfigEntry, serial: str) -> bool:
    return serial in (entry.unique_id, entry.data.get("hub_serial"))


def _ezlo_hub_candidates(
    _domain: str, unique_id: str, serial: str, _entry: ConfigEntry, _ours: HubRelayConfigEntry
) -> tuple[str, ...]:
    device, _, suffix = unique_id.removeprefix(f"{serial}_").partition("_")
    if not unique_id.startswith(f"{serial}_") or not device:
        return ()
    return tuple(f"{serial}_{device}_{name}" for name in EZLO_HUB_SUFFIXES.get(suffix, ()))


def _ezlopi_serves(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> bool:
    """Serve this hub only: every entity of the entry is one of its items."""
    unique_ids = [
        entity.unique_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    ]
    return bool(unique_ids) and all(uid.startswith(f"{serial}_") for uid in unique_ids)


def _ezlopi_candidates(
    _domain: str, unique_id: str, serial: str, _entry: ConfigEntry, ours: HubRelayConfigEntry
) -> tuple[str, ...]:
    coordinator = getattr(ours, "runtime_data", None)
    if not unique_id.startswith(f"{serial}_") or not isinstance(coordinator, EzloCoordinator):
        return ()
    item = coordinator.session.items.get(unique_id.removeprefix(f"{serial}_"))
    return () if item is None else (f"{serial}_{item.device_id}_{item.name}",)


EZLO_HUB = ForeignScheme(
    domain="ezlo",
    name="Ezlo Hub (ha-ezlo-hub)",
    serves=_ezlo_hub_serves,
    candidates=_ezlo_hub_candidates,
)
EZLOPI = ForeignScheme(
    domain="ezlopi", name="ezloPi", serves=_ezlopi_serves, candidates=_ezlopi_candidates
)


def _entry_serial(entry: HubRelayConfigEntry) -> str:
    return str(entry.data[CONF_SERIAL])


EZLO_TAKEOVER = TakeoverSupport(schemes=(EZLO_HUB, EZLOPI), serial_of=_entry_serial)
