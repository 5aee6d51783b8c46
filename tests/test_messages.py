"""Messages a user meets on their own network: honest, specific, and saying what to do."""

import multiprocessing as mp
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import pgrid
from pgrid import quantum


def test_max_stable_dt_is_continuous_down_to_zero_bath():
    """It used to jump from 9e-4 at gamma = 1e-9 to 0.18 at gamma = 0."""
    dts = [
        pgrid.max_stable_dt(pgrid.chain(10, gain=0.0, loss=0.0, gamma=g))
        for g in (0.0, 1e-12, 1e-9, 1e-6, 1e-4)
    ]
    assert dts[0] == dts[1] == dts[2] == dts[3] and dts[3] <= dts[4]
    assert 1e-2 < dts[0] < 0.05


def test_truncation_error_carries_the_state_and_a_cutoff_that_works():
    net = pgrid.chain(
        2, gain=pgrid.Reservoir(4.0, n0=1.0), loss=pgrid.Reservoir(2.0, n0=1.0), gamma=1e-2
    )
    with pytest.raises(quantum.TruncationError, match="try n_fock = ") as info:
        quantum.steady_state(net, 30)
    err = info.value
    assert err.n_fock == 30 and err.rho is not None and err.rho.dims == [[30, 30], [30, 30]]
    rho = quantum.steady_state(net, err.suggested_n_fock)  # the suggestion is enough
    assert quantum.top_fock_population(rho).max() <= 1e-5


def test_a_ring_is_drawn_as_a_ring():
    import matplotlib

    matplotlib.use("Agg")
    from pgrid.plotting import draw_network

    g = np.zeros((6, 6))
    for k in range(6):
        g[k, (k + 1) % 6] = g[(k + 1) % 6, k] = 1.0
    ring = pgrid.Network(g, gamma=1e-2, gain={0: 2.0}, loss={3: 1.0})
    ax = draw_network(ring)
    centres = np.array([p.center for p in ax.patches if type(p).__name__ == "Circle"])
    assert len(centres) >= 6 and np.ptp(centres[:, 1]) > 1.0  # not all on one line
    import matplotlib.pyplot as plt

    plt.close("all")


def test_cache_command_prints_no_warning(tmp_path):
    out = subprocess.run(
        [sys.executable, "-W", "error", "-m", "pgrid", "cache"],
        capture_output=True,
        text=True,
        env={"PGRID_CACHE_DIR": str(tmp_path), "PATH": ""},
        cwd=tmp_path,
    )
    assert out.returncode == 0 and "cached sweeps" in out.stdout and not out.stderr


def _fork_point(loss, seed):
    net = pgrid.chain(3, gain=2.0, loss=loss, gamma=0.1, n_th=1.0)
    return pgrid.simulate(
        net, dt=0.02, t_relax=1.0, t_sample=2.0, n_traj=16, seed=seed
    ).statistics()


def test_a_fork_pool_that_dies_says_to_use_spawn():
    _fork_point(1.0, 0)  # numba's threads are running in this process
    with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as ex:
        try:
            res = pgrid.sweep(
                _fork_point, {"loss": [1.0, 2.0]}, seed=1, executor=ex, progress=False
            )
        except RuntimeError as exc:  # the OpenMP runtime kills forked workers: say what to do
            assert "spawn" in str(exc) and "fork" in str(exc)
        else:  # a threading layer that survives fork: then it must be right
            assert res["current_mean"].shape[0] == 2


def test_first_compilation_is_announced_once(monkeypatch, capsys):
    from pgrid import _config

    class FakeFile:
        def _load_index(self):
            return {}

    class FakeKernel:
        signatures = []

        class _cache:
            _cache_file = FakeFile()

    kernel = FakeKernel()
    monkeypatch.setenv("PGRID_PROGRESS", "1")
    _config.announce_compilation(kernel, "test kernel")
    _config.announce_compilation(kernel, "test kernel")
    err = capsys.readouterr().err
    assert err.count("compiling the test kernel") == 1
    monkeypatch.setenv("PGRID_PROGRESS", "0")
    _config.announce_compilation(FakeKernel(), "quiet kernel")
    assert "quiet kernel" not in capsys.readouterr().err


def test_a_network_without_loss_is_said_to_grow_not_to_oscillate():
    net = pgrid.Network([[0, 1], [1, 0]], gamma=0.0, gain={0: 4.0}, loss={})
    s = pgrid.steady_state(net, t_max=2e3, throw=False)
    assert s.status == "not stationary"
    assert "STILL GROWING" in s.message and "no loss reservoir" in s.message
    assert "oscillating" not in s.message
    damped = pgrid.steady_state(net.replace(gamma=0.1), throw=False)  # a bath channel: it settles
    assert "STILL GROWING" not in damped.message


def test_a_large_network_is_announced_before_the_work():
    # issue 30, item 7: an estimate (not a size threshold) up front, with the range and the reason
    import warnings

    from pgrid.errors import CostWarning

    big = pgrid.chain(2000, gain=4.0, loss=2.0, gamma=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", CostWarning
        )  # raised before any work (a point takes minutes)
        with pytest.raises(CostWarning, match=r"expect 2\.\d min to \d+ min .*4000x4000 Jacobian"):
            pgrid.steady_state(big, threads=1)
        with pytest.raises(
            CostWarning, match=r"\(8 point\(s\)\): expect 8\.\d min"
        ):  # 4 rounds of 2
            pgrid.steady_state([big] * 8, threads=2)
        pgrid.steady_state(pgrid.chain(300, gain=4.0, loss=2.0, gamma=0.01))  # ~1 s: no notice


def test_long_points_show_their_integration_and_give_the_same_result(monkeypatch):
    # issue 30, item 7: a progress bar inside one long point (read from the kernel's clock while it runs)
    import pgrid.deterministic as det

    net = pgrid.chain(300, gain=4.0, loss=6.0, gamma=1e-2)
    quiet = pgrid.steady_state(net, progress=False)
    seen = []

    class Recorder:
        def __init__(self, total, desc, unit="it", enabled=True):
            self.total, self.n, self.desc = total, 0, desc

        def set_description_str(self, desc, refresh=True):
            self.desc = desc

        def refresh(self):
            seen.append((self.n, self.total, self.desc))

        def close(self):
            pass

    monkeypatch.setattr(det, "POLL_SECONDS", 0.005)
    monkeypatch.setattr(det, "INNER_PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(
        det, "progress_bar", lambda *a, enabled=True, **k: Recorder(*a, **k) if enabled else None
    )
    shown = pgrid.steady_state(net, progress=True)
    assert len(seen) >= 3 and seen[0][1] == 5000  # t_max = 50 / gamma per point
    values = [n for n, _, _ in seen]
    assert max(values) > 0 and values[-1] >= values[0]
    assert {d for _, _, d in seen} >= {
        "steady state: integrating",
        "steady state: stability verdict (600x600 eigenproblem)",
    }
    for field in ("alpha", "occupation", "current", "frequency", "t_end", "max_growth", "status"):
        assert np.array_equal(getattr(quiet, field), getattr(shown, field)), field
