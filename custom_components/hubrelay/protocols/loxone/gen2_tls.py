"""First TLS contact with a Gen 2 Miniserver known only by its IP address.

A Gen 2 certificate names `{ip}.{serial}.dyndns.loxonecloud.com`, never the IP, so a verified
connection needs the serial before the first sign-in. It is learnt from the unauthenticated
`jdev/cfg/api` answer over a connection whose chain is verified but whose host name is not (a
peer without a CA-issued certificate is refused already here); the endpoint returned then checks
the dyndns name of that serial, so only the Miniserver the certificate names gets a credential.
Verification never has to be switched off to get through.
"""

from __future__ import annotations

import ssl

import aiohttp
from yarl import URL

from .endpoint import Endpoint
from .http_api import fetch_api_info


def _chain_only(trust: ssl.SSLContext | None) -> ssl.SSLContext:
    """Return a context that verifies the chain against the same roots but not the host name."""
    if trust is None:
        context = ssl.create_default_context()
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        for der in trust.get_ca_certs(binary_form=True):
            context.load_verify_locations(cadata=der)
    context.check_hostname = False
    return context


async def tls_endpoint_by_ip(
    session: aiohttp.ClientSession,
    host: str,
    port: int | None = None,
    *,
    ssl_context: ssl.SSLContext | None = None,
    http_timeout: float = 10.0,
) -> Endpoint:
    """Learn the serial under chain verification and return the fully verified endpoint.

    ``ssl_context`` holds the trusted roots (default: the system's). Raises the typed errors of
    the HTTP preflight (`LoxoneConnectionError` "TLS failed" for an untrusted chain).
    """
    probe = Endpoint(
        URL.build(scheme="https", host=host.strip("[]"), port=port), _chain_only(ssl_context)
    )
    api = await fetch_api_info(session, probe, http_timeout)
    return Endpoint.build(host, port, use_tls=True, serial=api.serial, ssl_context=ssl_context)
