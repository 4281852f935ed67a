"""What the Ezlo local mode needs from the cloud: the hub's local access keys.

Two calls, both documented in the research notes from the public clients:

1. ``GET {cloud}/mca-router/token/exchange/legacy-to-cloud/`` with the MMS identity headers trades
   the MMS identity for an Ezlo cloud JWT (``{"token": ...}``; its payload carries ``expires_ts``).
2. ``POST {api-cloud}/v1/request`` with ``Authorization: Bearer <JWT>`` and the
   ``access_keys_sync`` call answers every key of the account. The hub is the ``controller`` key
   whose entity id is its serial; the local login (``hub.offline.login.ui``) uses the ``user`` key
   that targets that controller: its entity uuid is the user, its string data the token.

The keys are long-lived: the Home Assistant layer persists `HubLocalKeys` and only needs the cloud
(hence the MMS password or a still valid identity) again when the hub rejects them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
import json
import math
import time
from typing import Any

from .errors import MmsCloudError, MmsDeviceNotFoundError, MmsProtocolError
from .fields import header_token, optional_int, optional_str

LEGACY_TO_CLOUD_PATH = "/mca-router/token/exchange/legacy-to-cloud/"
API_REQUEST_PATH = "/v1/request"
ACCESS_KEYS_CALL = "access_keys_sync"
ACCESS_KEYS_VERSION = 53


@dataclass(frozen=True, slots=True)
class CloudToken:
    """An Ezlo cloud JWT and the time (epoch seconds) it stops being valid, when it says so."""

    token: str = field(repr=False)
    expires_ts: float | None

    @classmethod
    def from_json(cls, answer: Any) -> CloudToken:
        """Parse the ``legacy-to-cloud`` answer and read the expiry from the JWT payload."""
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise MmsProtocolError("the token exchange answer has no token")
        return cls(token=header_token(token, "cloud token"), expires_ts=_jwt_expiry(token))

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """Tell whether the token should be exchanged again (unknown expiry: never)."""
        if self.expires_ts is None:
            return False
        current = time.time() if now is None else now
        return self.expires_ts - current <= seconds


def _jwt_expiry(token: str) -> float | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError, RecursionError:  # binascii.Error is a ValueError
        return None
    value = claims.get("expires_ts") if isinstance(claims, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        expiry = float(value)
    except OverflowError:  # an integer beyond any float: no usable expiry
        return None
    return expiry if math.isfinite(expiry) else None


@dataclass(frozen=True, slots=True)
class HubLocalKeys:
    """The credentials of ``hub.offline.login.ui`` for one hub (persist these, not the password)."""

    serial: str
    controller_uuid: str
    user: str
    token: str = field(repr=False)

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-ready mapping (for a config entry's data)."""
        return {
            "serial": self.serial,
            "controller_uuid": self.controller_uuid,
            "user": self.user,
            "token": self.token,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HubLocalKeys:
        """Rebuild from `as_dict` output; a malformed mapping raises `MmsProtocolError`."""
        values = {name: optional_str(data, name) for name in ("serial", "controller_uuid", "user")}
        token = data.get("token")
        if not isinstance(token, str) or not token or None in values.values():
            raise MmsProtocolError("stored hub local keys are incomplete")
        return cls(
            serial=str(values["serial"]),
            controller_uuid=str(values["controller_uuid"]),
            user=str(values["user"]),
            token=token,
        )


def access_keys_request(request_uuid: str) -> dict[str, Any]:
    """Return the ``access_keys_sync`` body the Ezlo apps send (``version`` 53, controller keys)."""
    return {
        "call": ACCESS_KEYS_CALL,
        "version": "1",
        "params": {"version": ACCESS_KEYS_VERSION, "entity": "controller", "uuid": request_uuid},
    }


def _keys(answer: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(answer, dict):
        raise MmsProtocolError("the access_keys_sync answer is not a JSON object")
    data = answer.get("data")
    if optional_int(answer, "status") != 1:
        error_text = optional_str(data, "error_text") if isinstance(data, dict) else None
        raise MmsCloudError("the Ezlo cloud refused access_keys_sync", error_text=error_text)
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        raise MmsProtocolError("the access_keys_sync answer has no keys")
    for key in keys.values():
        if isinstance(key, dict) and isinstance(key.get("meta"), dict):
            yield key


def _part(key: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    part = key["meta"].get(name)
    return part if isinstance(part, dict) else {}


def select_local_keys(answer: Any, serial: str, *, hub_uuid: str | None = None) -> HubLocalKeys:
    """Pick the hub's controller key (by serial or ``hub_uuid``) and the user key targeting it."""
    keys = list(_keys(answer))
    controller_uuid = hub_uuid
    if controller_uuid is None:
        controller_uuid = next(
            (
                optional_str(_part(key, "entity"), "uuid")
                for key in keys
                if optional_str(_part(key, "entity"), "type") == "controller"
                and optional_str(_part(key, "entity"), "id") == serial
            ),
            None,
        )
        if controller_uuid is None:
            raise MmsDeviceNotFoundError(f"the Ezlo cloud has no controller key for hub {serial}")
    for key in keys:
        entity = _part(key, "entity")
        data = key.get("data")
        token = optional_str(data, "string") if isinstance(data, dict) else None
        user = optional_str(entity, "uuid")
        if (
            optional_str(entity, "type") == "user"
            and optional_str(_part(key, "target"), "uuid") == controller_uuid
            and user is not None
            and token is not None
        ):
            return HubLocalKeys(
                serial=serial, controller_uuid=controller_uuid, user=user, token=token
            )
    raise MmsDeviceNotFoundError(f"the Ezlo cloud has no user key for hub {serial}")
