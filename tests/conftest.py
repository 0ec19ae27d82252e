"""Shared fixtures: a migrated database on a temporary file, and the running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from storage.db import Database
from tests.harness import BotUnderTest

# The machines are shared and noisy: property tests judge behaviour, never speed.
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "test.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """The real bot against the emulator, with the sample organisation imported."""
    async with BotUnderTest.running(tmp_path) as harness:
        yield harness
