"""Brought each exponent down but kept the power: 4 w**4 - 6 w**2 + 5 w.

mistake: powers not lowered
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return (4 * w**4 - 6 * w**2 + 5 * w) / 16
