"""The generated NumPy functions against the second oracle: mpmath at 50 digits."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from numeric import functions as F
from symbolic import ELEMENTWISE, derive
from symbolic.activations import z as z_symbol
from symbolic.functions import expand_definitions
from tests.conftest import GRID, reference, relative_error, ulp_error, working_digits

STRICT = {"over": "raise", "invalid": "raise", "divide": "raise"}


def _mpmath_truth(name: str):
    """mpmath function of SymPy's own result for *name* (raw diff of the definition)."""
    return sp.lambdify(z_symbol, expand_definitions(derive(name).truth), "mpmath")


ULP_BOUND = {"sigmoid": 4, "tanh": 4, "softplus_grad": 4}
RELATIVE_BOUND = {"sigmoid_grad": 1e-12, "tanh_grad": 1e-12, "softplus": 1e-12}


@pytest.mark.parametrize("name", sorted(ULP_BOUND))
def test_elementwise_ulp_accuracy(name):
    with np.errstate(**STRICT):
        got = getattr(F, name)(GRID)
    assert ulp_error(got, reference(_mpmath_truth(name), GRID)).max() <= ULP_BOUND[name]


@pytest.mark.parametrize("name", sorted(RELATIVE_BOUND))
def test_elementwise_relative_accuracy(name):
    with np.errstate(**STRICT):
        got = getattr(F, name)(GRID)
    assert relative_error(got, reference(_mpmath_truth(name), GRID)).max() < RELATIVE_BOUND[name]


def test_piecewise_linear_functions_are_exact():
    assert np.array_equal(F.relu(GRID), np.maximum(GRID, 0))
    assert np.array_equal(F.relu_grad(GRID), (GRID > 0).astype(float))
    assert F.relu_grad(np.array([0.0]))[0] == 0.0  # the stated convention
    assert np.array_equal(F.identity(GRID), GRID) and F.identity(GRID) is not GRID
    assert np.array_equal(F.identity_grad(GRID), np.ones_like(GRID))


F32 = np.array(
    [-3e38, -1e4, -100.0, -88.0, -20.0, -1.0, 0.0, 1e-8, 1.0, 20.0, 88.0, 100.0, 1e4, 3e38],
    dtype=np.float32,
)


@pytest.mark.parametrize(
    "name",
    [
        "sigmoid",
        "sigmoid_grad",
        "tanh",
        "tanh_grad",
        "softplus",
        "softplus_grad",
        "relu_grad",
        "identity_grad",
    ],
)
def test_float32_stays_float32_and_accurate(name):
    with np.errstate(**STRICT):
        got = getattr(F, name)(F32)
    assert got.dtype == np.float32 and np.all(np.isfinite(got))
    if name in ULP_BOUND or name in RELATIVE_BOUND:
        ref = reference(_mpmath_truth(name), F32, np.float32)
        assert relative_error(got, ref).max() < 4 * np.finfo(np.float32).eps


def test_naive_lambdify_fails_where_gradproof_does_not():
    naive = sp.lambdify(z_symbol, derive("sigmoid_grad").truth, "numpy")
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(naive(GRID)))
    with np.errstate(**STRICT):
        assert np.all(np.isfinite(F.sigmoid_grad(GRID)))


def _rows() -> np.ndarray:
    rows = [
        [30, 0, 0],
        [1000, 999.5, -1000],
        [700, -700, 0],
        [1e-8, 0, -1e-8],
        [0, 0, 0],
        [-1000, -1000, -999],
        [36, -36, 1],
        [1e3, 0, -30],
    ]
    rng = np.random.default_rng(1)
    return np.vstack([np.array(rows, float), rng.normal(0, 5, (8, 3))])


def _mp_softmax(row):
    with mpmath.workdps(working_digits(max(row) - min(row), *row)):
        values = [mpmath.mpf(float(x)) for x in row]
        total = mpmath.fsum(mpmath.exp(x) for x in values)
        return [mpmath.exp(x) / total for x in values], [x - mpmath.log(total) for x in values]


def _reference_rows(rows):
    ref = [_mp_softmax(r) for r in rows]
    return (
        np.array([[float(x) for x in p] for p, _ in ref]),
        np.array([[float(x) for x in q] for _, q in ref]),
    )


def test_log_softmax_within_4_ulp():
    rows = _rows()
    with np.errstate(**STRICT):
        assert ulp_error(F.log_softmax(rows), _reference_rows(rows)[1]).max() <= 4


def test_softmax_within_4_ulp_when_the_shift_is_exact():
    # rows from the grid's extremes whose shift z - max(z) is exact
    for block in (
        np.array([[z, 0.0] for z in GRID[::3]]),
        np.array([[0.0, z, 0.0] for z in GRID[::11]]),
    ):
        with np.errstate(**STRICT):
            got = F.softmax(block)
        assert ulp_error(got, _reference_rows(block)[0]).max() <= 4
        np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=4e-16)


def test_softmax_error_is_bounded_by_the_conditioning_of_the_shift():
    # rounding z - max(z) once costs |z - max(z)| * eps/2 relative (the problem's
    # conditioning, shared by every max-shifted implementation); the rest is <= 4 ulp
    rows = _rows()
    shifted = np.abs(rows - rows.max(axis=1, keepdims=True))
    eps = np.finfo(float).eps
    bound = 4 * eps + 0.5 * eps * shifted
    assert np.all(relative_error(F.softmax(rows), _reference_rows(rows)[0]) <= bound)


def test_cross_entropy_from_logits_is_accurate_and_finite():
    rows = _rows()
    targets = np.eye(3)[np.arange(len(rows)) % 3]
    log_y = _reference_rows(rows)[1]
    ref = -(targets * log_y).sum(axis=1)
    with np.errstate(**STRICT):
        got = F.cross_entropy(rows, targets)
    assert got.shape == (len(rows),)
    assert relative_error(got, np.array(ref)).max() < 1e-13


def test_softmax_jvp_is_the_jacobian_times_v(rng):
    z, v = rng.normal(0, 3, (20, 6)), rng.normal(size=(20, 6))
    y = F.softmax(z)
    jacobians = np.einsum("ni,ij->nij", y, np.eye(6)) - np.einsum("ni,nj->nij", y, y)
    np.testing.assert_allclose(
        F.softmax_jvp(z, v), np.einsum("nij,nj->ni", jacobians, v), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_row_functions_are_finite_at_the_extremes(dtype):
    big = np.finfo(dtype).max / 4
    z = np.array([[big, 0, -big], [1000, 0, 0], [-1000, -1000, 0]], dtype=dtype)
    t = np.eye(3, dtype=dtype)
    with np.errstate(**STRICT):
        outputs = [
            F.softmax(z),
            F.log_softmax(z),
            F.softmax_jvp(z, t),
            F.cross_entropy_grad(z, t),
            F.bce(z, t),
            F.bce_grad(z, t),
            F.sigmoid_grad(z),
        ]
    for out in outputs:
        assert out.dtype == dtype and np.all(np.isfinite(out))
    np.testing.assert_array_equal(F.softmax(z)[1], [1, 0, 0])


def test_cross_entropy_gradient_is_general_for_non_one_hot_targets(rng):
    z, t = rng.normal(size=(5, 4)), rng.uniform(size=(5, 4))
    y = F.softmax(z)
    np.testing.assert_allclose(
        F.cross_entropy_grad(z, t), y * t.sum(1, keepdims=True) - t, rtol=1e-12, atol=1e-15
    )


def test_integer_input_becomes_float64():
    assert F.sigmoid(np.array([0, 1])).dtype == np.float64
    assert F.sigmoid(0).shape == ()


def _mp_rows(rows, targets, vectors):
    """mpmath references of the row functions that have no closed form in NumPy's dtype."""
    out = {name: [] for name in ("softmax_jvp", "cross_entropy_grad", "bce", "bce_grad", "mse")}
    for row, target, vector in zip(rows, targets, vectors, strict=True):
        with mpmath.workdps(working_digits(max(row) - min(row), *row)):
            z = [mpmath.mpf(float(x)) for x in row]
            t, v = [mpmath.mpf(float(x)) for x in target], [mpmath.mpf(float(x)) for x in vector]
            y = [mpmath.exp(x) / mpmath.fsum(mpmath.exp(a) for a in z) for x in z]
            dot = mpmath.fsum(a * b for a, b in zip(y, v, strict=True))
            sig = [1 / (1 + mpmath.exp(-x)) for x in z]
            out["softmax_jvp"].append([float(a * (b - dot)) for a, b in zip(y, v, strict=True)])
            out["cross_entropy_grad"].append(
                [float(a * mpmath.fsum(t) - b) for a, b in zip(y, t, strict=True)]
            )
            out["bce"].append(
                float(
                    mpmath.fsum(
                        mpmath.log1p(mpmath.exp(x)) - b * x for x, b in zip(z, t, strict=True)
                    )
                )
            )
            out["bce_grad"].append([float(a - b) for a, b in zip(sig, t, strict=True)])
            out["mse"].append(
                float(mpmath.fsum((b - x) ** 2 for x, b in zip(z, t, strict=True)) / 2)
            )
    return {name: np.array(values) for name, values in out.items()}


def test_row_functions_match_mpmath_normwise():
    # componentwise relative error is meaningless where the result cancels (y - t with
    # y ~ t); the error relative to the largest entry of each row is what is asserted, and
    # for the JVP, relative to the vector v it multiplies: v_j - sum_i y_i v_i cancels when
    # y is nearly one-hot, in every implementation of the formula
    rows = _rows()
    rng = np.random.default_rng(2)
    targets, vectors = rng.uniform(0, 1, rows.shape), rng.normal(size=rows.shape)
    ref = _mp_rows(rows, targets, vectors)
    with np.errstate(**STRICT):
        got = {
            "softmax_jvp": F.softmax_jvp(rows, vectors),
            "cross_entropy_grad": F.cross_entropy_grad(rows, targets),
            "bce": F.bce(rows, targets),
            "bce_grad": F.bce_grad(rows, targets),
            "mse": F.mse(rows, targets),
        }
    for name, value in got.items():
        scale = np.max(np.abs(ref[name]), axis=-1, keepdims=ref[name].ndim > 1)
        if name == "softmax_jvp":
            scale = np.max(np.abs(vectors), axis=-1, keepdims=True)
        scale = np.maximum(scale, np.finfo(float).tiny)
        assert np.max(np.abs(value - ref[name]) / scale) < 1e-14, name
    np.testing.assert_array_equal(F.mse_grad(rows, targets), rows - targets)


ELEMENTWISE_FUNCTIONS = [name for name in dir(F) if name.split("_grad")[0] in ELEMENTWISE]


@pytest.mark.parametrize("name", ELEMENTWISE_FUNCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_elementwise_functions_take_scalars(name, dtype):
    """A Python float or a 0-d array in, a 0-d value out, equal to the 1-d result."""
    for x in (-2.5, 0.0, 0.75, 30.0):
        got = getattr(F, name)(np.asarray(x, dtype))
        assert np.ndim(got) == 0 and got.dtype == dtype
        assert got == getattr(F, name)(np.array([x], dtype))[0]
    assert np.ndim(getattr(F, name)(0.5)) == 0
