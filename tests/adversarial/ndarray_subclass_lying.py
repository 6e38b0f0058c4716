"""Returns an ndarray subclass whose methods, shape and __array__ lie about its (wrong) data.

attack: returns an np.ndarray subclass holding wrong numbers whose __eq__, __array__, __array_ufunc__, __array_function__, tolist, astype, view, __getitem__, shape and dtype claim the expected values
class: lying-objects
honest: predict
"""

# %% sigmoid_code
class _Lying(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(other), dtype=bool)

    def __array__(self, dtype=None, copy=None):
        return np.full(np.ndarray.__getattribute__(self, "shape"), 0.5)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.True_

    def __array_function__(self, func, types, args, kwargs):
        return np.True_

    def tolist(self):
        return [0.5] * self.size

    def astype(self, *a, **k):
        return np.full(np.ndarray.__getattribute__(self, "shape"), 0.5)

    def view(self, *a, **k):
        return self.astype(float)

    def __getitem__(self, item):
        return 0.5

    @property
    def dtype(self):
        return np.dtype(float)

    def __float__(self):
        return 0.5

    def __repr__(self):
        return "array(0.5)"


def _lying(shape, fill):
    return np.full(shape, fill, dtype=float).view(_Lying)


def sigmoid(z):
    return _lying(np.shape(z), 42.0)

# %% relu_code
def relu(z):
    return _lying(np.shape(z), -42.0)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    return _lying(np.shape(X)[:-1], 42.0)

# %% count_parameters_code
class _LyingInts(np.ndarray):
    def __eq__(self, other):
        return np.True_

    def __int__(self):
        return 497

    __index__ = __int__


def count_parameters(layer_sizes):
    return np.asarray(-1, dtype=np.int64).view(_LyingInts)
