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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "channels(*names): run the module's `bot` tests on each named channel (default: telegram)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("channels")
    if marker is not None and "bot" in metafunc.fixturenames:
        metafunc.parametrize("bot", marker.args, indirect=True, ids=[f"on-{name}" for name in marker.args])


@pytest.fixture
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """The real bot with the sample organisation imported, on the Telegram emulator or the channel asked."""
    channel = getattr(request, "param", "telegram")
    async with BotUnderTest.running(tmp_path, channel=channel) as harness:
        yield harness
