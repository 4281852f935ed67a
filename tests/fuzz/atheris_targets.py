"""Coverage-guided fuzzing (atheris, i.e. libFuzzer) of the parsers the Hypothesis suite covers.

``scripts/fuzz atheris TARGET [-runs=N | -max_total_time=S]`` runs one target. Each target feeds
the raw input to a parser family with the same oracle as the Hypothesis tests: the library's own
documented errors are expected, anything else escaping is a crash that libFuzzer saves as a
reproducer. Every crash found becomes an explicit regression example in the matching
``test_fuzz_*.py`` module.
"""

from __future__ import annotations

import asyncio
import atexit
from collections.abc import Callable
import contextlib
import functools
import json
from pathlib import Path
import sys
from typing import Any

import atheris

with atheris.instrument_imports(include=["custom_components.hubrelay.protocols"]):
    import aiohttp

    from custom_components.hubrelay.protocols.ezlo import (
        Device,
        EzloError,
        EzloHubSession,
        EzloProtocolError,
        HouseModes,
        HubInfo,
        Item,
        LocalHubTransport,
        Room,
        Scene,
        parse_broadcast,
    )
    from custom_components.hubrelay.protocols.ezlo.api import parse_records
    from custom_components.hubrelay.protocols.ezlo.rpc import rpc_error
    from custom_components.hubrelay.protocols.loxone.crypto import HashAlg
    from custom_components.hubrelay.protocols.loxone.errors import LoxoneError
    from custom_components.hubrelay.protocols.loxone.events import (
        decode_daytimer_table,
        decode_text_table,
        decode_value_table,
        decode_weather_table,
    )
    from custom_components.hubrelay.protocols.loxone.frames import (
        FrameAssembler,
        Message,
        parse_header,
    )
    from custom_components.hubrelay.protocols.loxone.messages import ApiInfo, parse_ll
    from custom_components.hubrelay.protocols.loxone.structure import LoxoneStructure
    from custom_components.hubrelay.protocols.loxone.tokens import Token, UserKey
    from custom_components.hubrelay.protocols.mms.cloud import CloudToken, select_local_keys
    from custom_components.hubrelay.protocols.mms.errors import MmsError
    from custom_components.hubrelay.protocols.mms.identity import Identity, decode_identity
    from custom_components.hubrelay.protocols.mms.models import (
        DeviceInfo,
        parse_account_devices,
    )
    from custom_components.hubrelay.protocols.vera.errors import VeraError
    from custom_components.hubrelay.protocols.vera.models import EMPTY_VARIABLES, parse_device
    from custom_components.hubrelay.protocols.vera.responses import (
        parse_action,
        parse_sdata,
        parse_status,
        parse_user_data,
    )
    from custom_components.hubrelay.protocols.vera.state import HubState

from tests.simulators import miniserver_codec as codec
from tests.simulators.ezlo_hub_house import demo_house as ezlo_demo_house
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.mms_cloud import MmsCloudSimulator
from tests.simulators.mms_cloud_records import TicketSigner
from tests.simulators.vera_luup import VeraLuupSimulator

TABLES = (decode_value_table, decode_text_table, decode_daytimer_table, decode_weather_table)
FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "loxone"
STRUCTURE_FILES = ("openhab-LoxAPP3.json", "smarteon-kotlin-sample-app.json")
API_KEY = "{'snr': '50:4F:94:10:B8:4A', 'version':'10.3.11.25', 'hasEventSlots': true}"


def _text(data: bytes) -> str:
    """Decode as a WebSocket or HTTP client would hand the body over."""
    return data.decode("utf-8", errors="replace")


def _document(data: bytes) -> Any:
    """Decode JSON as the libraries do; None stands for "not JSON" (they reject it)."""
    try:
        return json.loads(data)
    except ValueError, RecursionError:
        return None


def loxone_header(data: bytes) -> None:
    """An 8-byte header, then the bytes cut into frames for the header + payload assembler."""
    with contextlib.suppress(LoxoneError):
        parse_header(data[:8])
    provider = atheris.FuzzedDataProvider(data)
    assembler = FrameAssembler()
    while provider.remaining_bytes():
        size = provider.ConsumeIntInRange(0, 40)
        if provider.ConsumeBool():
            frame: bytes | str = provider.ConsumeUnicodeNoSurrogates(size)
        else:
            frame = provider.ConsumeBytes(size)
        for item in assembler.feed(frame):
            assert isinstance(item, Message | LoxoneError)


def loxone_tables(data: bytes) -> None:
    """The first byte picks the table; the rest is its payload. Decoders never raise."""
    if not data:
        return
    decoded = TABLES[data[0] % len(TABLES)](data[1:])
    assert all(len(uuid) == 16 for uuid, _ in decoded.events)


def loxone_structure(data: bytes) -> None:
    """A structure file, and the same text as an `LL` answer, api info, key and token value."""
    with contextlib.suppress(LoxoneError):
        structure = LoxoneStructure.parse(data)
        for control in structure.all_controls():
            assert all(isinstance(uuid, str) for uuid in control.state_uuids())
    text = _text(data)
    with contextlib.suppress(LoxoneError):
        parse_ll(text)
    with contextlib.suppress(LoxoneError):
        assert all(isinstance(part, int) for part in ApiInfo.from_value(text).firmware)
    value = _document(data)
    with contextlib.suppress(LoxoneError):
        UserKey.from_value(value).credential_hash("password", "user")
    with contextlib.suppress(LoxoneError):
        Token.from_value(value, HashAlg.SHA256).hash("00")


class _EzloHarness:
    """One event loop and HTTP session for all inputs; a fresh session cache per input."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.http = self.loop.run_until_complete(self._open())
        atexit.register(self.close)

    @staticmethod
    async def _open() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    def close(self) -> None:
        self.loop.run_until_complete(self.http.close())
        self.loop.close()

    async def feed(self, messages: list[Any]) -> None:
        session = EzloHubSession(self.http, LocalHubTransport("127.0.0.1", port=9))
        try:
            for message in messages:
                if not isinstance(message, dict) or "msg_subclass" not in message:
                    continue
                try:
                    event = parse_broadcast(message)
                except EzloProtocolError:
                    continue
                session._on_broadcast(event)
            await asyncio.sleep(0)  # let spawned reloads run (they fail: nothing is connected)
            for cache in (session.devices, session.items, session.scenes, session.rooms):
                assert all(record.id == key for key, record in cache.items())
        finally:
            await session.close()


@functools.cache
def _ezlo() -> _EzloHarness:
    return _EzloHarness()


def ezlo_message(data: bytes) -> None:
    """A hub frame: every model parser, the error reader, broadcasts into a session cache."""
    document = _document(data)
    for model in (HubInfo, Device, Item, Room, Scene, HouseModes):
        with contextlib.suppress(EzloError):
            model.from_json(document)
    for key in ("items", "devices"):
        with contextlib.suppress(EzloError):
            parse_records(document, key, Item.from_json)
    rpc_error("fuzz", document)
    messages = document if isinstance(document, list) else [document]
    harness = _ezlo()
    harness.loop.run_until_complete(harness.feed(messages))


def mms_response(data: bytes) -> None:
    """A cloud answer: accounts, devices, login, token exchange, access keys, identity text."""
    document = _document(data)
    parsers: list[Callable[[], object]] = [
        lambda: parse_account_devices(document),
        lambda: DeviceInfo.from_json(document),
        lambda: CloudToken.from_json(document),
        lambda: select_local_keys(document, "90000123"),
        lambda: decode_identity(_text(data)),
    ]
    if isinstance(document, dict):
        parsers.append(lambda: Identity.from_login(document))
    for parse in parsers:
        with contextlib.suppress(MmsError):
            parse()


def vera_response(data: bytes) -> None:
    """A luup answer: each request's parser, then the answer applied to a hub state."""
    text = _text(data)
    with contextlib.suppress(VeraError):
        parse_user_data(text)
    with contextlib.suppress(VeraError):
        parse_action(text, "fuzz")
    state = HubState()
    with contextlib.suppress(VeraError):
        state.replace(parse_sdata(text))
        state.merge(parse_sdata(text))
    with contextlib.suppress(VeraError):
        state.set_variables(parse_status(text).devices)
    for device_id, device in state.devices.items():
        variables = state._variables.get(device_id, EMPTY_VARIABLES)
        assert device == parse_device(state._records[device_id], variables)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def seeds(target: str) -> list[bytes]:
    """Well-formed inputs from the simulators, so libFuzzer starts inside each format."""
    uuid = codec.ZERO_UUID
    if target == "loxone-header":
        return [codec.header(kind, 24, estimated=kind % 2 == 1) for kind in codec.Identifier]
    if target == "loxone-tables":
        entry = codec.DaytimerEntry(0, 360, 1320, 0, 21.5)
        weather = codec.WeatherEntry(1, 2, 3, 4, 5, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0)
        return [
            b"\x00" + codec.value_table([(uuid, 1.5), (uuid, -2.0)]),
            b"\x01" + codec.text_table([(uuid, uuid, "Küche offen")]),
            b"\x02" + codec.daytimer_table([(uuid, 20.0, [entry, entry])]),
            b"\x03" + codec.weather_table([(uuid, 500_000_000, [weather])]),
        ]
    if target == "loxone-structure":
        found = [
            (FIXTURES / name).read_bytes() for name in STRUCTURE_FILES if (FIXTURES / name).exists()
        ]
        return [
            _json(DEMO_HOUSE),
            *found,
            _json({"LL": {"control": "jdev/cfg/apiKey", "Code": "200", "value": API_KEY}}),
            _json({"key": "4142", "salt": "31323334", "hashAlg": "SHA256"}),
            _json({"token": "abc", "validUntil": 500_000_000, "tokenRights": 4}),
        ]
    if target == "ezlo-message":
        house = ezlo_demo_house()
        records = {
            "hub.device.added": next(iter(house.devices.values())),
            "hub.item.updated": next(iter(house.items.values())),
            "hub.scene.changed": next(iter(house.scenes.values())),
            "hub.room.created": house.rooms[0],
            "hub.modes.switched": {"from": "1", "to": "2", "status": "begin"},
            "ezlostatechanged": {"connected": True},
        }
        return [
            _json(house.info),
            _json({"items": list(house.items.values())}),
            _json(house.modes),
            *(
                _json({"id": "ui_broadcast", "msg_subclass": subclass, "result": result})
                for subclass, result in records.items()
            ),
        ]
    if target == "mms-response":
        cloud = MmsCloudSimulator()
        account = cloud.add_account("fuzz", "password")
        cloud.add_hub("fuzz", "90000123", relay_url="wss://relay", kind="ezlo", name="Hub")
        signer = TicketSigner()
        identity, signature = signer.issue_identity(account, lifetime=3600, server_auth="a")
        return [
            _json({"Identity": identity, "IdentitySignature": signature, "Server_Account": "b"}),
            _json({"Devices": [{"PK_Device": "90000123", "Server_Device": "d", "Blocked": 0}]}),
            _json({"PK_Device": "90000123", "Server_Relay": "wss://relay", "LinuxFirmware": 1}),
            _json({"token": signer.issue_jwt({"pk_user": 1}, lifetime=3600)}),
            _json({"status": 1, "data": {"keys": cloud._keys(account)}}),
        ]
    engine = VeraLuupSimulator()
    return [
        _json(engine._full_sdata()),
        _json(engine._user_data()),
        _json(engine._status({})),
        _json({"u:SetTargetResponse": {"JobID": "7"}}),
    ]


def _seed(directory: Path, target: str) -> None:
    """Start an empty corpus with the seeds (libFuzzer then keeps what it finds there)."""
    if directory.is_dir() and not any(directory.iterdir()):
        for number, data in enumerate(seeds(target)):
            (directory / f"seed-{number}").write_bytes(data)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "loxone-header": loxone_header,
    "loxone-tables": loxone_tables,
    "loxone-structure": loxone_structure,
    "ezlo-message": ezlo_message,
    "mms-response": mms_response,
    "vera-response": vera_response,
}


def main(argv: list[str] | None = None) -> None:
    """Run ``TARGET`` under libFuzzer; the remaining arguments are libFuzzer's own."""
    args = list(sys.argv if argv is None else argv)
    if len(args) < 2 or args[1] not in TARGETS:
        sys.exit(f"usage: {args[0]} TARGET [libFuzzer options]; TARGET is one of {list(TARGETS)}")
    for corpus in (arg for arg in args[2:] if not arg.startswith("-")):
        _seed(Path(corpus), args[1])
    atheris.Setup([args[0], *args[2:]], TARGETS[args[1]])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
