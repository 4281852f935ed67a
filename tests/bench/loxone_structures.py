"""Generated LoxAPP3.json structures for benchmarks: N `InfoOnlyAnalog` temperature controls.

The shape follows the demo house (`tests/simulators/loxone_demo_house.py`): the same `msInfo`,
rooms and categories, and controls whose `value` state shares the control's uuidAction.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.simulators.loxone_demo_house import DEMO_HOUSE, uid


def analog_uuid(index: int) -> str:
    """The uuidAction (and `value` state UUID) of the bench's analog control `index`."""
    return uid(f"bench.analog.{index}")


def analog_structure(count: int, *, serial: str = "504F94A0B1C2") -> dict[str, Any]:
    """A structure file with `count` InfoOnlyAnalog controls spread over the demo rooms."""
    rooms = list(DEMO_HOUSE["rooms"])
    cat = next(
        key for key, value in DEMO_HOUSE["cats"].items() if value["type"] == "indoortemperature"
    )
    controls: dict[str, Any] = {}
    for index in range(count):
        action = analog_uuid(index)
        controls[action] = {
            "name": f"Temperature {index:05d}",
            "type": "InfoOnlyAnalog",
            "uuidAction": action,
            "room": rooms[index % len(rooms)],
            "cat": cat,
            "defaultRating": 0,
            "isFavorite": False,
            "isSecured": False,
            "defaultIcon": None,
            "details": {"format": "%.1f°C"},
            "states": {"value": action, "error": uid(f"bench.analog.{index}.error")},
        }
    ms_info = copy.deepcopy(DEMO_HOUSE["msInfo"])
    ms_info["serialNr"] = serial
    ms_info["msName"] = f"Bench {count}"
    return {
        "lastModified": "2026-01-15 10:20:30",
        "msInfo": ms_info,
        "rooms": copy.deepcopy(DEMO_HOUSE["rooms"]),
        "cats": copy.deepcopy(DEMO_HOUSE["cats"]),
        "controls": controls,
    }


def analog_initial_states(count: int) -> dict[str, Any]:
    """A starting temperature for every control (20.0 °C) and no error."""
    states: dict[str, Any] = {}
    for index in range(count):
        states[analog_uuid(index)] = 20.0
        states[uid(f"bench.analog.{index}.error")] = 0.0
    return states
