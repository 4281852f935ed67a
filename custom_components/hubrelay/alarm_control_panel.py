"""Alarm panels: each hub system adds its own (`<system>/alarm_control_panel.py`)."""

from homeassistant.const import Platform

from .data import forward_platform

PARALLEL_UPDATES = 1

async_setup_entry = forward_platform(Platform.ALARM_CONTROL_PANEL)
