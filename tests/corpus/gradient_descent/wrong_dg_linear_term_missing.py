"""Treated the 5 w term like a constant.

mistake: the linear term's derivative is missing
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return (4 * w**3 - 6 * w) / 16
