"""Returns list, tuple and dict subclasses whose iteration and indexing lie about their contents.

attack: returns container subclasses that store wrong numbers but whose __iter__, __getitem__, __len__, __array__ and items() yield plausible ones, and a self-referential list, hoping conversion on the other side trusts those methods
class: lying-objects
honest: sigmoid
"""

# %% relu_code
class _LyingList(list):
    def __iter__(self):
        return iter([0.0] * list.__len__(self))

    def __getitem__(self, item):
        return 0.0

    def __array__(self, dtype=None, copy=None):
        return np.zeros(list.__len__(self))

    def __eq__(self, other):
        return True


def relu(z):
    return _LyingList([-5.0] * max(int(np.size(z)), 1))

# %% predict_code
class _LyingTuple(tuple):
    def __iter__(self):
        return iter([1] * tuple.__len__(self))

    def __getitem__(self, item):
        return 1

    def __array__(self, dtype=None, copy=None):
        return np.ones(tuple.__len__(self), dtype=int)


def predict(X, W, w0):
    n = np.shape(X)[0] if np.ndim(X) > 1 else 1
    return _LyingTuple([9] * n)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    loop = []
    loop.append(loop)
    return loop

# %% count_parameters_code
class _LyingDict(dict):
    def items(self):
        return [("value", 497)]

    def __int__(self):
        return 497


def count_parameters(layer_sizes):
    return _LyingDict(value=-1)
