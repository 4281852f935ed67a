"""Fixtures: a running simulator (demo house) and connected test-side clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.simulators.miniserver import MiniserverSimulator


@pytest.fixture
async def ms() -> AsyncIterator[MiniserverSimulator]:
    async with MiniserverSimulator() as simulator:
        yield simulator
