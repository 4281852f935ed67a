"""The client copes with a Miniserver behaving as the seed says or as newer firmware does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from custom_components.hubrelay.protocols.loxone import Token
from custom_components.hubrelay.protocols.loxone.messages import parse_version
from tests.simulators.miniserver import MiniserverSimulator, Quirks, UserSpec

from .conftest import ClientFactory, wait_until


@dataclass(frozen=True)
class Variant:
    quirks: Quirks = field(default_factory=Quirks)
    firmware: str = "14.5.12.7"
    hash_alg: str = "SHA1"
    estimated: bool = False


VARIANTS = {
    "seed-text-structure": Variant(Quirks(structure_as_binary_file=False)),
    "Code-everywhere": Variant(Quirks(status_field="Code")),
    "code-everywhere": Variant(Quirks(status_field="code")),
    "plain-keyexchange-answer": Variant(Quirks(keyexchange_encrypted_answer=False)),
    "strict-token-hash-sha256-user": Variant(Quirks(lenient_token_hash=False), hash_alg="SHA256"),
    "strict-token-hash-sha1-user": Variant(Quirks(lenient_token_hash=False)),
    "getkey2-without-hashAlg": Variant(Quirks(getkey2_without_hash_alg=True), firmware="10.2.3.26"),
    "legacy-firmware-gettoken": Variant(firmware="10.1.12.5"),
    "tables-before-answer": Variant(Quirks(tables_before_answer=True)),
    "estimated-msb": Variant(estimated=True),
    "estimated-lsb": Variant(Quirks(estimated_flag=0x01), estimated=True),
    "lax-salt": Variant(Quirks(strict_salt=False, require_encrypted_token_requests=False)),
}


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
async def ms(request: pytest.FixtureRequest) -> AsyncIterator[MiniserverSimulator]:
    variant: Variant = VARIANTS[request.param]
    simulator = MiniserverSimulator(
        users={"admin": UserSpec("admin-pass", variant.hash_alg)},
        firmware=variant.firmware,
        quirks=variant.quirks,
    )
    simulator.estimated_headers = variant.estimated
    async with simulator:
        yield simulator


async def test_full_session_in_every_variant(
    ms: MiniserverSimulator, make_client: ClientFactory
) -> None:
    tokens: list[Token] = []
    client = await make_client(password="admin-pass", on_token_refreshed=tokens.append)
    assert client.structure is not None
    assert client.structure.ms_info.serial == ms.serial
    await wait_until(lambda: len(client.states) >= len(ms.values) + len(ms.texts))
    switch: dict[str, Any] = next(
        c for c in ms.structure["controls"].values() if c["type"] == "Switch"
    )
    assert (await client.send_command(switch["uuidAction"], "on")).ok
    got: list[object] = []
    client.subscribe(switch["states"]["active"], lambda uuid, value: got.append(value))
    ms.set_value(switch["states"]["active"], 0.0)
    await wait_until(lambda: got == [0.0])
    # the token: acquired with the right verb, then usable on a fresh connection and refreshable
    (issued,) = ms.tokens.issued
    assert issued.jwt == (parse_version(ms.firmware) >= (10, 2))
    assert tokens[0].hash_alg.value == ms.users["admin"].hash_alg
    again = await make_client(password=None, token=client.token)
    assert again.connected
    renewed = await again.refresh_token()
    assert renewed.token == ms.tokens.issued[-1].token
    assert (await again.check_token()).valid_until == ms.tokens.issued[-1].valid_until
