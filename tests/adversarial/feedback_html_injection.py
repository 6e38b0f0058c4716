"""Smuggles HTML and script tags into the report and the feedback page through printed text, results and names.

attack: prints <script> and <img onerror> tags, leaves one as a cell result, raises an exception class whose name is a <script> tag, and returns an object of a class named like an <iframe>, hoping the text reaches the feedback HTML unescaped
class: forged-output
honest: relu, count_parameters
"""

# %% sigmoid_code
print("<script>alert('dlcourse-xss')</script>")
print("<img src=x onerror=alert(1)>")
_Injected = type("<script>alert('dlcourse-xss')</script>", (Exception,), {})


def sigmoid(z):
    print("<img src=x onerror=alert(2)>")
    raise _Injected("<img src=x onerror=alert(3)>")

# %% perceptron_forward_code
_Frame = type("<iframe src=javascript:alert(4)>", (), {"__repr__": lambda self: "<iframe src=javascript:alert(5)>"})


def perceptron_forward(X, W, w0):
    return _Frame()


"<script>alert('dlcourse-xss')</script>"

# %% predict_code
raise _Injected("<iframe src=javascript:alert(6)></iframe><img src=x onerror=alert(7)>")
