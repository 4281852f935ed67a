"""Which Vera entities HubRelay takes over from Home Assistant's core `vera` integration.

Read from home-assistant/core `homeassistant/components/vera` as shipped with Home Assistant
2026.10 (pyvera 0.3.16; the scheme is unchanged since the config flow came in 0.113):

- The config entry's unique id is the controller's ``serial_number`` (from ``sdata``, the same
  value HubRelay reads); its data holds ``vera_controller_url``, ``lights``, ``exclude`` and
  ``legacy_unique_id``.
- An entity's unique id is ``vera_<serial>_<device id>`` (`entity.py`), or only the device id
  for entries imported from YAML before 0.113 (``legacy_unique_id``); metered switches add
  ``..._power`` and ``..._energy`` sensors (`sensor.py`). Scenes have no unique id, and
  entities belong to no device.

HubRelay's own unique ids are ``<serial>_<device id>[_<key>]`` (`vera/entity.py`). Core shows
one sensor per sensor device where HubRelay names the value (``_temperature``, ``_humidity``,
``_light``, ``_uv``, ``_power`` or a scene controller's ``_scene``), and one switch for an
armable sensor where HubRelay has the ``_armed`` switch: those match only when exactly one of
the candidates exists for the device.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import CONF_SERIAL
from ..hub.coordinator import HubRelayConfigEntry
from ..hub.takeover import ForeignScheme, TakeoverSupport

#: What core's one sensor of a sensor device shows, as HubRelay's sensor keys.
SENSOR_KEYS = ("temperature", "humidity", "light", "uv", "scene", "power")
#: Core's extra sensors of a metered switch: their suffix is HubRelay's key.
METER_SUFFIXES = ("power", "energy")


def _core_serves(_hass: HomeAssistant, entry: ConfigEntry, serial: str) -> bool:
    return entry.unique_id == serial


def _device_and_suffix(unique_id: str, serial: str, entry: ConfigEntry) -> tuple[str, str] | None:
    """Split a core unique id into device id and suffix; None if it is not of this Vera."""
    if entry.data.get("legacy_unique_id"):
        rest = unique_id
    elif unique_id.startswith(prefix := f"vera_{serial}_"):
        rest = unique_id.removeprefix(prefix)
    else:
        return None
    device, _, suffix = rest.partition("_")
    if not device.isdigit() or suffix not in ("", *METER_SUFFIXES):
        return None
    return device, suffix


def _core_candidates(
    domain: str, unique_id: str, serial: str, entry: ConfigEntry, _ours: HubRelayConfigEntry
) -> tuple[str, ...]:
    parsed = _device_and_suffix(unique_id, serial, entry)
    if parsed is None:
        return ()
    device, suffix = parsed
    base = f"{serial}_{device}"
    if suffix:
        return (f"{base}_{suffix}",)
    if domain == "sensor":
        return tuple(f"{base}_{key}" for key in SENSOR_KEYS)
    if domain == "switch":
        return (base, f"{base}_armed")
    return (base,)


CORE_VERA = ForeignScheme(
    domain="vera",
    name="Vera (Home Assistant core)",
    serves=_core_serves,
    candidates=_core_candidates,
)


def _entry_serial(entry: HubRelayConfigEntry) -> str:
    return str(entry.data[CONF_SERIAL])


VERA_TAKEOVER = TakeoverSupport(schemes=(CORE_VERA,), serial_of=_entry_serial)
