"""Rounds the probability; np.round(0.5) is 0 (round half to even), so z = 0 goes to class 0.

mistake: boundary at z = 0 mishandled
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    probs = perceptron_forward(X, W, w0)
    # probability above one half -> class 1, rounding does exactly that
    return np.round(probs).astype(int)
