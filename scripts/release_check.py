"""Check that a version can be released: the manifest says it and the changelog has its entry.

HACS shows the manifest's version and the GitHub release's notes; a tag whose manifest or changelog
says something else would publish one version under another's name.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
import re
import sys

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"\d+\.\d+\.\d+")
HEADING = re.compile(
    r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.MULTILINE
)


def release_problems(root: Path, version: str) -> list[str]:
    """Name what stops `version` from being tagged in the repository at `root`."""
    if not VERSION.fullmatch(version):
        return [f"{version!r} is not a version X.Y.Z"]
    problems = []
    manifest = json.loads((root / "custom_components/hubrelay/manifest.json").read_text("utf-8"))
    if manifest.get("version") != version:
        problems.append(f"manifest.json says {manifest.get('version')!r}, not {version!r}")
    headings = list(HEADING.finditer((root / "CHANGELOG.md").read_text("utf-8")))
    entry = next((h for h in headings if h["name"] == version), None)
    if entry is None:
        problems.append(f"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' entry")
    elif entry["date"] is None:
        problems.append(f"CHANGELOG.md's entry for {version} has no date")
    else:
        try:
            datetime.date.fromisoformat(entry["date"])
        except ValueError:
            problems.append(f"CHANGELOG.md's entry for {version} has no valid date")
    released = [h for h in headings if h["name"] != "Unreleased"]
    if released and entry is not None and released[0] is not entry:
        problems.append(f"{version} is not the newest entry of CHANGELOG.md")
    return problems


def main() -> None:
    """Print the problems and fail when there are any."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("version", help="the version to release, X.Y.Z")
    problems = release_problems(ROOT, parser.parse_args().version)
    for problem in problems:
        print(f"[release] {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
