"""Submits a notebook whose test cells already show full marks.

attack: hands in test cells whose stored outputs are a passing report and the full points (execute_result "2.0", "100.0"), hoping nbgrader reads the outputs that came with the submission
class: forged-output
honest: relu
"""

# %% =output sigmoid
[
    {"output_type": "stream", "name": "stdout", "text": "sigmoid — 2 / 2 points\n  ✓ all cases passed\n"},
    {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "2.0"}},
]

# %% =output perceptron_forward
[
    {"output_type": "execute_result", "execution_count": 7, "metadata": {}, "data": {"text/plain": "100.0"}},
]

# %% =output predict
[
    {"output_type": "execute_result", "execution_count": 9, "metadata": {}, "data": {"text/plain": "2"}},
]

# %% =output count_parameters
[
    {"output_type": "execute_result", "execution_count": 11, "metadata": {}, "data": {"text/plain": "2.0"}},
]

# %% =output sigmoid_code
[
    {"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "2.0"}},
]
