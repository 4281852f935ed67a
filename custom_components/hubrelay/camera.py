"""Cameras (Loxone intercoms): each hub system adds its own (`<system>/camera.py`)."""

from homeassistant.const import Platform

from .data import forward_platform

PARALLEL_UPDATES = 0

async_setup_entry = forward_platform(Platform.CAMERA)
