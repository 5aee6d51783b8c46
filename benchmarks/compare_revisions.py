#!/usr/bin/env python
"""A benchmark of the working tree against an earlier revision, measured in one run.

    python benchmarks/compare_revisions.py REV [--bench bench_sde.py] [--rounds 2]

Checks REV out into a temporary git worktree and runs the benchmark script (from the
working tree, so both sides are measured by the same code) alternately against REV's pgrid
and the working tree's (``PYTHONPATH``), ``--rounds`` times each, so that the machine's
drifting speed hits both sides alike.  Prints every run's lines side by side and, for the
numeric columns, the ratio working tree / REV of the best round.  For refactors that
promise "no slowdown".
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(script, pythonpath):
    env = dict(os.environ, PYTHONPATH=str(pythonpath), OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()


def numbers(line):
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?e[+-]\d+", line)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rev")
    ap.add_argument("--bench", default="bench_sde.py")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    script = ROOT / "benchmarks" / args.bench
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(old), args.rev],
            check=True,
        )
        try:
            results = {"old": [], "new": []}
            for k in range(args.rounds):
                for side, path in (("old", old), ("new", ROOT)):
                    results[side].append(run(script, path))
                    print(
                        f"round {k + 1}, {'working tree' if side == 'new' else args.rev}:",
                        flush=True,
                    )
                    print("\n".join("  " + line for line in results[side][-1]), flush=True)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True
            )
    print(f"\nbest of {args.rounds} rounds, working tree / {args.rev} (rates: > 1 is faster):")
    for k, line in enumerate(results["new"][0]):
        best = {}
        for side in ("old", "new"):
            rows = [numbers(r[k]) for r in results[side] if k < len(r)]
            if rows and all(rows) and len({len(r) for r in rows}) == 1:
                best[side] = [max(col) for col in zip(*rows)]
        if (
            line.split()[:1]
            and line.split()[0].isdigit()
            and "old" in best
            and "new" in best
            and len(best["old"]) == len(best["new"])
        ):
            ratios = "  ".join(f"{n / o:.3f}" for o, n in zip(best["old"], best["new"]))
            print(
                f"  {line.split()[0]:>3} {line.split()[1]:>3}  old {best['old'][0]:.3g}  new {best['new'][0]:.3g}"
                f"  ratio {ratios}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
