import numpy as np
import pytest

import pgrid


def test_chain_structure():
    net = pgrid.chain(5, gain=4.0, loss=pgrid.Reservoir(2.0, n0=3.0), gamma=1e-3, n_th=2.0, g=0.7)
    assert net.n_sites == 5
    assert net.bonds.tolist() == [[0, 1], [1, 2], [2, 3], [3, 4]]
    np.testing.assert_allclose(net.bond_coupling, 0.7)
    assert net.gain[0].rate == 4.0 and net.gain[0].n0 == 1.0
    assert net.loss[4].n0 == 3.0
    np.testing.assert_allclose(net.n_th, 2.0)


def test_square_grid_numbering():
    net = pgrid.square_grid(3, 3, gain={0: 4.0}, loss={6: 1.0, 8: 4.0}, gamma=1e-3)
    assert len(net.bonds) == 12
    assert [0, 1] in net.bonds.tolist() and [0, 3] in net.bonds.tolist()
    assert [2, 3] not in net.bonds.tolist()  # no wrap-around between rows
    assert sorted(net.loss) == [6, 8]


def test_reservoir_rate():
    r = pgrid.Reservoir(4.0, n0=10.0, nu=3.0)
    np.testing.assert_allclose(r.saturated_rate(10.0), 4.0 / 8.0)


def test_linear_matrix_signs():
    # alpha' = i g/2 (neighbours) - gamma/2 alpha for the bare chain (Eq. 4)
    net = pgrid.chain(3, gain=0.0, loss=0.0, gamma=0.2)
    m = net.linear_matrix()
    np.testing.assert_allclose(m[0, 1], 0.5j)
    np.testing.assert_allclose(m[1, 1], -0.1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(rate=-1.0), "rate"),
        (dict(rate=1.0, n0=0.0), "n0"),
        (dict(rate=1.0, n0=-2.0), "n0"),
        (dict(rate=float("nan")), "rate"),
        (dict(rate=1.0, nu=-1.0), "nu"),
    ],
)
def test_reservoir_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pgrid.Reservoir(**kwargs)


def test_network_errors():
    with pytest.raises(ValueError, match="n_sites"):
        pgrid.chain(1, gain=1.0, loss=1.0, gamma=0.1)
    with pytest.raises(ValueError, match="N >= 2"):
        pgrid.Network(np.zeros((1, 1)), gamma=0.1)
    with pytest.raises(ValueError, match="symmetric"):
        pgrid.Network([[0, 1], [0.5, 0]], gamma=0.1)
    with pytest.raises(ValueError, match="NaN"):
        pgrid.Network([[0, np.nan], [np.nan, 0]], gamma=0.1)
    with pytest.raises(ValueError, match="unknown site 5"):
        pgrid.Network([[0, 1], [1, 0]], gamma=0.1, gain={5: 1.0})
    with pytest.raises(ValueError, match="gamma"):
        pgrid.chain(3, gain=1.0, loss=1.0, gamma=-0.1)
    with pytest.raises(ValueError, match="n_th"):
        pgrid.chain(3, gain=1.0, loss=1.0, gamma=0.1, n_th=-1.0)
    with pytest.raises(ValueError, match="gamma"):
        pgrid.chain(3, gain=1.0, loss=1.0, gamma=float("nan"))
    with pytest.raises(ValueError, match="rate"):
        pgrid.chain(3, gain=-1.0, loss=1.0, gamma=0.1)
    with pytest.raises(ValueError, match="square"):
        pgrid.Network(np.zeros((2, 3)), gamma=0.1)
    with pytest.raises(ValueError, match="detuning"):
        pgrid.chain(3, gain=1.0, loss=1.0, gamma=0.1, detuning=[0.0, 1.0])
    with pytest.raises(ValueError, match="unknown Network field"):
        pgrid.chain(3, gain=1.0, loss=1.0, gamma=0.1).replace(gamm=1.0)


def test_replace_keeps_other_fields():
    net = pgrid.chain(4, gain=4.0, loss=2.0, gamma=1e-3, n_th=3.0)
    net2 = net.replace(loss={3: pgrid.Reservoir(5.0)})
    assert net2.loss[3].rate == 5.0 and net2.gain[0].rate == 4.0
    np.testing.assert_allclose(net2.n_th, 3.0)


def test_bond_index_finds_bonds_and_names_bad_sites():
    net = pgrid.square_grid(3, 3, gain={0: 1.0}, loss={8: 1.0}, gamma=1e-3)
    for k, (i, j) in enumerate(net.bonds):
        assert net.bond_index(i, j) == k and net.bond_index(j, i) == k
    with pytest.raises(ValueError, match="not coupled"):
        net.bond_index(0, 4)
    with pytest.raises(ValueError, match="unknown site 9"):
        net.bond_index(0, 9)


def test_network_is_a_value():
    import pickle

    net = pgrid.chain(
        4, gain=pgrid.Reservoir(4.0, n0=2.0), loss=2.0, gamma=1e-2, detuning=[0.1, 0, -0.0, 0]
    )
    twin = pgrid.chain(
        4, gain=pgrid.Reservoir(4.0, n0=2.0), loss=2.0, gamma=1e-2, detuning=[0.1, 0, 0, 0]
    )
    assert net == twin and hash(net) == hash(twin) and net == net.replace()
    assert len({net, twin, net.replace(gamma=2e-2)}) == 2
    assert net != net.replace(loss={3: 2.5}) and net != net.replace(n_th=1.0) and net != "net"
    with pytest.raises(AttributeError, match="read-only.*replace"):
        net.gamma = 0.1
    with pytest.raises(TypeError):
        net.gain[3] = pgrid.Reservoir(1.0)  # read-only mapping
    with pytest.raises(ValueError):
        net.coupling[0, 1] = 2.0  # read-only array
    with pytest.raises(ValueError):
        net.bonds[0, 0] = 3
    back = pickle.loads(pickle.dumps(net))
    assert back == net and hash(back) == hash(net) and back.gain[0].n0 == 2.0


def test_complex_coupling_is_kept_not_truncated():
    """Complex hopping once lost its imaginary part with only a ComplexWarning; it is now a flux, kept
    exactly (and a complex detuning, which has no meaning, is refused)."""
    for coupling in (np.array([[0, 1j], [-1j, 0]]), [[0, 1 + 1j], [1 - 1j, 0]]):
        net = pgrid.Network(coupling, gamma=0.1)
        assert net.is_complex and np.array_equal(net.coupling, np.asarray(coupling, complex))
    with pytest.raises(ValueError, match="`detuning`.*complex"):
        pgrid.chain(3, gain=1.0, loss=1.0, gamma=0.1, detuning=[0, 1j, 0])


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: pgrid.chain(3, gain=1.0, loss=1.0, gamma="abc"), "gamma"),
        (lambda: pgrid.chain(3, gain=1.0, loss=1.0, gamma="0.1"), "gamma"),  # no string is a number
        (lambda: pgrid.chain(3, gain=1.0, loss=1.0, gamma=0.1, n_th=[1, "x", 2]), "n_th"),
        (lambda: pgrid.Reservoir("2.0"), "rate"),
        (lambda: pgrid.Reservoir(2.0, n0="big"), "n0"),
        (lambda: pgrid.Network([[0, 1], [1]], gamma=0.1), "coupling"),
        (
            lambda: pgrid.simulate(
                pgrid.chain(2, gain=0.0, loss=0.0, gamma=0.5),
                dt="0.01",
                t_relax=1,
                t_sample=1,
                n_traj=1,
                seed=0,
            ),
            "dt",
        ),
        (
            lambda: pgrid.steady_state(pgrid.chain(2, gain=1.0, loss=1.0, gamma=0.5), t_max="1e3"),
            "t_max",
        ),
    ],
)
def test_strings_are_refused_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        make()
