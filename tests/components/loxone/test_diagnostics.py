"""Diagnostics help a bug report and never leak a secret."""

from __future__ import annotations

import json
import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hubrelay.const import CONF_TOKEN, CONF_VISU_PASSWORD
from tests.components.loxone.conftest import add_miniserver
from tests.simulators.miniserver import MiniserverSimulator


async def test_diagnostics_are_useful_and_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    miniserver: MiniserverSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    entry = await add_miniserver(hass, miniserver)
    hass.config_entries.async_update_entry(entry, options={CONF_VISU_PASSWORD: "vis-secret-9"})
    await hass.async_block_till_done()
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert result["connection"]["connected"] is True
    assert result["miniserver"]["firmware"] == "14.5.12.7"
    assert result["structure"]["controls_by_type"]["Switch"] == 3  # one is a lighting circuit
    assert result["token"]["hash_alg"] == "SHA1"
    dump = json.dumps(result)
    token = entry.data[CONF_TOKEN]["token"]
    secrets = [token, "vis-secret-9", "504F94A0B1C2", "50:4f:94:a0:b1:c2", "127.0.0.1", "admin"]
    for secret in secrets:
        assert secret not in dump, secret
    # Nor in anything logged while connecting, refreshing and diagnosing (debug level on).
    for secret in (token, "vis-secret-9"):
        assert secret not in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)
