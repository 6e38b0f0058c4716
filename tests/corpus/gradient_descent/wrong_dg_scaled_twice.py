"""Divides by 16 inside the bracket's terms and once more outside.

mistake: divided by the scale twice
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    derivative = (4 * w**3 - 6 * w + 5) / 16
    return derivative / 16
