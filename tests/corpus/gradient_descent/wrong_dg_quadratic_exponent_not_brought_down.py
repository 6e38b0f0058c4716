"""Brought the 4 of w**4 down but differentiated -3 w**2 as -3 w: (4 w**3 - 3 w + 5) / 16.

mistake: the w**2 term's exponent not brought down
parts: dg_dw
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    # d/dw w^4 = 4w^3, d/dw -3w^2 = -3w, d/dw 5w = 5
    return (4 * w**3 - 3 * w + 5) / 16
