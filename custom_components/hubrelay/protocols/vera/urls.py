"""Turn what a user types ("192.168.1.5", "vera:3480", "http://vera:3480") into request URLs.

A Vera answers ``data_request`` on port 3480 and, since firmware 7.27, also behind its web server
as ``/port_3480/data_request``. Users mix both forms with and without ``http://``, so the
library accepts all of them and tries the likely form first.
"""

from __future__ import annotations

from yarl import URL

from .errors import VeraInvalidUrlError, VeraProtocolError

LUUP_PORT = 3480
DIRECT_PATH = "/data_request"
PROXIED_PATH = "/port_3480/data_request"
WEB_PORTS = {"http": 80, "https": 443}


def local_data_request_urls(user_input: str) -> tuple[URL, ...]:
    """Return the ``data_request`` URLs to try for a local hub, best guess first.

    A bare host or port 3480 means the classic ``:3480/data_request``; another explicit port
    (such as 80) or a path naming ``/port_3480`` means the proxied form. Both are always
    offered so a hub that serves only one of them still connects; on a port other than 3480
    and the web port (a reverse proxy, a simulator) both forms keep that port.
    """
    text = user_input.strip()
    if not text:
        raise VeraInvalidUrlError("no hub address given")
    if "://" not in text:
        text = f"http://{text}"
    try:
        url = URL(text)
        host, port = url.host, url.explicit_port
    except ValueError as err:
        raise VeraInvalidUrlError("the hub address is not a valid URL") from err
    if url.scheme not in {"http", "https"} or not host:
        raise VeraInvalidUrlError("the hub address must be an http:// host")
    if url.user or url.query_string or url.fragment:
        raise VeraInvalidUrlError("the hub address must not carry credentials or a query")
    path = url.path.rstrip("/")
    if path not in {"", DIRECT_PATH, "/port_3480", PROXIED_PATH}:
        raise VeraInvalidUrlError("the hub address has an unexpected path")
    try:
        origin = URL.build(scheme=url.scheme, host=host, port=port)
    except ValueError as err:  # URL() lets a host such as "vera plus" through, build() does not
        raise VeraInvalidUrlError("the hub address is not a valid host name") from err
    proxied_first = path.startswith("/port_3480") or (port is not None and port != LUUP_PORT)
    if port in {None, LUUP_PORT, WEB_PORTS[url.scheme]}:
        direct = origin.with_port(LUUP_PORT).with_path(DIRECT_PATH)
        proxied = origin.with_port(None).with_path(PROXIED_PATH)
    else:
        direct = origin.with_path(DIRECT_PATH)
        proxied = origin.with_path(PROXIED_PATH)
    return (proxied, direct) if proxied_first else (direct, proxied)


def relay_data_request_url(relay: str, pk_device: str) -> URL:
    """Return the MMS relay's tunnel URL to a hub's ``data_request``.

    ``relay`` is the ``Server_Relay`` host (or, for tests, a full ``http://host:port`` base);
    one that makes no URL raises ``VeraProtocolError``.
    """
    try:
        base = URL(relay if "://" in relay else f"https://{relay}")
        return base.with_path(f"/relay/relay/relay/device/{pk_device}/port_3480/data_request")
    except ValueError as err:
        raise VeraProtocolError("MMS named a relay that is not a valid URL") from err
