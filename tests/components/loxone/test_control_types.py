"""Every control type of the real structure files and the demo house: mapped, or listed with why."""

from __future__ import annotations

from collections.abc import Iterator
import importlib
import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.hubrelay.loxone import PLATFORMS
from custom_components.hubrelay.loxone.intercom import INTERCOM_TYPES
from custom_components.hubrelay.loxone.light import CIRCUIT_FACTORIES
from custom_components.hubrelay.loxone.mapping import SUB_CONTROL_PARENTS
from tests.simulators.loxone_demo_house import DEMO_HOUSE

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / ".." / "shared" / "fixtures" / "loxone"
TOP_LEVEL = {
    kind
    for setup in PLATFORMS.values()
    for kind in getattr(importlib.import_module(setup.__module__), "FACTORIES", {})
}


def listed_in_readme() -> set[str]:
    """The types named in the README's "Listed, not mapped" table (first column, in backticks)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("Listed, not mapped", 1)[1].split("\n\n", 2)[1]
    return {
        name
        for row in table.splitlines()[2:]
        for name in re.findall(r"`([A-Za-z0-9]+)`", row.split("|")[1])
    }


def control_types(structure: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """(type, parent type or None) of every control and sub-control."""

    def walk(controls: dict[str, Any], parent: str | None) -> Iterator[tuple[str, str | None]]:
        for item in controls.values():
            yield str(item.get("type")), parent
            yield from walk(item.get("subControls") or {}, str(item.get("type")))

    yield from walk(structure.get("controls") or {}, None)


def unaccounted(structure: dict[str, Any]) -> set[str]:
    listed = listed_in_readme()
    missing = set()
    for kind, parent in control_types(structure):
        if parent is None:
            mapped = kind in TOP_LEVEL
        else:
            # A listed control's sub-controls (an intercom's buttons) go with it.
            mapped = (
                parent in listed
                or (parent in SUB_CONTROL_PARENTS and kind in CIRCUIT_FACTORIES)
                # An intercom's door outputs are buttons (loxone/button.py).
                or (parent in INTERCOM_TYPES and kind == "Pushbutton")
            )
        if not mapped and kind not in listed:
            missing.add(kind if parent is None else f"{kind} under {parent}")
    return missing


def test_the_readme_lists_some_types_with_reasons() -> None:
    assert {"Webpage", "SystemScheme", "IRCV2Daytimer"} <= listed_in_readme()
    assert not listed_in_readme() & TOP_LEVEL - {"Tracker"}  # listed only where not mapped


def test_demo_house_types_are_mapped_or_listed() -> None:
    assert unaccounted(DEMO_HOUSE) == set()


def test_an_unknown_type_is_caught() -> None:
    structure = {"controls": {"a": {"type": "FluxCapacitor", "subControls": {}}}}
    assert unaccounted(structure) == {"FluxCapacitor"}


@pytest.mark.parametrize("fixture", ["openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json"])
def test_real_structure_types_are_mapped_or_listed(fixture: str) -> None:
    path = FIXTURES / fixture
    if not path.is_file():
        pytest.skip("shared fixtures not present")
    assert unaccounted(json.loads(path.read_text(encoding="utf-8"))) == set()
