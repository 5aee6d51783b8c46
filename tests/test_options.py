"""Options are frozen, validated values; keyword shortcuts are the same options; the run record is typed."""

import dataclasses

import numba
import numpy as np
import pytest

import pgrid
from pgrid import Convergence, Histogram, Protocol, Sampling
from pgrid._config import numba_threads


def test_options_are_values():
    assert Protocol(init="mode", seed=3) == Protocol(init="mode", seed=3)
    assert hash(Convergence(t_max=1e4)) == hash(Convergence(t_max=1e4))
    assert Protocol(init=np.array([1.0, 2j])) == Protocol(init=(1.0, 2j))
    with pytest.raises(dataclasses.FrozenInstanceError):
        Convergence().tol = 1.0
    assert dataclasses.replace(Convergence(), kick=0.0).kick == 0.0


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: Protocol(init="sideways"), "init"),
        (lambda: Protocol(noise=-1.0), "noise"),
        (lambda: Protocol(seed=-2), "seed"),
        (lambda: Protocol(amplitude=float("nan")), "amplitude"),
        (lambda: Convergence(tol=0.0), "tol"),
        (lambda: Convergence(t_max=-5.0), "t_max"),
        (lambda: Convergence(newton_iter=0), "newton_iter"),
        (lambda: Convergence(growth_tol="abc"), "growth_tol"),
        (lambda: Sampling(sample_every=0), "sample_every"),
        (lambda: Histogram(bins=2.5), "bins"),
    ],
)
def test_bad_options_name_the_field(make, field):
    with pytest.raises(ValueError, match=f"`{field}`"):
        make()


def test_shortcuts_are_the_options():
    net = pgrid.chain(4, gain=3.0, loss=2.0, gamma=1e-2)
    a = pgrid.steady_state(net, init="mode", t_max=5e3, kick=0.0, seed=1)
    b = pgrid.steady_state(
        net, protocol=Protocol(init="mode", seed=1), convergence=Convergence(t_max=5e3, kick=0.0)
    )
    assert np.array_equal(a.alpha, b.alpha) and a.status == b.status
    assert a.protocol == b.protocol and a.convergence == b.convergence
    c = pgrid.steady_state(
        net, protocol=Protocol(init="mode", seed=5), seed=1, t_max=5e3, kick=0.0
    )  # keyword wins
    assert np.array_equal(c.alpha, a.alpha)
    with pytest.raises(TypeError, match="t_maks"):
        pgrid.steady_state(net, t_maks=1e3)


def test_convergence_fields_reach_the_kernel():
    """The settings are not decoration: a looser Newton limit or slow-approach threshold changes the run."""
    net = pgrid.chain(6, gain=4.0, loss=8.0, gamma=1e-3)
    base = pgrid.steady_state(net)
    quick = pgrid.steady_state(net, slow_approach=1e-12)  # no Newton shortcut: integrate to tol
    assert quick.t_end > base.t_end
    loose = pgrid.steady_state(net, newton_tol=1e-2)  # Newton stops at once: no polish
    assert loose.residual > 1e4 * base.residual


def test_simulate_sampling_and_histogram_record():
    net = pgrid.chain(2, gain=0.0, loss=0.0, gamma=0.5, n_th=2.0)
    kw = dict(dt=0.02, t_relax=5.0, t_sample=40.0, n_traj=16, seed=2)
    a = pgrid.simulate(net, sample_every=5, n_record=1, histogram={"bins": 8, "lim": 4.0}, **kw)
    b = pgrid.simulate(
        net,
        sampling=Sampling(sample_every=5, n_record=1),
        histogram=Histogram(bins=8, lim=4.0),
        **kw,
    )
    assert np.array_equal(a.histogram, b.histogram) and np.array_equal(a.record, b.record)
    assert a.run == b.run and a.run.sampling.sample_every == 5 and a.run.init == "thermal"
    assert a.run.error_units == "trajectories" and a.run.histogram == Histogram(bins=8, lim=4.0)
    with pytest.raises(TypeError, match="sample_evry"):
        pgrid.simulate(net, sample_evry=5, **kw)


def test_numba_threads_context_restores():
    before = numba.get_num_threads()
    with numba_threads(1) as n:
        assert n == 1 == numba.get_num_threads()
    assert numba.get_num_threads() == before
    with pytest.raises(ValueError, match="`threads`"):
        with numba_threads(0):
            pass
