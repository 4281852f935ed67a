"""A Gen 2 added by IP with TLS and verification on: no need to turn verification off (item 5)."""

from __future__ import annotations

from collections.abc import AsyncIterator
import ssl

from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.hubrelay.const import CONF_SERIAL, CONF_USE_TLS, CONF_VERIFY_TLS
from custom_components.hubrelay.loxone import coordinator as coordinator_module
from tests.components.loxone.conftest import form_input
from tests.components.loxone.test_config_flow import start_loxone_form
from tests.protocols.loxone.test_tls import TlsFront, tls_front
from tests.simulators.miniserver import MiniserverSimulator

__all__ = ["tls_front"]  # the TLS front of the library tests, as a fixture here too


@pytest.fixture
async def ms(miniserver: MiniserverSimulator) -> AsyncIterator[MiniserverSimulator]:
    """The library tests' name for the simulator behind the TLS front."""
    return miniserver


def _trusting(ca_pem: bytes) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.load_verify_locations(cadata=ca_pem.decode())
    return context


async def test_first_verified_sign_in_by_ip(
    hass: HomeAssistant,
    ms: MiniserverSimulator,
    tls_front: TlsFront,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coordinator_module, "TLS_CONTEXT", _trusting(tls_front.ca_pem))
    flow_id = await start_loxone_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        form_input(ms, **{CONF_PORT: tls_front.port, CONF_USE_TLS: True, CONF_VERIFY_TLS: True}),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    entry = result["result"]
    assert entry.data[CONF_VERIFY_TLS] is True
    assert entry.data[CONF_SERIAL] == ms.serial
    await hass.async_block_till_done()
    assert entry.runtime_data.connected
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_untrusted_certificate_is_still_refused(
    hass: HomeAssistant, ms: MiniserverSimulator, tls_front: TlsFront
) -> None:
    # System roots only: the test CA is unknown, so nothing is learnt and nothing is sent.
    ms.received.clear()
    flow_id = await start_loxone_form(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        form_input(ms, **{CONF_PORT: tls_front.port, CONF_USE_TLS: True, CONF_VERIFY_TLS: True}),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"]["base"].endswith("cannot_connect")
    assert ms.received == []
