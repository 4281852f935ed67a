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
from typing import Any

from tests.demo.stack import SimulatedHubs
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.mms_cloud import ROLES, MmsCloudSimulator

#: How long a fault with a `restore` holds its knob (slow peers, hub offline, blocked).
HOLD_SECONDS = 3.0

type Check = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault: inject it now; `restore` (if any) runs `HOLD_SECONDS` later."""

    name: str
    inject: Callable[[], Awaitable[None]]
    restore: Callable[[], Awaitable[None]] | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """One service call and the value the hub must receive for it."""

    domain: str
    service: str
    data: dict[str, Any]
    value: float


@dataclass
class System:
    """The common shape; the three subclasses fill it from their simulators."""

    name: str
    marker_entity: str
    command_entity: str
    #: entity_id -> check of its mirrored state against the hub's current value.
    truths: dict[str, Check] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    events: int = 0

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
    """The Miniserver demo house: analog sensors change, the wake-up volume slider is commanded."""

    GENERATED = {
        "sensor.garden_outdoor_temperature": "Outdoor temperature",
        "sensor.bedroom_bedroom_humidity": "Bedroom humidity",
        "sensor.kitchen_oven_power": "Oven power",
    }

    def __init__(self, hubs: SimulatedHubs) -> None:
        """Drive `hubs.miniserver`."""
        super().__init__(
            "loxone",
            marker_entity="sensor.garden_garden_brightness",
            command_entity="number.bedroom_wake_up_volume",
        )
        self.ms = ms = hubs.miniserver
        self._generated = {
            entity: _loxone_control(name)["states"]["value"]
            for entity, name in self.GENERATED.items()
        }
        self._marker = _loxone_control("Garden brightness")["states"]["value"]
        slider = _loxone_control("Wake-up volume")
        self._slider_action = slider["uuidAction"]
        slider_value = slider["states"]["value"]
        for entity, uuid in [*self._generated.items(), (self.marker_entity, self._marker)]:
            self.truths[entity] = equals(self._value_of(uuid))
        self.truths[self.command_entity] = equals(self._value_of(slider_value))
        self.faults = [
            Fault("loxone: connection dropped", ms.drop_connections),
            Fault("loxone: dropped in the middle of a table", self._drop_mid_table),
            Fault("loxone: restart (1 s down)", self._restart),
            Fault("loxone: out of service (2 s)", self._out_of_service),
            Fault("loxone: token refused once (401)", self._auth_refused(401)),
            Fault("loxone: authentication timeout once (420)", self._auth_refused(420)),
            Fault("loxone: blocked (401, then 4003 for 2 s)", self._blocked, self._unblocked),
            Fault("loxone: malformed header", self._malformed("bad_header")),
            Fault("loxone: short header", self._malformed("short_header")),
            Fault("loxone: text that is no JSON", self._malformed("bad_json")),
            Fault("loxone: truncated value table", self._truncated),
            Fault("loxone: slow answers (1 s)", self._slow, self._fast),
            Fault("loxone: closed with 4006 (user disabled)", self._closed(4006)),
            Fault("loxone: closed with 4007 (update in progress)", self._closed(4007)),
            Fault("loxone: closed with 4008 (event slots full)", self._closed(4008)),
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
    """The Ezlo demo hub through the NMA relay: sensor items change, the ceiling dimmer is set."""

    GENERATED = {
        "sensor.kitchen_multisensor_temperature": ("Multisensor", "temp"),
        "sensor.kitchen_multisensor_humidity": ("Multisensor", "humidity"),
        "sensor.kitchen_energy_meter_power": ("Energy meter", "electric_meter_watt"),
    }

    def __init__(self, hubs: SimulatedHubs) -> None:
        """Drive `hubs.ezlo_hub` behind `hubs.ezlo_relay` and `hubs.cloud`."""
        super().__init__(
            "ezlo",
            marker_entity="sensor.kitchen_multisensor_illuminance",
            command_entity="light.living_room_ceiling_dimmer",
        )
        self.hub = hub = hubs.ezlo_hub
        self.relay = relay = hubs.ezlo_relay
        self.cloud = hubs.cloud
        house = hub.house
        self._generated = {
            entity: house.item_by_name(*names)["_id"] for entity, names in self.GENERATED.items()
        }
        self._marker = house.item_by_name("Multisensor", "lux")["_id"]
        self._dimmer = house.item_by_name("Ceiling dimmer", "dimmer")["_id"]
        for entity, item in [*self._generated.items(), (self.marker_entity, self._marker)]:
            self.truths[entity] = equals(self._value_of(item))

        def dimmer_shown(state: dict[str, Any]) -> bool:
            return brightness_level(state) == int(house.items[self._dimmer]["value"])

        self.truths[self.command_entity] = dimmer_shown
        self.faults = [
            Fault("ezlo: relay connection dropped", relay.drop_connections),
            Fault("ezlo: hub sockets dropped", hub.drop_connections),
            Fault("ezlo: hub reboot (2 s)", self._reboot),
            Fault("ezlo: hub offline on the cloud (2 s)", self._offline, self._online),
            Fault("ezlo: cloud identity expired, relay dropped", self._identity_expired),
            Fault("ezlo: relay says already logged in", self._already_logged_in),
            Fault("ezlo: slow hub (1 s)", self._slow, self._fast),
            Fault("ezlo: malformed item broadcast", self._malformed_broadcast),
            Fault("ezlo: cloud answers 503, relay dropped", self._cloud_errors, self._cloud_ok),
            Fault("ezlo: cloud unreachable, relay dropped", self._cloud_down, self._cloud_ok),
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
        self.relay.reconnect_hub()
        cloud_reachable(self.cloud)

    async def _cloud_errors(self) -> None:
        """Every MMS and Ezlo cloud server answers 503 while the relay session is re-made."""
        self.cloud.errors.update(dict.fromkeys(ROLES, 503))
        await self.relay.drop_connections()

    async def _cloud_down(self) -> None:
        """No cloud server answers at all (what a DNS failure looks like from the client)."""
        self.cloud.down.update(ROLES)
        await self.relay.drop_connections()

    async def _cloud_ok(self) -> None:
        cloud_reachable(self.cloud)

    async def _reboot(self) -> None:
        await self.hub.reboot(2.0)

    async def _offline(self) -> None:
        await self.relay.disconnect_hub()

    async def _online(self) -> None:
        self.relay.reconnect_hub()

    async def _identity_expired(self) -> None:
        self.cloud.expire_identities()
        await self.relay.drop_connections()

    async def _already_logged_in(self) -> None:
        self.relay.answer_already_logged_in = True
        await self.relay.drop_connections()

    async def _slow(self) -> None:
        self.hub.response_delay = 1.0

    async def _fast(self) -> None:
        self.hub.response_delay = 0.0

    async def _malformed_broadcast(self) -> None:
        self.hub.broadcast("hub.item.updated", {"_id": 42, "value": {"nested": ["garbage"]}})


class VeraSystem(System):
    """The Vera demo house on the local network: sensors change, the living dimmer is set."""

    GENERATED = {
        "sensor.bath_bath_humidity_humidity": (16, "humidity"),
        "sensor.house_power_power": (19, "watts"),
        "sensor.living_living_temperature_temperature": (15, "temperature"),
    }
    MARKER = (17, "light")
    DIMMER = 11

    def __init__(self, hubs: SimulatedHubs) -> None:
        """Drive `hubs.vera`."""
        super().__init__(
            "vera",
            marker_entity="sensor.garden_garden_light_illuminance",
            command_entity="light.living_living_dimmer",
        )
        self.vera = vera = hubs.vera
        devices = vera.house.devices
        for entity, (device, code) in [
            *self.GENERATED.items(),
            (self.marker_entity, self.MARKER),
        ]:
            self.truths[entity] = equals(self._value_of(device, code))

        def dimmer_shown(state: dict[str, Any]) -> bool:
            return brightness_level(state) == int(devices[self.DIMMER]["level"])

        self.truths[self.command_entity] = dimmer_shown
        self.faults = [
            Fault("vera: Luup reload", self._reload),
            Fault("vera: HTTP 500 three times", self._errors),
            Fault("vera: garbage answers twice", self._garbage),
            Fault("vera: slow engine (1 s)", self._slow, self._fast),
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
        """Answer at full speed."""
        self.vera.response_delay = 0.0

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


def cloud_reachable(cloud: MmsCloudSimulator) -> None:
    """Every cloud server answers again."""
    cloud.errors.clear()
    cloud.down.clear()


def all_systems(hubs: SimulatedHubs) -> list[System]:
    """The three systems of one soak run."""
    return [LoxoneSystem(hubs), EzloSystem(hubs), VeraSystem(hubs)]
