"""Constants shared by the HubRelay integration."""

from typing import Final

DOMAIN: Final = "hubrelay"

# Which hub system a config entry talks to (entry.data[CONF_SYSTEM]).
CONF_SYSTEM: Final = "system"
SYSTEM_LOXONE: Final = "loxone"
SYSTEM_EZLO: Final = "ezlo"
SYSTEM_VERA: Final = "vera"

# Loxone entry data: connection settings and the token (never the password).
CONF_USE_TLS: Final = "use_tls"
CONF_VERIFY_TLS: Final = "verify_tls"
CONF_SERIAL: Final = "serial"
CONF_TOKEN: Final = "token"  # noqa: S105 - a config key, not a secret
CONF_CLIENT_UUID: Final = "client_uuid"
#: SHA-256 fingerprint of the Miniserver's RSA key, pinned with its serial at the first sign-in.
CONF_PUBLIC_KEY: Final = "public_key"

# Loxone options.
CONF_VISU_PASSWORD: Final = "visu_password"  # noqa: S105 - a config key
#: Options form only: drop the stored visualisation password (it is never shown again).
CONF_FORGET_VISU_PASSWORD: Final = "forget_visu_password"  # noqa: S105 - a config key

DEFAULT_LOXONE_PORT: Final = 80
DEFAULT_LOXONE_TLS_PORT: Final = 443

# Ezlo entry data. Local mode keeps the hub's long-lived local keys (and the last MMS identity),
# never the password; relay mode must keep the password because an MMS identity lives about a day
# and MMS has no refresh call.
CONF_CONNECTION: Final = "connection"
CONNECTION_LOCAL: Final = "local"
CONNECTION_RELAY: Final = "relay"
CONF_HUB: Final = "hub"
CONF_LOCAL_KEYS: Final = "local_keys"
CONF_IDENTITY: Final = "identity"
#: Local mode: SHA-256 fingerprint of the hub's TLS key, pinned at set-up (as is its serial).
CONF_HUB_FINGERPRINT: Final = "hub_fingerprint"

# Ezlo options.
CONF_EXCLUDED_DEVICES: Final = "excluded_devices"

# Vera entry data. Local mode keeps only the URL (the luup engine has no login); relay mode keeps
# the MMS password for the same reason as the Ezlo relay, plus the last MMS identity.
CONF_URL: Final = "url"
CONF_UNIT: Final = "unit"

# Vera options.
CONF_LIGHTS: Final = "lights"
