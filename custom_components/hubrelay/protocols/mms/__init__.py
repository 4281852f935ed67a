"""MMS cloud client (Vera UI6/UI7 remote access, Ezlo cloud), shared by the Ezlo and Vera code.

Public API::

    client = MmsClient(session, username, password,           # password optional, see below
                       auth_hosts=DEFAULT_AUTH_HOSTS,         # autha11, then autha12 (fallback)
                       identity=StoredIdentity | None,        # persisted, reused until Expires
                       scheme="https",                        # for servers MMS names by bare host
                       cloud_url=DEFAULT_CLOUD_URL,           # legacy-to-cloud token exchange
                       api_cloud_url=DEFAULT_API_CLOUD_URL,   # /v1/request access_keys_sync
                       request_timeout=10.0, renew_margin=600.0,
                       on_identity=callback(StoredIdentity))  # called with every new identity
    await client.login() -> Identity                   # always a new login (needs the password)
    await client.ensure_identity() -> Identity         # cached; renewed before Expires
    await client.renew_identity(rejected) -> Identity  # after a server refused `rejected`
    await client.session_token(server) -> str          # /info/session/token, cached per server
    client.invalidate_session(server, token=None)      # e.g. after a relay answered 401
    await client.session_get(server, path) -> Any      # GET JSON with MMSSession, one retry on 401
    await client.account_devices() -> list[AccountDevice]
    await client.device_info(pk_device | serial | AccountDevice) -> DeviceInfo   # Server_Relay, ...
    await client.server_relay(pk_device | serial | AccountDevice) -> str   # the last one while
                                                       # the device servers fail
    await client.cloud_token() -> CloudToken           # Ezlo: legacy-to-cloud exchange, cached
    await client.hub_local_keys(serial, hub_uuid=None) -> HubLocalKeys   # Ezlo: access_keys_sync
    client.server_url(host) -> str ; client.identity ; client.username   # cloud_server_url
    cloud_server_url(name, scheme="https") -> str      # MmsProtocolError for http://, ws://, ...

Errors: `MmsError` > `MmsAuthError` (login 404) > `MmsPasswordRequiredError` (a refused or
expiring identity and no password); `MmsConnectionError` (unreachable, timeouts as
`MmsTimeoutError`, HTTP 5xx, a 401/403 that survived a new identity or session...);
`MmsProtocolError`; `MmsDeviceNotFoundError`; `MmsCloudError` (Ezlo cloud call refused).

What to persist instead of the password: `Identity.to_stored()` (`StoredIdentity.as_dict()`)
is valid until the identity's ``Expires`` (about 24 h after login). After that, and whenever a
server refuses it, a new login needs the password: MMS has no refresh call. `HubLocalKeys.as_dict()`
(the Ezlo local login) is long-lived and needs the cloud again only when the hub rejects it. So a
setup that must run unattended through the cloud for more than a day has to keep the password; a
local-only Ezlo setup can keep just the hub's local keys.
"""

from __future__ import annotations

from .client import (
    DEFAULT_API_CLOUD_URL,
    DEFAULT_AUTH_HOSTS,
    DEFAULT_CLOUD_URL,
    MmsClient,
    cloud_server_url,
    server_url,
)
from .cloud import CloudToken, HubLocalKeys
from .errors import (
    MmsAuthError,
    MmsCloudError,
    MmsConnectionError,
    MmsDeviceNotFoundError,
    MmsError,
    MmsPasswordRequiredError,
    MmsProtocolError,
    MmsResponseTooLargeError,
    MmsTimeoutError,
)
from .identity import Identity, StoredIdentity, decode_identity
from .models import AccountDevice, DeviceInfo
from .password import PASSWORD_SALT, password_hash

__all__ = [
    "DEFAULT_API_CLOUD_URL",
    "DEFAULT_AUTH_HOSTS",
    "DEFAULT_CLOUD_URL",
    "PASSWORD_SALT",
    "AccountDevice",
    "CloudToken",
    "DeviceInfo",
    "HubLocalKeys",
    "Identity",
    "MmsAuthError",
    "MmsClient",
    "MmsCloudError",
    "MmsConnectionError",
    "MmsDeviceNotFoundError",
    "MmsError",
    "MmsPasswordRequiredError",
    "MmsProtocolError",
    "MmsResponseTooLargeError",
    "MmsTimeoutError",
    "StoredIdentity",
    "cloud_server_url",
    "decode_identity",
    "password_hash",
    "server_url",
]
