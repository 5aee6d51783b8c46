"""figures._common.follow_branch: Newton continuation that stops where a path leaves its branch; and
one start per point (``Protocol(init=...)`` of shape (points, N))."""

import numpy as np
import pytest

import pgrid
from pgrid.book.figures._common import follow_branch


def omega_zero(s, _paths):
    return np.asarray(s.stable) & (np.abs(s.frequency) < 1e-6)


def test_follow_branch_matches_one_continuation_and_stops_at_the_first_miss():
    # stages continue from the last state of the one before (integrated, then Newton): the states agree
    # with one uninterrupted continuation to Newton's tolerance
    ges = np.linspace(8.0, 2.0, 31)
    paths = [[pgrid.chain(6, gain=gi, loss=x, gamma=1e-2) for x in ges] for gi in (3.0, 4.0)]
    on, out = follow_branch(paths, omega_zero, stage=7)
    full = pgrid.steady_state(paths, continuation=True, init="seed", t_max=2e3)
    hit = np.cumprod(omega_zero(full, paths), axis=1).astype(bool)
    assert np.array_equal(on, hit)
    assert on[:, 0].all() and not on[:, -1].any()  # on the branch at 8g, off it by 2g
    np.testing.assert_allclose(out["current"][on], full.current[..., -1][on], rtol=1e-9)
    assert np.all(np.isnan(out["current"][~on]))


def test_one_start_per_point():
    nets = [pgrid.chain(4, gain=4.0, loss=x, gamma=1e-2) for x in (1.0, 6.0)]
    rng = np.random.default_rng(3)
    starts = rng.normal(size=(2, 4)) + 1j * rng.normal(size=(2, 4))
    both = pgrid.steady_state(nets, init=starts)
    for k in range(2):
        alone = pgrid.steady_state(nets[k], init=starts[k])
        np.testing.assert_array_equal(both.alpha[k], alone.alpha)
    with pytest.raises(ValueError, match=r"shape \(2, 4\)"):
        pgrid.steady_state(nets, init=starts[:, :3])
    with pytest.raises(ValueError, match="finite"):
        pgrid.Protocol(init=[[1.0, np.nan]])
    assert pgrid.Protocol(init=starts) == pgrid.Protocol(init=starts.copy())  # a value, hashable
    hash(pgrid.Protocol(init=starts))
