"""Inputs that used to be taken silently or refused with a raw Python error: each gets a clear one."""

import numpy as np
import pytest

import pgrid
from pgrid import quantum

NET = pgrid.chain(2, gain=4.0, loss=2.0, gamma=0.01)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: pgrid.chain(2, gain=True, loss=2.0, gamma=0.01), ValueError, "boolean True"),
        (lambda: pgrid.steady_state(NET, throw="no"), ValueError, "`throw` must be True or False"),
        (
            lambda: pgrid.steady_state(NET, continuation="x"),
            ValueError,
            "`continuation` must be True or False",
        ),
        (
            lambda: pgrid.steady_state(NET, progress="yes"),
            ValueError,
            "`progress` must be True, False or None",
        ),
        (lambda: pgrid.steady_state(NET, seed=2**70), ValueError, r"\[0, 2\*\*63 - 1\]"),
        (
            lambda: pgrid.simulate(NET, dt=0.02, t_relax=1.0, t_sample=1.0, n_traj=2, seed=2**70),
            ValueError,
            r"\[0, 2\*\*63 - 1\]",
        ),
        (
            lambda: pgrid.simulate(
                NET, dt=0.02, t_relax=1.0, t_sample=1.0, n_traj=2, seed=0, throw="no"
            ),
            ValueError,
            "`throw` must be True or False",
        ),
        (
            lambda: pgrid.steady_state(pgrid.chain(2, gain=1e300, loss=2.0, gamma=0.01)),
            ValueError,
            "steps per point",
        ),
        (lambda: quantum.steady_state(NET, 10, tol=-1), ValueError, "`tol` must be a number in"),
        (
            lambda: quantum.steady_state(NET, 3, max_top_population=float("nan")),
            ValueError,
            "`max_top_population`",
        ),
        (lambda: pgrid.save(42, "x.nc"), TypeError, "pgrid.save takes a pgrid result"),
        (
            lambda: pgrid.simulate(NET, dt=0.02, t_relax=1.0, t_sample=1.0, n_traj=10**9, seed=0),
            pgrid.errors.InsufficientMemoryError,
            "n_traj",
        ),
    ],
)
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


def test_saved_steady_states_keep_their_networks(tmp_path):
    from pgrid.xarray_io import network_attrs, network_from_attrs, networks_from_dataset

    one = pgrid.chain(
        3, gain=pgrid.Reservoir(4.0, n0=2.0), loss=2.0, gamma=0.01, n_th=[0.1, 0.0, 0.2]
    )
    pgrid.save(pgrid.steady_state(one), tmp_path / "one.nc")
    assert network_attrs(
        network_from_attrs(pgrid.load(tmp_path / "one.nc").attrs)
    ) == network_attrs(one)
    paths = [
        [pgrid.chain(3, gain=4.0, loss=b, gamma=0.01, detuning=[0.0, d, 0.0]) for b in (1.0, 2.0)]
        for d in (0.0, 0.1)
    ]
    pgrid.save(pgrid.steady_state(paths, continuation=True), tmp_path / "batch.nc")
    ds = pgrid.load(tmp_path / "batch.nc")
    back = networks_from_dataset(ds)
    assert back.shape == (2, 2)
    assert all(
        network_attrs(a) == network_attrs(b)
        for a, b in zip(back.ravel(), [x for r in paths for x in r])
    )
    with pytest.raises(KeyError, match="networks_from_dataset"):
        network_from_attrs(ds.attrs)


def test_saving_a_sweep_says_it_cannot_keep_the_network(tmp_path):
    res = pgrid.sweep(lambda x: {"y": x}, {"x": [1.0, 2.0]}, progress=False)
    with pytest.warns(UserWarning, match="does not know its network"):
        pgrid.save(res, tmp_path / "s.nc")
    with pytest.raises(KeyError, match="to_xarray\\(network=net\\)"):
        pgrid.xarray_io.network_from_attrs(pgrid.load(tmp_path / "s.nc").attrs)


def test_saved_linear_noise_keeps_its_statistics_and_networks(tmp_path):
    # issue 30, item 4: every result type keeps its network(s) (LinearNoise had no to_xarray: save refused it)
    from pgrid.xarray_io import network_attrs, networks_from_dataset

    nets = [
        pgrid.chain(
            3,
            gain=pgrid.Reservoir(4.0, n0=400),
            loss=pgrid.Reservoir(b, n0=400),
            gamma=0.05,
            n_th=0.1,
        )
        for b in (2.0, 3.0)
    ]
    ln = pgrid.linear_noise(nets, pgrid.steady_state(nets))
    pgrid.save(ln, tmp_path / "ln.nc")
    ds = pgrid.load(tmp_path / "ln.nc")
    assert ds.attrs["pgrid_result"] == "LinearNoise"
    assert ds["covariance"].dims == ("point", "quadrature", "quadrature_2")
    for name in (
        "current_mean",
        "current_std",
        "occupation_mean",
        "covariance",
        "relative_fluctuation",
        "alpha",
    ):
        assert np.array_equal(ds[name].values, getattr(ln, name)), name
    assert list(ds["status"].values) == list(ln.status)
    back = networks_from_dataset(ds)
    assert [network_attrs(x) for x in back] == [network_attrs(x) for x in nets]
    one = pgrid.linear_noise(nets[0], pgrid.steady_state(nets[0]))
    pgrid.save(one, tmp_path / "one.nc")
    assert network_attrs(
        networks_from_dataset(pgrid.load(tmp_path / "one.nc"))[()]
    ) == network_attrs(nets[0])
