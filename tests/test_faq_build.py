"""The FAQ matcher is built in a short-lived child process and handed to the bot (bot/core/faq/build.py):
the bot answers exactly as with a matcher built in its own process, a broken file is still refused with
its problems named, and the bot still gets its matcher when the child cannot run. A build is kept, so a
restart with the same code and knowledge skips it."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import cache
from bot.core.faq import FaqMatcher, KnowledgeBase, KnowledgeBaseError, build, packaged_directory
from bot.core.faq.build import build_matcher, build_matcher_async

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test keeps its builds in a folder of its own (the child really runs)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def test_a_restart_with_the_same_knowledge_reuses_the_build_and_a_change_builds_afresh(
    tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = tmp_path / "kb"
    shutil.copytree(packaged_directory(), knowledge)
    first = build_matcher(knowledge)
    assert len(list((own_cache / "khuyenhoc-bot").glob("faq-*.pickle"))) == 1
    monkeypatch.setattr(build, "_command", lambda directory, extra: ["/no/such/python"])
    monkeypatch.setattr(build, "_build_here", lambda directory, extra: pytest.fail("built again"))
    again = build_matcher(knowledge)
    assert again.ask("thong tu 44 co may tieu chi").kind == first.ask("thong tu 44 co may tieu chi").kind
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(own_cache))
    faq = next(knowledge.rglob("*.yaml"))
    faq.write_text(faq.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    calls = []
    monkeypatch.setattr(
        build, "_build_here", lambda d, e: calls.append(d) or FaqMatcher(KnowledgeBase.load(d))
    )
    monkeypatch.setattr(build, "_command", lambda directory, extra: ["/no/such/python"])
    build_matcher(knowledge)
    assert calls == [knowledge]


@pytest.fixture(scope="module")
def here() -> FaqMatcher:
    """Built the way the bot builds in its own process when the child cannot run."""
    return build._build_here(None, ())


@pytest.fixture
def builds_here(here: FaqMatcher, monkeypatch: pytest.MonkeyPatch) -> list[Path | None]:
    """Records each build in the bot's own process and hands back a copy of `here`, built that very way,
    instead of spending ~1.5 s of CPU on each identical build."""
    calls: list[Path | None] = []

    def build_here(directory: Path | None, extra: object) -> FaqMatcher:
        calls.append(directory)
        copy: FaqMatcher = pickle.loads(pickle.dumps(here))
        return copy

    monkeypatch.setattr(build, "_build_here", build_here)
    return calls


@pytest.fixture(scope="module")
def from_child() -> FaqMatcher:
    return build_matcher()


def test_the_matcher_from_the_child_process_ranks_the_dev_questions_exactly_as_one_built_here(
    here, from_child
):
    # Every fourth question of every file, so a quarter of each category: ranking all 1,700 twice took
    # ~14 s of CPU, the suite's largest single cost.
    questions = [
        q["q"]
        for p in sorted(DATA.glob("faq_*.yaml"))
        for q in yaml.safe_load(p.read_text())["questions"][::4]
    ]
    assert len(questions) > 400
    assert [e.id for e in from_child.kb.entries] == [e.id for e in here.kb.entries]
    for question in questions:
        ours = [(e.id, s) for e, s in from_child.rank(question)]
        assert ours == [(e.id, s) for e, s in here.rank(question)], question


def test_the_bot_process_itself_never_parses_yaml():
    code = (
        "import sys, bot.runtime, bot.channels.telegram.channel; from bot.core.faq.build import "
        "build_matcher; build_matcher(); "
        "print('yaml' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


def test_a_broken_file_is_refused_with_its_problems_named(tmp_path):
    directory = tmp_path / "faq"
    shutil.copytree(packaged_directory(), directory)
    (directory / "typo.yaml").write_text("entries:\n  - id: x\n   topic: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"typo\.yaml: not valid YAML \(line \d+\)"):
        build_matcher(directory)
    with pytest.raises(KnowledgeBaseError) as error:
        asyncio.run(build_matcher_async(directory))
    assert any("typo.yaml" in problem for problem in error.value.problems)


def test_organisers_added_entries_are_part_of_the_build(tmp_path):
    added = tmp_path / "added.yaml"
    added.write_text(
        "entries:\n"
        "  - id: ward-meeting-room\n    topic: general\n    status: confirmed\n"
        "    questions: [Phòng họp của Hội Khuyến học phường ở đâu?]\n"
        "    answer: Phòng họp ở tầng 2 trụ sở UBND phường.\n"
        "    answer_en: The meeting room is on the 2nd floor of the ward office.\n"
        "    source: Ban tổ chức\n",
        encoding="utf-8",
    )
    matcher = asyncio.run(build_matcher_async(None, [added]))
    assert matcher.ask("phong hop hoi khuyen hoc phuong o dau").entry.id == "ward-meeting-room"


def test_when_the_child_process_cannot_run_the_bot_builds_in_its_own_process(
    monkeypatch, caplog, builds_here
):
    monkeypatch.setattr(
        build, "_command", lambda directory, extra: [sys.executable, "-c", "raise SystemExit(3)"]
    )
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.build"):
        matcher = build_matcher()
        also = asyncio.run(build_matcher_async())
    assert builds_here == [None, None]
    assert matcher.ask("thong tu 44 co may tieu chi").kind == "answer"
    assert also.ask("thong tu 44 co may tieu chi").kind == "answer"
    assert "exited with 3" in caplog.text


def test_when_no_python_can_be_started_the_bot_builds_in_its_own_process(monkeypatch, tmp_path, builds_here):
    monkeypatch.setattr(build, "_command", lambda directory, extra: [str(tmp_path / "no-such-python")])
    assert build_matcher().ask("thong tu 44 co may tieu chi").kind == "answer"
    assert asyncio.run(build_matcher_async()).ask("thong tu 44 co may tieu chi").kind == "answer"
    assert builds_here == [None, None]


def test_a_build_process_that_hangs_is_stopped_and_the_bot_builds_in_its_own_process(
    monkeypatch, caplog, builds_here
):
    monkeypatch.setattr(build, "_TIMEOUT_S", 0.5)
    monkeypatch.setattr(
        build, "_command", lambda directory, extra: [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.build"):
        assert build_matcher().ask("thong tu 44 co may tieu chi").kind == "answer"
        assert asyncio.run(build_matcher_async()).ask("thong tu 44 co may tieu chi").kind == "answer"
    assert builds_here == [None, None]
    assert "took over 0.5 s" in caplog.text


def test_the_last_few_builds_are_kept_so_one_with_added_entries_does_not_push_out_the_packaged_one(
    own_cache: Path,
) -> None:
    builds = [cache.kept_file("faq", [], ".pickle", salt=bytes([n])) for n in range(6)]
    for n, path in enumerate(builds):
        assert path is not None
        cache.keep(path, b"build %d" % n)
        os.utime(path, (1_000_000 + n, 1_000_000 + n))  # in the order written, whatever the clock's grain

    kept = sorted((own_cache / "khuyenhoc-bot").glob("faq-*.pickle"))
    assert kept == sorted(builds[-cache.KEPT_PER_KIND :])
    assert cache.read_kept(builds[-1]) == b"build 5"
