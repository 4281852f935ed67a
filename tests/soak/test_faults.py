"""The soak's faults do to the simulators what their names say, and nothing more."""

from __future__ import annotations

import aiohttp

from custom_components.hubrelay.protocols.ezlo import RelayTransport
from custom_components.hubrelay.protocols.ezlo.mms_credentials import MmsCredentials
from custom_components.hubrelay.protocols.mms import MmsClient
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator, client_context
from tests.simulators.ezlo_hub_house import demo_house
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.mms_cloud import MmsCloudSimulator
from tests.soak.systems import SILENCE_BOUNDS, EzloSystem, LoxoneSystem

USERNAME = "soak"
PASSWORD = "soak-password"


async def test_relay_identity_expiry_spares_the_local_entrys_identity() -> None:
    """The relay entry's identity expires; the local entry's, from its own login, does not.

    The local entry stores no password: with its identity gone too, a local key rotation would
    honestly need the user (a re-authentication), which no soak fault is meant to cause.
    """
    async with (
        MmsCloudSimulator() as cloud,
        EzloHubSimulator(demo_house()) as hub,
        NmaRelaySimulator(
            hub, identity_check=lambda i, s: cloud.validate_identity(i, s) is not None
        ) as relay,
        aiohttp.ClientSession() as http,
    ):
        cloud.add_account(USERNAME, PASSWORD)
        serial = hub.house.serial
        record = cloud.add_hub(USERNAME, serial, relay_url=relay.url, kind="ezlo", name="Ezlo")
        hub.local_keys[record.local_user] = record.local_token
        relay_mms = MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs())
        transport = RelayTransport(
            serial,
            MmsCredentials(relay_mms, serial).relay,
            ssl_context=client_context(relay.cert_pem),
        )
        channel, _ = await transport.open(http, connect_timeout=5.0, request_timeout=5.0)
        await channel.close()
        presented = relay_mms.identity
        assert presented is not None
        # The local entry: the identity of its own sign-in, stored without the password.
        signed_in = await MmsClient(http, USERNAME, PASSWORD, **cloud.client_kwargs()).login()
        local_mms = MmsClient(
            http, USERNAME, None, identity=signed_in.to_stored(), **cloud.client_kwargs()
        )

        system = EzloSystem("ezlo relay", hub, cloud, relay)
        fault = next(f for f in system.faults if f.name.endswith("identity expired, relay dropped"))
        await fault.inject()

        assert cloud.validate_identity(presented.token, presented.signature) is None
        # The local entry still fetches a rotated key without its password ...
        keys = await local_mms.hub_local_keys(serial)
        assert keys.token == record.local_token
        # ... and the relay entry renews its identity with the password it keeps.
        channel, _ = await transport.open(http, connect_timeout=5.0, request_timeout=5.0)
        await channel.close()
        assert relay_mms.identity is not None
        assert relay_mms.identity.token != presented.token


def test_the_tls_miniserver_is_a_loxone_system_of_its_own() -> None:
    """Its faults and entities are named apart from the plain one's; Loxone's rate and bound."""
    plain = LoxoneSystem("loxone", MiniserverSimulator())
    tls = LoxoneSystem("loxone tls", MiniserverSimulator(serial="504F94A0B1C3"), suffix="_2")
    assert tls.kind == "loxone"
    assert [f.name.removeprefix("loxone tls: ") for f in tls.faults] == [
        f.name.removeprefix("loxone: ") for f in plain.faults
    ]
    assert {f.bound for f in tls.faults} == {None, SILENCE_BOUNDS["loxone"]}
    assert set(tls.truths) == {entity + "_2" for entity in plain.truths}
