"""Loxone burglar alarms (Alarm controls), operated with the visualisation password.

An Alarm is usually secured: every command goes through `jdev/sps/ios` with a hash of the
visualisation password stored in the integration options, so no code is asked in the UI.
"""

from __future__ import annotations

from homeassistant.components.alarm_control_panel import (
    AlarmControlPanelEntity,
    AlarmControlPanelEntityFeature,
    AlarmControlPanelState,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LoxoneCoordinator
from .entity import LoxoneEntity
from .mapping import EntityFactory, build_entities, single


class LoxoneAlarm(LoxoneEntity, AlarmControlPanelEntity):
    """An Alarm: armed with or without its motion sensors, triggered while `level` > 0."""

    _attr_name = None
    _attr_code_arm_required = False
    _attr_supported_features = (
        AlarmControlPanelEntityFeature.ARM_AWAY | AlarmControlPanelEntityFeature.ARM_HOME
    )
    state_names = ("armed", "level", "armedDelay", "disabledMove")

    def _update_from_values(self) -> None:
        armed = self.number("armed")
        if armed is None:
            self._attr_alarm_state = None
        elif (self.number("level") or 0) > 0:
            self._attr_alarm_state = AlarmControlPanelState.TRIGGERED
        elif (self.number("armedDelay") or 0) > 0:
            self._attr_alarm_state = AlarmControlPanelState.ARMING
        elif not armed:
            self._attr_alarm_state = AlarmControlPanelState.DISARMED
        elif self.number("disabledMove"):
            self._attr_alarm_state = AlarmControlPanelState.ARMED_HOME
        else:
            self._attr_alarm_state = AlarmControlPanelState.ARMED_AWAY

    async def async_alarm_arm_away(self, code: str | None = None) -> None:
        """Arm with the motion sensors."""
        await self.send("on/1")

    async def async_alarm_arm_home(self, code: str | None = None) -> None:
        """Arm without the motion sensors (people are at home)."""
        await self.send("on/0")

    async def async_alarm_disarm(self, code: str | None = None) -> None:
        """Disarm, which also acknowledges a running alarm."""
        await self.send("off")


FACTORIES: dict[str, EntityFactory] = {"Alarm": single(LoxoneAlarm)}


async def async_setup_platform(
    coordinator: LoxoneCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add an alarm panel per Alarm control."""
    async_add_entities(build_entities(coordinator, FACTORIES))
