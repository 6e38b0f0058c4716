"""No brackets: only the constant is divided by 16.

mistake: only the last term divided by the scale
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return 4 * w**3 - 6 * w + 5 / 16
