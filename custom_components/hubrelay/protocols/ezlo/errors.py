"""The one exception tree of the Ezlo library, so callers can tell auth from transient failures.

Messages never carry secrets (passwords, MMS identities, tokens, local keys): they name the step
that failed and the hub's own error code and message.
"""

from __future__ import annotations


class EzloError(Exception):
    """Base class of every error the Ezlo library raises."""


class EzloAuthError(EzloError):
    """The hub or the relay refused our credentials; retrying with the same ones will not help."""


class EzloIdentityError(EzloError):
    """The peer is not the hub we know (serial or certificate differ): no secret was sent to it.

    Not an auth error: new credentials will not help; only the user can accept another hub.
    ``serial`` and ``fingerprint`` are what the peer presented, when known (neither is secret).
    """

    def __init__(
        self, message: str, *, serial: str | None = None, fingerprint: str | None = None
    ) -> None:
        """Keep what the peer presented."""
        super().__init__(message)
        self.serial = serial
        self.fingerprint = fingerprint


class EzloConnectionError(EzloError):
    """The hub or relay could not be reached, or the connection was lost."""


class EzloMessageTooLargeError(EzloConnectionError):
    """The hub or relay sent a WebSocket message above the size limit; the socket is closed."""


class EzloHubOfflineError(EzloConnectionError):
    """The relay is reachable but the hub is not connected to the cloud."""


class EzloTimeoutError(EzloError):
    """No answer arrived in time."""


class EzloProtocolError(EzloError):
    """A message that does not have the shape the hub API documents."""


class EzloValueError(EzloError):
    """A value that the item cannot take (wrong type, outside min/max, not in its enum)."""


class EzloRpcError(EzloError):
    """The hub answered a request with a JSON-RPC error object."""

    def __init__(self, method: str, code: int | None, message: str, data: str | None) -> None:
        """Keep the hub's code, message and data tag (e.g. ``rpc.method.notfound``)."""
        super().__init__(f"{method} failed: {message} (code {code}, {data})")
        self.method = method
        self.code = code
        self.message = message
        self.data = data
