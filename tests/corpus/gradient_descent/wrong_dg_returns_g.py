"""Copied g itself into dg_dw.

mistake: returned g instead of its derivative
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return (w**4 - 3 * w**2 + 5 * w) / 16
