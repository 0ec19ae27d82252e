"""`python -m bot ask`: organisers test the knowledge base from the command line."""

from __future__ import annotations

import argparse
import io
import json
import shutil

from bot.commands import ask
from bot.core.faq import packaged_directory


def _run(argv: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="bot")
    ask.add_parser(parser.add_subparsers())
    args = parser.parse_args(["ask", *argv])
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_one_question_prints_the_answer_with_its_source_in_vietnamese(capsys):
    code, out, _ = _run(["tt44 co may tieu chi"], capsys)
    assert code == 0
    assert "15 tiêu chí" in out and "12/02/2024" in out
    assert "Nguồn: TT44/2014/TT-BGDĐT, Điều 3" in out
    assert "<b>" not in out


def test_an_unconfirmed_point_says_so_and_offers_to_pass_it_on(capsys):
    _, out, _ = _run(["tổng điểm tối đa của TT44"], capsys)
    assert "Chưa có thông tin" in out
    assert "chuyển câu hỏi" in out


def test_an_out_of_scope_question_is_declined_politely(capsys):
    _, out, _ = _run(["giá vàng hôm nay"], capsys)
    assert out.strip() == (
        "Xin lỗi, hiện chưa có câu trả lời cho câu hỏi này. Tôi có thể chuyển câu hỏi tới cán bộ phụ trách."
    )


def test_json_mode_answers_one_question_per_line(capsys, monkeypatch):
    stdin = "TT44 còn hiệu lực không\n\nthoi tiet hom nay\nđiểm\n"
    code, out, _ = _run(["--json"], capsys, stdin=stdin, monkeypatch=monkeypatch)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert {"answered", "answer", "entry", "score", "suggestions"} <= set(row)
        assert {"kind", "language", "small_talk", "more", "document", "parts"} <= set(row)
        assert isinstance(row["score"], float)
    assert rows[0]["answered"] is True and rows[0]["entry"] == "tt44-status"
    assert "12/02/2024" in rows[0]["answer"]
    assert rows[1]["answered"] is False and rows[1]["entry"] is None and rows[1]["suggestions"] == []
    assert rows[1]["kind"] == "none" and rows[1]["language"] == "vi"
    assert all(set(s) == {"id", "question"} for s in rows[2]["suggestions"])


def test_an_edited_knowledge_base_can_be_tried_with_kb(tmp_path, capsys):
    directory = tmp_path / "faq"
    shutil.copytree(packaged_directory(), directory)
    (directory / "broken.yaml").write_text("entries:\n  - id: Bad Id\n", encoding="utf-8")
    code, _, err = _run(["--kb", str(directory), "tt44"], capsys)
    assert code == 2
    assert "broken.yaml: entry #1" in err


def test_python_m_bot_ask_runs_as_a_command(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "TTHTCĐ do ai thành lập"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Chủ tịch Ủy ban nhân dân cấp xã" in done.stdout
