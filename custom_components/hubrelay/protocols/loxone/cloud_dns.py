"""Find a Miniserver through the Loxone CloudDNS service by its serial number.

`GET https://dns.loxonecloud.com/?getip&snr={serial}&json=true` answers with the Miniserver's
public address (`IP`, `IPHTTPS` as "host:port", IPv6 in brackets) and whether the ports are open;
the service may redirect to another data centre first. Codes other than 200 mean the Miniserver
is not reachable from outside (not registered, not reporting, external access blocked, ...).

The answer chooses where we connect and the certificate name checked there, so it is taken over
HTTPS (a redirect to plain HTTP is refused, not followed) and its `DataCenter` must be one of
Loxone's own DNS domains: a forger must not pick a name it can buy a certificate for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
import re

import aiohttp
from yarl import URL

from ..bounded import KIB, BodyTooLargeError, read_limited
from .endpoint import DEFAULT_DYNDNS_DOMAIN, Endpoint, dyndns_hostname
from .errors import LoxoneCloudDNSError, LoxoneResponseTooLargeError, LoxoneTimeoutError

CLOUD_DNS_URL = "https://dns.loxonecloud.com/"
LOXONE_DNS_DOMAINS = ("loxonecloud.com", "loxonecloud.cn")
"""The data centres CloudDNS names (research: `loxonecloud.com`, `loxonecloud.cn` in China)."""
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DNS_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
MAX_ANSWER_BYTES = 16 * KIB
"""A CloudDNS answer is a few hundred bytes of JSON."""

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
    # ASCII digits only ("²".isdigit() is true), and few of them: `int` refuses thousands
    number = port.isascii() and port.isdigit() and len(port) <= 5
    return host, int(port) if number else default_port


def _answer_code(value: object, status: int) -> int:
    """Read the answer's `Code` (a number or a decimal string); fall back to the HTTP status."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return status


def _address(
    text: str, default_port: int, use_tls: bool, serial: str, data_center: str
) -> CloudAddress:
    """Build the address, refusing one no URL can be made of (no host, port out of range)."""
    host, port = _split_address(text, default_port)
    address = CloudAddress(host, port, use_tls, serial, data_center)
    problem = None if host and 0 < port < 65536 else "no host or no valid port"
    if problem is None:
        try:
            address.endpoint()
        except ValueError as err:
            problem = str(err)
    if problem is not None:
        raise LoxoneCloudDNSError(f"CloudDNS gave an unusable address ({problem})", code=200)
    return address


def _loxone_domain(value: object) -> str:
    """Return the data centre in lower case if it is one of Loxone's DNS domains (or below one)."""
    name = str(value).lower()
    if _DNS_NAME.fullmatch(name) and any(
        name == domain or name.endswith("." + domain) for domain in LOXONE_DNS_DOMAINS
    ):
        return name
    raise LoxoneCloudDNSError("CloudDNS named a data centre outside Loxone's domains", code=200)


def parse_cloud_dns_answer(
    text: str, status: int, serial: str, *, prefer_tls: bool = True
) -> CloudAddress:
    """Read a CloudDNS answer (its body and HTTP status) for the Miniserver with this serial."""
    try:
        answer = json.loads(text)
    except ValueError, RecursionError:
        answer = None
    if not isinstance(answer, dict):
        raise LoxoneCloudDNSError(f"CloudDNS answered HTTP {status} without JSON", code=status)
    code = _answer_code(answer.get("Code", status), status)
    if code != 200:
        meaning = _CODE_MEANINGS.get(code, "the Miniserver is not reachable through CloudDNS")
        raise LoxoneCloudDNSError(f"{meaning} (CloudDNS code {code})", code=code)
    data_center = _loxone_domain(answer.get("DataCenter") or DEFAULT_DYNDNS_DOMAIN)
    https = answer.get("IPHTTPS")
    plain = answer.get("IP")
    if prefer_tls and isinstance(https, str) and https and answer.get("PortOpenHTTPS"):
        return _address(https, 443, True, serial, data_center)
    if isinstance(plain, str) and plain and answer.get("PortOpen"):
        return _address(plain, 80, False, serial, data_center)
    if isinstance(https, str) and https and answer.get("PortOpenHTTPS"):
        return _address(https, 443, True, serial, data_center)
    raise LoxoneCloudDNSError("CloudDNS knows the Miniserver but reports no open port", code=code)


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
        async with asyncio.timeout(http_timeout):
            text, status = await _get_without_downgrade(session, url)
    except TimeoutError as err:
        raise LoxoneTimeoutError("CloudDNS did not answer in time") from err
    except BodyTooLargeError as err:
        raise LoxoneResponseTooLargeError(f"CloudDNS: {err}") from err
    except aiohttp.ClientError as err:
        raise LoxoneCloudDNSError(f"cannot reach CloudDNS: {err}") from err
    return parse_cloud_dns_answer(text, status, serial, prefer_tls=prefer_tls)


async def _get_without_downgrade(session: aiohttp.ClientSession, url: URL) -> tuple[str, int]:
    """GET, following redirects by hand so that none leads from HTTPS to plain HTTP.

    Only a base URL the caller chose (a loopback test stand-in) can be plain HTTP.
    """
    allowed = {"https", "http"} if url.scheme == "http" else {"https"}
    for _ in range(MAX_REDIRECTS + 1):
        if url.scheme not in allowed:
            raise LoxoneCloudDNSError(f"CloudDNS must be asked over https, not {url.scheme!r}")
        async with session.get(url, allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status not in _REDIRECTS or location is None:
                body = await read_limited(response, MAX_ANSWER_BYTES)
                return body.decode(errors="replace"), response.status
        try:
            url = url.join(URL(location))
        except ValueError as err:
            raise LoxoneCloudDNSError("CloudDNS redirected to an unusable URL") from err
    raise LoxoneCloudDNSError(f"CloudDNS redirected more than {MAX_REDIRECTS} times")
