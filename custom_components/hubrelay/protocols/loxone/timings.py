"""Every timeout, interval and backoff of the client in one injectable value.

The defaults suit a real Miniserver; tests pass small values instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timings:
    """Timeouts (seconds), retry policy and salt/token renewal policy."""

    http_timeout: float = 10.0
    """Each unauthenticated HTTP call before the WebSocket opens."""
    command_timeout: float = 10.0
    """Answer to one command (also the WebSocket handshake and close)."""
    file_timeout: float = 60.0
    """Download of the structure file, which can be several megabytes."""
    keepalive_interval: float = 30.0
    """Seconds between keepalives; the Miniserver drops clients silent for 5 minutes."""
    keepalive_timeout: float = 15.0
    """No keepalive answer (and no other data) for this long means the connection is dead: a
    Miniserver gone silent is left within `keepalive_interval` + this."""
    reconnect_min: float = 5.0
    """First reconnect delay; it doubles per failed attempt up to `reconnect_max`."""
    reconnect_max: float = 60.0
    """Largest ordinary reconnect delay."""
    reconnect_jitter: float = 0.2
    """Random extra fraction added to each delay so many clients do not retry in step."""
    long_backoff: float = 300.0
    """Delay after being blocked (4003), the user disabled (4006) or no free event slot (4008)."""
    out_of_service_delay: float = 30.0
    """Delay after the Miniserver announced it is out of service."""
    auth_retries: int = 1
    """Extra attempts after a rejected token while reconnecting (a rebooting Miniserver may say
    401 briefly); more would risk the Miniserver's block after failed logins."""
    salt_max_uses: int = 30
    """Encrypted commands per salt before it rotates."""
    salt_max_age: float = 3600.0
    """Age of a salt (seconds) after which it rotates."""
    token_refresh_fraction: float = 0.5
    """Refresh the token after this fraction of its remaining life."""
    token_refresh_max: float = 86400.0
    """Refresh at least this often."""
    token_refresh_min: float = 1.0
    """Never refresh more often than this."""
