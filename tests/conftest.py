"""Shared fixtures: a migrated database (on a temporary SQLite file, and on PostgreSQL when TEST_DATABASE_URL
names a server), and the running bot (with TEST_BACKEND=postgresql on PostgreSQL: tests/backend.py)."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings

from bot.core.faq import FaqMatcher
from storage.db import Database
from tests.backend import BACKEND, ON_POSTGRESQL, check_configuration, drop_made
from tests.faq_packaged import packaged_matcher
from tests.harness import BotUnderTest
from tests.migrated import migrated_copy
from tests.postgres import SKIPPED, fresh_schema, server_url

# The machines are shared and noisy: property tests judge behaviour, never speed.
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


def _share_one_tls_context() -> None:
    """Every httpx client the bot makes (each Zalo channel, ~200 in a run) loads the CA bundle into a new TLS
    context, ~30 ms of CPU each; the tests only speak plain HTTP to loopback emulators, so the clients made
    with the default verification share one context, built the same way."""
    import httpx._transports.default as transports

    create = transports.create_ssl_context
    shared = create()

    def create_or_share(verify: object = True, cert: object = None, trust_env: bool = True) -> object:
        if verify is True and cert is None and trust_env:
            return shared
        return create(verify=verify, cert=cert, trust_env=trust_env)

    transports.create_ssl_context = create_or_share


_share_one_tls_context()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database on each back-end: every storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        await migrated_copy(tmp_path / "test.db")
        database = await Database.open(tmp_path / "test.db")
        try:
            yield database
        finally:
            await database.close()
        return
    async with fresh_schema(server_url()) as url:
        database = await Database.open(url)
        try:
            yield database
        finally:
            await database.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With TEST_REQUIRE_POSTGRESQL set (CI), a run whose PostgreSQL half was skipped fails."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or hasattr(session.config, "workerinput"):
        return
    ran = [r for r in reporter.stats.get("passed", []) if "[postgresql" in r.nodeid]
    skipped = [r for r in reporter.stats.get("skipped", []) if SKIPPED in str(r.longrepr)]
    reporter.ensure_newline()
    if skipped:
        reporter.write_line(f"{SKIPPED}: {len(skipped)} storage tests ran on SQLite only.", yellow=True)
    elif ran:
        reporter.write_line(f"PostgreSQL: {len(ran)} storage tests passed on PostgreSQL too.")
    if ON_POSTGRESQL:
        sqlite_only = [r for r in reporter.stats.get("skipped", []) if "SQLite only:" in str(r.longrepr)]
        reporter.write_line(
            f"TEST_BACKEND={BACKEND}: every bot ran on PostgreSQL;"
            f" {len(sqlite_only)} tests about SQLite files skipped."
        )
    if os.environ.get("TEST_REQUIRE_POSTGRESQL") and (skipped or not ran) and session.exitstatus == 0:
        reporter.write_line("TEST_REQUIRE_POSTGRESQL is set but the PostgreSQL half did not run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    problem = check_configuration()
    if problem is not None:
        raise pytest.UsageError(problem)
    config.addinivalue_line(
        "markers", "channels(*names): run the module's `bot` tests on each named channel (default: telegram)"
    )


T = TypeVar("T")

LONGEST_FIRST = (
    "test_replicas_process",
    "test_faults_kill_jobs",
    "test_broadcasts_delivery",
    "test_faults_kill",
    "test_ops_secrets",
    "test_zalo_process",
    "test_faq_build",
    "test_sandbox",
    "test_e2e_process",
    "test_broadcasts_kill",
    "test_http_transport",
    "test_ops_startup",
    "test_ops_logs",
    "test_ops_doctor",
    "test_faults_api",
    "test_commands_ask",
    "test_permission_matrix",
)
"""Modules with tests of 5 s or more (`--durations`: real processes, real pacing), longest first. Their
tests are dealt round the parallel workers' shares, early in each (`dealt`): the workers run them side by side
and finish together, instead of one worker running them all in a row while the others wait for it at the end.
Only the order depends on this list."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers > 1:
        items[:] = dealt(items, workers, lambda item: item.path.stem in rank)


def dealt(items: list[T], workers: int, is_long: Callable[[T], bool]) -> list[T]:
    """`items` reordered for `--dist worksteal`, which gives each of the `workers` in turn the next contiguous
    share of the list (len // workers of what is left) and lets a worker that runs out take the end of
    another's. The long tests are dealt round the shares in turn and spread over the first two thirds of each,
    longest first, between the other tests: most of a long test's time is waiting (a process starting, a pause
    of the API, the real pace), and the workers' short tests fill the cores meanwhile."""
    long_items = [item for item in items if is_long(item)]
    rest = iter(item for item in items if not is_long(item))
    ordered: list[T] = []
    left = len(items)
    for n in range(workers):
        size = left // (workers - n)
        left -= size
        mine = long_items[n::workers]
        gap = max(1, (2 * size // 3) // max(1, len(mine)))
        share: list[T] = []
        for item in mine:
            share.append(item)
            share.extend(itertools.islice(rest, gap - 1))
        share.extend(itertools.islice(rest, max(0, size - len(share))))
        ordered.extend(share)
    ordered.extend(rest)
    return ordered


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("channels")
    if marker is not None and "bot" in metafunc.fixturenames:
        metafunc.parametrize("bot", marker.args, indirect=True, ids=[f"on-{name}" for name in marker.args])


if ON_POSTGRESQL:

    @pytest.fixture(autouse=True)
    def _drop_schemas_after() -> Iterator[None]:
        """The schemas the test's bots used are dropped after it (its fixtures, the bots, are gone)."""
        yield
        drop_made()


@pytest.fixture
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """The real bot with the sample organisation imported, on the Telegram emulator or the channel asked."""
    channel = getattr(request, "param", "telegram")
    async with BotUnderTest.running(tmp_path, channel=channel) as harness:
        yield harness


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    """The packaged FAQ's matcher, one copy a module (tests/faq_packaged.py)."""
    return packaged_matcher()
