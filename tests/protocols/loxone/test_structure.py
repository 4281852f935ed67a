"""The structure file models read both real fixtures and refuse what is not a structure file."""

from __future__ import annotations

import json

import pytest

from custom_components.hubrelay.protocols.loxone.errors import LoxoneProtocolError
from custom_components.hubrelay.protocols.loxone.structure import LoxoneStructure

from .conftest import fixture_json


def test_openhab_structure() -> None:
    structure = LoxoneStructure.from_json(fixture_json("openhab-LoxAPP3.json"))
    info = structure.ms_info
    assert (info.serial, info.name, info.project_name) == (
        "123456789ABC",
        "Jupiter Mining Corporation",
        "Red Dwarf",
    )
    assert info.miniserver_type == 0
    assert info.current_user == "kryten"
    assert structure.last_modified == "2019-03-13 16:39:54"
    assert len(structure.controls) == 27
    assert len(structure.rooms) == 10
    assert structure.operating_modes[-1] == "Alarm"
    assert structure.global_states["sunrise"] == "cfe0a836-f1a0-495e-afc91a6e3c0f2263"
    weather = structure.weather_server
    assert weather is not None
    assert weather.states["actual"] == "0b734139-0012-04f4-ffff403fb0c34b9e"
    assert weather.weather_type_texts[1] == "Clear Sky"
    assert weather.field_types[1]["name"] == "Temperature"
    types = {control.type for control in structure.all_controls()}
    assert {
        "LightControllerV2",
        "IRoomControllerV2",
        "Jalousie",
        "Alarm",
        "UnsupportedSubcontrolType",
    } <= types


def test_openhab_sub_controls_inherit_placement_and_keep_list_states() -> None:
    structure = LoxoneStructure.from_json(fixture_json("openhab-LoxAPP3.json"))
    everything = list(structure.all_controls())
    subs = [control for control in everything if control.parent is not None]
    assert len(everything) == 38
    assert len(subs) == 11
    for sub in subs:
        parent = next(c for c in everything if c.uuid == sub.parent)
        assert sub in parent.sub_controls.values()
        assert (sub.room, sub.cat) == (parent.room, parent.cat)
    irc = next(c for c in everything if c.type == "IRoomController")
    temperatures = irc.states["temperatures"]
    assert isinstance(temperatures, tuple)
    assert len(temperatures) == 7
    assert set(temperatures) <= set(irc.state_uuids())
    secured = next(c for c in everything if c.name.startswith("Secure Switch"))
    assert secured.is_secured


def test_smarteon_modern_structure() -> None:
    structure = LoxoneStructure.parse(json.dumps(fixture_json("smarteon-kotlin-sample-app.json")))
    assert structure.ms_info.serial == "504F94SAMPLE"
    assert structure.ms_info.miniserver_type == 2
    assert len(structure.controls) == 135
    assert len(structure.rooms) == 44
    assert len(structure.cats) == 51
    assert structure.cats[next(iter(structure.cats))].color == "#69C350"
    counts: dict[str, int] = {}
    for control in structure.controls.values():
        counts[control.type] = counts.get(control.type, 0) + 1
    assert counts["TextState"] == 33
    assert counts["Switch"] == 14
    assert structure.raw["lastModified"] == structure.last_modified == "2025-10-23 15:35:16"


def test_minimal_and_odd_structures() -> None:
    minimal = LoxoneStructure.from_json(
        {
            "msInfo": {"serialNr": "X", "currentUser": "nobody"},
            "controls": {
                "a": {"name": "A", "states": {"x": 5, "y": ["u", 3]}, "subControls": {"b": "no"}}
            },
            "rooms": {"r": "no"},
            "operatingModes": {"one": "ignored", "2": "kept"},
            "weatherServer": "no",
        }
    )
    control = minimal.controls["a"]
    assert control.uuid_action == "a"
    assert control.type == ""
    assert dict(control.states) == {"y": ("u",)}
    assert control.sub_controls == {}
    assert minimal.rooms == {}
    assert minimal.operating_modes == {2: "kept"}
    assert minimal.weather_server is None
    assert minimal.ms_info.current_user is None


@pytest.mark.parametrize("data", [[], {}, {"msInfo": "x"}, {"msInfo": {"msName": "no serial"}}])
def test_not_a_structure(data: object) -> None:
    with pytest.raises(LoxoneProtocolError):
        LoxoneStructure.from_json(data)


def test_not_json() -> None:
    with pytest.raises(LoxoneProtocolError, match="not JSON"):
        LoxoneStructure.parse("{")
