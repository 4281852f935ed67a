"""scripts/release tags only a version the manifest and a dated changelog entry both name."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
import re
import subprocess
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_release_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "release_check", ROOT / "scripts/release_check.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release_check = load_release_check()


def repository(tmp_path: Path, version: str, changelog: str) -> Path:
    manifest = tmp_path / "custom_components/hubrelay/manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"domain": "hubrelay", "version": version}))
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path


CHANGELOG = """# Changelog

## [Unreleased]

## [1.2.0] - 2027-01-15

### Added
- Something.

## [1.1.0] - 2026-12-20
"""


def test_a_version_named_by_manifest_and_newest_dated_entry_can_be_released(
    tmp_path: Path,
) -> None:
    assert release_check.release_problems(repository(tmp_path, "1.2.0", CHANGELOG), "1.2.0") == []


@pytest.mark.parametrize(
    ("manifest", "changelog", "version", "problem"),
    [
        ("1.2.0", CHANGELOG, "1.2", "is not a version"),
        ("1.1.0", CHANGELOG, "1.2.0", "manifest.json says '1.1.0'"),
        ("1.3.0", CHANGELOG, "1.3.0", "has no '## [1.3.0] - YYYY-MM-DD' entry"),
        ("1.2.0", CHANGELOG.replace("[1.2.0] - 2027-01-15", "[1.2.0]"), "1.2.0", "has no date"),
        ("1.2.0", CHANGELOG.replace("2027-01-15", "2027-13-45"), "1.2.0", "no valid date"),
        ("1.1.0", CHANGELOG, "1.1.0", "is not the newest entry"),
    ],
)
def test_a_version_they_disagree_on_is_refused(
    tmp_path: Path, manifest: str, changelog: str, version: str, problem: str
) -> None:
    problems = release_check.release_problems(repository(tmp_path, manifest, changelog), version)
    assert any(problem in line for line in problems), problems


def test_the_changelog_is_keep_a_changelog_and_the_manifest_version_is_ahead() -> None:
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    headings = re.findall(r"^## .*$", text, re.MULTILINE)
    assert headings
    assert all(release_check.HEADING.fullmatch(h) for h in headings), headings
    names = [release_check.HEADING.fullmatch(h)["name"] for h in headings]  # type: ignore[index]
    # Only the top entry may be unreleased.
    assert "Unreleased" not in names[1:]
    released = [name for name in names if name != "Unreleased"]
    manifest = json.loads((ROOT / "custom_components/hubrelay/manifest.json").read_text("utf-8"))
    assert release_check.VERSION.fullmatch(manifest["version"])
    if released:
        newest = tuple(map(int, released[0].split(".")))
        assert tuple(map(int, manifest["version"].split("."))) >= newest


def test_release_stops_before_testing_or_tagging_a_version_the_manifest_does_not_name() -> None:
    result = subprocess.run(
        [ROOT / "scripts/release", "99.0.0"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "manifest.json says" in result.stderr
    assert "v99.0.0 cannot be released" in result.stderr
    tags = subprocess.run(
        ["git", "-C", ROOT, "tag", "--list", "v99.0.0"], capture_output=True, text=True, check=True
    )
    assert tags.stdout == ""
