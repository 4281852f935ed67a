"""The weak-password repair issue: raised while the Miniserver flags the user's password."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir

from custom_components.hubrelay.const import CONF_TOKEN, DOMAIN
from custom_components.hubrelay.loxone.coordinator import LoxoneCoordinator
from custom_components.hubrelay.loxone.repairs import weak_password_issue_id
from custom_components.hubrelay.protocols.loxone import Token
from tests.components.loxone.conftest import add_miniserver, form_input
from tests.simulators.miniserver import MiniserverSimulator, UserSpec


async def test_weak_password_raises_an_issue_until_the_entry_is_removed(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    entry = await add_miniserver(hass, miniserver)  # admin / admin: flagged as weak
    issue = ir.async_get(hass).async_get_issue(DOMAIN, weak_password_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "weak_password"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders == {"title": entry.title, "username": "admin"}
    await hass.config_entries.async_remove(entry.entry_id)
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, weak_password_issue_id(entry.entry_id)) is None
    )


async def test_a_token_without_the_flag_clears_the_issue(
    hass: HomeAssistant, miniserver: MiniserverSimulator
) -> None:
    """A stronger password means a new token; the refresh callback clears the warning."""
    entry = await add_miniserver(hass, miniserver)
    coordinator = entry.runtime_data
    assert isinstance(coordinator, LoxoneCoordinator)
    stored = Token.from_dict(entry.data[CONF_TOKEN])
    coordinator._token_refreshed(
        Token(stored.token, stored.valid_until, stored.rights, False, stored.hash_alg)
    )
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, weak_password_issue_id(entry.entry_id)) is None
    )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_strong_password_raises_no_issue(hass: HomeAssistant) -> None:
    async with MiniserverSimulator(users={"admin": UserSpec("c0rrect-h0rse")}) as simulator:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "loxone"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], form_input(simulator, password="c0rrect-h0rse")
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        entry = result["result"]
        # The demo Miniserver's Message Center entry is an issue of its own.
        assert not [
            issue_id
            for _domain, issue_id in ir.async_get(hass).issues
            if not issue_id.startswith("system_message_")
        ]
        await hass.config_entries.async_unload(entry.entry_id)
