"""The Miniserver's own sensors: its active system messages, and its load (CPU, heap, tasks).

The message count follows the Message Center watcher (`message_center`). The Miniserver pushes
none of the load figures, so they are asked with ``jdev/sys/cpu``, ``jdev/sys/heap``
and ``jdev/sys/numtasks`` (see `protocols.loxone.system` for the answers and their sources) every
`POLL_INTERVAL`, and only while the session is up and at least one of the sensors is enabled: the
sensors are diagnostic and disabled by default, so an installation that never enables them never
sends one of these commands. A refused figure (a user without the right) stays unknown. No uptime
or last-reboot figure is offered: no command for it was found (a reboot appears in the Message
Center instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfInformation
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval

from ..protocols.loxone import LoxoneCommandError, LoxoneError
from ..protocols.loxone.system import parse_count, parse_heap, parse_percent
from .coordinator import LoxoneCoordinator
from .entity import LoxoneHubEntity
from .message_center import MessageCenter

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL = timedelta(seconds=120)


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One sensor: the command it needs and how its answer becomes the value."""

    key: str
    command: str
    read: Callable[[Any], float | int | None]
    unit: str | None = None
    device_class: SensorDeviceClass | None = None


FIGURES = (
    Figure(key="cpu_load", command="cpu", read=parse_percent, unit=PERCENTAGE),
    Figure(
        key="memory_used",
        command="heap",
        read=lambda value: parse_heap(value)[0],
        unit=UnitOfInformation.KILOBYTES,
        device_class=SensorDeviceClass.DATA_SIZE,
    ),
    Figure(
        key="memory_total",
        command="heap",
        read=lambda value: parse_heap(value)[1],
        unit=UnitOfInformation.KILOBYTES,
        device_class=SensorDeviceClass.DATA_SIZE,
    ),
    Figure(key="task_count", command="numtasks", read=parse_count),
)


class SystemStatusPoller:
    """Ask the figures the enabled sensors need, at a modest pace, while connected."""

    def __init__(self, coordinator: LoxoneCoordinator) -> None:
        """Start idle: polling begins when the first sensor is added."""
        self.coordinator = coordinator
        #: The last answer per command (None: refused or not asked yet).
        self.values: dict[str, Any] = {}
        self._sensors: list[LoxoneSystemFigure] = []
        self._cancel_timer: Callable[[], None] | None = None
        self._polling = False
        self._again = False
        coordinator.entry.async_on_unload(
            coordinator.add_availability_listener(self._availability_changed)
        )
        coordinator.entry.async_on_unload(self._stop)

    @property
    def running(self) -> bool:
        """Tell whether the poll timer is set."""
        return self._cancel_timer is not None

    @callback
    def register(self, sensor: LoxoneSystemFigure) -> Callable[[], None]:
        """Poll for `sensor` from now on; return the callable that stops that."""
        self._sensors.append(sensor)
        if self.running and sensor.figure.command not in self.values:
            self._tick()  # a sensor enabled later gets its figure now, not at the next tick
        self._start()

        @callback
        def unregister() -> None:
            self._sensors.remove(sensor)
            if not self._sensors:
                self._stop()

        return unregister

    @callback
    def _availability_changed(self, available: bool) -> None:
        if available:
            self._start()
        else:
            self._stop()

    @callback
    def _start(self) -> None:
        if self._cancel_timer is not None or not self._sensors or not self.coordinator.connected:
            return
        self._cancel_timer = async_track_time_interval(
            self.coordinator.hass, self._tick, POLL_INTERVAL, name="hubrelay system status"
        )
        self._tick()

    @callback
    def _stop(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None

    @callback
    def _tick(self, _now: datetime | None = None) -> None:
        if self._polling:
            self._again = True  # asked while a poll runs: the missing figures follow it
            return
        self._polling = True
        self.coordinator.entry.async_create_background_task(
            self.coordinator.hass, self._poll_until_current(), "hubrelay system status poll"
        )

    async def _poll_until_current(self) -> None:
        try:
            await self._poll(all_figures=True)
            while self._again:
                self._again = False
                await self._poll(all_figures=False)
        except LoxoneError as err:
            _LOGGER.debug("System status poll stopped: %s", err)
        finally:
            self._polling = False

    async def _poll(self, *, all_figures: bool) -> None:
        commands = dict.fromkeys(sensor.figure.command for sensor in self._sensors)
        for command in commands:
            if not all_figures and command in self.values:
                continue
            try:
                self.values[command] = await self.coordinator.client.system_figure(command)
            except LoxoneCommandError as err:
                _LOGGER.debug("The Miniserver refused %s (%s)", command, err.code)
                self.values[command] = None
        for sensor in tuple(self._sensors):
            sensor.figure_polled()


class LoxoneSystemFigure(LoxoneHubEntity, SensorEntity):
    """One load figure of the Miniserver (diagnostic, disabled by default)."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(
        self, coordinator: LoxoneCoordinator, poller: SystemStatusPoller, figure: Figure
    ) -> None:
        """Belong to the Miniserver's device."""
        super().__init__(coordinator, figure.key)
        self.figure = figure
        self._poller = poller
        self._attr_translation_key = figure.key
        self._attr_native_unit_of_measurement = figure.unit
        self._attr_device_class = figure.device_class

    async def async_added_to_hass(self) -> None:
        """Ask the poller for this figure while the sensor exists (it exists only if enabled)."""
        await super().async_added_to_hass()
        self.async_on_remove(self._poller.register(self))

    @callback
    def figure_polled(self) -> None:
        """Show the figure of the last poll when it changed."""
        previous = self._attr_native_value
        self._update_from_values()
        if self._attr_native_value != previous:
            self.async_write_ha_state()

    def _update_from_values(self) -> None:
        value = self._poller.values.get(self.figure.command)
        self._attr_native_value = None if value is None else self.figure.read(value)


def add_system_figures(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the Miniserver's load sensors (they poll only once enabled)."""
    poller = SystemStatusPoller(coordinator)
    async_add_entities([LoxoneSystemFigure(coordinator, poller, figure) for figure in FIGURES])


class LoxoneSystemMessages(LoxoneHubEntity, SensorEntity):
    """How many Message Center entries the Miniserver reports as active."""

    _attr_translation_key = "system_messages"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, coordinator: LoxoneCoordinator, center: MessageCenter) -> None:
        """Belong to the Miniserver's device."""
        super().__init__(coordinator, "system_messages")
        self._center = center

    async def async_added_to_hass(self) -> None:
        """Follow the Message Center's fetches too."""
        await super().async_added_to_hass()
        self.async_on_remove(self._center.add_listener(self._fetched))

    @callback
    def _fetched(self) -> None:
        if self._center.active_count != self._attr_native_value:
            self._update_from_values()
            self.async_write_ha_state()

    def _update_from_values(self) -> None:
        self._attr_native_value = self._center.active_count


def add_message_center(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Watch the Message Center (when the structure file has one) and add its count sensor."""
    if (center := MessageCenter.start(coordinator)) is not None:
        async_add_entities([LoxoneSystemMessages(coordinator, center)])
