"""Covers: each hub system adds its own (`<system>/cover.py`)."""

from homeassistant.const import Platform

from .data import forward_platform

PARALLEL_UPDATES = 1

async_setup_entry = forward_platform(Platform.COVER)
