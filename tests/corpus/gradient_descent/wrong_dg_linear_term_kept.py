"""Power rule on w**4 and w**2, but 5 w copied as 5 w.

mistake: the linear term not differentiated
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return (4 * w**3 - 6 * w + 5 * w) / 16
