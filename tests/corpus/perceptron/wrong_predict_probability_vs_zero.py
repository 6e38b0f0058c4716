"""Compares the probability with the threshold meant for z.

mistake: probability compared with 0
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    p = perceptron_forward(X, W, w0)
    return (p >= 0).astype(int)
