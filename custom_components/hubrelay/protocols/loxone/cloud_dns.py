"""Find a Miniserver through the Loxone CloudDNS service by its serial number.

`GET http://dns.loxonecloud.com/?getip&snr={serial}&json=true` answers with the Miniserver's public
address (`IP`, `IPHTTPS` as "host:port", IPv6 in brackets) and whether the ports are open; the
service may redirect to another data centre first. Codes other than 200 mean the Miniserver is
not reachable from outside (not registered, not reporting, external access blocked, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
import json

import aiohttp
from yarl import URL

from .endpoint import DEFAULT_DYNDNS_DOMAIN, Endpoint, dyndns_hostname
from .errors import LoxoneCloudDNSError, LoxoneTimeoutError

CLOUD_DNS_URL = "http://dns.loxonecloud.com/"

_CODE_MEANINGS = {
    403: "the Miniserver is not registered with CloudDNS",
    405: "the Miniserver is not reporting to CloudDNS",
    409: "external access is blocked because an unsecure password is in place",
    412: "the Miniserver's port is not open to the internet",
    418: "the Miniserver is not exposed to the internet",
}


@dataclass(frozen=True, slots=True)
class CloudAddress:
    """Where CloudDNS says a Miniserver can be reached."""

    host: str
    port: int
    use_tls: bool
    serial: str
    data_center: str

    @property
    def tls_hostname(self) -> str:
        """The dyndns name the Gen2 certificate carries for this address."""
        return dyndns_hostname(self.host, self.serial, self.data_center)

    def endpoint(self, *, verify_tls: bool = True) -> Endpoint:
        """Build an endpoint dialling the IP and (for TLS) checking the dyndns name."""
        url = URL.build(scheme="https" if self.use_tls else "http", host=self.host, port=self.port)
        if not self.use_tls:
            return Endpoint(url)
        if not verify_tls:
            return Endpoint(url, False)
        return Endpoint(url, True, self.tls_hostname)


def _split_address(text: str, default_port: int) -> tuple[str, int]:
    """Split "1.2.3.4:80", "[2001:db8::1]:443" or a bare address into host and port."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        host, _, port = text.partition(":")
    return host, int(port) if port.isdigit() else default_port


async def resolve_cloud_dns(
    session: aiohttp.ClientSession,
    serial: str,
    *,
    base_url: str = CLOUD_DNS_URL,
    prefer_tls: bool = True,
    http_timeout: float = 10.0,
) -> CloudAddress:
    """Ask CloudDNS for the public address of the Miniserver with this serial."""
    serial = serial.replace(":", "").upper()
    url = URL(base_url).with_query({"getip": "", "snr": serial, "json": "true"})
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=http_timeout)) as response:
            text = await response.text(errors="replace")
            status = response.status
    except TimeoutError as err:
        raise LoxoneTimeoutError("CloudDNS did not answer in time") from err
    except aiohttp.ClientError as err:
        raise LoxoneCloudDNSError(f"cannot reach CloudDNS: {err}") from err
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise LoxoneCloudDNSError(f"CloudDNS answered HTTP {status} without JSON", code=status)
    code = answer.get("Code", status)
    code = int(code) if isinstance(code, (int, str)) and str(code).isdigit() else status
    if code != 200:
        meaning = _CODE_MEANINGS.get(code, "the Miniserver is not reachable through CloudDNS")
        raise LoxoneCloudDNSError(f"{meaning} (CloudDNS code {code})", code=code)
    data_center = str(answer.get("DataCenter") or DEFAULT_DYNDNS_DOMAIN)
    https = answer.get("IPHTTPS")
    plain = answer.get("IP")
    if prefer_tls and isinstance(https, str) and https and answer.get("PortOpenHTTPS"):
        host, port = _split_address(https, 443)
        return CloudAddress(host, port, True, serial, data_center)
    if isinstance(plain, str) and plain and answer.get("PortOpen"):
        host, port = _split_address(plain, 80)
        return CloudAddress(host, port, False, serial, data_center)
    if isinstance(https, str) and https and answer.get("PortOpenHTTPS"):
        host, port = _split_address(https, 443)
        return CloudAddress(host, port, True, serial, data_center)
    raise LoxoneCloudDNSError("CloudDNS knows the Miniserver but reports no open port", code=code)
