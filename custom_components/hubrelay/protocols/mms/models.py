"""Typed views of the MMS account and device answers.

``/account/account/account/{PK_Account}/devices`` lists the units on the account with the device
servers that know them; ``/device/device/device/{PK_Device}`` on such a server tells where the
unit is reachable: ``Server_Relay`` (a host for Vera UI6/UI7 units, a ``wss://`` NMA URL for Ezlo
hubs) and its LAN / WAN addresses. ``PK_Device`` is the unit's serial number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import MmsProtocolError
from .fields import optional_int, optional_str, required_int, required_str


@dataclass(frozen=True, slots=True)
class AccountDevice:
    """One unit (Vera controller or Ezlo hub) on the account, with its device servers."""

    pk_device: int
    server_device: str
    server_device_alt: str | None
    pk_device_type: int | None
    pk_device_subtype: int | None
    mac_address: str | None
    name: str | None
    pk_installation: int | None
    device_assigned: str | None
    blocked: bool

    @property
    def serial(self) -> str:
        """Return the serial number (MMS uses it as the device key)."""
        return str(self.pk_device)

    @property
    def device_servers(self) -> tuple[str, ...]:
        """Return the device server, then its alternate when there is a distinct one."""
        if self.server_device_alt and self.server_device_alt != self.server_device:
            return (self.server_device, self.server_device_alt)
        return (self.server_device,)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountDevice:
        """Parse one entry of the ``Devices`` list."""
        return cls(
            pk_device=required_int(data, "PK_Device"),
            server_device=required_str(data, "Server_Device"),
            server_device_alt=optional_str(data, "Server_Device_Alt"),
            pk_device_type=optional_int(data, "PK_DeviceType"),
            pk_device_subtype=optional_int(data, "PK_DeviceSubType"),
            mac_address=optional_str(data, "MacAddress"),
            name=optional_str(data, "Name"),
            pk_installation=optional_int(data, "PK_Installation"),
            device_assigned=optional_str(data, "DeviceAssigned"),
            blocked=bool(optional_int(data, "Blocked")),
        )


def parse_account_devices(answer: Any) -> list[AccountDevice]:
    """Parse the ``{"Devices": [...]}`` answer of the account server."""
    devices = answer.get("Devices") if isinstance(answer, dict) else None
    if not isinstance(devices, list) or not all(isinstance(item, dict) for item in devices):
        raise MmsProtocolError("the account server's answer has no Devices list")
    return [AccountDevice.from_json(item) for item in devices]


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """Where and how a unit is reachable, from its device server."""

    pk_device: int
    server_relay: str
    internal_ip: str | None
    external_ip: str | None
    mac_address: str | None
    firmware_version: str | None
    linux_firmware: bool
    nma_controller_status: int | None
    nma_uuid: str | None
    ui: int | None
    engine_status: int | None
    fk_branding: int | None

    @property
    def serial(self) -> str:
        """Return the serial number."""
        return str(self.pk_device)

    @property
    def is_ezlo(self) -> bool:
        """Tell an Ezlo (Linux firmware, NMA WebSocket relay) hub from a Vera UI6/UI7 unit."""
        return self.linux_firmware or self.server_relay.startswith(("wss://", "ws://"))

    @classmethod
    def from_json(cls, data: Any) -> DeviceInfo:
        """Parse the answer of ``/device/device/device/{PK_Device}``."""
        if not isinstance(data, dict):
            raise MmsProtocolError("the device server's answer is not a JSON object")
        return cls(
            pk_device=required_int(data, "PK_Device"),
            server_relay=required_str(data, "Server_Relay"),
            internal_ip=optional_str(data, "InternalIP"),
            external_ip=optional_str(data, "ExternalIP"),
            mac_address=optional_str(data, "MacAddress"),
            firmware_version=optional_str(data, "FirmwareVersion"),
            linux_firmware=bool(optional_int(data, "LinuxFirmware")),
            nma_controller_status=optional_int(data, "NMAControllerStatus"),
            nma_uuid=optional_str(data, "NMAUuid"),
            ui=optional_int(data, "UI"),
            engine_status=optional_int(data, "EngineStatus"),
            fk_branding=optional_int(data, "FK_Branding"),
        )
