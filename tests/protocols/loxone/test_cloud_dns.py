"""CloudDNS lookups against a loopback stand-in of dns.loxonecloud.com (redirect included)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import ssl
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.hubrelay.protocols.loxone import (
    CloudAddress,
    LoxoneCloudDNSError,
    LoxoneTimeoutError,
    resolve_cloud_dns,
)
from custom_components.hubrelay.protocols.loxone.cloud_dns import CLOUD_DNS_URL
from tests.simulators.tls_authority import TestAuthority

SERIAL = "504F94A0B1C2"


class CloudDns:
    """Answers `?getip&snr=...&json=true` like the service; the root redirects to a data centre."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.queries: list[dict[str, str]] = []
        self.delay = 0.0
        self.redirect = "/eu/"

    async def root(self, request: web.Request) -> web.StreamResponse:
        return web.Response(
            status=307, headers={"Location": f"{self.redirect}?{request.query_string}"}
        )

    async def region(self, request: web.Request) -> web.StreamResponse:
        self.queries.append(dict(request.query))
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = self.answers.get(request.query.get("snr", ""))
        if answer is None:
            return web.Response(status=500, text="<html>oops</html>")
        return web.Response(text=json.dumps(answer), content_type="text/plain")


@pytest.fixture(scope="module")
def authority() -> TestAuthority:
    return TestAuthority("Test CloudDNS Root")


@pytest.fixture
async def http(authority: TestAuthority) -> AsyncIterator[aiohttp.ClientSession]:
    """A session that trusts the test authority, as the real one trusts dns.loxonecloud.com's CA."""
    connector = aiohttp.TCPConnector(ssl=authority.client_context())
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


async def _serve(app: web.Application, context: ssl.SSLContext | None) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context).start()
    return runner, runner.addresses[0][1]


def _app(service: CloudDns) -> web.Application:
    app = web.Application()
    app.router.add_get("/", service.root)
    app.router.add_get("/eu/", service.region)
    return app


@pytest.fixture
async def cloud(authority: TestAuthority) -> AsyncIterator[tuple[CloudDns, str]]:
    service = CloudDns()
    runner, port = await _serve(_app(service), authority.server_context("127.0.0.1"))
    yield service, f"https://127.0.0.1:{port}/"
    await runner.cleanup()


def answer(code: int = 200, **fields: Any) -> dict[str, Any]:
    base = {
        "cmd": "getip",
        "Code": code,
        "LastUpdated": "2026-01-01 10:00:00",
        "DNS-Status": "registered",
    }
    return base | fields


async def test_follows_the_redirect_and_prefers_https(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession
) -> None:
    service, url = cloud
    service.answers[SERIAL] = answer(
        IP="203.0.113.7:8080",
        PortOpen=True,
        IPHTTPS="203.0.113.7:4443",
        PortOpenHTTPS=True,
        DataCenter="loxonecloud.com",
    )
    address = await resolve_cloud_dns(http, "50:4f:94:a0:b1:c2", base_url=url)
    assert service.queries == [{"getip": "", "snr": SERIAL, "json": "true"}]
    assert address == CloudAddress("203.0.113.7", 4443, True, SERIAL, "loxonecloud.com")
    assert address.tls_hostname == f"203-0-113-7.{SERIAL}.dyndns.loxonecloud.com"
    endpoint = address.endpoint()
    assert str(endpoint.url) == "https://203.0.113.7:4443"
    assert endpoint.server_hostname == address.tls_hostname
    assert endpoint.ssl is True
    unverified = address.endpoint(verify_tls=False)
    assert unverified.ssl is False
    assert unverified.server_hostname is None


async def test_plain_http_when_tls_is_not_open_or_not_wanted(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession
) -> None:
    service, url = cloud
    service.answers[SERIAL] = answer(
        IP="203.0.113.7", PortOpen=True, IPHTTPS="203.0.113.7:443", PortOpenHTTPS=False
    )
    address = await resolve_cloud_dns(http, SERIAL, base_url=url)
    assert (address.host, address.port, address.use_tls) == ("203.0.113.7", 80, False)
    assert address.endpoint().url.port == 80
    assert not address.endpoint().is_tls
    service.answers[SERIAL] = answer(
        IP="203.0.113.7:81", PortOpen=True, IPHTTPS="203.0.113.7:443", PortOpenHTTPS=True
    )
    address = await resolve_cloud_dns(http, SERIAL, base_url=url, prefer_tls=False)
    assert (address.port, address.use_tls) == (81, False)


async def test_ipv6_and_other_data_centre(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession
) -> None:
    service, url = cloud
    service.answers[SERIAL] = answer(
        IP="[2001:db8::7]",
        PortOpen=False,
        IPHTTPS="[2001:db8::7]:443",
        PortOpenHTTPS=True,
        DataCenter="loxonecloud.cn",
    )
    address = await resolve_cloud_dns(http, SERIAL, base_url=url, prefer_tls=False)
    assert (address.host, address.port, address.use_tls) == ("2001:db8::7", 443, True)
    assert address.tls_hostname == f"2001-db8--7.{SERIAL}.dyndns.loxonecloud.cn"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (403, "not registered"),
        (405, "not reporting"),
        (409, "unsecure password"),
        (412, "port is not open"),
        (418, "not exposed"),
        (482, "not reachable through CloudDNS"),
    ],
)
async def test_not_exposed_answers_are_explained(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession, code: int, words: str
) -> None:
    service, url = cloud
    service.answers[SERIAL] = answer(code=code)
    with pytest.raises(LoxoneCloudDNSError, match=words) as caught:
        await resolve_cloud_dns(http, SERIAL, base_url=url)
    assert caught.value.code == code


async def test_known_but_no_open_port(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession
) -> None:
    service, url = cloud
    service.answers[SERIAL] = answer(IP="203.0.113.7:80", PortOpen=False, Code="200")
    with pytest.raises(LoxoneCloudDNSError, match="no open port"):
        await resolve_cloud_dns(http, SERIAL, base_url=url)


async def test_service_failures(cloud: tuple[CloudDns, str], http: aiohttp.ClientSession) -> None:
    service, url = cloud
    with pytest.raises(LoxoneCloudDNSError, match="HTTP 500 without JSON") as caught:
        await resolve_cloud_dns(http, "UNKNOWN", base_url=url)
    assert caught.value.code == 500
    service.answers[SERIAL] = answer()
    service.delay = 0.5
    with pytest.raises(LoxoneTimeoutError):
        await resolve_cloud_dns(http, SERIAL, base_url=url, http_timeout=0.1)


async def test_unreachable_service(http: aiohttp.ClientSession) -> None:
    with pytest.raises(LoxoneCloudDNSError, match="cannot reach CloudDNS"):
        await resolve_cloud_dns(http, SERIAL, base_url="https://127.0.0.1:9/")


def test_the_service_is_asked_over_https() -> None:
    assert CLOUD_DNS_URL == "https://dns.loxonecloud.com/"


async def test_only_a_chosen_plain_base_url_is_plain(http: aiohttp.ClientSession) -> None:
    """A caller may aim at a plain loopback stand-in; other schemes are refused unsent."""
    service = CloudDns()
    service.answers[SERIAL] = answer(IPHTTPS="203.0.113.7:443", PortOpenHTTPS=True)
    runner, port = await _serve(_app(service), None)
    try:
        address = await resolve_cloud_dns(http, SERIAL, base_url=f"http://127.0.0.1:{port}/")
        assert address.host == "203.0.113.7"
        with pytest.raises(LoxoneCloudDNSError, match="https"):
            await resolve_cloud_dns(http, SERIAL, base_url=f"ftp://127.0.0.1:{port}/")
    finally:
        await runner.cleanup()
    assert len(service.queries) == 1


async def test_a_redirect_to_plain_http_is_refused(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession
) -> None:
    """A forged answer over plain HTTP would choose the address and the name checked later."""
    genuine, url = cloud
    genuine.answers[SERIAL] = answer(IPHTTPS="203.0.113.7:443", PortOpenHTTPS=True)
    forger = CloudDns()
    forger.answers[SERIAL] = answer(IPHTTPS="203.0.113.66:443", PortOpenHTTPS=True)
    runner, port = await _serve(_app(forger), None)
    genuine.redirect = f"http://127.0.0.1:{port}/eu/"
    try:
        with pytest.raises(LoxoneCloudDNSError, match="https"):
            await resolve_cloud_dns(http, SERIAL, base_url=url)
    finally:
        await runner.cleanup()
    assert forger.queries == []


async def test_too_many_redirects(cloud: tuple[CloudDns, str], http: aiohttp.ClientSession) -> None:
    service, url = cloud
    service.redirect = "/"
    with pytest.raises(LoxoneCloudDNSError, match="redirect"):
        await resolve_cloud_dns(http, SERIAL, base_url=url)


@pytest.mark.parametrize(
    "data_center",
    [
        "attacker.example",
        "loxonecloud.com.attacker.example",
        "fakeloxonecloud.com",
        "loxonecloud.com/x",
        "evil.example/.loxonecloud.com",
        "",
    ],
)
async def test_only_loxone_dns_domains_are_accepted(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession, data_center: str
) -> None:
    """The data centre becomes the certificate name checked later: only Loxone's own domains."""
    service, url = cloud
    service.answers[SERIAL] = answer(
        IPHTTPS="203.0.113.7:443", PortOpenHTTPS=True, DataCenter=data_center
    )
    if not data_center:  # absent: the default domain
        address = await resolve_cloud_dns(http, SERIAL, base_url=url)
        assert address.tls_hostname.endswith(".dyndns.loxonecloud.com")
        return
    with pytest.raises(LoxoneCloudDNSError, match="Loxone"):
        await resolve_cloud_dns(http, SERIAL, base_url=url)


@pytest.mark.parametrize("data_center", ["loxonecloud.com", "LOXONECLOUD.CN", "eu.loxonecloud.com"])
async def test_loxone_data_centres_are_kept(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession, data_center: str
) -> None:
    service, url = cloud
    service.answers[SERIAL] = answer(
        IPHTTPS="203.0.113.7:443", PortOpenHTTPS=True, DataCenter=data_center
    )
    address = await resolve_cloud_dns(http, SERIAL, base_url=url)
    assert address.tls_hostname == f"203-0-113-7.{SERIAL}.dyndns.{data_center.lower()}"


async def test_a_redirect_to_an_unusable_url_is_refused(
    cloud: tuple[CloudDns, str], http: aiohttp.ClientSession
) -> None:
    service, url = cloud
    service.redirect = "https://[::1"
    with pytest.raises(LoxoneCloudDNSError, match="unusable URL"):
        await resolve_cloud_dns(http, SERIAL, base_url=url)
