"""The lectures' numbers, and the quartic against sympy's derivative."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from grader.course.config import Course
from reference import bce, gradient_descent, perceptron
from reference.gradient_descent import Quartic


def test_lecture_perceptron_example() -> None:
    W, x, w0 = np.array([3.0, -2.0]), np.array([-1.0, 2.0]), 1.0
    assert w0 + x @ W == -6.0
    assert float(perceptron.perceptron_forward(x, W, w0)) == pytest.approx(0.00247, abs=5e-6)
    assert int(perceptron.predict(x, W, w0)) == 0


def test_heart_disease_network_has_497_parameters() -> None:
    assert perceptron.count_parameters([29, 16, 1]) == 497
    assert perceptron.count_parameters([2, 1]) == 3
    assert perceptron.count_parameters([5]) == 0


def test_bce_at_one_half_is_ln2() -> None:
    assert float(bce.bce_loss(np.array([1.0]), np.array([0.5]))) == pytest.approx(math.log(2), rel=1e-15)
    assert float(bce.bce_loss(np.array([0.0, 1.0]), np.array([0.5, 0.5]))) == pytest.approx(math.log(2))


def test_predict_boundary_is_class_one() -> None:
    assert perceptron.predict(np.array([[1.0, 0.5]]), np.array([1.0, -2.0]), 0.0).tolist() == [1]


def test_gradient_descent_reaches_the_quartic_minimum_in_four_steps(course: Course) -> None:
    q = course.settings_of("gradient_descent").quartic.quartic()
    path = gradient_descent.gradient_descent(q.dg_dw, 2.5, 1.0, 4)
    assert path.shape == (5,)
    assert path[0] == 2.5
    assert path[-1] == pytest.approx(-1.52, abs=0.02)
    roots = [r.real for r in np.roots(q.derivative_coefficients) if abs(r.imag) < 1e-9]
    assert min(roots) == pytest.approx(-1.52, abs=0.01)


def _sympy_derivative(coefficients, scale):
    w = sp.Symbol("w")
    g = sum(sp.Rational(str(c)) * w ** (4 - i) for i, c in enumerate(coefficients)) / sp.Rational(str(scale))
    return sp.lambdify(w, sp.diff(g, w), "numpy")


def test_course_quartic_is_the_reference_default(course: Course) -> None:
    assert course.settings_of("gradient_descent").quartic.quartic() == gradient_descent.DEFAULT_QUARTIC


@pytest.mark.parametrize(
    "coefficients, scale",
    [((1, 0, -3, 5, 0), 16), ((2, -1, 0.5, -4, 7), 3), ((0.25, 1, -2, 0, 0), 1)],
)
def test_dg_dw_equals_sympy_derivative(coefficients, scale) -> None:
    q = Quartic(tuple(float(c) for c in coefficients), float(scale))
    expected = _sympy_derivative(coefficients, scale)
    w = np.linspace(-4, 4, 41)
    np.testing.assert_allclose(q.dg_dw(w), expected(w), rtol=1e-13, atol=1e-13)


def test_dg_dw_of_course_quartic_equals_sympy(course: Course) -> None:
    expected = _sympy_derivative(course.settings_of("gradient_descent").quartic.coefficients, course.settings_of("gradient_descent").quartic.scale)
    w = np.linspace(-3, 3, 25)
    np.testing.assert_allclose(course.settings_of("gradient_descent").quartic.quartic().dg_dw(w), expected(w), rtol=1e-13, atol=1e-13)


def test_gradient_descent_never_modifies_w_init() -> None:
    w = np.array([1.0, -2.0])
    path = gradient_descent.gradient_descent(lambda v: 2 * v, w, 0.1, 3)
    assert w.tolist() == [1.0, -2.0]
    assert path.shape == (4, 2)
    np.testing.assert_allclose(path[1], [0.8, -1.6])
