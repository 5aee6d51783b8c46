"""pgrid.symmetries: every listed map commutes with the noise-free drift (and a map that is not
listed, does not); invariant subspaces and equivalence up to a symmetry."""

import numpy as np
import pytest

import pgrid
from pgrid import Reservoir, Symmetry

NETWORKS = {
    "chain": pgrid.chain(5, gain=4.0, loss=6.0, gamma=1e-2),
    "ring flux": pgrid.ring(4, gain={0: 4.0}, loss={2: 5.0}, gamma=2e-2, flux=np.pi / 4),
    "ring": pgrid.ring(6, gain={0: 4.0}, loss={3: Reservoir(5.0, nu=1.0)}, gamma=2e-2),
    "triangle": pgrid.ring(3, gain={0: 4.0}, loss={1: 5.0}, gamma=2e-2, flux=1.0),
    "grid": pgrid.square_grid(3, 3, gain={0: 4.0}, loss={8: 4.0}, gamma=1e-2),
    "grid two gains": pgrid.square_grid(2, 3, gain={0: 4.0, 2: 4.0}, loss={4: 4.0}, gamma=1e-2),
}


def _random_alpha(n, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) + 1j * rng.standard_normal(n)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_every_symmetry_commutes_with_the_drift(name):
    net = NETWORKS[name]
    for sym in pgrid.symmetries(net):
        for seed in range(3):
            a = _random_alpha(net.n_sites, seed)
            np.testing.assert_allclose(
                pgrid.drift(net, sym.apply(a)),
                sym.apply(pgrid.drift(net, a)),
                atol=1e-12,
                err_msg=f"{name}: {sym.name}",
            )


def test_falsifier_maps_that_are_not_symmetries_do_not_commute():
    # the plain reflection of a ring with a flux (a symmetry only with conjugation: flux reversal),
    # and plain conjugation of a real chain (the sublattice signs are needed)
    ring = NETWORKS["ring flux"]
    assert [s.name for s in pgrid.symmetries(ring)] == ["reflection + conjugation"]
    chain = NETWORKS["chain"]
    fakes = [
        (ring, Symmetry((0, 3, 2, 1), (1,) * 4, False, "reflection")),
        (chain, Symmetry(tuple(range(5)), (1,) * 5, True, "conjugation without signs")),
    ]
    for net, fake in fakes:
        a = _random_alpha(net.n_sites, 0)
        assert not np.allclose(
            pgrid.drift(net, fake.apply(a)), fake.apply(pgrid.drift(net, a)), atol=1e-6
        )


def test_expected_symmetries_are_found():
    names = {k: [s.name for s in pgrid.symmetries(v)] for k, v in NETWORKS.items()}
    assert names["chain"] == ["conjugation (bipartite)"]
    assert names["triangle"] == []  # odd loop, gain and loss on two sites
    assert names["grid"] == ["reflection", "conjugation (bipartite)", "reflection + conjugation"]
    assert "reflection" in names["grid two gains"]


def test_the_real_seed_lies_in_the_conjugation_subspace_and_the_default_start_leaves_it():
    net = NETWORKS["chain"]
    special = pgrid.steady_state(net, perturbation=0.0, kick=0.0)
    assert [s.name for s in pgrid.invariant_subspaces(net, special.alpha)] == [
        "conjugation (bipartite)"
    ]
    generic = pgrid.steady_state(net)
    assert pgrid.invariant_subspaces(net, generic.alpha) == []
    # the two rotating states (omega = +-0.308) are images of each other under the conjugation
    other = pgrid.steady_state(net, init="random", seed=0)
    assert np.sign(other.frequency) != np.sign(generic.frequency)
    assert pgrid.equivalent(net, generic.alpha, other.alpha)
    assert not pgrid.equivalent(net, generic.alpha, special.alpha)


def test_attractors_reports_shares():
    att = pgrid.attractors(NETWORKS["chain"], n_starts=8)
    assert len(att.states) == 1 and att.fraction[0] == 1.0 and att.not_stationary == 0.0
    osc = pgrid.attractors(
        pgrid.chain(4, gain=1.0, loss=1.0, gamma=1e-2), n_starts=4, amplitude=1e-2
    )
    assert osc.not_stationary == 1.0 and osc.fraction.size == 0
