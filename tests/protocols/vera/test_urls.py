"""Local address normalisation: every form users type reaches the right data_request URL."""

from __future__ import annotations

import pytest

from custom_components.hubrelay.protocols.vera import (
    VeraInvalidUrlError,
    local_data_request_urls,
    relay_data_request_url,
)


@pytest.mark.parametrize(
    "typed",
    [
        "192.168.1.5",
        "192.168.1.5:3480",
        "http://192.168.1.5:3480",
        " http://192.168.1.5:3480/ ",
        "http://192.168.1.5:3480/data_request",
        "http://192.168.1.5",
    ],
)
def test_classic_port_first(typed: str) -> None:
    urls = [str(url) for url in local_data_request_urls(typed)]
    assert urls == [
        "http://192.168.1.5:3480/data_request",
        "http://192.168.1.5/port_3480/data_request",
    ]


@pytest.mark.parametrize(
    "typed",
    ["http://192.168.1.5/port_3480", "192.168.1.5/port_3480/data_request", "192.168.1.5:80"],
)
def test_proxied_form_first(typed: str) -> None:
    urls = [str(url) for url in local_data_request_urls(typed)]
    assert urls[0] == "http://192.168.1.5/port_3480/data_request"
    assert urls[1] == "http://192.168.1.5:3480/data_request"


def test_other_port_keeps_port_for_both_forms() -> None:
    urls = [str(url) for url in local_data_request_urls("https://vera.lan:8443")]
    assert urls == [
        "https://vera.lan:8443/port_3480/data_request",
        "https://vera.lan:8443/data_request",
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "ftp://1.2.3.4",
        "http://",
        "http://user:pw@1.2.3.4:3480",
        "1.2.3.4/cgi-bin/x",
        "http://1.2.3.4:3480?x=1",
        "http://1.2.3.4:99999",
        "http://[::1",
    ],
)
def test_rejects_what_cannot_be_a_hub(typed: str) -> None:
    with pytest.raises(VeraInvalidUrlError) as info:
        local_data_request_urls(typed)
    assert "pw" not in str(info.value)


def test_relay_url() -> None:
    assert str(relay_data_request_url("vera-us-oem-relay41.mios.com", "45200488")) == (
        "https://vera-us-oem-relay41.mios.com/relay/relay/relay/device/45200488/port_3480/data_request"
    )
    assert str(relay_data_request_url("http://127.0.0.1:9000", "7")) == (
        "http://127.0.0.1:9000/relay/relay/relay/device/7/port_3480/data_request"
    )
