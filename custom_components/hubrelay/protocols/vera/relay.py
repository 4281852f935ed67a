"""Remote access to a UI6/UI7 hub through the MMS relay (``Server_Relay``).

The MMS client logs in and keeps one session token per server; this transport looks the unit up
once (``Server_Relay``), then sends every ``data_request`` through the relay's tunnel with the
relay's own ``MMSSession`` token. A refused token (401/403) is replaced once and the request
retried; ``Tunnel not found`` means the hub is not connected to the cloud. While the device
servers cannot be reached (a cloud outage, its names not resolving), the last relay that served
the unit is used (`MmsClient.server_relay`): relays keep their tunnels then. Only MMS refusing
the password is ``VeraAuthError``: a relay still refusing a fresh session, or a unit missing from
the account list, is a ``VeraConnectionError`` the session rides out.
"""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from yarl import URL

from ..mms import (
    MmsAuthError,
    MmsClient,
    MmsConnectionError,
    MmsDeviceNotFoundError,
    MmsError,
    MmsTimeoutError,
)
from .errors import (
    VeraAuthError,
    VeraConnectionError,
    VeraHubOfflineError,
    VeraProtocolError,
    VeraTimeoutError,
)
from .transport import MAX_DATA_BYTES, fetch_text, raise_for_status
from .urls import relay_data_request_url

SESSION_HEADER = "MMSSession"
TUNNEL_NOT_FOUND = "tunnel not found"


class RelayTransport:
    """Sends ``data_request`` queries to one unit through its MMS relay."""

    def __init__(self, http: aiohttp.ClientSession, mms: MmsClient, pk_device: int | str) -> None:
        """Reach unit ``pk_device`` of the account ``mms`` is logged in to."""
        self._http = http
        self._mms = mms
        self.pk_device = str(pk_device)
        self.relay: str | None = None

    @property
    def label(self) -> str:
        """Name the path without any secret."""
        return f"MMS relay to unit {self.pk_device}"

    async def get(
        self, params: Mapping[str, str], time_limit: float, limit: int = MAX_DATA_BYTES
    ) -> str:
        """Send the query through the relay, renewing the relay session once if refused."""
        try:
            return await self._get(params, time_limit, limit)
        except MmsTimeoutError as err:
            raise VeraTimeoutError(f"{self.label}: {err}") from err
        except MmsDeviceNotFoundError as err:
            raise VeraConnectionError(f"unit {self.pk_device} is not on this MMS account") from err
        except MmsAuthError as err:
            raise VeraAuthError(f"{self.label}: MMS refused the login") from err
        except MmsConnectionError as err:
            self.relay = None
            raise VeraConnectionError(f"{self.label}: {err}") from err
        except MmsError as err:
            raise VeraProtocolError(f"{self.label}: {err}") from err
        except VeraConnectionError:
            self.relay = None  # the next attempt looks the relay up again (fail-over)
            raise

    async def _get(self, params: Mapping[str, str], time_limit: float, limit: int) -> str:
        if self.relay is None:
            self.relay = await self._mms.server_relay(self.pk_device)
        relay = self.relay
        url = relay_data_request_url(self._mms.server_url(relay), self.pk_device)
        token = await self._mms.session_token(relay)
        status, body = await self._send(url, params, time_limit, limit, token)
        if status in {401, 403}:
            self._mms.invalidate_session(relay, token)
            token = await self._mms.session_token(relay)
            status, body = await self._send(url, params, time_limit, limit, token)
        if TUNNEL_NOT_FOUND in body[:200].lower():
            raise VeraHubOfflineError(f"unit {self.pk_device} is offline (no tunnel to the relay)")
        raise_for_status(status, self.label)
        return body

    async def _send(
        self, url: URL, params: Mapping[str, str], time_limit: float, limit: int, token: str
    ) -> tuple[int, str]:
        return await fetch_text(
            self._http, url, params, time_limit, self.label, limit, headers={SESSION_HEADER: token}
        )
