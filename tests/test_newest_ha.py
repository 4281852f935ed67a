"""The newest-release check's log scan, and the versions README and hacs.json state."""

from __future__ import annotations

import json
from pathlib import Path
import re

from homeassistant import const as ha_const

from tests.newest_ha.logscan import problems, records

ROOT = Path(__file__).resolve().parents[1]

#: Console output as hass writes it: `T` is a time stamp, `W` a warning's level and thread.
T = "2026-12-02 20:13:35.001+00:00"
W = "WARNING (MainThread)"
OUTPUT = [
    "/venv/site-packages/backoff/_async.py:11: DeprecationWarning: 'iscoroutinefunction' is old",
    "  if asyncio.iscoroutinefunction(target):",
    "/config/custom_components/hubrelay/hub/mms.py:40: DeprecationWarning: utcnow() is deprecated",
    "  now = datetime.utcnow()",
    f"{T} {W} [homeassistant.bootstrap] Skipping pip installation",
    f"{T} {W} [homeassistant.loader] We found a custom integration hubrelay which has not been "
    "tested by Home Assistant. This component might cause stability problems",
    f"{T} ERROR (MainThread) [homeassistant.setup] Error during setup of component frontend",
    f"{T} {W} [custom_components.hubrelay_demo] HubRelay's Ezlo cloud is the demo's simulator at "
    "http://127.0.0.1:43045 (local hub port 43159)",
    f"{T} INFO (MainThread) [custom_components.hubrelay.loxone.coordinator] Connected",
    f"{T} {W} [homeassistant.helpers.frame] Detected that custom integration 'hubrelay' writes "
    "the deprecated VeraClimate._attr_temperature_unit, use _attr_native_temperature_unit instead",
    f"{T} INFO (MainThread) [homeassistant.helpers.deprecation] LoxoneSauna uses a deprecated "
    "alias from custom_components.hubrelay.loxone",
    f"{T} ERROR (MainThread) [homeassistant.config_entries] Error setting up entry Demo House",
    "Traceback (most recent call last):",
    '  File "/config/custom_components/hubrelay/loxone/__init__.py", line 12, in setup',
    "    raise ValueError",
    "ValueError",
    "2026-12-02 20:13:35.005 WARNING (MainThread) [custom_components.hubrelay.protocols] Weak",
    f"{T} {W} [homeassistant.components.http] No hubrelay here, only a warning",
]


def test_records_join_continuation_lines() -> None:
    found = list(records(OUTPUT))
    assert [record.line for record in found] == [1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18]
    assert found[1].level == "DeprecationWarning"
    assert found[1].text.endswith("now = datetime.utcnow()")
    traceback = found[9]
    assert (traceback.level, traceback.logger) == ("ERROR", "homeassistant.config_entries")
    assert traceback.text.splitlines()[-1] == "ValueError"


def test_problems_are_what_names_hubrelay_and_is_not_expected() -> None:
    found = {record.line: record for record in problems(OUTPUT)}
    # Not: backoff's warning and the frontend error (no HubRelay), the notices every run has,
    # HubRelay's info line.
    assert sorted(found) == [3, 10, 11, 12, 17, 18]
    assert [line for line, record in sorted(found.items()) if record.deprecation] == [3, 10, 11]
    assert found[12].shown().startswith(f"line 12: {T} ERROR")
    assert "raise ValueError" in found[12].shown()


def test_a_shown_record_is_bounded() -> None:
    line = "2026-12-02 20:13:35.002+00:00 WARNING (MainThread) [custom_components.hubrelay] "
    (record,) = problems([line + "x" * 5000])
    assert len(record.shown()) < 2100
    assert record.shown().endswith(" [...]")


def test_readme_and_hacs_state_the_tested_versions() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    newest = re.search(
        r"^homeassistant==(\S+)$",
        (ROOT / "requirements_newest_ha.txt").read_text(),
        re.MULTILINE,
    )
    assert newest is not None
    # The oldest version tested is the pinned harness's, which hacs.json names.
    assert hacs["homeassistant"] == ha_const.__version__
    assert f"HubRelay needs Home Assistant {ha_const.__version__} or newer" in readme
    assert f"loads in Home Assistant {ha_const.__version__} (oldest tested)" in readme
    assert f"up to {newest[1]} (newest release" in readme
    assert f"the newest release, Home Assistant {newest[1]}" in readme
