"""One exception tree for the MMS cloud client, so callers can tell the failure classes apart.

The Home Assistant layer maps them to its own outcomes: `MmsAuthError` (and its subclass
`MmsPasswordRequiredError`) starts a re-authentication, `MmsConnectionError` means "retry later",
`MmsDeviceNotFoundError` means the hub is not (or no longer) on the account. No message ever carries
the password, its hash, the identity, its signature, a session token or a cloud token.
"""

from __future__ import annotations


class MmsError(Exception):
    """Base class of every error raised by the MMS client library."""


class MmsAuthError(MmsError):
    """The login refused the username or password (404): new credentials are needed."""


class MmsPasswordRequiredError(MmsAuthError):
    """A new identity is needed but the client was built without the password."""


class MmsConnectionError(MmsError):
    """A cloud server could not be reached or answered with a failure status."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        """Keep the HTTP status (when there was an answer) for the caller's retry policy."""
        super().__init__(message)
        self.status = status


class MmsResponseTooLargeError(MmsConnectionError):
    """A cloud server sent a larger answer than any MMS API answer can be; it was not read."""


class MmsTimeoutError(MmsConnectionError, TimeoutError):
    """A cloud server did not answer within the request timeout."""


class MmsProtocolError(MmsError):
    """A cloud server answered with something this client cannot understand."""


class MmsDeviceNotFoundError(MmsError):
    """The requested device (hub) is not on the account, or the cloud has no keys for it."""


class MmsCloudError(MmsError):
    """The Ezlo cloud API answered a call with a failure status (its ``error_text`` is kept)."""

    def __init__(self, message: str, *, error_text: str | None = None) -> None:
        """Keep the cloud's own error text for diagnostics."""
        super().__init__(message)
        self.error_text = error_text
