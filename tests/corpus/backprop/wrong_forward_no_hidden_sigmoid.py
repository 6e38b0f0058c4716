"""The hidden unit left linear: a1 = z1.

mistake: no sigmoid in the hidden unit
parts: forward
"""

# %% forward_code
def forward(x, params):
    x = np.asarray(x, dtype=float)
    z1 = params["w1"] * x + params["b1"]
    a1 = z1
    z2 = params["w2"] * a1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "yhat": sigmoid(z2)}
