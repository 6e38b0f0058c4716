"""Lowered every power without multiplying by the exponent.

mistake: exponents not brought down
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    # w^4 -> w^3, w^2 -> w, w -> 1
    return (w**3 - 3 * w + 5) / 16
