"""Where a Miniserver is reached: base URL, TLS settings, and the derived WebSocket URL.

Gen1 Miniservers speak plain HTTP/WS only; Gen2 also TLS. A Gen2 certificate names
`{ip-with-dashes}.{serial}.dyndns.loxonecloud.com`, never the bare IP, so verification needs that
name as the TLS server name (SNI and hostname check) while the socket still goes to the IP.
"""

from __future__ import annotations

from dataclasses import dataclass
import ipaddress
from ssl import SSLContext

from yarl import URL

WEBSOCKET_PATH = "/ws/rfc6455"
DEFAULT_DYNDNS_DOMAIN = "loxonecloud.com"


def dyndns_hostname(ip: str, serial: str, data_center: str = DEFAULT_DYNDNS_DOMAIN) -> str:
    """Name a Gen2 Miniserver's certificate carries for an address: 1-2-3-4.SERIAL.dyndns.DC."""
    dashed = ip.strip("[]").replace(".", "-").replace(":", "-")
    return f"{dashed}.{serial.upper()}.dyndns.{data_center}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A Miniserver's base URL plus how to check its TLS certificate.

    `ssl` follows aiohttp: True verifies with the default trust store, False skips verification,
    an `SSLContext` verifies with its own trust settings. `server_hostname` overrides the name
    checked against the certificate (and sent as SNI).
    """

    url: URL
    ssl: SSLContext | bool = True
    server_hostname: str | None = None

    @classmethod
    def build(
        cls,
        host: str,
        port: int | None = None,
        *,
        use_tls: bool = False,
        verify_tls: bool = True,
        serial: str | None = None,
        ssl_context: SSLContext | None = None,
    ) -> Endpoint:
        """Describe a Miniserver by host and port.

        With TLS to an IP address and a known serial, the certificate is checked against the
        Gen2 dyndns name of that address.
        """
        url = URL.build(scheme="https" if use_tls else "http", host=host.strip("[]"), port=port)
        if not use_tls:
            return cls(url, True, None)
        if not verify_tls:
            return cls(url, False, None)
        hostname = dyndns_hostname(host, serial) if serial and _is_ip(host) else None
        return cls(url, ssl_context if ssl_context is not None else True, hostname)

    @property
    def is_tls(self) -> bool:
        """Tell whether the connection uses TLS (https/wss)."""
        return self.url.scheme == "https"

    @property
    def websocket_url(self) -> URL:
        """The ws:// or wss:// URL of the Miniserver's WebSocket."""
        return self.url.with_scheme("wss" if self.is_tls else "ws").with_path(WEBSOCKET_PATH)

    def http_url(self, path: str) -> URL:
        """Build the URL of an HTTP command (path without a leading slash, already encoded)."""
        return self.url.with_path("/" + path, encoded=True)
