"""figures._common.follow_branch: Newton continuation that stops where a path leaves its branch."""

import numpy as np

import pgrid
from pgrid.book.figures._common import follow_branch


def omega_zero(s, _paths):
    return np.asarray(s.stable) & (np.abs(s.frequency) < 1e-6)


def test_follow_branch_matches_one_continuation_and_stops_at_the_first_miss():
    ges = np.linspace(8.0, 2.0, 31)
    paths = [[pgrid.chain(6, gain=gi, loss=x, gamma=1e-2) for x in ges] for gi in (3.0, 4.0)]
    on, out = follow_branch(paths, omega_zero, stage=7)
    full = pgrid.steady_state(paths, continuation=True, init="seed", t_max=2e3)
    hit = np.cumprod(omega_zero(full, paths), axis=1).astype(bool)
    assert np.array_equal(on, hit)
    assert on[:, 0].all() and not on[:, -1].any()          # on the branch at 8g, off it by 2g
    np.testing.assert_array_equal(out["current"][on], full.current[..., -1][on])   # same states, bit for bit
    assert np.all(np.isnan(out["current"][~on]))
