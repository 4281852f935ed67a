"""Ezlo credential providers backed by the MMS cloud client, for both transports.

``relay`` gives ``RelayTransport`` the MMS identity and the hub's ``Server_Relay``; ``local_key``
gives ``LocalHubTransport`` the ``hub.offline.login.ui`` keys from the cloud token exchange and
``access_keys_sync``, fetched once and again only after the hub refused them. While the device
servers cannot be reached, the relay is the last ``Server_Relay`` (`MmsClient.server_relay`).
Keys are only ever
fetched for, and handed to, the serial these credentials were made for: a hub reporting another
serial gets `EzloIdentityError` and no key. MMS errors become Ezlo errors (auth stays auth), so
the session's typed error contract holds.
"""

from __future__ import annotations

from collections.abc import Callable

from ..mms import HubLocalKeys, Identity, MmsAuthError, MmsClient, MmsError
from .errors import EzloAuthError, EzloConnectionError, EzloIdentityError
from .models import HubInfo
from .transports import LocalKey, RelayCredentials


class MmsCredentials:
    """Hand MMS identities and hub local keys to the Ezlo transports."""

    def __init__(
        self,
        client: MmsClient,
        serial: str,
        *,
        local_keys: HubLocalKeys | None = None,
        on_local_keys: Callable[[HubLocalKeys], None] | None = None,
    ) -> None:
        """``local_keys``: stored keys to try first; ``on_local_keys`` is told about new ones."""
        self._client = client
        self._serial = serial
        self._local_keys = local_keys
        self._on_local_keys = on_local_keys
        self._used: Identity | None = None

    async def relay(self, refresh: bool) -> RelayCredentials:
        """Return the relay URL and identity; ``refresh`` after the relay refused the last one."""
        try:
            if refresh and self._used is not None:
                identity = await self._client.renew_identity(self._used)
            else:
                identity = await self._client.ensure_identity()
            server_relay = await self._client.server_relay(self._serial)
        except MmsAuthError as err:
            raise EzloAuthError(f"MMS refused the login: {err}") from err
        except MmsError as err:
            raise EzloConnectionError(f"MMS cloud unavailable: {err}") from err
        self._used = identity
        return RelayCredentials(server_relay, identity.token, identity.signature)

    async def local_key(self, hub: HubInfo, refresh: bool) -> LocalKey:
        """Return the hub's local key; ``refresh`` fetches new keys from the cloud.

        The serial the hub reports is only compared, never used to choose keys: an impostor
        reporting another hub of the account would otherwise receive that hub's keys.
        """
        if hub.serial != self._serial:
            raise EzloIdentityError(
                f"the hub reports serial {hub.serial}, not {self._serial}: no local key sent",
                serial=hub.serial,
            )
        if self._local_keys is None or refresh:
            try:
                keys = await self._client.hub_local_keys(self._serial)
            except MmsAuthError as err:
                raise EzloAuthError(f"MMS refused the login: {err}") from err
            except MmsError as err:
                raise EzloConnectionError(f"cannot fetch the hub's local keys: {err}") from err
            self._local_keys = keys
            if self._on_local_keys is not None:
                self._on_local_keys(keys)
        return LocalKey(self._local_keys.user, self._local_keys.token)
