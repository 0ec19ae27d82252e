"""Score the FAQ on a frozen blind set, per category, as a cadre would see the answers.

    python -m eval                          # eval/faq_blind_2026_12.yaml, person's language: the item's
    python -m eval --setting vi             # every person has Vietnamese set (English must be detected)
    python -m eval -v                       # also list every miss
    python -m eval --json eval/results.json # write the scores as JSON too

What is scored is the text `python -m bot ask` prints (answer, source line, notes), not the entry id:
- in scope (items with `facts`): correct when the bot answers (kind "answer" or "unconfirmed") and the text
  contains at least one string of every `facts` group and none of `must_not_contain`;
- out of scope (`out_of_scope: true`): correct when declined (kind "none": no answer, no suggestions); the
  report also counts, apart, those answered "no confirmed information on this point" (kind "unconfirmed");
- small talk (`small_talk: true`): correct when the result is small talk (kind "small_talk");
- wrong-document answers: answered texts that contain a `must_not_contain` string (another document's date
  or number stated for the one asked) – the target is 0.

The set is frozen: never edit it, never copy its questions into the knowledge base or the dev sets.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.faq import FaqMatcher

ROOT = Path(__file__).resolve().parents[1]
BLIND_SET = ROOT / "eval" / "faq_blind_2026_12.yaml"
ANSWERED_KINDS = ("answer", "unconfirmed")

Answerer = Callable[[str, str], tuple[str, str]]
"""(question, person's locale) → (result kind, the text the person sees)."""


@dataclass
class Miss:
    q: str
    category: str
    kind: str
    why: str
    text: str = ""


@dataclass
class Scores:
    """Counts per category and overall, plus every miss."""

    per_category: dict[str, tuple[int, int]] = field(default_factory=dict)  # category → (correct, total)
    in_scope: tuple[int, int] = (0, 0)
    out_of_scope: tuple[int, int] = (0, 0)
    small_talk: tuple[int, int] = (0, 0)
    wrong_document: int = 0
    out_of_scope_unconfirmed: int = 0
    """Out-of-scope questions not declined outright but answered "no confirmed information" (unconfirmed)."""
    kinds: dict[str, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @staticmethod
    def rate(pair: tuple[int, int]) -> float:
        return pair[0] / pair[1] if pair[1] else 1.0

    def listed_misses(self, *categories: str) -> str:
        """The misses (of these categories, or all), one a line: an assertion's message."""
        return "\n".join(
            f"[{m.category}] {m.q!r}: {m.kind}, {m.why}"
            for m in self.misses
            if not categories or m.category in categories
        )


def load_items(path: Path = BLIND_SET) -> list[dict]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def _has_facts(text: str, groups: list[list[str]]) -> list[list[str]]:
    """The fact groups `text` does not satisfy (none of their strings in it)."""
    return [group for group in groups if not any(str(s) in text for s in group)]


def score(items: list[dict], answer: Answerer, setting: str | None = None) -> Scores:
    """Score `answer` on `items`; `setting` is every person's language (None: each item's own locale)."""
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    totals = {"in": [0, 0], "out": [0, 0], "talk": [0, 0]}
    kinds: Counter[str] = Counter()
    result = Scores()
    for item in items:
        locale = setting or item.get("locale", "vi")
        kind, text = answer(item["q"], locale)
        kinds[kind] += 1
        category = item.get("category", "?")
        why = ""
        if item.get("small_talk"):
            bucket = "talk"
            if kind != "small_talk":
                why = "not small talk"
        elif item.get("out_of_scope"):
            bucket = "out"
            if kind != "none":
                why = "not declined"
                result.out_of_scope_unconfirmed += kind == "unconfirmed"
        else:
            bucket = "in"
            forbidden = [s for s in item.get("must_not_contain", []) if str(s) in text]
            if kind in ANSWERED_KINDS and forbidden:
                result.wrong_document += 1
                why = f"states {forbidden}"
            elif kind not in ANSWERED_KINDS:
                why = "declined" if kind == "none" else kind
            else:
                missing = _has_facts(text, item["facts"])
                if missing:
                    why = "lacks " + " / ".join(repr(g[0]) for g in missing)
        totals[bucket][1] += 1
        per_category[category][1] += 1
        if why:
            result.misses.append(Miss(item["q"], category, kind, why, text))
        else:
            totals[bucket][0] += 1
            per_category[category][0] += 1
    result.per_category = {c: (v[0], v[1]) for c, v in sorted(per_category.items())}
    result.in_scope = tuple(totals["in"])
    result.out_of_scope = tuple(totals["out"])
    result.small_talk = tuple(totals["talk"])
    result.kinds = dict(kinds)
    return result


def bot_answerer(kb_dir: Path | None = None, matcher: FaqMatcher | None = None) -> Answerer:
    """The packaged FAQ (or the knowledge base in `kb_dir`), answering as `python -m bot ask` does; `matcher`:
    one already built (the tests share one)."""
    from bot.commands import ask
    from bot.core.faq import FaqMatcher, KnowledgeBase

    if matcher is None:
        matcher = FaqMatcher(KnowledgeBase.load(kb_dir))
    translators = {locale: ask.load_translations(locale) for locale in ("vi", "en")}

    def answer(question: str, locale: str) -> tuple[str, str]:
        result = matcher.ask(question, locale)
        return result.kind, ask.render_text(result, translators[result.language], result.language)

    return answer


def report(scores: Scores) -> str:
    def pct(pair: tuple[int, int]) -> str:
        return f"{Scores.rate(pair):6.1%} ({pair[0]}/{pair[1]})"

    declined, out_of_scope = scores.out_of_scope
    lines = [f"{'category':<16} {'correct':>18}"]
    lines += [f"{c:<16} {pct(p):>18}" for c, p in scores.per_category.items()]
    lines += [
        "",
        f"in scope, right facts    {pct(scores.in_scope)}",
        f"out of scope, declined   {pct(scores.out_of_scope)}",
        f"  … or said unconfirmed  {pct((declined + scores.out_of_scope_unconfirmed, out_of_scope))}",
        f"small talk recognised    {pct(scores.small_talk)}",
        f"wrong-document answers   {scores.wrong_document}",
        f"result kinds             {dict(sorted(scores.kinds.items()))}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set", type=Path, default=BLIND_SET, help="question set (default: the frozen blind set)"
    )
    parser.add_argument(
        "--setting", choices=("vi", "en"), default=None, help="every person's language setting"
    )
    parser.add_argument("--kb", type=Path, default=None, help="knowledge-base directory (default: packaged)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", type=Path, default=None, help="also write the scores to this file")
    args = parser.parse_args(argv)
    items = load_items(args.set)
    answer = bot_answerer(args.kb)
    start = time.perf_counter()
    scores = score(items, answer, args.setting)
    elapsed = time.perf_counter() - start
    print(f"{args.set.name}: {len(items)} questions, setting {args.setting or 'item locale'}")
    print(report(scores))
    print(f"time per question        {elapsed / len(items) * 1000:.1f} ms (mean)")
    if args.verbose:
        for miss in scores.misses:
            print(f"- [{miss.category}] {miss.q!r}: {miss.kind}, {miss.why}")
            if miss.text and miss.kind in ANSWERED_KINDS:
                print("    " + miss.text.replace("\n", " ")[:300])
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(scores), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
