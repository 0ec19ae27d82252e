"""Building the FAQ matcher in a child process, so the build's scratch memory never enters the bot's heap.

Building tokenises every phrasing and answer and briefly holds about three times what the finished index
keeps (~6 MiB against ~2 MiB). CPython keeps freed memory for reuse instead of returning it to the system,
so a build inside the long-running bot would leave it that much larger for good. Instead a short-lived
`python -m bot.core.faq.build` loads the YAML files, builds the matcher and writes it, pickled, to its
standard output; the bot unpickles a compact copy. Loading also stays off the event loop on a reload.

If the child cannot run (or dies), the bot builds in its own process: slower to settle, never wrong.

The child's result is kept in the user's cache folder (`$XDG_CACHE_HOME` or ~/.cache, `khuyenhoc-bot/`,
private to the user), named by a hash of the core's code and of every knowledge file read, so a restart with
the same knowledge base and code skips the ~2 s build; any change to either builds afresh.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import bot
from bot import cache
from bot.core.faq.loading import KnowledgeBase, KnowledgeBaseError
from bot.core.faq.matcher import FaqMatcher

log = logging.getLogger(__name__)

_TIMEOUT_S = 60


def build_matcher(directory: Path | None = None, extra_files: Sequence[Path] = ()) -> FaqMatcher:
    """The matcher for the knowledge base in `directory` (default: packaged) plus `extra_files`.

    Raises KnowledgeBaseError, listing every problem, when the files are malformed.
    """
    kept = _cache_file(directory, extra_files)
    cached = _cached(kept)
    if cached is not None:
        return cached
    try:
        done = subprocess.run(
            _command(directory, extra_files), capture_output=True, env=_env(), timeout=_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("FAQ build process failed (%s); building in the bot's process", exc)
        return _build_here(directory, extra_files)
    return _result(done.returncode, done.stdout, done.stderr, directory, extra_files, kept)


async def build_matcher_async(directory: Path | None = None, extra_files: Sequence[Path] = ()) -> FaqMatcher:
    """`build_matcher` without blocking the event loop (for a reload while the bot serves)."""
    kept = _cache_file(directory, extra_files)
    cached = _cached(kept)
    if cached is not None:
        return cached
    try:
        process = await asyncio.create_subprocess_exec(
            *_command(directory, extra_files),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=_env(),
        )
    except OSError as exc:
        log.warning("FAQ build process failed (%s); building in the bot's process", exc)
        return _build_here(directory, extra_files)
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), _TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        log.warning("FAQ build process took over %s s; building in the bot's process", _TIMEOUT_S)
        return _build_here(directory, extra_files)
    assert process.returncode is not None
    return _result(process.returncode, stdout, stderr, directory, extra_files, kept)


def _command(directory: Path | None, extra_files: Sequence[Path]) -> list[str]:
    command = [sys.executable, "-m", "bot.core.faq.build"]
    if directory is not None:
        command += ["--directory", str(directory)]
    return command + [str(path) for path in extra_files]


def _env() -> dict[str, str]:
    """The bot's environment, with its own source tree importable even when it is not installed."""
    root = str(Path(bot.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{path}" if path else root}


def _result(
    returncode: int,
    stdout: bytes,
    stderr: bytes,
    directory: Path | None,
    extra_files: Sequence[Path],
    kept: Path | None = None,
) -> FaqMatcher:
    if returncode == 0:
        kind, value = pickle.loads(stdout)  # written by our own child process: trusted
        if kind == "invalid":
            raise KnowledgeBaseError(value)
        matcher: FaqMatcher = value
        if kept is not None:
            cache.keep(kept, stdout)
        return matcher
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    log.warning("FAQ build process exited with %s (%s); building in the bot's process", returncode, tail)
    return _build_here(directory, extra_files)


def _cache_file(directory: Path | None, extra_files: Sequence[Path]) -> Path | None:
    """Where a build of exactly this code and these knowledge files is kept; None when it cannot be."""
    core = Path(__file__).resolve().parent.parent
    knowledge = directory or Path(bot.__file__).resolve().parent / "knowledge" / "faq"
    files = sorted(core.rglob("*.py")) + sorted(knowledge.rglob("*.yaml")) + list(extra_files)
    return cache.kept_file("faq", files, ".pickle", salt=sys.version.encode())


def _cached(path: Path | None) -> FaqMatcher | None:
    """A kept build (only from a file of this user's own, in a folder only they can write)."""
    data = cache.read_kept(path)
    if data is None:
        return None
    try:
        kind, value = pickle.loads(data)  # written by our own build: trusted
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
        return None
    return value if kind == "ok" and isinstance(value, FaqMatcher) else None


def _build_here(directory: Path | None, extra_files: Sequence[Path]) -> FaqMatcher:
    return FaqMatcher(KnowledgeBase.load(directory, extra_files=extra_files))


def main(argv: Sequence[str] | None = None) -> int:
    """Build and write `("ok", matcher)` or `("invalid", problems)`, pickled, to standard output."""
    args = list(sys.argv[1:] if argv is None else argv)
    directory = None
    if args[:1] == ["--directory"]:
        directory, args = Path(args[1]), args[2:]
    try:
        result: tuple[str, object] = ("ok", _build_here(directory, [Path(a) for a in args]))
    except KnowledgeBaseError as exc:
        result = ("invalid", exc.problems)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
