"""Uses z > 0, so a point exactly on the line ends up in class 0.

mistake: boundary at z = 0 mishandled
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    z = w0 + np.dot(X, W)
    # positive side of the line -> class 1
    labels = np.where(z > 0, 1, 0)
    return labels
