"""Repository rules that HACS, hassfest and the brands proxy enforce, checked locally."""

from __future__ import annotations

import json
from pathlib import Path
import re
import struct
import subprocess
import sys
import tomllib
from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant import const as ha_const
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "hubrelay"

MANIFEST_REQUIRED = {
    "domain", "name", "codeowners", "config_flow", "documentation", "integration_type",
    "iot_class", "issue_tracker", "loggers", "requirements", "version",
}  # fmt: skip
IOT_CLASSES = {
    "assumed_state", "cloud_polling", "cloud_push", "local_polling", "local_push", "calculated",
}  # fmt: skip
HACS_ALLOWED = {
    "name", "content_in_root", "zip_release", "filename", "hide_default_branch", "country",
    "homeassistant", "hacs", "persistent_directory", "render_readme",
}  # fmt: skip
QUALITY_RULES = {
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-triggers", "docs-conditions", "docs-high-level-description",
        "docs-installation-instructions", "docs-removal-instructions", "entity-event-setup",
        "entity-unique-id", "has-entity-name", "runtime-data", "test-before-configure",
        "test-before-setup", "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
        "entity-category", "entity-device-class", "entity-disabled-by-default",
        "entity-translations", "exception-translations", "icon-translations",
        "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip


def manifest_problems(manifest: dict[str, Any], integration: Path) -> list[str]:
    """Return what hassfest and HACS would reject in a manifest."""
    problems = [f"missing key {key}" for key in sorted(MANIFEST_REQUIRED - manifest.keys())]
    keys = list(manifest)
    expected_order = keys[:2] + sorted(keys[2:])
    if keys[:2] != ["domain", "name"] or keys != expected_order:
        problems.append(f"keys not sorted (domain, name, then alphabetical): {keys}")
    if manifest.get("domain") != integration.name:
        problems.append("domain differs from the folder name")
    if manifest.get("iot_class") not in IOT_CLASSES:
        problems.append(f"unknown iot_class {manifest.get('iot_class')}")
    problems.extend(
        f"{key} is not an https URL"
        for key in ("documentation", "issue_tracker")
        if not str(manifest.get(key, "")).startswith("https://")
    )
    if not manifest.get("codeowners") or not all(
        owner.startswith("@") for owner in manifest["codeowners"]
    ):
        problems.append("codeowners must be GitHub handles")
    if not AwesomeVersion(str(manifest.get("version"))).valid:
        problems.append("version is not a valid AwesomeVersion")
    problems.extend(
        f"requirement {req} is not pinned"
        for req in manifest.get("requirements", [])
        if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", req)
    )
    if manifest.get("config_flow") != (integration / "config_flow.py").is_file():
        problems.append("config_flow must be true exactly when config_flow.py exists")
    return problems


def test_manifest_passes_hassfest_and_hacs_rules() -> None:
    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    assert manifest_problems(manifest, INTEGRATION) == []
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] == "local_push"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert manifest["version"] == pyproject["project"]["version"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda m: {"name": m["name"], **m}, "keys not sorted"),
        (lambda m: {**{k: v for k, v in m.items() if k != "loggers"}, "loggers": []}, "not sorted"),
        (lambda m: {k: v for k, v in m.items() if k != "version"}, "missing key version"),
        (lambda m: {**m, "iot_class": "local_pull"}, "unknown iot_class"),
        (lambda m: {**m, "requirements": ["aiohttp>=3"]}, "not pinned"),
        (lambda m: {**m, "documentation": "http://x"}, "documentation is not an https URL"),
        (lambda m: {**m, "codeowners": ["someone"]}, "codeowners"),
        (lambda m: {**m, "config_flow": not m["config_flow"]}, "config_flow must be"),
    ],
)
def test_manifest_rules_catch_mistakes(change: Any, problem: str) -> None:
    manifest = json.loads((INTEGRATION / "manifest.json").read_text())
    found = manifest_problems(change(manifest), INTEGRATION)
    assert any(problem in line for line in found), found


def test_hacs_json_uses_only_allowed_keys() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert set(hacs) <= HACS_ALLOWED
    assert hacs["name"] == "HubRelay"
    # The oldest Home Assistant the tests run on is the one they run on.
    assert AwesomeVersion(hacs["homeassistant"]) == AwesomeVersion(ha_const.__version__)


def test_quality_scale_lists_every_rule_honestly() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    every_rule = [rule for tier in QUALITY_RULES.values() for rule in tier]
    assert sorted(rules) == sorted(every_rule)
    for rule, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in {"done", "todo", "exempt"}, rule
        if status == "exempt":
            assert value.get("comment"), f"{rule} is exempt without a reason"


#: What a `done` rule's comment may name as its proof: a file of the repository or a README section.
PROOF_PATH = re.compile(r"(?:tests|scripts|custom_components)/[\w/.-]*\w|CONTRIBUTING\.md")
README_SECTION = re.compile(r'README "([^"]+)"')


def proof_problems(rules: dict[str, Any], root: Path) -> list[str]:
    """Name the `done` rules without a proof, and proofs that do not exist."""
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()
    headings = {line.lstrip("#").strip() for line in readme if line.startswith("#")}
    problems = []
    for rule, value in rules.items():
        if (value if isinstance(value, str) else value["status"]) != "done":
            continue
        comment = " ".join(value.get("comment", "").split()) if isinstance(value, dict) else ""
        paths, sections = PROOF_PATH.findall(comment), README_SECTION.findall(comment)
        if not paths and not sections:
            problems.append(f"{rule} is done without naming its proof")
        problems += [
            f"{rule}: {path} does not exist" for path in paths if not (root / path).exists()
        ]
        problems += [
            f"{rule}: README has no section {name!r}" for name in sections if name not in headings
        ]
    return problems


def test_every_done_rule_names_its_proof() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    assert proof_problems(rules, ROOT) == []


def test_missing_proofs_are_reported() -> None:
    rules = {
        "a": "done",
        "b": {"status": "done", "comment": "tests/nowhere.py"},
        "c": {"status": "done", "comment": 'README "No such section"'},
        "d": {"status": "exempt", "comment": "not proven, not claimed"},
        "e": {"status": "done", "comment": 'tests/test_repository.py and README "Installation".'},
    }
    assert proof_problems(rules, ROOT) == [
        "a is done without naming its proof",
        "b: tests/nowhere.py does not exist",
        "c: README has no section 'No such section'",
    ]


def test_protocols_package_is_typed() -> None:
    assert (INTEGRATION / "protocols" / "py.typed").is_file()


def test_license_is_osi_approved_mit() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def _png_size(data: bytes) -> tuple[int, int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def test_brand_icon_is_ours_and_fits_the_brands_spec(tmp_path: Path) -> None:
    icon = (INTEGRATION / "brand" / "icon.png").read_bytes()
    assert _png_size(icon) == (256, 256, 8, 6)  # 256x256 RGBA
    regenerated = tmp_path / "icon.png"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_icon.py"), "--output", str(regenerated)],
        check=True,
    )
    assert regenerated.read_bytes() == icon, "run scripts/make_icon.py to refresh brand/icon.png"
