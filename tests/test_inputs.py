"""Inputs that used to be taken silently or refused with a raw Python error: each gets a clear one."""

import numpy as np
import pytest

import pgrid
from pgrid import quantum

NET = pgrid.chain(2, gain=4.0, loss=2.0, gamma=0.01)


@pytest.mark.parametrize("call, error, match", [
    (lambda: pgrid.chain(2, gain=True, loss=2.0, gamma=0.01), ValueError, "boolean True"),
    (lambda: pgrid.steady_state(NET, throw="no"), ValueError, "`throw` must be True or False"),
    (lambda: pgrid.steady_state(NET, continuation="x"), ValueError, "`continuation` must be True or False"),
    (lambda: pgrid.steady_state(NET, progress="yes"), ValueError, "`progress` must be True, False or None"),
    (lambda: pgrid.steady_state(NET, seed=2**70), ValueError, r"\[0, 2\*\*63 - 1\]"),
    (lambda: pgrid.simulate(NET, dt=0.02, t_relax=1.0, t_sample=1.0, n_traj=2, seed=2**70), ValueError,
     r"\[0, 2\*\*63 - 1\]"),
    (lambda: pgrid.simulate(NET, dt=0.02, t_relax=1.0, t_sample=1.0, n_traj=2, seed=0, throw="no"), ValueError,
     "`throw` must be True or False"),
    (lambda: pgrid.steady_state(pgrid.chain(2, gain=1e300, loss=2.0, gamma=0.01)), ValueError,
     "steps per point"),
    (lambda: quantum.steady_state(NET, 10, tol=-1), ValueError, "`tol` must be a number in"),
    (lambda: quantum.steady_state(NET, 3, max_top_population=float("nan")), ValueError, "`max_top_population`"),
    (lambda: pgrid.save(42, "x.nc"), TypeError, "pgrid.save takes a pgrid result"),
    (lambda: pgrid.simulate(NET, dt=0.02, t_relax=1.0, t_sample=1.0, n_traj=10**9, seed=0),
     pgrid.errors.InsufficientMemoryError, "n_traj"),
])
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_an_empty_cache_directory_variable_is_refused(monkeypatch):
    monkeypatch.setenv("PGRID_CACHE_DIR", "")
    with pytest.raises(ValueError, match="PGRID_CACHE_DIR is set but empty"):
        pgrid.sweeps.cache_dir()
    monkeypatch.setenv("PGRID_CACHE_DIR", "/tmp/pgrid-cache-test")
    assert str(pgrid.sweeps.cache_dir()) == "/tmp/pgrid-cache-test"


def test_the_largest_seed_is_accepted_and_numpy_flags_too():
    s = pgrid.steady_state(NET, seed=2**63 - 1, throw=np.bool_(True))
    assert s.status == "stable"
