"""pgrid.sweep (pgrid.sweeps): labelled results, per-point seeds, identical results on every backend, cache."""

import json
import multiprocessing
import os
import sys
import types
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import pgrid
from pgrid import sweeps as sweep_mod


def thermal_point(loss, n_th, seed):
    """A small SDE point: two oscillators with loss on site 1, thermal bath."""
    net = pgrid.chain(2, gain=2.0, loss=loss, gamma=0.1, n_th=n_th)
    ens = pgrid.simulate(net, dt=0.02, t_relax=20.0, t_sample=100.0, n_traj=4, seed=seed)
    return {"J": ens.current_mean[0], "occ": ens.occupation_mean}


GRID = {"loss": [1.0, 3.0, 5.0], "n_th": [0.5, 2.0]}


def _pid(x):
    return {"pid": os.getpid()}


@pytest.fixture(scope="module")
def reference():
    return pgrid.sweep(thermal_point, GRID, seed=11, progress=False)


def test_labelled_result_and_point_seeds(reference):
    res = reference
    assert res.dims == ("loss", "n_th") and res.shape == (3, 2)
    assert res["J"].shape == (3, 2) and res["occ"].shape == (3, 2, 2)
    np.testing.assert_array_equal(res.coords["loss"], GRID["loss"])
    # point (1, 0) is flat index 2 and gets its own seed, whatever ran before it
    direct = thermal_point(3.0, 0.5, sweep_mod.point_seed(11, 2))
    assert direct["J"] == res["J"][1, 0]
    np.testing.assert_array_equal(direct["occ"], res["occ"][1, 0])
    assert len({sweep_mod.point_seed(11, k) for k in range(100)}) == 100
    with pytest.raises(KeyError, match="returned"):
        res["nope"]


def test_executors_give_identical_arrays(reference):
    serial = pgrid.sweep(thermal_point, GRID, seed=11, executor="serial", progress=False)
    with ThreadPoolExecutor(2) as ex:
        threads = pgrid.sweep(thermal_point, GRID, seed=11, executor=ex, progress=False)
    # spawn, not fork: numba's OpenMP threads forbid fork() (see the pgrid.sweeps docstring)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        procs = pgrid.sweep(thermal_point, GRID, seed=11, executor=ex, progress=False)
        pids = pgrid.sweep(_pid, {"x": [1, 2, 3, 4]}, executor=ex, progress=False)["pid"]
    assert os.getpid() not in pids  # the points really ran in the worker processes
    for other in (serial, threads, procs):
        for name in reference.keys():
            np.testing.assert_array_equal(other[name], reference[name])


def test_dask_local_cluster_gives_identical_arrays(reference):
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(
        sys.modules[__name__]
    )  # workers cannot import this test module
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        res = pgrid.sweep(thermal_point, GRID, seed=11, executor=client, progress=False)
        res2 = pgrid.sweep(
            thermal_point, GRID, seed=11, executor=client.get_executor(), progress=False
        )
        pids = pgrid.sweep(_pid, {"x": list(range(8))}, executor=client, progress=False)["pid"]
    assert os.getpid() not in pids  # the points ran on the cluster's worker processes
    for name in reference.keys():
        np.testing.assert_array_equal(res[name], reference[name])
        np.testing.assert_array_equal(res2[name], reference[name])


# call counters live in a module: a module counts in the cache key by name, a list by value
COUNTER = types.ModuleType("counter")


def test_cache_hits_and_invalidation(tmp_path, monkeypatch, reference):
    COUNTER.calls = calls = []

    def point(x, scale):
        COUNTER.calls.append(x)
        return x * scale

    a = pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=3.0, cache=tmp_path, progress=False)
    b = pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=3.0, cache=tmp_path, progress=False)
    assert not a.cached and b.cached and len(calls) == 2
    np.testing.assert_array_equal(a["value"], b["value"])
    pgrid.sweep(
        point, {"x": [1.0, 2.0]}, scale=4.0, cache=tmp_path, progress=False
    )  # other parameters
    assert len(calls) == 4
    monkeypatch.setattr("pgrid.provenance.source_hash", lambda: "changed-pgrid")  # a pgrid change
    pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=3.0, cache=tmp_path, progress=False)
    assert len(calls) == 6
    monkeypatch.setenv("PGRID_CACHE_DIR", str(tmp_path / "env"))
    pgrid.sweep(point, {"x": [1.0]}, scale=1.0, cache=True, progress=False)
    assert len([d for d in (tmp_path / "env" / "sweeps").iterdir() if d.is_dir()]) == 1
    sweep_mod.main(["--clear"])
    assert not (tmp_path / "env" / "sweeps").exists()


def test_progress_is_silent_when_disabled(capsys, monkeypatch):
    monkeypatch.setenv("PGRID_PROGRESS", "0")
    assert not sweep_mod.progress_enabled()
    assert sweep_mod.progress_enabled(True)
    pgrid.sweep(lambda x: x, {"x": [1, 2, 3]})
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_bad_input():
    with pytest.raises(ValueError, match="grid"):
        pgrid.sweep(lambda x: x, {})
    with pytest.raises(ValueError, match="'x'"):
        pgrid.sweep(lambda x: x, {"x": [[1, 2]]})
    with pytest.raises(ValueError, match="both on the grid"):
        pgrid.sweep(lambda x: x, {"x": [1]}, x=2)
    with pytest.raises(ValueError, match="seed"):
        pgrid.sweep(lambda x, seed: x, {"x": [1]}, seed=-1)
    with pytest.raises(ValueError, match="submit"):
        pgrid.sweep(lambda x: x, {"x": [1]}, executor=object())
    with pytest.raises(ValueError, match="different shapes"):
        pgrid.sweep(lambda x: np.zeros(int(x)), {"x": [1, 2]}, progress=False)


SCALE = 2.0


def _helper(x):
    return SCALE * x


def _uses_helper(x):
    return _helper(x)


def test_cache_key_follows_helpers_and_constants(tmp_path, monkeypatch):
    a = pgrid.sweep(_uses_helper, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert pgrid.sweep(_uses_helper, {"x": [1.0]}, cache=tmp_path, progress=False).cached
    monkeypatch.setattr(sys.modules[__name__], "SCALE", 3.0)  # a changed constant used by a helper
    b = pgrid.sweep(_uses_helper, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert not b.cached and b["value"][0] == 3.0 and a["value"][0] == 2.0


OPTIONS = {"bins": 10}


def _uses_options(x):
    return x * OPTIONS["bins"]


def test_cache_key_follows_module_level_containers(tmp_path, monkeypatch):
    pgrid.sweep(_uses_options, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert pgrid.sweep(_uses_options, {"x": [1.0]}, cache=tmp_path, progress=False).cached
    monkeypatch.setitem(OPTIONS, "bins", 20)
    res = pgrid.sweep(_uses_options, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert not res.cached and res["value"][0] == 20.0


# --- the cache key covers everything the function reads (issue: silent stale hits) -------------

NET = pgrid.chain(3, gain=2.0, loss=1.0, gamma=0.1)


def _uses_network(x):
    return float(NET.gamma.sum()) * x


def test_cache_key_follows_a_global_network(tmp_path, monkeypatch):
    a = pgrid.sweep(_uses_network, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert pgrid.sweep(_uses_network, {"x": [1.0]}, cache=tmp_path, progress=False).cached
    monkeypatch.setattr(sys.modules[__name__], "NET", NET.replace(gamma=0.2))
    b = pgrid.sweep(_uses_network, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert not b.cached and b["value"][0] == pytest.approx(2 * a["value"][0])


def _factory(gamma):
    def point(x):
        return gamma * x

    return point


def test_cache_key_follows_closures_defaults_and_partials(tmp_path):
    import functools

    run = lambda f: pgrid.sweep(f, {"x": [1.0]}, cache=tmp_path, progress=False)  # noqa: E731
    assert not run(_factory(2.0)).cached and run(_factory(2.0)).cached
    res = run(_factory(3.0))  # a changed closure variable
    assert not res.cached and res["value"][0] == 3.0

    def with_default(x, k=1.0):
        return k * x

    assert not run(with_default).cached and run(with_default).cached
    with_default.__defaults__ = (5.0,)  # a changed default
    res = run(with_default)
    assert not res.cached and res["value"][0] == 5.0

    def scaled(x, k):
        return k * x

    assert (
        not run(functools.partial(scaled, k=2.0)).cached
        and run(functools.partial(scaled, k=2.0)).cached
    )
    res = run(functools.partial(scaled, k=7.0))  # a changed partial argument
    assert not res.cached and res["value"][0] == 7.0


def test_uncacheable_global_is_refused_by_name(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(sys.modules[__name__], "LOCK", threading.Lock(), raising=False)

    def uses_lock(x):
        with LOCK:  # noqa: F821
            return x

    with pytest.raises(sweep_mod.UncacheableError, match="'LOCK'.*fixed keyword argument"):
        pgrid.sweep(uses_lock, {"x": [1.0]}, cache=tmp_path, progress=False)
    assert pgrid.sweep(uses_lock, {"x": [1.0]}, progress=False)["value"][0] == 1.0  # no cache: fine


# --- per-point storage, resume, errors with coordinates ----------------------------------------


def _flaky(x, seed, log, fail):
    """Fails at x = 3 while the file `fail` exists; logs every computed point to the folder `log`."""
    if x == 3.0 and os.path.exists(fail):
        raise ValueError("flaky point")
    with open(
        os.path.join(log, f"{x}-{os.getpid()}-{np.random.default_rng().integers(1 << 30)}"), "w"
    ):
        pass
    return {"x": x, "s": float(seed % 1000)}


def _resume(tmp_path, executor):
    log, fail = tmp_path / "log", tmp_path / "fail"
    log.mkdir()
    fail.touch()
    grid = {"x": [1.0, 2.0, 3.0, 4.0, 5.0]}
    kw = dict(
        seed=3,
        cache=tmp_path / "cache",
        progress=False,
        log=str(log),
        fail=str(fail),
        executor=executor,
    )
    with pytest.raises(sweep_mod.SweepPointError, match=r"\{'x': 3.0\}, seed=") as info:
        pgrid.sweep(_flaky, grid, **kw)
    err = info.value
    assert err.coords == {"x": 3.0} and err.index == 2 and err.seed == sweep_mod.point_seed(3, 2)
    assert isinstance(err.__cause__, ValueError) and len(list(log.iterdir())) == 4
    fail.unlink()
    res = pgrid.sweep(_flaky, grid, **kw)
    assert res.n_stored == 4 and not res.cached and list(res["x"]) == grid["x"]
    assert sorted(p.name.split("-")[0] for p in log.iterdir()) == [
        "1.0",
        "2.0",
        "3.0",
        "3.0",
        "4.0",
        "5.0",
    ][:0] + ["1.0", "2.0", "3.0", "4.0", "5.0"]  # only x = 3 computed again
    again = pgrid.sweep(_flaky, grid, **kw)
    assert again.cached and again.n_stored == 5 and len(list(log.iterdir())) == 5
    return res


def test_resume_on_the_default_pool(tmp_path):
    _resume(tmp_path, None)


def test_resume_on_a_spawn_process_pool(tmp_path):
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        _resume(tmp_path, ex)


def test_resume_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cl,
        distributed.Client(cl) as client,
    ):
        _resume(tmp_path, client)


def test_a_truncated_entry_is_recomputed(tmp_path):
    from pgrid._cachekey import cache_key

    a = pgrid.sweep(_uses_helper, {"x": [1.0, 2.0]}, cache=tmp_path, progress=False)
    entry = (
        tmp_path
        / "sweeps"
        / cache_key(_uses_helper, ["x"], {"x": np.array([1.0, 2.0])}, {}, None)
        / "p1.pkl"
    )
    entry.write_bytes(entry.read_bytes()[:7])  # a write cut short
    with pytest.warns(RuntimeWarning, match="unreadable entry"):
        b = pgrid.sweep(_uses_helper, {"x": [1.0, 2.0]}, cache=tmp_path, progress=False)
    assert b.n_stored == 1 and np.array_equal(a["value"], b["value"])
    assert pgrid.sweep(
        _uses_helper, {"x": [1.0, 2.0]}, cache=tmp_path, progress=False
    ).cached  # overwritten


def test_error_without_cache_names_the_point():
    def bad(x):
        if x > 1:
            raise KeyError("nope")
        return x

    with pytest.raises(sweep_mod.SweepPointError, match=r"\{'x': 2\}.*cache=True"):
        pgrid.sweep(bad, {"x": [1, 2]}, progress=False)


# --- results you can keep: shared dimensions, netCDF round trips --------------------------------


def _assert_round_trip(ds, path):
    pgrid.save(ds, path)
    back = pgrid.load(path)
    assert set(back.data_vars) == set(ds.data_vars) and dict(back.sizes) == dict(ds.sizes)
    for name in list(ds.data_vars) + list(ds.coords):
        a, b = ds[name].values, back[name].values
        assert a.dtype.kind == b.dtype.kind and np.array_equal(
            a, b, equal_nan=a.dtype.kind in "fc"
        ), name
        if a.dtype.kind in "fcib":  # bit-exact, complex included
            assert a.tobytes() == b.astype(a.dtype).tobytes(), name
        assert ds[name].dims == back[name].dims
    assert {k: str(v) for k, v in back.attrs.items()} == {k: str(v) for k, v in ds.attrs.items()}
    return back


def test_sweep_to_xarray_shares_site_and_bond_dims(tmp_path):
    net = pgrid.chain(3, gain=2.0, loss=1.0, gamma=0.1, n_th=1.0)

    def point(loss, seed):
        return pgrid.simulate(
            net.replace(loss={2: loss}), dt=0.02, t_relax=1.0, t_sample=5.0, n_traj=8, seed=seed
        ).statistics()

    res = pgrid.sweep(point, {"loss": [1.0, 2.0]}, seed=1, progress=False)
    ds = res.to_xarray(network=net)
    assert ds.current_mean.dims == ("loss", "bond") and ds.current_mean_err.dims == ("loss", "bond")
    assert ds.occupation_mean.dims == ("loss", "site") and list(ds.bond_j.values) == [1, 2]
    assert int(ds.attrs["pgrid_seed"]) == 1 and pgrid.xarray_io.network_from_attrs(ds.attrs) == net
    assert ds.attrs["pgrid_version"] == pgrid.__version__
    _assert_round_trip(ds, tmp_path / "sweep.nc")


def test_ensemble_and_steady_state_round_trip_exactly(tmp_path):
    net = pgrid.chain(3, gain=2.0, loss=1.0, gamma=0.1, n_th=1.0)
    ens = pgrid.simulate(
        net, dt=0.02, t_relax=1.0, t_sample=5.0, n_traj=8, seed=2, n_record=2, histogram={"bins": 6}
    )
    assert ens.network == net
    back = _assert_round_trip(ens.to_xarray(), tmp_path / "ens.nc")
    assert (
        back.final_alpha.dtype == complex and pgrid.xarray_io.network_from_attrs(back.attrs) == net
    )
    s = pgrid.steady_state(
        [[net.replace(n_th=0.0, loss={2: x}) for x in (1.0, 3.0)]], continuation=True
    )
    ds = s.to_xarray()
    assert ds.alpha.dims == ("path", "point", "site") and ds.current.dims == (
        "path",
        "point",
        "bond",
    )
    _assert_round_trip(ds, tmp_path / "state.nc")


def test_precomputed_data_as_xarray():
    from pgrid.book import precompute

    ds = precompute.load_xarray("fig4b")
    assert ds.current_std.dims == ("n0", "loss") and ds.occupation.dims == ("n0", "loss", "site")
    arrays, prov = precompute.load("fig4b")
    assert (
        np.array_equal(ds.current_std.values, arrays["current_std"])
        and ds.attrs["dataset"] == "fig4b"
    )
    assert json.loads(ds.attrs["provenance"]) == prov
