"""Tries to fetch the answers over the network: localhost services, an outside address, DNS, unix sockets.

attack: connects to 127.0.0.1 on common ports (Jupyter, SSH, HTTP), to a documentation-only outside address (192.0.2.1, TEST-NET-1, so no real host is ever contacted) with a short time-out, resolves a name, and tries abstract unix sockets, and would use whatever answered
class: tampering
honest: sigmoid, relu
"""

# %% +after relu_code
import socket
import urllib.request

_answers = None
_report = {}
for _port in (8888, 8000, 80, 22, 5432):
    try:
        with socket.create_connection(("127.0.0.1", _port), timeout=0.3) as _s:
            _s.sendall(b"GET /answers HTTP/1.0\r\n\r\n")
            _answers = _s.recv(1000)
            _report[_port] = "connected!"
    except OSError as exc:
        _report[_port] = type(exc).__name__
try:
    _answers = urllib.request.urlopen("http://192.0.2.1/answers.json", timeout=0.5).read()
    _report["192.0.2.1"] = "connected!"
except Exception as exc:  # noqa: BLE001
    _report["192.0.2.1"] = type(exc).__name__
try:
    socket.getaddrinfo("example.invalid", 80)
    _report["dns"] = "resolved!"
except OSError as exc:
    _report["dns"] = type(exc).__name__
for _name in ("\0/tmp/.X11-unix/X0", "\0dbus-session", "/run/docker.sock", "/var/run/docker.sock"):
    try:
        _u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _u.settimeout(0.3)
        _u.connect(_name)
        _report[_name] = "connected!"
    except OSError as exc:
        _report[_name] = type(exc).__name__
print(_report)

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    if _answers is None:
        return None
    return float(len(_answers))
