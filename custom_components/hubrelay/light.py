"""Lights: each hub system adds its own (`<system>/light.py`)."""

from homeassistant.const import Platform

from .data import forward_platform

PARALLEL_UPDATES = 1

async_setup_entry = forward_platform(Platform.LIGHT)
