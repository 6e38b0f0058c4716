"""Differentiated the polynomial but dropped the division by 16.

mistake: the scale factor is missing
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return 4 * w**3 - 6 * w + 5
