"""Loxone Miniserver client: WebSocket session, command encryption, tokens, event tables.

Pure asyncio on an injected `aiohttp.ClientSession`; no Home Assistant imports.
"""

from .client import ConnectionState, MiniserverClient
from .cloud_dns import CloudAddress, resolve_cloud_dns
from .endpoint import Endpoint, dyndns_hostname
from .errors import (
    LoxoneAuthenticationError,
    LoxoneBlockedError,
    LoxoneCloudDNSError,
    LoxoneCommandError,
    LoxoneConnectionError,
    LoxoneError,
    LoxoneIdentityError,
    LoxoneInvalidCommandError,
    LoxoneNoEventSlotsError,
    LoxoneOutOfServiceError,
    LoxoneProtocolError,
    LoxoneResponseTooLargeError,
    LoxoneTimeoutError,
    LoxoneVisuPasswordError,
)
from .events import DaytimerEntry, DaytimerState, StateValue, TextState, WeatherEntry, WeatherState
from .gen2_tls import tls_endpoint_by_ip
from .messages import ApiInfo, LLResponse
from .onboarding import MiniserverIdentity, sign_in
from .structure import Category, Control, LoxoneStructure, MsInfo, Room, WeatherServer
from .timings import Timings
from .tokens import Token, TokenPermission, new_client_uuid
from .uuids import uuid_to_bytes, uuid_to_str

__all__ = [
    "ApiInfo",
    "Category",
    "CloudAddress",
    "ConnectionState",
    "Control",
    "DaytimerEntry",
    "DaytimerState",
    "Endpoint",
    "LLResponse",
    "LoxoneAuthenticationError",
    "LoxoneBlockedError",
    "LoxoneCloudDNSError",
    "LoxoneCommandError",
    "LoxoneConnectionError",
    "LoxoneError",
    "LoxoneIdentityError",
    "LoxoneInvalidCommandError",
    "LoxoneNoEventSlotsError",
    "LoxoneOutOfServiceError",
    "LoxoneProtocolError",
    "LoxoneResponseTooLargeError",
    "LoxoneStructure",
    "LoxoneTimeoutError",
    "LoxoneVisuPasswordError",
    "MiniserverClient",
    "MiniserverIdentity",
    "MsInfo",
    "Room",
    "StateValue",
    "TextState",
    "Timings",
    "Token",
    "TokenPermission",
    "WeatherEntry",
    "WeatherServer",
    "WeatherState",
    "dyndns_hostname",
    "new_client_uuid",
    "resolve_cloud_dns",
    "sign_in",
    "tls_endpoint_by_ip",
    "uuid_to_bytes",
    "uuid_to_str",
]
