"""A migrated SQLite database for each test that needs one, copied from one prepared once per test process.

Migrating a new file runs every migration (~25 ms of CPU) and importing the sample organisation as much again;
copying a file that the same code migrated (and imported into) once takes well under a millisecond and leaves
the same schema, version and rows in the file.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from bot.core.org import parse_org_csv
from storage.db import Database
from storage.org import SqliteOrg

_folder: list[Path] = []
_templates: dict[tuple[Path, datetime] | None, Path] = {}


async def migrated_copy(target: Path, *, org: tuple[Path, datetime] | None = None) -> bool:
    """Write a migrated database to `target`, with `org` = (the organisation's CSV, the import's time)
    imported; False (and nothing written) when a file is there already."""
    if target.exists():
        return False
    template = _templates.get(org) or await _prepare(org)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return True


async def _prepare(org: tuple[Path, datetime] | None) -> Path:
    if not _folder:
        _folder.append(Path(tempfile.mkdtemp(prefix="khuyenhoc-migrated-")))
        atexit.register(shutil.rmtree, _folder[0], True)
    path = _folder[0] / f"template-{len(_templates)}.db"
    database = await Database.open(path)
    try:
        if org is not None:
            parsed = parse_org_csv(org[0].read_bytes())
            assert parsed.ok, parsed.problems
            await SqliteOrg(database).import_rows(parsed.rows, now=org[1])
    finally:
        await database.close()  # the last connection checkpoints the WAL: everything is in the file
    _templates[org] = path
    return path
