#!/usr/bin/env python
"""How many trajectories the SDE kernel integrates side by side (``pgrid._sde_kernels.BLOCK``).

Copies ``pgrid/`` into a temporary directory once per block size, sets ``BLOCK`` there and times
``pgrid.simulate`` on one thread (64 trajectories, 2.5e5 steps) for chains of 2, 4 and 10 sites,
each copy in its own process with its own numba cache (compilation is not timed).  Prints the time
per run and the ratio to the block size in use, measured in the same run, and checks that every
block size gives the same mean currents to round-off (each lane follows its trajectory's stream).

    python benchmarks/bench_sde_block.py            # ~3 minutes (three cold compilations)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (2, 4, 10)

CHILD = r"""
import json, time, pgrid
out = {}
for n in %r:
    net = pgrid.chain(n, gain=4.0, loss=3.0, gamma=1e-3, n_th=10.0)
    kw = dict(dt=0.01, t_relax=500.0, t_sample=2000.0, n_traj=64, seed=1, threads=1)
    pgrid.simulate(net, **{**kw, "t_relax": 1.0, "t_sample": 1.0})          # compile
    best = min(_timed(pgrid.simulate, net, kw) for _ in range(3))
    out[n] = (best, list(pgrid.simulate(net, **kw).current_mean))
print(json.dumps(out))
"""
TIMER = "def _timed(f, net, kw):\n    t = time.perf_counter(); f(net, **kw); return time.perf_counter() - t\n"


def run(block: int, tmp: Path) -> dict:
    copy = tmp / f"block{block}"
    shutil.copytree(
        ROOT / "pgrid", copy / "pgrid", ignore=shutil.ignore_patterns("__pycache__", "data")
    )
    src = copy / "pgrid" / "_sde_kernels.py"
    text, n = re.subn(r"^BLOCK = \d+", f"BLOCK = {block}", src.read_text(), count=1, flags=re.M)
    assert n == 1, "BLOCK not found in pgrid/_sde_kernels.py"
    src.write_text(text)
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "NUMBA_CACHE_DIR": str(tmp / f"numba{block}"),
        "OPENBLAS_NUM_THREADS": "1",
        "PGRID_PROGRESS": "0",
    }
    code = "import time\n" + TIMER + CHILD % (SIZES,)
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp, capture_output=True, text=True, check=True
    )
    return {int(k): v for k, v in json.loads(res.stdout.strip().splitlines()[-1]).items()}


def main():
    sys.path.insert(0, str(ROOT))
    from pgrid._sde_kernels import BLOCK

    blocks = sorted({16, 32, 64, BLOCK})
    with tempfile.TemporaryDirectory() as tmp:
        res = {b: run(b, Path(tmp)) for b in blocks}
    print(
        f"pgrid.simulate, one thread, 64 trajectories, 2.5e5 steps; ratio: time / time at BLOCK = {BLOCK} (in use)"
    )
    print("  BLOCK " + "".join(f"   N = {n:<2d} (s, ratio)" for n in SIZES))
    for b in blocks:
        row = "".join(
            f"   {res[b][n][0]:6.3f}  {res[b][n][0] / res[BLOCK][n][0]:5.2f}x   " for n in SIZES
        )
        print(f"  {b:5d}{'*' if b == BLOCK else ' '}{row}")
    worst = max(
        abs(x - y) / abs(y)
        for b in blocks
        for n in SIZES
        for x, y in zip(res[b][n][1], res[BLOCK][n][1])
    )
    print(
        f"largest relative difference of a mean current between block sizes: {worst:.1e} (round-off)"
    )


if __name__ == "__main__":
    main()
