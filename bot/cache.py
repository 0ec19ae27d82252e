"""What the bot keeps between runs so that it starts faster: the FAQ build and the compiled catalogs.

Kept files live in the user's cache folder (`$XDG_CACHE_HOME` or ~/.cache, `khuyenhoc-bot/`, private to the
user), each named by a hash of everything it was made from, so a change to any of it makes a new one. A kept
file is read only when it is the user's own, in a folder nobody else can write; one that cannot be written is
simply not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def kept_file(kind: str, sources: Iterable[Path], suffix: str, salt: bytes = b"") -> Path | None:
    """Where the `kind` made of exactly these files (and `salt`) is kept; None if a source cannot be read."""
    digest = hashlib.sha256(salt)
    try:
        for path in sources:
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes() if path.exists() else b"-")
    except OSError:
        return None
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "khuyenhoc-bot"
    return root / f"{kind}-{digest.hexdigest()[:32]}{suffix}"


def read_kept(path: Path | None) -> bytes | None:
    """The kept file's bytes, if it is there and can be trusted."""
    if path is None:
        return None
    try:
        if path.stat().st_uid != os.getuid() or path.parent.stat().st_mode & 0o022:
            return None
        return path.read_bytes()
    except OSError:
        return None


KEPT_PER_KIND = 4
"""How many files of a kind are kept: the packaged FAQ's build stays beside those with added entries."""


def keep(path: Path, data: bytes) -> None:
    """Keep `data` at `path` (atomically); of the older files of its kind, only the most recent few stay."""
    kind = path.name.rsplit("-", 1)[0]
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        older = sorted(
            (p for p in path.parent.glob(f"{kind}-*{path.suffix}") if p != path),
            key=_modified,
            reverse=True,
        )
        for old in older[KEPT_PER_KIND - 1 :]:
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(data)
        os.replace(handle.name, path)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0
