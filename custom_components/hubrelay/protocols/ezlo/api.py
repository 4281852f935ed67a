"""Typed wrappers of the hub's JSON-RPC methods over one logged-in channel.

Lists are parsed record by record: one malformed device or item is logged and skipped instead of
hiding the whole hub. Values are typed and range-checked (``values.encode_item_value``) before
``hub.item.value.set`` is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import logging
from typing import Any

from .errors import EzloProtocolError
from .models import Device, HouseModes, HubInfo, Item, Room, Scene
from .rpc import RpcChannel
from .values import encode_item_value

_LOGGER = logging.getLogger(__name__)


def parse_records[T](result: object, key: str, parser: Callable[[object], T]) -> list[T]:
    """Parse ``result[key]`` (or ``result`` itself when it is a list), skipping malformed records.

    An empty object (what ezloPi answers for an empty room list) is an empty list.
    """
    if isinstance(result, dict):
        if not result:
            return []
        result = result.get(key)
    if not isinstance(result, list):
        raise EzloProtocolError(f"expected a list of {key}")
    records: list[T] = []
    for record in result:
        try:
            records.append(parser(record))
        except EzloProtocolError as err:
            _LOGGER.warning("skipping one of %s: %s", key, err)
    return records


class EzloHubApi:
    """The hub methods the integration uses, with typed arguments and results."""

    def __init__(self, channel: RpcChannel) -> None:
        """Bind to an open, logged-in channel."""
        self.channel = channel

    async def hub_info(self) -> HubInfo:
        """``hub.info.get``."""
        return HubInfo.from_json(await self.channel.call("hub.info.get"))

    async def devices(self) -> list[Device]:
        """``hub.devices.list``."""
        return parse_records(
            await self.channel.call("hub.devices.list"), "devices", Device.from_json
        )

    async def items(self, device_ids: Sequence[str] | None = None) -> list[Item]:
        """``hub.items.list``, optionally only for some devices."""
        params: dict[str, Any] = {} if device_ids is None else {"deviceIds": list(device_ids)}
        result = await self.channel.call("hub.items.list", params)
        return parse_records(result, "items", Item.from_json)

    async def set_item_value(self, item: Item, value: object) -> None:
        """``hub.item.value.set`` with ``value`` typed and checked for this item."""
        encoded = encode_item_value(item, value)
        await self.channel.call("hub.item.value.set", {"_id": item.id, "value": encoded})

    async def scenes(self) -> list[Scene]:
        """``hub.scenes.list``."""
        return parse_records(await self.channel.call("hub.scenes.list"), "scenes", Scene.from_json)

    async def run_scene(self, scene_id: str) -> None:
        """``hub.scenes.run``."""
        await self.channel.call("hub.scenes.run", {"sceneId": scene_id})

    async def rooms(self) -> list[Room]:
        """``hub.room.list`` (the hub answers a bare list)."""
        return parse_records(await self.channel.call("hub.room.list"), "rooms", Room.from_json)

    async def house_modes(self) -> HouseModes:
        """``hub.modes.get``."""
        return HouseModes.from_json(await self.channel.call("hub.modes.get"))

    async def switch_mode(self, mode_id: str) -> None:
        """``hub.modes.switch``."""
        await self.channel.call("hub.modes.switch", {"modeId": mode_id})

    async def set_device_armed(self, device_id: str, armed: bool) -> None:
        """``hub.device.armed.set``."""
        await self.channel.call("hub.device.armed.set", {"_id": device_id, "armed": armed})
