"""Form helpers every system's config flow uses: field checks and error keys.

Fields are checked before anything is sent: an empty password would otherwise come back as a
confusing `invalid_auth` (and count as a failed sign-in at the hub or the cloud), and a URL in a
host field is a typo to point at, not a hub that cannot be reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import logging
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_URL
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
from yarl import URL

_LOGGER = logging.getLogger(__name__)

#: Fields that hold an address, where a user may paste ``user:secret@host``.
ADDRESS_FIELDS = frozenset({CONF_HOST, CONF_URL})

PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

#: Which form error a library error becomes, first match wins.
type ErrorKeys = Sequence[tuple[type[Exception] | tuple[type[Exception], ...], str]]


def missing_text(user_input: Mapping[str, Any], required: Mapping[str, str]) -> dict[str, str]:
    """Name the text fields left empty or only spaces."""
    return {
        field: error
        for field, error in required.items()
        if not str(user_input.get(field) or "").strip()
    }


def is_host(text: str) -> bool:
    """Tell a bare IP address or host name from a URL, a host with a port or stray characters."""
    try:
        URL.build(scheme="http", host=text.strip("[]"))
    except ValueError:
        return False
    return True


def host_errors(host: str, *, required: str = "host_required") -> dict[str, str]:
    """Name the host field's error: empty, or not a bare address (the port has no place here)."""
    text = host.strip()
    if not text:
        return {CONF_HOST: required}
    return {} if is_host(text) else {CONF_HOST: "invalid_host"}


def error_key(err: Exception, keys: ErrorKeys, doing: str) -> str:
    """Name the form error for a failed sign-in or connection; anything else is a bug."""
    for kinds, key in keys:
        if isinstance(err, kinds):
            return key
    _LOGGER.exception("Unexpected error while %s", doing)
    return "unknown"


def echo(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a form may show again of what was typed or stored.

    Never a password, nor an address that carries credentials (``user:secret@host``): the form
    goes back to the browser as it is.
    """
    return {
        field: value
        for field, value in values.items()
        if field != CONF_PASSWORD
        and not (field in ADDRESS_FIELDS and isinstance(value, str) and "@" in value)
    }
