"""Check translations/en.json the way hassfest would, plus the keys our code actually uses.

Custom integrations have no strings.json build step, so nothing in Home Assistant catches a
missing or misspelt key before a user sees a raw key in the UI. This module finds every key the
source needs (config/options flow steps, errors and aborts, exception and entity translation
keys) and reports the ones en.json lacks, and validates en.json's shape.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Any

from homeassistant.const import Platform
import voluptuous as vol

#: Entity platforms: their modules translate `translation_key` keywords under `entity.<platform>`.
PLATFORMS = frozenset(platform.value for platform in Platform)

NON_EMPTY = vol.All(str, vol.Length(min=1))
STRINGS = {str: NON_EMPTY}

STEP = vol.Schema(
    {
        vol.Optional("title"): NON_EMPTY,
        vol.Optional("description"): NON_EMPTY,
        vol.Optional("data"): STRINGS,
        vol.Optional("data_description"): STRINGS,
        vol.Optional("menu_options"): STRINGS,
        vol.Optional("menu_option_descriptions"): STRINGS,
        vol.Optional("sections"): {
            str: {
                vol.Optional("name"): NON_EMPTY,
                vol.Optional("description"): NON_EMPTY,
                vol.Optional("data"): STRINGS,
                vol.Optional("data_description"): STRINGS,
            }
        },
    }
)
FLOW = vol.Schema(
    {
        vol.Optional("flow_title"): NON_EMPTY,
        vol.Optional("step"): {str: STEP},
        vol.Optional("error"): STRINGS,
        vol.Optional("abort"): STRINGS,
        vol.Optional("progress"): STRINGS,
        vol.Optional("create_entry"): STRINGS,
    }
)
ENTITY = {
    vol.Optional("name"): NON_EMPTY,
    vol.Optional("state"): STRINGS,
    vol.Optional("state_attributes"): {
        str: {vol.Optional("name"): NON_EMPTY, vol.Optional("state"): STRINGS}
    },
    vol.Optional("unit_of_measurement"): NON_EMPTY,
}
SCHEMA = vol.Schema(
    {
        vol.Optional("title"): NON_EMPTY,
        vol.Optional("config"): FLOW,
        vol.Optional("options"): FLOW,
        vol.Optional("entity"): {str: {str: ENTITY}},
        vol.Optional("device"): {str: {vol.Required("name"): NON_EMPTY}},
        vol.Optional("device_automation"): {
            vol.Optional("trigger_type"): STRINGS,
            vol.Optional("trigger_subtype"): STRINGS,
        },
        vol.Optional("exceptions"): {str: {vol.Required("message"): NON_EMPTY}},
        vol.Optional("issues"): {str: dict},
        vol.Optional("selector"): {str: {vol.Required("options"): STRINGS}},
        vol.Optional("services"): {
            str: {
                vol.Required("name"): NON_EMPTY,
                vol.Required("description"): NON_EMPTY,
                vol.Optional("fields"): {
                    str: {vol.Required("name"): NON_EMPTY, vol.Required("description"): NON_EMPTY}
                },
            }
        },
    }
)

# Abort reasons that Home Assistant's flow helpers raise without naming them in our code.
IMPLICIT_ABORTS = {
    "_abort_if_unique_id_configured": "already_configured",
    "_abort_if_unique_id_mismatch": "unique_id_mismatch",
}
UPDATE_AND_ABORT_DEFAULTS = {"reauth": "reauth_successful", "reconfigure": "reconfigure_successful"}


@dataclass(frozen=True, slots=True)
class Needed:
    """A translation path the code needs, and where it is needed."""

    path: tuple[str, ...]
    where: str


def _const(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _flow_section(cls: ast.ClassDef) -> str:
    bases = [ast.unparse(base) for base in cls.bases]
    return "options" if any("OptionsFlow" in base for base in bases) else "config"


def _flow_keys(cls: ast.ClassDef, where: str) -> Iterator[Needed]:
    section = _flow_section(cls)
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for flow, reason in UPDATE_AND_ABORT_DEFAULTS.items():
                if node.name == f"async_step_{flow}" and section == "config":
                    yield Needed((section, "abort", reason), where)
        if isinstance(node, ast.Call):
            name = _call_name(node)
            # Our own helpers that show a form take the step as `step_id=` too.
            if step := _const(_keyword(node, "step_id")):
                yield Needed((section, "step", step), where)
                options = _keyword(node, "menu_options")
                if isinstance(options, ast.List):
                    for option in filter(None, map(_const, options.elts)):
                        yield Needed((section, "step", step, "menu_options", option), where)
            elif name == "async_abort" and (reason := _const(_keyword(node, "reason"))):
                yield Needed((section, "abort", reason), where)
            elif name in IMPLICIT_ABORTS:
                # A reason in a variable cannot be followed here; nor is it the default.
                given = _keyword(node, "reason")
                implicit = IMPLICIT_ABORTS[name] if given is None else _const(given)
                if implicit:
                    yield Needed((section, "abort", implicit), where)
        if isinstance(node, ast.Assign) and (value := _const(node.value)):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "errors":
                    yield Needed((section, "error", value), where)
        if isinstance(node, ast.Dict) and any(_const(k) == "base" for k in node.keys if k):
            for value in filter(None, map(_const, node.values)):
                yield Needed((section, "error", value), where)


def needed_keys(source: str, module: str) -> Iterator[Needed]:
    """Yield every translation path one module of the integration needs."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        where = f"{module}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ClassDef) and (
            module.endswith("flow") or _flow_section(node) == "options"
        ):
            if any("Flow" in ast.unparse(base) for base in node.bases):
                yield from _flow_keys(node, where)
        elif isinstance(node, ast.Call) and (key := _const(_keyword(node, "translation_key"))):
            if _keyword(node, "translation_domain") is not None:
                yield Needed(("exceptions", key, "message"), where)
            elif _call_name(node) == "DeviceInfo":
                yield Needed(("device", key, "name"), where)
            elif _call_name(node).endswith("EntityDescription") or module in PLATFORMS:
                # In a platform module a keyword translation key names one of its entities.
                yield Needed(("entity", module, key), where)
        elif (
            isinstance(node, ast.Assign)
            and (value := _const(node.value))
            and any(ast.unparse(t).endswith("_attr_translation_key") for t in node.targets)
        ):
            yield Needed(("entity", module, value), where)


def missing_keys(integration: Path, strings: dict[str, Any]) -> list[str]:
    """Return a readable line for every needed key en.json lacks."""
    problems = []
    for path in sorted(integration.rglob("*.py")):
        if "protocols" in path.relative_to(integration).parts:
            continue
        # A system's platform module (``vera/switch.py``) translates under its platform, and so
        # does a module holding part of one (``loxone/sensor_energy.py`` beside ``sensor.py``).
        module = path.stem
        platform, _, topic = module.rpartition("_")
        if topic and platform in PLATFORMS and (path.parent / f"{platform}.py").exists():
            module = platform
        for need in needed_keys(path.read_text(encoding="utf-8"), module):
            node: Any = strings
            for part in need.path:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                problems.append(f"{'.'.join(need.path)} (needed at {need.where})")
    return problems


def shape_problems(strings: dict[str, Any]) -> list[str]:
    """Return schema errors and fields that lack a data_description."""
    try:
        SCHEMA(strings)
    except vol.Invalid as err:
        return [str(err)]
    problems = []
    for section in ("config", "options"):
        for step_id, step in strings.get(section, {}).get("step", {}).items():
            described = step.get("data_description", {})
            problems.extend(
                f"{section}.step.{step_id}.data_description.{field} is missing"
                for field in step.get("data", {})
                if field not in described
            )
            problems.extend(
                f"{section}.step.{step_id}.data_description.{field} describes no field"
                for field in described
                if field not in step.get("data", {})
            )
    return problems


def _leaves(node: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    if isinstance(node, dict):
        leaves: dict[tuple[str, ...], str] = {}
        for key, value in node.items():
            leaves.update(_leaves(value, (*prefix, key)))
        return leaves
    return {prefix: node}


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def language_problems(english: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Return the keys a language lacks or adds against English, and placeholders that differ.

    A language is shown as a whole: a key it lacks shows English in the middle of it, and a key
    English dropped is text nobody maintains any more.
    """
    want, have = _leaves(english), _leaves(other)
    problems = [f"{'.'.join(path)} is missing" for path in want if path not in have]
    problems += [f"{'.'.join(path)} is not in English" for path in have if path not in want]
    problems += [
        f"{'.'.join(path)} has placeholders {sorted(_placeholders(have[path]))}, "
        f"English {sorted(_placeholders(text))}"
        for path, text in want.items()
        if path in have and _placeholders(have[path]) != _placeholders(text)
    ]
    return problems
