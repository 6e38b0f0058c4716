"""Feeds z1 into the output layer, skipping the hidden activation.

mistake: z2 computed from z1 instead of a1
parts: forward
"""

# %% forward_code
def forward(x, params):
    x = np.asarray(x, dtype=float)
    w1, b1, w2, b2 = params["w1"], params["b1"], params["w2"], params["b2"]
    z1 = w1 * x + b1
    a1 = sigmoid(z1)
    z2 = w2 * z1 + b2
    yhat = sigmoid(z2)
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": yhat}
