"""Turn a caller's value into the JSON ``hub.item.value.set`` expects for an item, or refuse it.

The hub is strict about JSON types (``true`` is not ``1``, ``"21"`` is not ``21``) and silently
clamps or rejects out-of-range numbers, so values are typed and checked against
``minValue``/``maxValue`` and the token ``enum`` here, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import math

from .errors import EzloValueError
from .models import (
    INTEGER_VALUE_TYPES,
    RGB_CHANNELS,
    SCALABLE_VALUE_TYPES,
    Item,
    JsonValue,
    RgbColor,
)


def _describe(item: Item) -> str:
    return f"item {item.name!r} ({item.value_type})"


def _checked_range(item: Item, number: float) -> None:
    if item.min_value is not None and number < item.min_value:
        raise EzloValueError(f"{_describe(item)}: {number} is below the minimum {item.min_value}")
    if item.max_value is not None and number > item.max_value:
        raise EzloValueError(f"{_describe(item)}: {number} is above the maximum {item.max_value}")


def _finite(item: Item, value: object) -> float:
    if not isinstance(value, bool) and isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            pass
        else:
            if math.isfinite(number):
                return number
    raise EzloValueError(f"{_describe(item)} needs a finite number")


def _rgb(item: Item, value: object) -> dict[str, JsonValue]:
    if isinstance(value, RgbColor):
        channels: dict[str, object] = dict(value.to_json())
    elif isinstance(value, Mapping):
        channels = {str(key): channel for key, channel in value.items()}
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 3:
        channels = dict(zip(("red", "green", "blue"), value, strict=True))
    else:
        raise EzloValueError(f"{_describe(item)} needs an RgbColor, a channel mapping or (r, g, b)")
    unknown = channels.keys() - set(RGB_CHANNELS)
    if unknown or not {"red", "green", "blue"} <= channels.keys():
        raise EzloValueError(f"{_describe(item)} needs red, green and blue channels only")
    result: dict[str, JsonValue] = {}
    for name, channel in channels.items():
        if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel <= 255:
            raise EzloValueError(f"{_describe(item)}: channel {name!r} must be an integer 0-255")
        result[name] = channel
    return result


def encode_item_value(item: Item, value: object) -> JsonValue:
    """Return ``value`` as the JSON the item takes; ``EzloValueError`` if it cannot take it."""
    if not item.has_setter:
        raise EzloValueError(f"{_describe(item)} is read-only")
    kind = item.value_type
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise EzloValueError(f"{_describe(item)} needs true or false")
    if kind in INTEGER_VALUE_TYPES:
        number = _finite(item, value)
        if not number.is_integer():
            raise EzloValueError(f"{_describe(item)} needs a whole number")
        _checked_range(item, number)
        return int(number)
    if kind == "float" or kind in SCALABLE_VALUE_TYPES:
        number = _finite(item, value)
        _checked_range(item, number)
        return number
    if kind == "token":
        if not isinstance(value, str):
            raise EzloValueError(f"{_describe(item)} needs a token string")
        if item.enum and value not in item.enum:
            raise EzloValueError(f"{_describe(item)}: {value!r} is not one of {list(item.enum)}")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise EzloValueError(f"{_describe(item)} needs a string")
        return value
    if kind == "rgb":
        return _rgb(item, value)
    if kind == "dictionary" and isinstance(value, Mapping):
        return _plain_json(item, value)
    if kind == "array" and isinstance(value, list | tuple):
        return _plain_json(item, value)
    raise EzloValueError(f"{_describe(item)} cannot be set to a {type(value).__name__}")


def _plain_json(item: Item, value: object) -> JsonValue:
    """Accept only JSON-shaped data (str keys, finite numbers) for dictionary/array items."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _finite(item, value)
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise EzloValueError(f"{_describe(item)}: keys must be strings")
        return {key: _plain_json(item, sub) for key, sub in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(item, sub) for sub in value]
    raise EzloValueError(f"{_describe(item)}: {type(value).__name__} is not JSON data")
