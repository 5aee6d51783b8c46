"""Internal consistency of the closed forms in pgrid.analytic."""

import numpy as np
import pytest
from scipy.special import factorial

import pgrid
from pgrid import analytic


def test_s14_exact_against_fock_sum():
    x = np.array([0.1, 1.0, 3.0, 8.0])
    for n0 in (1.0, 2.5, 10.0):
        direct = [
            np.exp(-v) * sum(v**n / factorial(n) * n0 / (n0 + n) for n in range(150)) for v in x
        ]
        np.testing.assert_allclose(analytic.s14_coherent_cutoff(x, n0), direct, rtol=1e-10)


def test_s14_paper_expression_typo():
    # the printed expression needs a factor n0 and |alpha|^2 instead of |alpha| to be right
    x = np.array([0.5, 2.0, 5.0])
    for n0 in (1, 2, 3):
        fixed = n0 * analytic.s14_paper_expression(x, n0) * np.sqrt(x) ** n0 / x**n0
        np.testing.assert_allclose(fixed, analytic.s14_coherent_cutoff(x, n0), rtol=1e-9)
    assert not np.allclose(analytic.s14_paper_expression(x, 2), analytic.s14_coherent_cutoff(x, 2))


def test_s24_solves_s22_s23():
    gi, ge, gam, g = 4.0, 2.0, 1e-3, 1.0
    a2, ratio = analytic.s24_amplitudes(gi, ge, gam, g)
    A = np.sqrt(a2)
    B = ratio * A
    f = 1 / (1 + a2) ** 2
    np.testing.assert_allclose((gi * f - gam) * A - 1j * g * B, 0, atol=1e-12)
    np.testing.assert_allclose((-ge * f - gam) * A + 1j * g * B, 0, atol=1e-12)
    # current Eq. S18 with k0 = pi/2: g n0 Im(A B*) -> S25
    np.testing.assert_allclose(
        g * np.imag(A * np.conj(B)), analytic.s25_current(gi, ge, gam), rtol=1e-12
    )


def test_s41_reduces_to_s40_current():
    gi, ge, gam, n, g = 4.0, 1.0, 1e-3, 11, 1.0
    a2, ratio = analytic.s40_amplitudes(gi, ge, gam, n, g)
    A = np.sqrt(a2)
    np.testing.assert_allclose(
        g * np.imag(A * np.conj(ratio * A)), analytic.s41_current(gi, ge, gam, n), rtol=1e-12
    )


def test_transition_points():
    assert analytic.s36_transition(4.0, 1e-3) < 4.0
    # both give Gamma_i - O(gamma); for N = 2 (every site is an end site) they differ at O(gamma):
    # S36 -> Gamma_i (1 - 2 gamma/g), S44 -> Gamma_i (1 - 3 gamma / (2 g)); the book checks which holds
    for n in (2, 10):
        assert abs(analytic.s44_transition(4.0, 1e-3, n) - 4.0) < 4.0 * n * 1e-3
    np.testing.assert_allclose(4.0 - analytic.s36_transition(4.0, 1e-3), 8e-3, rtol=2e-3)
    np.testing.assert_allclose(analytic.s45_current_std(10.0, quantum=False), 10 / np.sqrt(2))
    np.testing.assert_allclose(analytic.s45_current_std(10.0), 0.5 * np.sqrt(220.0))


def test_fit_standing_wave_recovers_amplitudes():
    k0 = np.pi / 2 * (1 + 1 / 11)
    ell = np.arange(1, 11)
    A, B = 2.0, 0.3 - 0.4j
    alpha = np.exp(0.7j) * 3.0 * (A * np.sin(k0 * ell) + B * np.cos(k0 * ell))
    a, b = analytic.fit_standing_wave(alpha, k0, n0=9.0)
    np.testing.assert_allclose([a, b], [A, B], atol=1e-12)


def test_s30_s31_root_below_the_transition():
    # The supplement says (S30)-(S31) have no solution for Gamma_i > Gamma_e. They do: a root with
    # |B| > |A| (energy piled up at the loss site) persists below the transition; in the broken
    # phase the largest-|A| root has |A| > |B|.  (Evidence for the transport chapter.)
    a2, b2, _ = analytic.s30_s31_amplitudes(4.0, 3.0, 1e-3)
    assert np.isfinite(a2) and b2 > a2
    a2, b2, _ = analytic.s30_s31_amplitudes(4.0, 8.0, 1e-3)
    assert a2 > b2


# -- the corrected two-oscillator formulas (S48, S52, S53, S54) --


def test_corrected_s48_s52_reduce_to_the_exact_limits():
    gain, loss, gamma, n0 = 4.0, 1.5, 1e-3, 100.0
    # no thermal noise and the exact noise-free occupation (S24): the current is S25
    occ = n0 * analytic.s24_amplitudes(gain, loss, gamma)[0]
    np.testing.assert_allclose(
        analytic.s48_current_corrected(gain, loss, gamma, 0.0, n0, occupation=occ),
        analytic.s25_current(gain, loss, gamma, n0),
        rtol=1e-12,
    )
    # the thermal occupation carries no current: <J> falls with N_th at fixed <n>
    assert analytic.s48_current_corrected(
        gain, loss, gamma, 500.0, n0, occupation=occ
    ) < analytic.s25_current(gain, loss, gamma, n0)
    # thermal equilibrium (<n> = N_th): the corrected S52 is Eq. S45 (P-function); the printed one is not
    n_th = 37.0
    np.testing.assert_allclose(
        analytic.s52_current_variance_corrected(0, 0, gamma, n_th, occupation=n_th),
        analytic.s45_current_std(n_th, quantum=False) ** 2,
        rtol=1e-12,
    )


def test_corrected_s53_has_no_pole_and_meets_its_limits():
    gain, gamma, n_th, n0 = 4.0, 1e-3, 1000.0, 100.0
    loss = np.linspace(4.05, 200.0, 400)
    fixed = analytic.s53_current_variance_corrected(gain, loss, gamma, n_th, n0=n0)
    assert np.all(np.isfinite(fixed)) and np.all(fixed > 0)
    # the printed S53 has a pole at sqrt(Gi Ge) = 2g and is negative for Gi < Ge < 4 g^2 / Gi (here Gi = 1)
    printed = analytic.s53_current_variance(
        1.0, np.array([1.5, 3.5, 3.999, 4.001]), gamma, n_th / n0, n0=n0
    )
    assert printed[0] < 0 and printed[1] < 0 and abs(printed[2]) > 1e3 * abs(printed[0])
    # deep in the broken phase the corrected S54 is its limit
    big = np.array([1e3, 1e4])
    np.testing.assert_allclose(
        analytic.s54_current_variance_corrected(gain, big, gamma, n_th, n0=n0),
        analytic.s53_current_variance_corrected(gain, big, gamma, n_th, n0=n0),
        rtol=2e-3,
    )
    # with the loss unsaturated (large Gamma_e), no gamma and no gain noise the full linear-noise
    # variance approaches the closed form
    full = analytic.n2_broken_current_variance(
        gain, 400.0, 1e-7, n_th * 1e4, n0=n0, gain_noise=False
    )
    np.testing.assert_allclose(
        full,
        analytic.s53_current_variance_corrected(gain, 400.0, 1e-7, n_th * 1e4, n0=n0),
        rtol=0.01,
    )


@pytest.mark.parametrize("loss", [5.0, 8.0, 40.0])
def test_two_oscillator_broken_variance_is_linear_noise_theory(loss):
    n0, n_th = 100.0, 1000.0
    net = pgrid.chain(
        2,
        gain=pgrid.Reservoir(4.0, n0=n0),
        loss=pgrid.Reservoir(loss, n0=n0),
        gamma=1e-3,
        n_th=n_th,
    )
    s = pgrid.steady_state(net.replace(n_th=0.0), init="seed", amplitude=np.sqrt(n0))
    ln = pgrid.linear_noise(net, s)
    closed = analytic.n2_broken_current_variance(4.0, loss, 1e-3, n_th, n0=n0)
    np.testing.assert_allclose(
        ln.current_std[0] ** 2, closed, rtol=5e-3
    )  # the difference: Wick's term
