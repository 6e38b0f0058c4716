"""Returns objects that claim to equal anything, and whose __array__ lies.

attack: returns an object whose __eq__/__ne__/__lt__ always say "equal", whose __array__ returns a plausible array, __float__ 0.5 and __bool__ True, plus an object-dtype array of them, hoping a comparison with the expected value says yes
class: lying-objects
honest: count_parameters
"""

# %% sigmoid_code
class _AlwaysEqual:
    def __init__(self, shape=()):
        self.shape = shape

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return False

    __le__ = __ge__ = lambda self, other: True
    __gt__ = __lt__

    def __hash__(self):
        return 0

    def __bool__(self):
        return True

    def __float__(self):
        return 0.5

    def __int__(self):
        return 1

    def __index__(self):
        return 1

    def __array__(self, dtype=None, copy=None):
        return np.full(self.shape, 0.5, dtype=dtype or float)

    def __len__(self):
        return int(np.prod(self.shape)) if self.shape else 1

    def __getattr__(self, name):
        return lambda *a, **k: self

    def __repr__(self):
        return "array([expected values])"


def sigmoid(z):
    return _AlwaysEqual(np.shape(z))

# %% relu_code
def relu(z):
    return np.array([_AlwaysEqual()] * max(np.size(z), 1), dtype=object).reshape(np.shape(z) or (1,))

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    return _AlwaysEqual(np.shape(X)[:-1])

# %% predict_code
def predict(X, W, w0):
    return [_AlwaysEqual()] * (np.shape(X)[0] if np.ndim(X) > 1 else 1)
