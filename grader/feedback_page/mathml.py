"""TeX to MathML that is safe to put into the feedback page, and finding the TeX in report text.

latex2mathml builds an element tree and then unescapes its serialisation, so a ``<`` inside
``\\text{...}`` or ``\\operatorname{...}`` comes out as live markup, and ``\\href`` gives an
``href`` attribute with whatever URL the TeX names. Formulas in the feedback page come from
learners too (their printed text, their exception messages, markdown cells they add), so the tree
is never serialised by latex2mathml here: it is written out again with only MathML elements and
presentation attributes with plain values kept, and every text node escaped.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element

from latex2mathml.converter import convert_to_element

#: MathML Core's elements, and the few legacy ones latex2mathml writes (browsers ignore what they
#: do not know, which is harmless). Anything else in the tree is written as an ``mrow``.
ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt",
    "mroot", "mover", "munder", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror", "semantics", "mlabeledtr",
})
#: Presentation attributes only: no ``href``, no ``style``, no ``class``/``id``, no event handlers.
ATTRIBUTES = frozenset({
    "display", "displaystyle", "scriptlevel", "mathvariant", "mathsize", "mathcolor", "mathbackground", "dir",
    "stretchy", "fence", "separator", "form", "lspace", "rspace", "minsize", "maxsize", "largeop",
    "movablelimits", "symmetric", "accent", "accentunder", "width", "height", "depth", "voffset",
    "linethickness", "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
    "frame", "framespacing", "columnspan", "rowspan", "notation", "linebreak",
})
#: Lengths, keywords, colours: nothing that could end the attribute or name a URL.
_PLAIN_VALUE = re.compile(r"[\w.#%+\- ]{0,64}", re.ASCII)
#: MathML Core dropped the named spaces latex2mathml writes for \! and \thinspace; their em values.
_NAMED_SPACES = {
    "veryverythinmathspace": "0.0556em", "verythinmathspace": "0.1111em", "thinmathspace": "0.1667em",
    "mediummathspace": "0.2222em", "thickmathspace": "0.2778em", "verythickmathspace": "0.3333em",
    "veryverythickmathspace": "0.3889em",
}
_NAMED_SPACES |= {f"negative{name}": f"-{value}" for name, value in _NAMED_SPACES.items()}
#: latex2mathml shows the optional spacing of a line break, ``\\[3mm]``, as the text "[3mm]".
_BREAK_SPACING = re.compile(r"(\\\\)\s*\[\s*-?[\d.]+\s*(?:pt|mm|cm|in|em|ex|pc|bp|dd|mu)\s*\]")

#: Longer TeX stays text: converting it would cost time and help no reader.
MAX_TEX_CHARS = 2000
#: Formulas converted in one output at most; the rest of a flood of dollars stays as printed.
MAX_FORMULAS_PER_TEXT = 200


def tex_to_mathml(tex: str, display: bool = False) -> str | None:
    """``tex`` as a ``<math>`` element, or None where it is too long or latex2mathml cannot read it."""
    if not tex.strip() or len(tex) > MAX_TEX_CHARS:
        return None
    try:
        tree = convert_to_element(_BREAK_SPACING.sub(r"\1", tex), display="block" if display else "inline")
        out: list[str] = []
        _write(tree, out, "math")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds for TeX it cannot read; that TeX stays text
        return None
    return "".join(out)


def _write(element: Element, out: list[str], tag: str | None = None, implied: dict[str, str] | None = None) -> None:
    if tag is None:
        known = isinstance(element.tag, str) and element.tag in ELEMENTS and element.tag != "math"
        tag = element.tag if known else "mrow"
    if tag == "msup" and _is_prime(element):
        # A prime glyph already sits high: as a superscript it is raised twice (g with a tick above it).
        base, prime = element
        out.append("<mrow>")
        _write(base, out)
        out.append(f'<mo lspace="0" rspace="0">{_text(prime.text)}</mo></mrow>')
        return
    kept = dict(_attributes(element, tag))
    kept |= {name: value for name, value in (implied or {}).items() if name not in kept}
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in kept.items())
    out.append(f"<{tag}{attributes}>")
    out.append(_text(element.text))
    previous = None
    for child in element:
        _write(child, out, implied=_spacing(child, previous))
        out.append(_text(child.tail))
        previous = child
    out.append(f"</{tag}>")


def _attributes(element: Element, tag: str) -> list[tuple[str, str]]:
    kept = []
    for name, value in element.attrib.items():
        if name not in ATTRIBUTES or (tag != element.tag):  # an element written as another keeps none
            continue
        value = _NAMED_SPACES.get(value.strip(), value)
        if _PLAIN_VALUE.fullmatch(value):
            kept.append((name, value))
    return kept


#: Signs TeX reads as unary after an operator or an opening bracket: "(-z)", "z < -709".
_SIGNS = frozenset("\u2212+\u00b1\u2213-")
#: Symbols TeX spaces as ordinary ones ("|z|", "p(y|x)", "dJ/dw", "∂J", "∇J"), where MathML's dictionary
#: spaces them as operators.
_ORDINARY = frozenset("|\u2016/\u2202\u2207")
_PRIMES = frozenset("\u2032\u2033\u2034'")


def _is_prime(msup: Element) -> bool:
    if len(msup) != 2 or len(msup[1]) or msup[1].tag not in ("mi", "mo"):
        return False
    text = html.unescape(msup[1].text or "").strip()
    return bool(text) and set(text) <= _PRIMES


def _spacing(element: Element, previous: Element | None) -> dict[str, str]:
    """The TeX spacing latex2mathml leaves out, for an ``mo`` after ``previous`` in the same row."""
    if element.tag != "mo":
        return {}
    text = html.unescape(element.text or "").strip()
    if text in _SIGNS and (previous is None or previous.tag == "mo"):
        return {"form": "prefix"}
    if text in _ORDINARY:
        return {"lspace": "0", "rspace": "0"}
    return {}


def _text(text: str | None) -> str:
    # latex2mathml stores characters as entity references it unescapes later; unescape, then escape all.
    return html.escape(html.unescape(text), quote=False) if text else ""


# ---- math in plain report text -------------------------------------------------------------

#: Backtick spans of one line are code in the reports (`answer_p1`), never math.
_CODE_SPAN = re.compile(r"`[^`\n]*`")
#: On text that is already HTML-escaped: a formula never holds markup (``<``/``>`` are escaped in
#: the text, so a raw one belongs to a tag). Inline math follows pandoc's rule so that prices stay
#: text: no space just inside the dollars, no digit right after the closing one, one line only.
_MATH_IN_ESCAPED = re.compile(
    r"(?<![\\$])\$\$(?P<display>[^<>$]*[^\s<>$\\][^<>$]*)\$\$"
    r"|(?<![\\$])\$(?![\s$])(?P<inline>[^<>$\n]*?[^\s<>$\\])\$(?![\d$])"
)


def escaped_text_math_to_mathml(escaped: str) -> str:
    """HTML-escaped text with each ``$...$`` / ``$$...$$`` formula outside backticks made MathML.

    A formula is converted from its text as it was before escaping; one that does not convert stays
    as it was, dollars included.
    """
    done = 0

    def formula(match: re.Match[str]) -> str:
        nonlocal done
        if done >= MAX_FORMULAS_PER_TEXT:
            return match.group(0)
        display = match.group("display") is not None
        mathml = tex_to_mathml(html.unescape(match.group("display" if display else "inline")), display)
        if mathml is None:
            return match.group(0)
        done += 1
        return mathml

    pieces, start = [], 0
    for code in _CODE_SPAN.finditer(escaped):
        pieces += [_MATH_IN_ESCAPED.sub(formula, escaped[start:code.start()]), code.group(0)]
        start = code.end()
    pieces.append(_MATH_IN_ESCAPED.sub(formula, escaped[start:]))
    return "".join(pieces)
