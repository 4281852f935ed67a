"""The MMS account steps Ezlo and Vera share: sign in to the cloud, list its units, pick one.

Ezlo hubs and Vera units live in the same MMS cloud account. Each system lists its own kind with
the same account form, offers them in the same picker and asks for the password again with the
same reauth form; only how a unit is then reached differs, and that stays in the system's flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio

from ..protocols.mms import DeviceInfo, MmsClient
from .forms import PASSWORD_SELECTOR, ErrorKeys, error_key, missing_text
from .mms import mms_client

ACCOUNT_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_USERNAME): str,
        probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR,
    }
)
REAUTH_SCHEMA = probatio.Schema({probatio.Required(CONF_PASSWORD): PASSWORD_SELECTOR})

#: The account fields a user can leave empty, and the error each then shows.
ACCOUNT_REQUIRED = {CONF_USERNAME: "username_required", CONF_PASSWORD: "password_required"}
PASSWORD_REQUIRED = {CONF_PASSWORD: "password_required"}


@dataclass(frozen=True, slots=True)
class AccountUnit:
    """One hub or controller of the account, as the cloud describes it."""

    name: str
    info: DeviceInfo


@dataclass(frozen=True, slots=True)
class UnitKind:
    """Which units of the account a system wants, and how its forms name failures."""

    ezlo: bool
    #: Name of a unit the account left unnamed, `{serial}` filled in.
    default_name: str
    #: Form error when the account has none of them.
    none_found: str
    errors: ErrorKeys
    #: What a failure happened while doing, for the log ("connecting to the Vera").
    doing: str


async def account_units(client: MmsClient, kind: UnitKind) -> dict[str, AccountUnit]:
    """Return the account's units of one kind: serial → name and cloud description."""
    units: dict[str, AccountUnit] = {}
    for device in await client.account_devices():
        info = await client.device_info(device)
        if info.is_ezlo == kind.ezlo:
            name = device.name or kind.default_name.format(serial=device.serial)
            units[device.serial] = AccountUnit(name, info)
    return units


class MmsAccountFlow(ConfigFlow):
    """The account, picker and password steps; the Ezlo and Vera flows build on them."""

    _mms_client: MmsClient
    _mms_password: str
    _mms_units: dict[str, AccountUnit]

    async def _async_step_account(
        self,
        step_id: str,
        user_input: Mapping[str, Any] | None,
        kind: UnitKind,
        next_step: Callable[[], Awaitable[ConfigFlowResult]],
    ) -> ConfigFlowResult:
        """Sign in to the account and list its units; go on to `next_step` when there are some."""
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := missing_text(user_input, ACCOUNT_REQUIRED)):
            username = user_input[CONF_USERNAME].strip()
            client = mms_client(self.hass, username, user_input[CONF_PASSWORD])
            try:
                units = await account_units(client, kind)
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = error_key(err, kind.errors, kind.doing)
            else:
                if units:
                    self._mms_client = client
                    self._mms_password = user_input[CONF_PASSWORD]
                    self._mms_units = units
                    return await next_step()
                errors["base"] = kind.none_found
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                ACCOUNT_SCHEMA, {CONF_USERNAME: (user_input or {}).get(CONF_USERNAME)}
            ),
            errors=errors,
        )

    async def _async_pick_unit(self, serial: str) -> None:
        """Make the picked unit the entry's unique id; abort when it is already set up."""
        await self.async_set_unique_id(serial)
        self._abort_if_unique_id_configured()

    def _async_reconfigured(self, data: Mapping[str, Any], wrong_unit: str) -> ConfigFlowResult:
        """Store how the unit (already the flow's unique id) is reached now, unless it changed."""
        self._abort_if_unique_id_mismatch(reason=wrong_unit)
        return self.async_update_reload_and_abort(self._get_reconfigure_entry(), data=data)

    def _show_unit_form(
        self,
        step_id: str,
        field: str,
        suggested: Mapping[str, Any],
        errors: dict[str, str],
        extra: Mapping[Any, Any] | None = None,
    ) -> ConfigFlowResult:
        """Offer the account's units as "name (serial)", with the system's `extra` fields."""
        options = [
            SelectOptionDict(value=serial, label=f"{unit.name} ({serial})")
            for serial, unit in self._mms_units.items()
        ]
        schema = probatio.Schema(
            {
                probatio.Required(field): SelectSelector(
                    SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
                ),
                **(extra or {}),
            }
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    async def _async_step_password(
        self,
        step_id: str,
        user_input: Mapping[str, Any] | None,
        kind: UnitKind,
        verify: Callable[[str], Awaitable[dict[str, Any]]],
    ) -> ConfigFlowResult:
        """Ask for the account password again; `verify` returns the entry's new data."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := missing_text(user_input, PASSWORD_REQUIRED)):
            try:
                data = await verify(user_input[CONF_PASSWORD])
            except Exception as err:  # noqa: BLE001 - every failure becomes a form error
                errors["base"] = error_key(err, kind.errors, kind.doing)
            else:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id=step_id,
            data_schema=REAUTH_SCHEMA,
            description_placeholders={"name": entry.title, "username": entry.data[CONF_USERNAME]},
            errors=errors,
        )
