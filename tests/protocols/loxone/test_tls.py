"""Gen2 TLS: wss:// and https:// through a TLS front on loopback whose certificate, like a real
Gen2 Miniserver's, names {ip}.{serial}.dyndns.loxonecloud.com and not the IP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
import pytest

from custom_components.hubrelay.protocols.loxone import (
    Endpoint,
    LoxoneConnectionError,
    dyndns_hostname,
)
from tests.simulators.miniserver import MiniserverSimulator

from .conftest import ClientFactory


@dataclass
class TlsFront:
    port: int
    ca_pem: bytes


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(tmp_path: Path, hostname: str) -> tuple[ssl.SSLContext, bytes]:
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Loxone Root"))
        .issuer_name(_name("Test Loxone Root"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(hostname))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    return server, ca.public_bytes(serialization.Encoding.PEM)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@pytest.fixture
async def tls_front(ms: MiniserverSimulator, tmp_path: Path) -> AsyncIterator[TlsFront]:
    server_context, ca_pem = _issue(tmp_path, dyndns_hostname("127.0.0.1", ms.serial))
    tasks: set[asyncio.Task[None]] = set()
    writers: list[asyncio.StreamWriter] = []

    async def handle(
        client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        writers.append(client_writer)
        try:  # TLS here, so that handshakes the client refuses end quietly
            await client_writer.start_tls(server_context)
        except (ssl.SSLError, ConnectionError):
            client_writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", ms.port)
        writers.append(upstream_writer)
        for task in (
            asyncio.create_task(_pipe(client_reader, upstream_writer)),
            asyncio.create_task(_pipe(upstream_reader, client_writer)),
        ):
            tasks.add(task)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    yield TlsFront(server.sockets[0].getsockname()[1], ca_pem)
    server.close()
    for writer in writers:
        writer.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await server.wait_closed()


def _trusting(ca_pem: bytes) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.load_verify_locations(cadata=ca_pem.decode())
    return context


async def test_verified_tls_with_the_dyndns_name(
    ms: MiniserverSimulator, tls_front: TlsFront, make_client: ClientFactory
) -> None:
    endpoint = Endpoint.build(
        "127.0.0.1",
        tls_front.port,
        use_tls=True,
        serial=ms.serial,
        ssl_context=_trusting(tls_front.ca_pem),
    )
    assert endpoint.is_tls
    assert str(endpoint.websocket_url) == f"wss://127.0.0.1:{tls_front.port}/ws/rfc6455"
    assert endpoint.server_hostname == f"127-0-0-1.{ms.serial}.dyndns.loxonecloud.com"
    client = await make_client(endpoint=endpoint)
    assert client.connected
    assert client.serial == ms.serial


async def test_certificate_does_not_name_the_bare_ip(
    tls_front: TlsFront, make_client: ClientFactory
) -> None:
    endpoint = Endpoint.build(
        "127.0.0.1", tls_front.port, use_tls=True, ssl_context=_trusting(tls_front.ca_pem)
    )
    assert endpoint.server_hostname is None
    client = await make_client(connect=False, endpoint=endpoint)
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await client.connect()


async def test_untrusted_certificate_without_verification(
    ms: MiniserverSimulator, tls_front: TlsFront, make_client: ClientFactory
) -> None:
    strict = await make_client(
        connect=False,
        endpoint=Endpoint.build("127.0.0.1", tls_front.port, use_tls=True, serial=ms.serial),
    )
    with pytest.raises(LoxoneConnectionError, match="TLS"):
        await strict.connect()
    lax = Endpoint.build("127.0.0.1", tls_front.port, use_tls=True, verify_tls=False)
    assert lax.ssl is False
    client = await make_client(endpoint=lax)
    assert client.connected


def test_plain_endpoint_and_dyndns_names() -> None:
    plain = Endpoint.build("192.168.1.47", 8080)
    assert str(plain.websocket_url) == "ws://192.168.1.47:8080/ws/rfc6455"
    assert str(plain.http_url("jdev/cfg/api")) == "http://192.168.1.47:8080/jdev/cfg/api"
    assert not plain.is_tls
    assert dyndns_hostname("192.168.1.47", "504f94a0b1c2") == (
        "192-168-1-47.504F94A0B1C2.dyndns.loxonecloud.com"
    )
    assert dyndns_hostname("[2001:db8::1]", "504F94A0B1C2", "loxonecloud.cn") == (
        "2001-db8--1.504F94A0B1C2.dyndns.loxonecloud.cn"
    )
    named = Endpoint.build("miniserver.example", 443, use_tls=True, serial="504F94A0B1C2")
    assert named.server_hostname is None
    assert named.ssl is True
