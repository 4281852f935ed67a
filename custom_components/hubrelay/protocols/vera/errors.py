"""The one exception tree of the Vera library, so callers can tell auth from transient failures.

Messages never carry secrets (passwords, MMS identities, session tokens): they name the request
that failed and what the hub or the relay answered.
"""

from __future__ import annotations


class VeraError(Exception):
    """Base class of every error the Vera library raises."""


class VeraInvalidUrlError(VeraError):
    """The address the user typed cannot name a Vera hub."""


class VeraAuthError(VeraError):
    """The MMS cloud refused the account's password (or needs it); retrying will not help."""


class VeraConnectionError(VeraError):
    """The hub or the relay could not be reached, or answered with an HTTP error."""


class VeraResponseTooLargeError(VeraConnectionError):
    """The hub or the relay sent a larger answer than the library accepts for that request."""


class VeraHubOfflineError(VeraConnectionError):
    """The relay is reachable but the hub has no tunnel to it (powered off or without internet)."""


class VeraTimeoutError(VeraError):
    """No answer arrived in time."""


class VeraProtocolError(VeraError):
    """An answer that does not have the shape a luup engine sends."""


class VeraActionError(VeraError):
    """The luup engine refused an action (unknown device, service or action)."""
