"""Run every benchmark: `python bench/run.py [--quick] [--reps N] [--only NAME ...]`.

Each `bench/bench_*.py` module that exposes `run()` returning a result dict (or a list of them) is run in
this process; a module without `run()` is run as `python bench/bench_x.py`. Results are printed as tables
and written to `bench/results/<name>.json`, plus `bench/results/all.json` and `bench/results/latest.md`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, REPO, RESULTS, machine, render, write_results

SCRIPT_RESULTS: dict[str, object] = {}
"""JSON written by modules run as scripts (their own format), kept in all.json."""

ORDER = ("bench_saturation", "bench_rtt20", "bench_rate100", "bench_mixed")
"""The foundation's workloads first; features' modules follow in name order."""


def modules(only: list[str]) -> list[str]:
    found = sorted(p.stem for p in (REPO / "bench").glob("bench_*.py"))
    ordered = [m for m in ORDER if m in found] + [m for m in found if m not in ORDER]
    if only:
        ordered = [m for m in ordered if any(o in m for o in only)]
    return ordered


def run_module(name: str, *, quick: bool, reps: int) -> list[dict]:
    module = importlib.import_module(f"bench.{name}")
    run = getattr(module, "run", None)
    if run is None:
        print(f"(running {name}.py as a script)", flush=True)
        began = time.time()
        subprocess.run([PYTHON, str(REPO / "bench" / f"{name}.py")], cwd=REPO, check=True)
        written = [p for p in RESULTS.glob("*.json") if p.stat().st_mtime >= began and p.name != "all.json"]
        SCRIPT_RESULTS.update({p.stem: json.loads(p.read_text()) for p in written})
        return []
    accepted = inspect.signature(run).parameters
    kwargs = {k: v for k, v in (("quick", quick), ("reps", reps)) if k in accepted}
    output = run(**kwargs)
    return output if isinstance(output, list) else [output]


README = REPO / "bench" / "README.md"
BEGIN, END = "<!-- latest results -->", "<!-- end of latest results -->"


def update_readme(tables: str, where: dict) -> None:
    """Put a full run's tables into bench/README.md between the markers."""
    text = README.read_text()
    if BEGIN not in text or END not in text:
        return
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    intro = (
        f"Run of {when} on {where['cpus']} CPUs, Python {where['python']}, load average "
        f"{where['loadavg_1m']} at the end (the box is shared: read the ratios, not the rates)."
    )
    README.write_text(f"{head}{BEGIN}\n{intro}\n\n{tables.replace('### ', '#### ')}\n{END}{tail}")


def _interrupt(_signum: int, _frame: object) -> None:
    """SIGTERM stops the run like Ctrl-C, so the emulator and bot processes are stopped too."""
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small loads: a smoke run, not for verdicts")
    parser.add_argument("--reps", type=int, default=3, help="interleaved repetitions (default 3)")
    parser.add_argument(
        "--only", nargs="*", default=[], help="run only modules whose name contains one of these"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    collected: list[dict] = []
    failed: list[str] = []
    began = time.monotonic()
    for name in modules(args.only):
        print(f"== {name}", flush=True)
        try:
            for result in run_module(name, quick=args.quick, reps=args.reps):
                write_results(result)
                collected.append(result)
                print(render(result), end="\n\n", flush=True)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    RESULTS.mkdir(parents=True, exist_ok=True)
    combined = {
        "machine": machine(),
        "seconds": round(time.monotonic() - began, 1),
        "quick": args.quick,
        "reps": args.reps,
        "results": collected,
        "script_results": SCRIPT_RESULTS,
        "failed": failed,
    }
    (RESULTS / "all.json").write_text(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
    tables = "\n\n".join(render(r) for r in collected)
    (RESULTS / "latest.md").write_text(tables + "\n")
    if not args.quick and not args.only and collected:
        update_readme(tables, combined["machine"])
    missed = [f"{r['name']}: {t['name']}" for r in collected for t in r.get("targets", []) if not t["ok"]]
    print(
        f"{len(collected)} results in {combined['seconds']} s; targets missed: {len(missed)}; "
        f"failed modules: {', '.join(failed) or 'none'}"
    )
    for line in missed:
        print(f"  ❌ {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
