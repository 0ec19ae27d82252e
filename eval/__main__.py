"""`python -m eval`: score the FAQ on the frozen blind set (see eval/run.py)."""

from eval.run import main

raise SystemExit(main())
