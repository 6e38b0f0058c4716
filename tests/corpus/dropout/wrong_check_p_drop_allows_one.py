"""Accepts p_drop = 1 (closed interval), so it divides by zero instead of raising.

mistake: p_drop = 1 raises ValueError in training: it returned normally
parts: dropout_inference
"""

# %% dropout_inference_code
def check_p_drop(p_drop):
    try:
        p = float(p_drop)
    except (TypeError, ValueError):
        raise ValueError("p_drop must be a number")
    if p < 0 or p > 1:
        raise ValueError("p_drop must be a probability")
    return p
