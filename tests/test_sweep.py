"""pgrid.sweep (pgrid.sweeps): labelled results, per-point seeds, identical results on every backend, cache."""

import multiprocessing
import os
import sys
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
    assert os.getpid() not in pids          # the points really ran in the worker processes
    for other in (serial, threads, procs):
        for name in reference.keys():
            np.testing.assert_array_equal(other[name], reference[name])


def test_dask_local_cluster_gives_identical_arrays(reference):
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])   # workers cannot import this test module
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        res = pgrid.sweep(thermal_point, GRID, seed=11, executor=client, progress=False)
        res2 = pgrid.sweep(thermal_point, GRID, seed=11, executor=client.get_executor(), progress=False)
        pids = pgrid.sweep(_pid, {"x": list(range(8))}, executor=client, progress=False)["pid"]
    assert os.getpid() not in pids          # the points ran on the cluster's worker processes
    for name in reference.keys():
        np.testing.assert_array_equal(res[name], reference[name])
        np.testing.assert_array_equal(res2[name], reference[name])


def test_cache_hits_and_invalidation(tmp_path, monkeypatch, reference):
    calls = []

    def point(x, scale):
        calls.append(x)
        return x * scale

    a = pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=3.0, cache=tmp_path, progress=False)
    b = pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=3.0, cache=tmp_path, progress=False)
    assert not a.cached and b.cached and len(calls) == 2
    np.testing.assert_array_equal(a["value"], b["value"])
    pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=4.0, cache=tmp_path, progress=False)     # other parameters
    assert len(calls) == 4
    monkeypatch.setattr("pgrid.provenance.source_hash", lambda: "changed-pgrid")    # a pgrid change
    pgrid.sweep(point, {"x": [1.0, 2.0]}, scale=3.0, cache=tmp_path, progress=False)
    assert len(calls) == 6
    monkeypatch.setenv("PGRID_CACHE_DIR", str(tmp_path / "env"))
    pgrid.sweep(point, {"x": [1.0]}, scale=1.0, cache=True, progress=False)
    assert len(list((tmp_path / "env" / "sweeps").glob("*.pkl"))) == 1
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
    monkeypatch.setattr(sys.modules[__name__], "SCALE", 3.0)       # a changed constant used by a helper
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
