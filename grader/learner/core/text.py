"""One policy for text that a learner controls, wherever it goes.

A learner's text reaches the trusted side in many shapes: cell sources and outputs in the
notebook's JSON (which may spell a lone surrogate as ``"\\udce9"``), bytes that are not UTF-8,
what their code prints (``print("caf\\udce9")`` is legal Python), folder and file names
(``os.fsdecode`` turns undecodable bytes into lone surrogates). Every writer downstream
(nbformat, sqlite, pyarrow, the feedback HTML, the terminal) refuses lone surrogates, so each
would stop the batch at that submission. The policy is applied where text comes in (a notebook
read, a frame from the worker, a name from the file system), so nothing after it needs to care:

* bytes that are not UTF-8 are shown as ``\\xe9``;
* a lone surrogate that stands for such a byte (``os.fsdecode``'s ``surrogateescape``) becomes the
  byte's ``\\xe9`` too, and any other lone surrogate becomes ``\\udXXX``;
* everything else is kept as it is.

Nothing is ever raised for text; a learner's text changes only where it could not be written.
"""

from __future__ import annotations

from typing import Any


def clean_text(text: str) -> str:
    """``text`` with every lone surrogate escaped (see the module's policy)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's spelling of the undecodable byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def decode_bytes(data: bytes) -> str:
    """Bytes as text under the policy: valid UTF-8 as it is, every other byte as ``\\xNN``."""
    return data.decode("utf-8", errors="backslashreplace")


def clean(value: Any) -> Any:
    """A JSON-like value (dicts, lists, strings, numbers) with every string cleaned, keys included.

    Containers are changed in place (a notebook's nodes keep their type) and walked without
    recursion, so a deeply nested document cannot exhaust the stack here; the value is returned.
    """
    if isinstance(value, str):
        return clean_text(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k in [k for k in node if isinstance(k, str) and clean_text(k) != k]:
                node[clean_text(k)] = node.pop(k)
            for k, v in node.items():
                if isinstance(v, str):
                    node[k] = clean_text(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    node[i] = clean_text(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
    return value


def display_name(name: str, limit: int = 80) -> str:
    """A learner-chosen name for a one-line message: cleaned, control characters shown, cut at ``limit``."""
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in clean_text(name))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
