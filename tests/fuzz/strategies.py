"""Strategies shared by the fuzz modules: JSON as a peer could send it, and text that hurts parsers.

Peers send JSON, so most inputs are decoded JSON values. They are biased toward what breaks
lenient readers: numbers as strings (including "--5", "²" and thousands of digits), integers
beyond any float, NaN and infinities (Python's `json` accepts them), lone surrogates (a JSON
"\\ud800" escape decodes to one) and the keys each parser looks for, so generated objects reach
deep into the code instead of being rejected at the first missing field.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

any_text = st.text(st.characters(exclude_categories=()), max_size=40)
"""Any code points, lone surrogates included."""

ascii_text = st.text(
    st.characters(codec="ascii") | st.sampled_from("\r\n\x00\x7f"), min_size=1, max_size=40
)
"""ASCII rich in the control characters that HTTP headers refuse."""

awkward_numbers = st.sampled_from(
    [
        "--5",
        "-",
        "²",
        "٣",
        "1_000",
        " 7 ",
        "+3",
        "1e400",
        "-1e400",
        "NaN",
        "inf",
        "0x10",
        "1.5",
        "",
        "9" * 5000,
        "-" + "9" * 5000,
        "\u00a012",
    ]
)
numeric_text = (
    st.integers().map(str)
    | st.floats(allow_nan=False).map(str)
    | st.from_regex(r"-{0,2}[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True)
    | awkward_numbers
)
"""Strings a lenient reader may take for a number: real ones and near misses."""

huge_integers = st.integers(min_value=-(10**400), max_value=10**400)
"""Integers JSON can carry that no float can hold."""

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_integers
    | st.floats()
    | any_text
    | numeric_text
)


def json_values(keys: list[str] | None = None, *, leaves: int = 12) -> st.SearchStrategy[Any]:
    """Nested JSON values whose objects prefer `keys` (the fields a parser reads)."""
    names = any_text if not keys else st.sampled_from(keys) | any_text
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(names, inner, max_size=6),
        max_leaves=leaves,
    )


def json_objects(
    keys: list[str], values: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects with some of `keys` (and stray ones) holding arbitrary JSON values."""
    inner = values if values is not None else json_values(keys)
    return st.dictionaries(st.sampled_from(keys) | any_text, inner, max_size=len(keys) + 2)


def as_json_text(value: object) -> str:
    """Serialise like a peer would (NaN as `NaN`, non-ASCII as is)."""
    return json.dumps(value, ensure_ascii=False)


def nested_json(depth: int) -> str:
    """An array nested `depth` deep: the C decoder overflows its stack on very deep ones."""
    return "[" * depth + "]" * depth


def json_texts(keys: list[str] | None = None) -> st.SearchStrategy[str]:
    """Text bodies: serialised JSON, JSON cut short, and arbitrary text."""
    documents = json_values(keys).map(as_json_text)
    return (
        documents
        | st.tuples(documents, st.integers(0, 200)).map(lambda pair: pair[0][: pair[1]])
        | any_text
    )
