"""The soak's second Ezlo hub (reached locally), second Vera (reached through the MMS relay) and
second Miniserver (reached over TLS).

Each entry's unique id is its hub's serial, so the other connection modes need hubs of their own
beside the demo stack's: the Ezlo hub and the Vera join the same simulated MMS account, and all
three are added through the config flow the way a user picks them. Their entities get Home
Assistant's ``_2`` suffix, since they have the same rooms and devices as the first hub of their
kind. The TLS Miniserver's certificate names its dyndns name, as a Gen 2's does, and comes from a
throw-away authority that Home Assistant trusts (through the demo component), so HubRelay
verifies it for real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass, replace
from typing import Any

from tests.demo.stack import DemoError, HomeAssistantApi, SimulatedHubs, miniserver_form
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.ezlo_hub_house import demo_house as ezlo_demo_house
from tests.simulators.miniserver import MiniserverSimulator, dyndns_name
from tests.simulators.mms_cloud import DEMO_PASSWORD, DEMO_USERNAME
from tests.simulators.tls_authority import TestAuthority
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_luup_house import demo_house as vera_demo_house
from tests.simulators.vera_relay import VeraRelaySimulator

EZLO_LOCAL_SERIAL = "90000124"
VERA_RELAY_SERIAL = "50000789"
MINISERVER_TLS_SERIAL = "504F94A0B1C3"


@dataclass(slots=True)
class ExtraHubs:
    """The local-mode Ezlo hub, the relay-mode Vera with its relay, the TLS Miniserver."""

    ezlo_local: EzloHubSimulator
    vera_remote: VeraLuupSimulator
    vera_relay: VeraRelaySimulator
    miniserver_tls: MiniserverSimulator
    #: The root that issued the TLS Miniserver's certificate (Home Assistant must trust it).
    loxone_ca_pem: bytes


@contextlib.asynccontextmanager
async def extra_hubs(hubs: SimulatedHubs) -> AsyncIterator[ExtraHubs]:
    """Start them and put the Ezlo hub and the Vera on the demo's MMS account."""
    cloud = hubs.cloud
    authority = TestAuthority("Soak Loxone Root")
    tls = authority.server_context(dyndns_name("127.0.0.1", MINISERVER_TLS_SERIAL))
    async with (
        EzloHubSimulator(ezlo_demo_house(EZLO_LOCAL_SERIAL)) as ezlo,
        VeraLuupSimulator(replace(vera_demo_house(), serial=VERA_RELAY_SERIAL)) as vera,
        VeraRelaySimulator(vera, identity_check=cloud.validate_identity) as relay,
        MiniserverSimulator(serial=MINISERVER_TLS_SERIAL, tls=tls) as miniserver_tls,
    ):
        # Its own name, so that Home Assistant's log tells the two Miniservers apart.
        miniserver_tls.structure["msInfo"]["msName"] = "Demo House TLS"
        record = cloud.add_hub(
            DEMO_USERNAME,
            EZLO_LOCAL_SERIAL,
            relay_url=hubs.ezlo_relay.url,
            kind="ezlo",
            name="Ezlo local",
            local_ip="127.0.0.1",
        )
        ezlo.local_keys[record.local_user] = record.local_token
        cloud.add_hub(
            DEMO_USERNAME, VERA_RELAY_SERIAL, relay_url=relay.host, kind="vera", name="Vera relay"
        )
        yield ExtraHubs(ezlo, vera, relay, miniserver_tls, authority.ca_pem)


def pointed_at_local(hubs: SimulatedHubs, extra: ExtraHubs) -> SimulatedHubs:
    """The stack as Home Assistant must see it: its local Ezlo port is the local-mode hub's."""
    return replace(hubs, ezlo_hub=extra.ezlo_local)


async def add_ezlo_local(api: HomeAssistantApi, serial: str) -> dict[str, Any]:
    """HubRelay -> Ezlo -> the cloud account -> hub `serial` -> local network."""
    flow_id = (await api.start_flow())["flow_id"]
    await api.flow_step(flow_id, {"next_step_id": "ezlo"})
    await api.flow_step(flow_id, {"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    step = await api.flow_step(flow_id, {"hub": serial, "connection": "local"})
    if step.get("step_id") != "ezlo_local":
        raise DemoError(f"unexpected Ezlo step: {step}")
    return _created(await api.flow_step(flow_id, {"host": "127.0.0.1"}), "Ezlo local")


async def add_vera_relay(api: HomeAssistantApi, serial: str) -> dict[str, Any]:
    """HubRelay -> Vera -> MMS account -> unit `serial` (reached through its relay)."""
    flow_id = (await api.start_flow())["flow_id"]
    await api.flow_step(flow_id, {"next_step_id": "vera"})
    await api.flow_step(flow_id, {"next_step_id": "vera_account"})
    step = await api.flow_step(flow_id, {"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    if step.get("step_id") != "vera_unit":
        raise DemoError(f"the Vera account sign-in failed: {step}")
    return _created(await api.flow_step(flow_id, {"unit": serial}), "Vera relay")


async def add_miniserver_tls(
    api: HomeAssistantApi, miniserver: MiniserverSimulator
) -> dict[str, Any]:
    """HubRelay -> Loxone Miniserver -> its IP and TLS port, the certificate verified."""
    flow_id = (await api.start_flow())["flow_id"]
    await api.flow_step(flow_id, {"next_step_id": "loxone"})
    form = {**miniserver_form(miniserver), "use_tls": True, "verify_tls": True}
    return _created(await api.flow_step(flow_id, form), "Loxone TLS")


def _created(result: dict[str, Any], what: str) -> dict[str, Any]:
    if result.get("type") != "create_entry":
        raise DemoError(f"the {what} flow did not create an entry: {result}")
    return result
