"""The soak's cloud outages: what they switch, what they count, which faults go on meanwhile."""

from __future__ import annotations

import aiohttp

from tests.demo.stack import simulated_hubs
from tests.soak.extra_hubs import extra_hubs
from tests.soak.run import CLOUD_DOMAIN, _during_outage, _relayed
from tests.soak.systems import Fault, System, all_systems, cloud_outages


async def test_outages_switch_the_cloud_and_count_what_failed() -> None:
    async with simulated_hubs(generator_interval=None, cloud_domain=CLOUD_DOMAIN) as hubs:
        assert hubs.dns is not None
        unresolved, answering_503 = cloud_outages(hubs)
        auth = hubs.cloud.url("auth")
        assert ".mios.test:" in auth

        asked = answering_503.refused()
        answering_503.begin()
        hubs.cloud.errors.clear()  # a short fault ending leaves the outage on
        async with aiohttp.ClientSession() as http:
            # Reached by address (the test's own resolver does not know the names).
            url = f"http://127.0.0.1:{auth.rsplit(':', 1)[1]}/info/session/token"
            async with http.get(url) as response:
                assert response.status == 503
        answering_503.end()
        assert hubs.cloud.outage is None
        assert answering_503.refused() - asked == 1

        unresolved.begin()
        assert hubs.dns.failure == "servfail"
        unresolved.end()
        assert hubs.dns.failure is None


def _fault(name: str, *, needs_cloud: bool = False) -> Fault:
    async def nothing() -> None:
        return None

    return Fault(name, nothing, needs_cloud=needs_cloud)


async def test_relay_faults_first_and_cloud_faults_wait() -> None:
    async with (
        simulated_hubs(generator_interval=None, cloud_domain=CLOUD_DOMAIN) as hubs,
        extra_hubs(hubs) as extra,
    ):
        systems = {system.name: system for system in all_systems(hubs, extra)}
    local: System = systems["ezlo local"]
    relay: System = systems["vera relay"]
    deck = [
        (relay, _fault("relay one")),
        (local, _fault("local one")),
        (local, _fault("rotated", needs_cloud=True)),
        (relay, Fault("relay black hole", _fault("-").inject, bound=15.0)),
    ]
    assert _during_outage(deck) == 0
    deck = deck[:3]
    assert _during_outage(deck[1:]) == 0
    assert _during_outage(deck[2:]) is None
    assert _relayed(deck) == [0]
    assert _relayed(deck[1:]) == []  # the soak then deals a new round
    # Only faults a login or new keys end wait: those the soak marks.
    waiting = sorted(
        fault.name for system in systems.values() for fault in system.faults if fault.needs_cloud
    )
    assert waiting == [
        "ezlo local: local key rotated",
        "ezlo local: local key rotated while the cloud answers 503",
        "ezlo relay: cloud identity expired, relay dropped",
    ]
