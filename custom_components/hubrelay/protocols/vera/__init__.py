"""Legacy Vera (UI6/UI7 luup) library: ``data_request`` locally or through the MMS relay.

``VeraSession`` is what the Home Assistant layer uses; the client, parsers and models below it
are public so tests and tools can use them alone.
"""

from __future__ import annotations

from .client import VeraClient
from .errors import (
    VeraActionError,
    VeraAuthError,
    VeraConnectionError,
    VeraError,
    VeraHubOfflineError,
    VeraInvalidUrlError,
    VeraProtocolError,
    VeraResponseTooLargeError,
    VeraTimeoutError,
)
from .models import (
    ControllerInfo,
    RgbColor,
    Room,
    Scene,
    VeraDevice,
    VeraDimmer,
    VeraLock,
    VeraMeasurement,
    VeraSceneController,
    VeraSecuritySensor,
    VeraSwitch,
    VeraThermostat,
    VeraWindowCovering,
)
from .relay import RelayTransport
from .responses import ActionResult, DeviceDetails, SData, StatusData, UserData
from .services import Category, FanMode, HvacMode, SecuritySensorType, SetpointTarget
from .session import VeraSession, VeraTimings
from .transport import LocalTransport, Transport
from .urls import local_data_request_urls, relay_data_request_url

__all__ = [
    "ActionResult",
    "Category",
    "ControllerInfo",
    "DeviceDetails",
    "FanMode",
    "HvacMode",
    "LocalTransport",
    "RelayTransport",
    "RgbColor",
    "Room",
    "SData",
    "Scene",
    "SecuritySensorType",
    "SetpointTarget",
    "StatusData",
    "Transport",
    "UserData",
    "VeraActionError",
    "VeraAuthError",
    "VeraClient",
    "VeraConnectionError",
    "VeraDevice",
    "VeraDimmer",
    "VeraError",
    "VeraHubOfflineError",
    "VeraInvalidUrlError",
    "VeraLock",
    "VeraMeasurement",
    "VeraProtocolError",
    "VeraResponseTooLargeError",
    "VeraSceneController",
    "VeraSecuritySensor",
    "VeraSession",
    "VeraSwitch",
    "VeraThermostat",
    "VeraTimeoutError",
    "VeraTimings",
    "VeraWindowCovering",
    "local_data_request_urls",
    "relay_data_request_url",
]
