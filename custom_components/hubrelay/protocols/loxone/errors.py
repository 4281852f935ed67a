"""One exception tree for the Loxone client, so callers can tell the failure classes apart.

The Home Assistant layer maps these to its own outcomes: `LoxoneAuthenticationError` starts a
re-authentication, `LoxoneBlockedError` tells the user to wait, `LoxoneConnectionError` (and its
subclasses) means "retry later". No exception text ever carries a secret.
"""

from __future__ import annotations


class LoxoneError(Exception):
    """Base class of every error raised by the Loxone client library."""


class LoxoneConnectionError(LoxoneError):
    """The Miniserver cannot be reached, or the connection was lost."""

    def __init__(self, message: str, *, close_code: int | None = None) -> None:
        """Keep the WebSocket close code (when there was one) for the reconnect policy."""
        super().__init__(message)
        self.close_code = close_code


class LoxoneTimeoutError(LoxoneConnectionError, TimeoutError):
    """The Miniserver did not answer in time (command, keepalive, or handshake)."""


class LoxoneResponseTooLargeError(LoxoneConnectionError):
    """The Miniserver (or CloudDNS) sent more than the library accepts for that answer."""


class LoxoneOutOfServiceError(LoxoneConnectionError):
    """The Miniserver announced it is out of service (e.g. during a firmware update)."""


class LoxoneNoEventSlotsError(LoxoneConnectionError):
    """The Miniserver has no free slot for another client receiving status updates."""


class LoxoneCloudDNSError(LoxoneConnectionError):
    """The Loxone CloudDNS service could not give a usable address for a Miniserver."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        """Keep the CloudDNS answer code (403 not registered, 409 blocked, ...)."""
        super().__init__(message)
        self.code = code


class LoxoneAuthenticationError(LoxoneError):
    """The credentials or the token were rejected (HTTP-like status 401)."""


class LoxoneIdentityError(LoxoneError):
    """The peer is not the pinned Miniserver (serial or RSA key differ); no credential was used.

    Not an authentication error: other credentials will not help. `serial` and `public_key` (the
    SHA-256 fingerprint) are what the peer presented, to pin if the user confirms a replacement.
    """

    def __init__(self, message: str, *, serial: str, public_key: str) -> None:
        """Keep what the peer presented (neither is secret)."""
        super().__init__(message)
        self.serial = serial
        self.public_key = public_key


class LoxoneBlockedError(LoxoneError):
    """The Miniserver blocks this client after too many failed logins (close code 4003)."""


class LoxoneProtocolError(LoxoneError):
    """The Miniserver sent something this client cannot understand."""


class LoxoneInvalidCommandError(LoxoneError):
    """A control command was refused before sending: path tricks, odd characters or too long."""


class LoxoneCommandError(LoxoneError):
    """The Miniserver answered a command with a failure status code."""

    def __init__(self, message: str, *, code: int) -> None:
        """Keep the status code the Miniserver answered with."""
        super().__init__(message)
        self.code = code


class LoxoneVisuPasswordError(LoxoneCommandError):
    """A secured command was refused because the visualisation password is wrong (500)."""
