"""What the soak does to each simulated hub: value events, commands, faults, and the hub's truth.

Each system names the Home Assistant entities it drives (the demo houses give them stable ids),
changes values on the hub at a steady rate, sends one kind of command whose deliveries the
simulator records in order, injects faults with its simulator's knobs, and says what every
driven entity must show once things settle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import random
import secrets
from typing import Any

from tests.demo.stack import SimulatedHubs
from tests.simulators.ezlo_hub import EzloHubSimulator, NmaRelaySimulator
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.mms_cloud import ROLES, MmsCloudSimulator
from tests.simulators.vera_luup import VeraLuupSimulator
from tests.simulators.vera_relay import VeraRelaySimulator
from tests.soak.extra_hubs import ExtraHubs

#: How long a fault with a `restore` holds its knob (slow peers, hub offline, blocked).
HOLD_SECONDS = 3.0

type Check = Callable[[dict[str, Any]], bool]


#: Seconds a silent peer may hold a session up with the soak's timings (tests/soak/run.py): the
#: keepalive interval plus its timeout (Loxone, Ezlo: 5 + 5 s); for Vera the long poll's hold
#: plus the request timeout (5 + 5 s), plus one more request timeout (5 s) for the idle
#: kept-alive HTTP connection that went silent with it, which the next request may pick from
#: Home Assistant's shared connection pool.
SILENCE_BOUNDS = {"loxone": 10.0, "ezlo": 10.0, "vera": 15.0}


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault: inject it now; `restore` (if any) runs `HOLD_SECONDS` later.

    `bound`: the seconds within which the client should notice it on its own (a black hole);
    the report compares the recovery with it. `needs_cloud`: only the MMS cloud can end it (a new
    login or new keys), so it waits while a cloud outage lasts.
    """

    name: str
    inject: Callable[[], Awaitable[None]]
    restore: Callable[[], Awaitable[None]] | None = None
    bound: float | None = None
    needs_cloud: bool = False


@dataclass(frozen=True, slots=True)
class Outage:
    """A condition of the whole cloud that lasts minutes while the faults go on.

    `refused` counts what the clients have asked of the cloud so far and did not get (`what`).
    """

    name: str
    begin: Callable[[], None]
    end: Callable[[], None]
    refused: Callable[[], int]
    what: str


def black_hole(name: str, kind: str, silence: Callable[[], None]) -> Fault:
    """Open connections go silent (no data, no FIN): only the client's keepalive can tell."""

    async def inject() -> None:
        silence()

    return Fault(f"{name}: silent black hole", inject, bound=SILENCE_BOUNDS[kind])


@dataclass(frozen=True, slots=True)
class Command:
    """One service call and the value the hub must receive for it."""

    domain: str
    service: str
    data: dict[str, Any]
    value: float


@dataclass
class System:
    """The common shape; the subclasses fill it from their simulators."""

    name: str
    marker_entity: str
    command_entity: str
    #: entity_id -> check of its mirrored state against the hub's current value.
    truths: dict[str, Check] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    events: int = 0

    @property
    def kind(self) -> str:
        """The hub system ("loxone", "ezlo", "vera"), whatever the connection mode."""
        return self.name.split()[0]

    def generate(self, rng: random.Random, count: int) -> None:
        """Change `count` values on the hub, as devices reporting would."""
        raise NotImplementedError

    def set_marker(self, value: float) -> None:
        """Change the marker value on the hub (recovery is when Home Assistant shows it)."""
        raise NotImplementedError

    def command(self, index: int) -> Command:
        """The `index`-th command: consecutive commands always carry different values."""
        raise NotImplementedError

    def delivered(self) -> list[float]:
        """Every value the hub received for the command entity, in order."""
        raise NotImplementedError

    def restore_all(self) -> None:
        """Put every held knob back (end of the run)."""
        raise NotImplementedError


def number_state(state: dict[str, Any]) -> float | None:
    """A mirrored state as a number (None when unknown or unavailable)."""
    try:
        return float(state["state"])
    except (KeyError, TypeError, ValueError):
        return None


def equals(truth: Callable[[], float]) -> Check:
    """Check that a numeric entity shows the hub's current value."""

    def check(state: dict[str, Any]) -> bool:
        shown = number_state(state)
        return shown is not None and abs(shown - truth()) < 1e-6

    return check


def brightness_level(state: dict[str, Any]) -> int | None:
    """The 1-100 level a light's brightness attribute stands for."""
    brightness = state.get("attributes", {}).get("brightness")
    return None if brightness is None else round(brightness * 100 / 255)


def brightness_for(level: int) -> int:
    """The brightness (0-255) a user asks for to get `level` percent."""
    return round(level * 255 / 100)


def _loxone_control(name: str) -> dict[str, Any]:
    return next(c for c in DEMO_HOUSE["controls"].values() if c["name"] == name)


class LoxoneSystem(System):
    """A Miniserver demo house, plain or over TLS: analog sensors change, the wake-up volume
    slider is commanded."""

    GENERATED = {
        "sensor.garden_outdoor_temperature": "Outdoor temperature",
        "sensor.bedroom_bedroom_humidity": "Bedroom humidity",
        "sensor.kitchen_oven_power": "Oven power",
    }

    def __init__(self, name: str, ms: MiniserverSimulator, *, suffix: str = "") -> None:
        """Drive `ms` (TLS or not, as it serves); `suffix` ends entity ids."""
        super().__init__(
            name,
            marker_entity=f"sensor.garden_garden_brightness{suffix}",
            command_entity=f"number.bedroom_wake_up_volume{suffix}",
        )
        self.ms = ms
        self._generated = {
            entity + suffix: _loxone_control(control)["states"]["value"]
            for entity, control in self.GENERATED.items()
        }
        self._marker = _loxone_control("Garden brightness")["states"]["value"]
        slider = _loxone_control("Wake-up volume")
        self._slider_action = slider["uuidAction"]
        slider_value = slider["states"]["value"]
        for entity, uuid in [*self._generated.items(), (self.marker_entity, self._marker)]:
            self.truths[entity] = equals(self._value_of(uuid))
        self.truths[self.command_entity] = equals(self._value_of(slider_value))
        self.faults = [
            Fault(f"{name}: connection dropped", ms.drop_connections),
            Fault(f"{name}: dropped in the middle of a table", self._drop_mid_table),
            Fault(f"{name}: restart (1 s down)", self._restart),
            Fault(f"{name}: out of service (2 s)", self._out_of_service),
            Fault(f"{name}: token refused once (401)", self._auth_refused(401)),
            Fault(f"{name}: authentication timeout once (420)", self._auth_refused(420)),
            Fault(f"{name}: blocked (401, then 4003 for 2 s)", self._blocked, self._unblocked),
            Fault(f"{name}: malformed header", self._malformed("bad_header")),
            Fault(f"{name}: short header", self._malformed("short_header")),
            Fault(f"{name}: text that is no JSON", self._malformed("bad_json")),
            Fault(f"{name}: truncated value table", self._truncated),
            Fault(f"{name}: slow answers (1 s)", self._slow, self._fast),
            Fault(f"{name}: closed with 4006 (user disabled)", self._closed(4006)),
            Fault(f"{name}: closed with 4007 (update in progress)", self._closed(4007)),
            Fault(f"{name}: closed with 4008 (event slots full)", self._closed(4008)),
            black_hole(name, self.kind, ms.black_hole),
        ]

    def _value_of(self, uuid: str) -> Callable[[], float]:
        def read() -> float:
            return float(self.ms.values[uuid])

        return read

    def generate(self, rng: random.Random, count: int) -> None:
        """Set random analog values (one decimal, so every format shows them exactly)."""
        uuids = list(self._generated.values())
        for _ in range(count):
            self.ms.set_value(rng.choice(uuids), round(rng.uniform(0.0, 500.0), 1))
        self.events += count

    def set_marker(self, value: float) -> None:
        """Change the garden brightness."""
        self.ms.set_value(self._marker, value)

    def command(self, index: int) -> Command:
        """Set the slider (0-100 in steps of 5) through every value in turn."""
        value = float(5 * (index * 2 % 21))
        return Command(
            "number", "set_value", {"entity_id": self.command_entity, "value": value}, value
        )

    def delivered(self) -> list[float]:
        """The slider commands the Miniserver received."""
        return [float(cmd) for action, cmd in self.ms.commands if action == self._slider_action]

    def restore_all(self) -> None:
        """Answer at full speed again, nobody blocked."""
        self.ms.response_delay = 0.0
        self.ms.block_after_failures = None
        self.ms.unblock()

    async def _drop_mid_table(self) -> None:
        await self.ms.drop_connections(mid_table=True)

    async def _restart(self) -> None:
        await self.ms.restart(downtime=1.0)

    async def _out_of_service(self) -> None:
        self.ms.set_out_of_service(2.0)

    def _auth_refused(self, code: int) -> Callable[[], Awaitable[None]]:
        async def inject() -> None:
            self.ms.fail_next_auth(code)
            await self.ms.drop_connections()

        return inject

    async def _blocked(self) -> None:
        self.ms.block_duration = 2.0
        self.ms.block_after_failures = 1
        self.ms.fail_next_auth(401)
        await self.ms.drop_connections()

    async def _unblocked(self) -> None:
        self.ms.block_after_failures = None
        self.ms.unblock()

    def _malformed(self, kind: Any) -> Callable[[], Awaitable[None]]:
        async def inject() -> None:
            self.ms.send_malformed_frame(kind)

        return inject

    async def _truncated(self) -> None:
        self.ms.send_truncated_table()

    def _closed(self, code: int) -> Callable[[], Awaitable[None]]:
        async def inject() -> None:
            await self.ms.close_connections(code)

        return inject

    async def _slow(self) -> None:
        self.ms.response_delay = 1.0

    async def _fast(self) -> None:
        self.ms.response_delay = 0.0


class EzloSystem(System):
    """An Ezlo demo hub, locally or through the NMA relay: items change, the dimmer is set."""

    GENERATED = {
        "sensor.kitchen_multisensor_temperature": ("Multisensor", "temp"),
        "sensor.kitchen_multisensor_humidity": ("Multisensor", "humidity"),
        "sensor.kitchen_energy_meter_power": ("Energy meter", "electric_meter_watt"),
    }

    def __init__(
        self,
        name: str,
        hub: EzloHubSimulator,
        cloud: MmsCloudSimulator,
        relay: NmaRelaySimulator | None = None,
        *,
        suffix: str = "",
    ) -> None:
        """Drive `hub`, through `relay` when given (else on the LAN); `suffix` ends entity ids."""
        super().__init__(
            name,
            marker_entity=f"sensor.kitchen_multisensor_illuminance{suffix}",
            command_entity=f"light.living_room_ceiling_dimmer{suffix}",
        )
        self.hub = hub
        self.relay = relay
        self.cloud = cloud
        house = hub.house
        self._generated = {
            entity + suffix: house.item_by_name(*names)["_id"]
            for entity, names in self.GENERATED.items()
        }
        self._marker = house.item_by_name("Multisensor", "lux")["_id"]
        self._dimmer = house.item_by_name("Ceiling dimmer", "dimmer")["_id"]
        for entity, item in [*self._generated.items(), (self.marker_entity, self._marker)]:
            self.truths[entity] = equals(self._value_of(item))

        def dimmer_shown(state: dict[str, Any]) -> bool:
            return brightness_level(state) == int(house.items[self._dimmer]["value"])

        self.truths[self.command_entity] = dimmer_shown
        self.faults = [
            Fault(f"{name}: hub sockets dropped", hub.drop_connections),
            Fault(f"{name}: hub reboot (2 s)", self._reboot),
            Fault(f"{name}: slow hub (1 s)", self._slow, self._fast),
            Fault(f"{name}: malformed item broadcast", self._malformed_broadcast),
            black_hole(name, "ezlo", (relay or hub).black_hole),
        ]
        if relay is None:
            self.faults += [
                Fault(f"{name}: local key rotated", self._rotate_key, needs_cloud=True),
                Fault(
                    f"{name}: local key rotated while the cloud answers 503",
                    self._rotate_key_cloud_errors,
                    self._cloud_ok,
                    needs_cloud=True,
                ),
            ]
            return
        self.faults += [
            Fault(f"{name}: relay connection dropped", relay.drop_connections),
            Fault(
                f"{name}: hub offline at the relay (register refused)", self._offline, self._online
            ),
            Fault(
                f"{name}: cloud identity expired, relay dropped",
                self._identity_expired,
                needs_cloud=True,
            ),
            Fault(f"{name}: relay says already logged in", self._already_logged_in),
            Fault(f"{name}: cloud answers 503, relay dropped", self._cloud_errors, self._cloud_ok),
            Fault(f"{name}: cloud unreachable, relay dropped", self._cloud_down, self._cloud_ok),
        ]

    def _value_of(self, item: str) -> Callable[[], float]:
        def read() -> float:
            return float(self.hub.house.items[item]["value"])

        return read

    def generate(self, rng: random.Random, count: int) -> None:
        """Report new sensor readings."""
        items = list(self._generated.values())
        for _ in range(count):
            self.hub.set_item_value(rng.choice(items), round(rng.uniform(0.0, 100.0), 1))
        self.events += count

    def set_marker(self, value: float) -> None:
        """Change the multisensor's illuminance."""
        self.hub.set_item_value(self._marker, value)

    def command(self, index: int) -> Command:
        """Dim the ceiling light through every level 1-100 (step 37, so neighbours differ)."""
        level = 1 + index * 37 % 100
        data = {"entity_id": self.command_entity, "brightness": brightness_for(level)}
        return Command("light", "turn_on", data, float(level))

    def delivered(self) -> list[float]:
        """The dimmer values the hub was asked to set."""
        return [
            float(params["value"])
            for method, params in self.hub.requests
            if method == "hub.item.value.set" and params.get("_id") == self._dimmer
        ]

    def restore_all(self) -> None:
        """Answer at full speed, hub and cloud reachable."""
        self.hub.response_delay = 0.0
        if self.relay is not None:
            self.relay.reconnect_hub()
        cloud_reachable(self.cloud)

    async def _reboot(self) -> None:
        await self.hub.reboot(2.0)

    async def _offline(self) -> None:
        await self._relay().disconnect_hub()

    async def _online(self) -> None:
        self._relay().reconnect_hub()

    async def _identity_expired(self) -> None:
        """The identity the relay entry presented expires (it has the password to renew it).

        Only that one: an identity expires a day after its own login, and the local entry's,
        which cannot be renewed without the password it does not store, is another login's.
        """
        relay = self._relay()
        for identity in relay.identities:
            self.cloud.expire_identity(identity)
        await relay.drop_connections()

    async def _already_logged_in(self) -> None:
        self._relay().answer_already_logged_in = True
        await self._relay().drop_connections()

    async def _cloud_errors(self) -> None:
        """Every MMS and Ezlo cloud server answers 503 while the relay session is re-made."""
        self.cloud.errors.update(dict.fromkeys(ROLES, 503))
        await self._relay().drop_connections()

    async def _cloud_down(self) -> None:
        """No cloud server answers at all (what a DNS failure looks like from the client)."""
        self.cloud.down.update(ROLES)
        await self._relay().drop_connections()

    async def _cloud_ok(self) -> None:
        cloud_reachable(self.cloud)

    async def _rotate_key(self) -> None:
        """The hub gets a new local key (the cloud hands it out): the stored one is refused."""
        record = self.cloud.hub(self.hub.house.serial)
        record.local_token = secrets.token_hex(16)
        self.hub.rotate_local_key(record.local_user, record.local_token)
        await self.hub.drop_connections()

    async def _rotate_key_cloud_errors(self) -> None:
        self.cloud.errors.update(dict.fromkeys(ROLES, 503))
        await self._rotate_key()

    def _relay(self) -> NmaRelaySimulator:
        assert self.relay is not None, "a relay fault on a local hub"
        return self.relay

    async def _slow(self) -> None:
        self.hub.response_delay = 1.0

    async def _fast(self) -> None:
        self.hub.response_delay = 0.0

    async def _malformed_broadcast(self) -> None:
        self.hub.broadcast("hub.item.updated", {"_id": 42, "value": {"nested": ["garbage"]}})


class VeraSystem(System):
    """A Vera demo house, locally or through the MMS relay: sensors change, a dimmer is set."""

    GENERATED = {
        "sensor.bath_bath_humidity_humidity": (16, "humidity"),
        "sensor.house_power_power": (19, "watts"),
        "sensor.living_living_temperature_temperature": (15, "temperature"),
    }
    MARKER = (17, "light")
    DIMMER = 11

    def __init__(
        self,
        name: str,
        vera: VeraLuupSimulator,
        cloud: MmsCloudSimulator,
        relay: VeraRelaySimulator | None = None,
        *,
        suffix: str = "",
    ) -> None:
        """Drive `vera`, through `relay` when given (else on the LAN); `suffix` ends entity ids."""
        super().__init__(
            name,
            marker_entity=f"sensor.garden_garden_light_illuminance{suffix}",
            command_entity=f"light.living_living_dimmer{suffix}",
        )
        self.vera = vera
        self.cloud = cloud
        self.relay = relay
        self._generated = {entity + suffix: target for entity, target in self.GENERATED.items()}
        devices = vera.house.devices
        for entity, (device, code) in [
            *self._generated.items(),
            (self.marker_entity, self.MARKER),
        ]:
            self.truths[entity] = equals(self._value_of(device, code))

        def dimmer_shown(state: dict[str, Any]) -> bool:
            return brightness_level(state) == int(devices[self.DIMMER]["level"])

        self.truths[self.command_entity] = dimmer_shown
        self.faults = [
            Fault(f"{name}: Luup reload", self._reload),
            Fault(f"{name}: HTTP 500 three times", self._errors),
            Fault(f"{name}: garbage answers twice", self._garbage),
            Fault(f"{name}: slow engine (1 s)", self._slow, self._fast),
            black_hole(name, "vera", (relay or vera).black_hole),
        ]
        if relay is not None:
            self.faults += [
                Fault(f"{name}: relay sessions revoked", self._revoked),
                Fault(f"{name}: relay refuses a fresh session too (403)", self._refused),
                Fault(f"{name}: unit offline at the relay", self._tunnel_down, self._tunnel_up),
                Fault(
                    f"{name}: cloud answers 503 while the relay refuses",
                    self._cloud_errors,
                    self._cloud_ok,
                ),
                Fault(
                    f"{name}: cloud unreachable while the relay refuses",
                    self._cloud_down,
                    self._cloud_ok,
                ),
            ]

    def _value_of(self, device: int, code: str) -> Callable[[], float]:
        def read() -> float:
            return float(self.vera.house.devices[device][code])

        return read

    def generate(self, rng: random.Random, count: int) -> None:
        """Report new sensor readings."""
        targets = list(self.GENERATED.values())
        for _ in range(count):
            device, code = rng.choice(targets)
            self.vera.set_device(device, **{code: f"{rng.uniform(0.0, 100.0):.1f}"})
        self.events += count

    def set_marker(self, value: float) -> None:
        """Change the garden light sensor."""
        device, code = self.MARKER
        self.vera.set_device(device, **{code: f"{value:.1f}"})

    def command(self, index: int) -> Command:
        """Dim the living room light through every level 1-100."""
        level = 1 + index * 37 % 100
        data = {"entity_id": self.command_entity, "brightness": brightness_for(level)}
        return Command("light", "turn_on", data, float(level))

    def delivered(self) -> list[float]:
        """The load levels the engine was asked to set."""
        return [
            float(arguments["newLoadlevelTarget"])
            for device, _service, action, arguments in self.vera.actions
            if device == self.DIMMER and action == "SetLoadLevelTarget"
        ]

    def restore_all(self) -> None:
        """Answer at full speed, tunnel and cloud up."""
        self.vera.response_delay = 0.0
        if self.relay is not None:
            self.relay.tunnel_up = True
        cloud_reachable(self.cloud)

    async def _reload(self) -> None:
        self.vera.reload_luup(empty_answers=1)

    async def _errors(self) -> None:
        self.vera.fail_next(500, "ERROR: soak", count=3)

    async def _garbage(self) -> None:
        self.vera.fail_next(200, "<html>not luup</html>", count=2)

    async def _slow(self) -> None:
        self.vera.response_delay = 1.0

    async def _fast(self) -> None:
        self.vera.response_delay = 0.0

    def _relay(self) -> VeraRelaySimulator:
        assert self.relay is not None, "a relay fault on a local Vera"
        return self.relay

    async def _revoked(self) -> None:
        self._relay().revoke_sessions()

    async def _refused(self) -> None:
        self._relay().reject_next(2, status=403)

    async def _tunnel_down(self) -> None:
        self._relay().tunnel_up = False

    async def _tunnel_up(self) -> None:
        self._relay().tunnel_up = True

    async def _cloud_errors(self) -> None:
        """The relay refuses; the unit's relay is then looked up again while MMS answers 503."""
        self.cloud.errors.update(dict.fromkeys(ROLES, 503))
        self._relay().reject_next(2, status=401)

    async def _cloud_down(self) -> None:
        self.cloud.down.update(ROLES)
        self._relay().reject_next(2, status=401)

    async def _cloud_ok(self) -> None:
        cloud_reachable(self.cloud)


def cloud_reachable(cloud: MmsCloudSimulator) -> None:
    """Every cloud server answers again."""
    cloud.errors.clear()
    cloud.down.clear()


def cloud_outages(hubs: SimulatedHubs) -> list[Outage]:
    """The cloud's names not resolving, then every cloud server answering 503 (needs `hubs.dns`)."""
    cloud, dns = hubs.cloud, hubs.dns
    assert dns is not None, "the soak names the cloud's servers by DNS"

    def answer_503() -> None:
        cloud.outage = 503

    def answer() -> None:
        cloud.outage = None

    def servfail() -> None:
        dns.failure = "servfail"

    def resolve() -> None:
        dns.failure = None

    def requests() -> int:
        return len(cloud.requests)

    def lookups() -> int:
        return len(dns.queries)

    return [
        Outage(
            "the cloud's names do not resolve (SERVFAIL)", servfail, resolve, lookups, "DNS lookups"
        ),
        Outage(
            "every MMS cloud server answers 503", answer_503, answer, requests, "cloud requests"
        ),
    ]


def all_systems(hubs: SimulatedHubs, extra: ExtraHubs) -> list[System]:
    """The six systems of one soak run: every connection mode the simulators offer."""
    cloud = hubs.cloud
    return [
        LoxoneSystem("loxone", hubs.miniserver),
        LoxoneSystem("loxone tls", extra.miniserver_tls, suffix="_2"),
        EzloSystem("ezlo relay", hubs.ezlo_hub, cloud, hubs.ezlo_relay),
        EzloSystem("ezlo local", extra.ezlo_local, cloud, suffix="_2"),
        VeraSystem("vera local", hubs.vera, cloud),
        VeraSystem("vera relay", extra.vera_remote, cloud, extra.vera_relay, suffix="_2"),
    ]
