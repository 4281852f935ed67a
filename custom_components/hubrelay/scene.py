"""Scenes: each hub system adds its own (`<system>/scene.py`)."""

from homeassistant.const import Platform

from .data import forward_platform

PARALLEL_UPDATES = 1

async_setup_entry = forward_platform(Platform.SCENE)
