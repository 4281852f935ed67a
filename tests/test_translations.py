"""translations/en.json has text for every key the integration uses, in the right shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.translation_rules import (
    language_problems,
    missing_keys,
    needed_keys,
    shape_problems,
)

INTEGRATION = Path(__file__).resolve().parents[1] / "custom_components" / "hubrelay"

FLOW_SOURCE = """
class Flow(ConfigFlow, domain=DOMAIN):
    async def async_step_user(self, user_input=None):
        return self.async_show_menu(step_id="user", menu_options=["loxone"])

    async def async_step_loxone(self, user_input=None):
        errors = {}
        errors["base"] = "cannot_connect"
        self._abort_if_unique_id_configured()
        self._abort_if_unique_id_mismatch(reason="other_hub")
        return self.async_show_form(step_id="loxone", errors=errors)

    async def async_step_reauth(self, entry_data):
        return self.async_abort(reason="token_gone")


class Options(OptionsFlowWithReload):
    async def async_step_init(self, user_input=None):
        return self.async_show_form(step_id="init", errors={"base": "bad"})
"""

ENTITY_SOURCE = """
raise HomeAssistantError(translation_domain=DOMAIN, translation_key="not_connected")
DESCRIPTION = SensorEntityDescription(key="t", translation_key="temperature")
class Thing:
    _attr_translation_key = "thing"
INFO = DeviceInfo(translation_key="unnamed_device", translation_placeholders={"id": "7"})
"""


def load_strings() -> dict[str, object]:
    return json.loads((INTEGRATION / "translations" / "en.json").read_text(encoding="utf-8"))


def test_en_json_has_the_right_shape() -> None:
    assert shape_problems(load_strings()) == []


def test_en_json_has_every_key_the_code_uses() -> None:
    assert missing_keys(INTEGRATION, load_strings()) == []


def test_flow_keys_are_found() -> None:
    paths = {need.path for need in needed_keys(FLOW_SOURCE, "config_flow")}
    assert paths == {
        ("config", "step", "user"),
        ("config", "step", "user", "menu_options", "loxone"),
        ("config", "step", "loxone"),
        ("config", "error", "cannot_connect"),
        ("config", "abort", "already_configured"),
        ("config", "abort", "other_hub"),
        ("config", "abort", "reauth_successful"),
        ("config", "abort", "token_gone"),
        ("options", "step", "init"),
        ("options", "error", "bad"),
    }


def test_exception_and_entity_keys_are_found() -> None:
    paths = {need.path for need in needed_keys(ENTITY_SOURCE, "sensor")}
    assert paths == {
        ("exceptions", "not_connected", "message"),
        ("entity", "sensor", "temperature"),
        ("entity", "sensor", "thing"),
        ("device", "unnamed_device", "name"),
    }


def test_a_missing_key_is_reported(tmp_path: Path) -> None:
    (tmp_path / "config_flow.py").write_text(FLOW_SOURCE)
    strings = {"config": {"step": {"user": {"menu_options": {"loxone": "Loxone"}}}}}
    missing = missing_keys(tmp_path, strings)
    assert "config.step.loxone (needed at config_flow:2)" in missing
    assert len(missing) == 8


def test_shape_problems_are_reported() -> None:
    assert shape_problems({"config": {"step": {"x": {"titel": "typo"}}}})
    assert shape_problems({"title": ""})
    assert shape_problems({"exceptions": {"x": {}}})
    undescribed = {"config": {"step": {"x": {"data": {"host": "Host"}}}}}
    assert shape_problems(undescribed) == ["config.step.x.data_description.host is missing"]
    stray = {"config": {"step": {"x": {"data": {}, "data_description": {"port": "Port"}}}}}
    assert shape_problems(stray) == ["config.step.x.data_description.port describes no field"]


LANGUAGES = sorted(
    path.stem for path in (INTEGRATION / "translations").glob("*.json") if path.stem != "en"
)


def test_german_is_shipped() -> None:
    assert "de" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_exactly_the_english_keys(language: str) -> None:
    path = INTEGRATION / "translations" / f"{language}.json"
    strings = json.loads(path.read_text(encoding="utf-8"))
    assert shape_problems(strings) == []
    assert language_problems(load_strings(), strings) == []


def test_language_problems_are_reported() -> None:
    english = {"a": {"b": "Sign in to {name}", "c": "Cancel"}, "d": "Only English"}
    other = {"a": {"b": "Bei {title} anmelden", "c": "Abbrechen", "e": "Übrig"}}
    assert language_problems(english, other) == [
        "d is missing",
        "a.e is not in English",
        "a.b has placeholders ['title'], English ['name']",
    ]


def test_a_reason_in_a_variable_is_not_taken_for_the_default() -> None:
    source = """
class Flow(ConfigFlow, domain=DOMAIN):
    def _done(self, wrong):
        self._abort_if_unique_id_mismatch(reason=wrong)
"""
    assert list(needed_keys(source, "config_flow")) == []


def test_a_module_beside_its_platform_translates_under_it(tmp_path: Path) -> None:
    (tmp_path / "sensor.py").write_text("")
    (tmp_path / "sensor_energy.py").write_text(
        'class Load:\n    _attr_translation_key = "load_power"\n'
        'ENTITY = Value(translation_key="grid_power")\n'
    )
    (tmp_path / "value_sensor.py").write_text('_attr_translation_key = "elsewhere"\n')
    assert missing_keys(tmp_path, {}) == [
        "entity.sensor.load_power (needed at sensor:2)",
        "entity.sensor.grid_power (needed at sensor:3)",
        "entity.value_sensor.elsewhere (needed at value_sensor:1)",
    ]
