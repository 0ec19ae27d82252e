"""Shared benchmark machinery: real processes, load through the emulator's control API, honest statistics.

Every benchmark runs three kinds of process: the emulator (`python -m bot.emulator`), the bot under test
(`python -m bot run`, or the bare PTB echo bot in `bench/echo_bot.py` as the baseline) and this driver,
which only injects updates and reads what the emulator recorded. Times come from the emulator's monotonic
clock (CLOCK_MONOTONIC, shared by every process on the machine); CPU and memory from /proc.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.emulator.client import EmulatorClient

PYTHON = sys.executable
RESULTS = REPO / "bench" / "results"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_MIB = 1 / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_token() -> str:
    """A fresh bot token per bot process, so no state (or orphaned long poll) leaks between runs."""
    return f"{secrets.randbelow(10**9) + 10**8}:BENCH{secrets.token_hex(8)}"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "ADMIN_IDS"))}
    env.update(PTB_TIMEDELTA="1", NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class EmulatorProcess:
    """`python -m bot.emulator` in its own process, with a control client."""

    def __init__(self, *, rate_limits: bool = False, latency_ms: float = 0.0) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.origin}/bot"
        args = [PYTHON, "-m", "bot.emulator", "--port", str(self.port)]
        if rate_limits:
            args.append("--rate-limits")
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        self._args = args
        self._proc: subprocess.Popen | None = None
        self.client = EmulatorClient(self.origin)

    async def __aenter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(
            self._args, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await self.client.__aenter__()
        deadline = time.monotonic() + 15
        while True:
            try:
                await self.client.clock_now()
                return self
            except Exception:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    raise RuntimeError("the emulator did not start") from None
                await asyncio.sleep(0.05)

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()
        if self._proc is not None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self._proc.wait, 5)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid


@dataclass
class ProcStats:
    """CPU seconds (user+system) and memory of a process, read from /proc."""

    cpu_s: float
    rss_mib: float
    hwm_mib: float


def proc_stats(pid: int) -> ProcStats:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    rss = hwm = 0.0
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return ProcStats(cpu, rss, hwm)


class BotProcess:
    """A bot as a real program.

    kind 'ours' runs the real bot with Telegram's send-rate ceiling lifted (bench/our_bot.py), 'ours-limited'
    runs `python -m bot run` exactly as deployed, 'echo' runs the bare PTB echo bot (bench/echo_bot.py).
    `env` adds to the environment (DATABASE_URL, a webhook); with TELEGRAM_WEBHOOK_URL the bot is started once
    its own webhook answers (`webhook_ready`) instead of once its long poll is parked.
    """

    def __init__(
        self,
        emulator: EmulatorProcess,
        kind: str,
        *,
        args: tuple[str, ...] = (),
        database: Path | None = None,
        workdir: Path | None = None,
        log_level: str = "WARNING",
        token: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.emulator = emulator
        self.kind = kind
        self.token = token or new_token()
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-"))
        self.database = self.workdir / "bot.db"
        if database is not None:
            shutil.copy(database, self.database)
        self.log_path = self.workdir / f"{kind}.log"
        if kind == "ours":
            self._args = [PYTHON, str(REPO / "bench" / "our_bot.py"), *args]
        elif kind == "ours-limited":
            self._args = [PYTHON, "-m", "bot", "run", *args]
        elif kind == "echo":
            self._args = [PYTHON, str(REPO / "bench" / "echo_bot.py"), *args]
        else:
            raise ValueError(kind)
        self._env = _env(
            TELEGRAM_BOT_TOKEN=self.token,
            TELEGRAM_API_URL=emulator.base_url,
            DATABASE_PATH=str(self.database),
            LOG_LEVEL=log_level,
            **(env or {}),
        )
        self._proc: subprocess.Popen | None = None
        self._log = None
        self.started_s = 0.0

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    async def start(self, timeout: float = 30) -> float:
        """Spawn the process and wait until its long poll is parked (or its webhook answers); returns the
        startup time in seconds."""
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        began = time.monotonic()
        self._proc = subprocess.Popen(
            self._args, cwd=self.workdir, env=self._env, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            if "TELEGRAM_WEBHOOK_URL" in self._env:
                await webhook_ready(int(self._env["PORT"]), self._proc, timeout)
            else:
                await self.emulator.client.wait_polling(self.token, timeout=timeout)
        except Exception as exc:
            self.kill()
            raise RuntimeError(f"{self.kind} bot did not start receiving:\n{self.log_tail()}") from exc
        self.started_s = time.monotonic() - began
        return self.started_s

    def stats(self) -> ProcStats:
        return proc_stats(self.pid)

    async def stop(self, timeout: float = 15) -> float:
        """SIGTERM, then wait for the exit; returns the seconds it took (graceful stop time)."""
        assert self._proc is not None
        began = time.monotonic()
        self._proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self._proc.wait, timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            await asyncio.to_thread(self._proc.wait)
        elapsed = time.monotonic() - began
        self._close_log()
        return elapsed

    def kill(self) -> None:
        """SIGKILL (crash simulation, or cleanup)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


async def webhook_ready(port: int, proc: subprocess.Popen, timeout: float) -> None:
    """Until the bot on `port` serves its Telegram webhook: a push without the secret is refused (403)
    rather than answered 503 (starting) or not at all."""
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(trust_env=False) as http:
        while True:
            try:
                async with http.post(f"http://127.0.0.1:{port}/telegram/webhook", json={}) as answer:
                    if answer.status == 403:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise TimeoutError("the bot's webhook did not answer")
            await asyncio.sleep(0.1)


# --- load --------------------------------------------------------------------------------------------


def user(user_id: int) -> dict:
    return {"id": user_id, "first_name": f"Khách {user_id}", "language_code": "vi"}


async def inject(client: EmulatorClient, token: str, items: list[tuple[dict, str]]) -> float:
    """Inject texts in one control call; returns the emulator's monotonic time right after."""
    return float((await client.send_texts(token, items))["time"])


async def wait_replies(
    client: EmulatorClient,
    token: str,
    count: int,
    *,
    since: int,
    timeout: float = 120,
    method: str = "sendMessage",
) -> list[dict]:
    """The first `count` successful calls of `method` from index `since` on (long-polled on the emulator)."""
    return await client.wait_for(token, method=method, count=count, since=since, ok=True, timeout=timeout)


def per_chat_latencies(sent: list[tuple[int, float]], replies: list[dict]) -> list[float]:
    """Latency (ms) of each message: the k-th reply in a chat answers the k-th message sent to it."""
    queue: dict[int, list[float]] = defaultdict(list)
    for chat_id, at in sent:
        queue[chat_id].append(at)
    position: dict[int, int] = defaultdict(int)
    latencies = []
    for call in replies:
        chat = int(call["chat_id"])
        index = position[chat]
        position[chat] += 1
        if index < len(queue[chat]):
            latencies.append((call["time"] - queue[chat][index]) * 1000)
    return latencies


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


# --- organisation and members for the bot's real database ---------------------------------------------


async def seed_database(path: Path | str, members: list[tuple[int, str, str]]) -> None:
    """A migrated database (a SQLite file, or a `postgresql://` URL) with the sample organisation and active
    members (user_id, full name, role)."""
    from bot.core.models import MemberStatus, Role
    from bot.core.org import parse_org_csv
    from storage.db import Database
    from storage.members import SqliteMembers
    from storage.org import SqliteOrg

    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    db = await Database.open(path)
    try:
        org = SqliteOrg(db)
        parsed = parse_org_csv((REPO / "bot" / "data" / "sample_org.csv").read_bytes())
        await org.import_rows(parsed.rows, now=now)
        wards = await org.wards()
        store = SqliteMembers(db)
        for index, (user_id, name, role) in enumerate(members):
            ward = wards[index % len(wards)]
            chapters = await org.chapters(ward.id)
            visitor = await store.create_visitor(
                channel="telegram",
                external_id=str(user_id),
                chat_id=str(user_id),
                display_name=name,
                username=None,
                now=now,
            )
            await store.update(
                visitor.id,
                now=now,
                actor_id=None,
                action="bench_setup",
                full_name=name,
                role=Role(role),
                status=MemberStatus.ACTIVE,
                ward_id=ward.id,
                chapter_id=chapters[index % len(chapters)].id,
            )
    finally:
        await db.close()


# --- statistics and results ----------------------------------------------------------------------------


def summary(values: list[float]) -> dict[str, float]:
    clean = [v for v in values if v == v]
    if not clean:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    return {"median": statistics.median(clean), "min": min(clean), "max": max(clean), "n": len(clean)}


@dataclass
class Results:
    """Samples per configuration and repetition, same-run ratios and targets; serialisable to JSON."""

    name: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    samples: dict[str, list[dict[str, float]]] = field(default_factory=lambda: defaultdict(list))
    ratios: dict[str, dict[str, float]] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)

    def add(self, config: str, **metrics: float) -> None:
        self.samples[config].append(metrics)

    def values(self, config: str, metric: str) -> list[float]:
        return [s[metric] for s in self.samples.get(config, []) if metric in s]

    def median(self, config: str, metric: str) -> float:
        return summary(self.values(config, metric))["median"]

    def ratio(self, label: str, config: str, baseline: str, metric: str) -> dict[str, float]:
        """Median (min–max) of per-repetition ratios config/baseline: each pair ran in the same round."""
        pairs = zip(self.values(config, metric), self.values(baseline, metric), strict=False)
        result = summary([a / b for a, b in pairs if b])
        self.ratios[label] = result
        return result

    def target(self, label: str, value: float, op: str, threshold: float, unit: str = "") -> None:
        ok = value >= threshold if op == ">=" else value <= threshold
        self.targets.append(
            {"name": label, "value": value, "op": op, "threshold": threshold, "unit": unit, "ok": bool(ok)}
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "params": self.params,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "configs": {
                config: {
                    metric: {
                        **summary([s[metric] for s in runs if metric in s]),
                        "runs": [s.get(metric) for s in runs],
                    }
                    for metric in _metrics(runs)
                }
                for config, runs in self.samples.items()
            },
            "units": self.units,
            "ratios": self.ratios,
            "targets": self.targets,
            "notes": self.notes,
        }


def _metrics(runs: list[dict[str, float]]) -> list[str]:
    return list(dict.fromkeys(metric for run in runs for metric in run))


def machine() -> dict[str, Any]:
    """The box the numbers came from; the load average says how busy it was (the numbers are noisy then)."""
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def write_results(result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{result['name']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path


def fmt(value: float) -> str:
    if value != value:
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render(result: dict[str, Any]) -> str:
    """A Markdown table: one row per configuration, cells 'median (min–max)'; then ratios and targets."""
    lines = [f"### {result['name']}", "", result["description"], ""]
    configs = result["configs"]
    metrics = list(dict.fromkeys(m for values in configs.values() for m in values))
    units = result.get("units", {})
    headers = [f"{m} ({units[m]})" if m in units else m for m in metrics]
    lines.append("| config | " + " | ".join(headers) + " |")
    lines.append("|---|" + "---|" * len(metrics))
    for config, values in configs.items():
        cells = []
        for metric in metrics:
            cell = values.get(metric)
            cells.append(
                "—" if cell is None else f"{fmt(cell['median'])} ({fmt(cell['min'])}–{fmt(cell['max'])})"
            )
        lines.append(f"| {config} | " + " | ".join(cells) + " |")
    if result.get("ratios"):
        lines.append("")
        for label, value in result["ratios"].items():
            lines.append(
                f"- ratio {label}: ×{fmt(value['median'])} ({fmt(value['min'])}–{fmt(value['max'])})"
            )
    if result.get("targets"):
        lines.append("")
        for target in result["targets"]:
            mark = "✅" if target["ok"] else "❌"
            lines.append(
                f"- {mark} {target['name']}: {fmt(target['value'])}{target['unit']} "
                f"(target {target['op']} {fmt(target['threshold'])}{target['unit']})"
            )
    for note in result.get("notes", []):
        lines.append(f"- note: {note}")
    return "\n".join(lines)


def main_for(run_fn: Any) -> None:
    """`python bench/bench_x.py [--quick]`: run one benchmark module, print and save its results."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer updates (a smoke run, not for verdicts)")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    output = run_fn(quick=args.quick, reps=args.reps)
    for result in output if isinstance(output, list) else [output]:
        write_results(result)
        print(render(result), end="\n\n")


# --- shared workload shapes ----------------------------------------------------------------------------


@dataclass
class LoadOutcome:
    """What one load run measured: replies as recorded by the emulator, CPU of the bot, times."""

    replies: list[dict]
    started: float
    sent: list[tuple[int, float]]
    cpu_s: float

    @property
    def count(self) -> int:
        return len(self.replies)

    @property
    def wall_s(self) -> float:
        return max(c["time"] for c in self.replies) - self.started if self.replies else float("nan")

    @property
    def throughput(self) -> float:
        return self.count / self.wall_s if self.replies else 0.0

    def latencies(self) -> list[float]:
        return per_chat_latencies(self.sent, self.replies)

    def cpu_ms_per_update(self) -> float:
        return self.cpu_s * 1000 / max(1, self.count)


async def burst(bot: BotProcess, items: list[tuple[dict, str]], *, timeout: float = 180) -> LoadOutcome:
    """Inject every item in one control call (saturation) and wait for one reply per item."""
    client = bot.emulator.client
    mark = await client.mark(bot.token)
    cpu0 = bot.stats().cpu_s
    started = time.monotonic()
    injected = await inject(client, bot.token, items)
    started = min(started, injected)
    replies = await wait_replies(client, bot.token, len(items), since=mark, timeout=timeout)
    cpu1 = bot.stats().cpu_s
    return LoadOutcome(replies, started, [(u["id"], started) for u, _ in items], cpu1 - cpu0)


async def open_loop(
    bot: BotProcess, items: list[tuple[dict, str]], rate: float, *, timeout: float = 60
) -> LoadOutcome:
    """Inject items one by one at a fixed rate (updates per second), then wait for every reply."""
    client = bot.emulator.client
    mark = await client.mark(bot.token)
    cpu0 = bot.stats().cpu_s
    sent: list[tuple[int, float]] = []
    began = time.monotonic()
    for index, item in enumerate(items):
        delay = began + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append((item[0]["id"], await inject(client, bot.token, [item])))
    replies = await wait_replies(client, bot.token, len(items), since=mark, timeout=timeout)
    cpu1 = bot.stats().cpu_s
    return LoadOutcome(replies, sent[0][1], sent, cpu1 - cpu0)


def order_violations(items: list[tuple[dict, str]], replies: list[dict]) -> int:
    """For an echo bot: replies in each chat whose text is not the next message that chat sent."""
    expected: dict[int, list[str]] = defaultdict(list)
    for who, text in items:
        expected[who["id"]].append(text)
    position: dict[int, int] = defaultdict(int)
    violations = 0
    for call in replies:
        chat = int(call["chat_id"])
        index = position[chat]
        position[chat] += 1
        if index >= len(expected[chat]) or call["params"].get("text") != expected[chat][index]:
            violations += 1
    return violations


def error_lines(bot: BotProcess) -> int:
    """ERROR / Traceback lines in the bot's log (each is a failed update or a crash)."""
    try:
        text = bot.log_path.read_text(errors="replace")
    except OSError:
        return 0
    return sum(1 for line in text.splitlines() if " ERROR " in line or line.startswith("Traceback"))


def members_for(count: int, first_id: int = 500_000, role: str = "cadre") -> list[tuple[int, str, str]]:
    """Active members to seed: (user_id, a plausible Vietnamese name, role)."""
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
    given = ["Văn An", "Thị Lan", "Minh Tuấn", "Thị Hoa", "Quốc Bảo", "Thu Hà", "Đức Minh", "Ngọc Mai"]
    return [
        (first_id + i, f"{family[i % len(family)]} {given[(i // len(family)) % len(given)]}", role)
        for i in range(count)
    ]


async def seeded_database(workdir: Path, count: int) -> Path:
    """A template database with `count` active cadres (copied for each bot process)."""
    path = workdir / "template.db"
    if not path.exists():
        await seed_database(path, members_for(count))
    return path


HTTP_CANDIDATES: dict[str, tuple[str, ...]] = {
    "our bot, httpx's own pool (TELEGRAM_HTTP_CLIENT=stock)": ("--http", "stock"),
}
"""Our bot over another HTTP transport than its default (`bot/channels/telegram/request.py`), run beside it,
so every run shows what the bot's keep-alive pool buys over httpx's own. The comparison with the former own
client and with aiohttp (bench/README.md) ran with more entries here."""


def http_candidates(emu: EmulatorProcess, template: Path) -> dict[str, Any]:
    """Configurations of our bot, one per HTTP client in HTTP_CANDIDATES (for `interleaved`)."""
    return {
        label: (lambda args=args: BotProcess(emu, "ours", database=template, args=args))
        for label, args in HTTP_CANDIDATES.items()
    }


def run_async(coro_fn: Any, **kwargs: Any) -> Any:
    return asyncio.run(coro_fn(**kwargs))


async def interleaved(
    results: Results, configs: dict[str, Any], reps: int, measure: Any, *, idle_s: float = 0.5
) -> None:
    """Run every configuration once per round, rotating the order each round, for `reps` rounds.

    `configs` maps a label to a zero-argument factory returning an unstarted BotProcess;
    `await measure(label, bot)` returns the metrics of one run. Startup and graceful stop
    (SIGTERM → exit) times are recorded for every run.
    """
    labels = list(configs)
    for rep in range(reps):
        shift = rep % len(labels)
        for label in labels[shift:] + labels[:shift]:
            bot = configs[label]()
            try:
                startup = await bot.start()
                await asyncio.sleep(idle_s)
                metrics = await measure(label, bot)
                metrics["errors"] = error_lines(bot)
                metrics["stop_s"] = await bot.stop()
                metrics["startup_s"] = startup
                results.add(label, **metrics)
            except Exception as exc:
                print(
                    f"  {results.name} / {label} / round {rep + 1} failed: {exc}\n{bot.log_tail()}",
                    file=sys.stderr,
                )
                raise
            finally:
                bot.cleanup()
