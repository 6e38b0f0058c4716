"""The same reference source on array-api-strict (always) and on CuPy (when a GPU is there)."""

from __future__ import annotations

import numpy as np
import pytest

from reference import backprop, bce, dropout, gradient_descent, perceptron


def _run_everything(xp):
    """Every contract function on arrays of namespace xp, results as NumPy for comparison."""
    rng = np.random.default_rng(3)
    X_np = rng.normal(size=(6, 3))
    W_np = rng.normal(size=3)
    z_np = np.array([-1e4, -30.0, -1.0, 0.0, 2.0, 1e4])
    y_np = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    p_np = np.array([0.0, 0.2, 0.5, 0.7, 1.0, 0.99])
    X, W, z, y, p = (xp.asarray(a) for a in (X_np, W_np, z_np, y_np, p_np))
    params = {"w1": 0.5, "b1": -0.3, "w2": 1.7, "b2": 0.1}
    cache = backprop.forward(X[:, 0], params)
    out = {
        "sigmoid": perceptron.sigmoid(z),
        "relu": perceptron.relu(z),
        "forward": perceptron.perceptron_forward(X, W, 0.5),
        "forward1": perceptron.perceptron_forward(X[0, :], W, 0.5),
        "predict": perceptron.predict(X, W, 0.5),
        "bce": bce.bce_loss(y, p),
        "bce_grad": bce.bce_grad(y, p),
        "logits": bce.bce_with_logits(y, z),
        "mse": bce.mse_loss(y, p),
        "gd": gradient_descent.gradient_descent(gradient_descent.dg_dw, xp.asarray([2.5, -0.5]), 1.0, 5),
        "dg": gradient_descent.dg_dw(z[1:5]),
        "dropout": dropout.dropout_forward(X, 0.3, np.random.default_rng(0))[0],
        "dropout_back": dropout.dropout_backward(X, X > 0, 0.3),
        **{f"cache_{k}": v for k, v in cache.items()},
        **{f"grad_{k}": v for k, v in backprop.backward(X[:, 0], y, params, cache).items()},
    }
    return out


def _to_numpy(value):
    if hasattr(value, "get"):  # CuPy
        return value.get()
    return np.asarray(value)


def test_reference_runs_unchanged_on_array_api_strict() -> None:
    xps = pytest.importorskip("array_api_strict")
    strict = _run_everything(xps)
    plain = _run_everything(np)
    for name, value in strict.items():
        assert type(value).__module__.startswith("array_api_strict"), name
        np.testing.assert_allclose(np.asarray(value), _to_numpy(plain[name]), rtol=1e-12, err_msg=name)


def _cupy_or_skip():
    try:
        import cupy
    except ImportError:
        pytest.skip("CuPy is not installed (pip install '.[gpu]' on a machine with a CUDA GPU)")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("CuPy is installed but sees no CUDA GPU")
    except cupy.cuda.runtime.CUDARuntimeError as exc:
        pytest.skip(f"CuPy is installed but CUDA is unavailable: {exc}")
    return cupy


@pytest.mark.gpu
def test_reference_runs_unchanged_on_cupy() -> None:
    cupy = _cupy_or_skip()
    gpu = _run_everything(cupy)
    plain = _run_everything(np)
    for name, value in gpu.items():
        assert isinstance(value, cupy.ndarray), name
        np.testing.assert_allclose(value.get(), _to_numpy(plain[name]), rtol=1e-12, atol=1e-15, err_msg=name)
