"""Which Loxone entities HubRelay takes over from PyLoxone (domain `loxone`) and its forks.

Read from the public code of JoDehli/PyLoxone 0.9.x (`__init__.py` `LoxoneEntity.unique_id`,
`miniserver.py`, the platform modules, up to 0.9.22/0.9.23) and of the forks that keep its
domain (alxzndr/PyLoxone 0.10.x):

- The Miniserver serial comes from `LoxAPP3.json` (`msInfo.serialNr`, e.g. ``504F94A0B1C2``).
  JoDehli/PyLoxone up to 0.9.22 makes it the config entry's unique id at the first start; the
  alxzndr fork no longer does (entries it created have none), but every version registers the
  Miniserver's own device with the identifier ``("loxone", serial)`` on the entry. The
  connection settings are in the entry's options (`host`, `port`, `username`, `password`,
  `verify_ssl` in the fork), the token in its data.
- An entity's unique id is the control's `uuidAction` (e.g. ``0f8b4d6e-0327-5a1e-ffff...``),
  for controls and sub-controls alike; its device has the identifier ``("loxone", uuidAction)``
  and the Miniserver's device ``("loxone", serial)``.
- Entities with other unique ids (the software-version sensor ``loxone_software_version``, the
  forks' per-state ids ``<uuid>_<state>``, YAML sensors) have no certain counterpart and stay.

HubRelay's own unique ids are ``<serial>_<uuid>[_<key>]`` (`loxone/entity.py`): a PyLoxone
entity becomes the HubRelay entity of the same control without a key, on the same platform.
JoDehli/PyLoxone's unload (0.9.x) deletes the registry entries of its entities that have no
state, which after an unload is all of them; `hub/takeover.py` keeps what the user had from
before the unload for that case.
"""

from __future__ import annotations

import re

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from ..const import CONF_SERIAL
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.takeover import ForeignScheme, TakeoverSupport
from ..protocols.loxone.messages import normalize_serial

#: A Loxone UUID as LoxAPP3.json writes it: 8-4-4-16 hex digits.
LOXONE_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{16}", re.IGNORECASE)


#: A Miniserver serial: its MAC address, 12 hex digits.
SERIAL = re.compile(r"[0-9A-F]{12}", re.IGNORECASE)


def _pyloxone_serial(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Return the entry's unique id, or else the serial of the Miniserver device on the entry."""
    if entry.unique_id:
        return entry.unique_id
    serials = {
        key
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        for domain, key in device.identifiers
        if domain == entry.domain and SERIAL.fullmatch(key)
    }
    return serials.pop() if len(serials) == 1 else None


def _pyloxone_serves(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> bool:
    theirs = _pyloxone_serial(hass, entry)
    return theirs is not None and normalize_serial(theirs) == normalize_serial(serial)


def _pyloxone_candidates(
    _domain: str, unique_id: str, serial: str, _entry: ConfigEntry, _ours: HubRelayConfigEntry
) -> tuple[str, ...]:
    if not LOXONE_UUID.fullmatch(unique_id):
        return ()
    return (f"{serial}_{unique_id}",)


PYLOXONE = ForeignScheme(
    domain="loxone",
    name="PyLoxone",
    serves=_pyloxone_serves,
    candidates=_pyloxone_candidates,
)


def _entry_serial(entry: HubRelayConfigEntry) -> str:
    return str(entry.data[CONF_SERIAL])


LOXONE_TAKEOVER = TakeoverSupport(schemes=(PYLOXONE,), serial_of=_entry_serial)
