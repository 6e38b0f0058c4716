"""The feedback page works offline: formulas as MathML, long report lines wrapped, learner markup inert.

The quick tests pin the TeX to MathML conversion: every formula of the course converts, dollars
that are no formula stay text, and markup smuggled into a formula never becomes markup. The slow
ones grade with real nbgrader: a wrong perceptron (long check messages under the notebook's
formulas), the untouched gradient-descent quiz (its explanations put formulas into the report
text) and a learner who hides markup in formulas everywhere a learner's text reaches the page;
then headless Chromium opens each feedback page with every network request blocked.
"""

from __future__ import annotations

import functools
import glob
import html
import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grader.course.config import load_course
from grader.feedback_page.mathml import ATTRIBUTES, ELEMENTS, escaped_text_math_to_mathml, tex_to_mathml

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 1000
#: Markers that must never arrive as markup (the adversarial suite's, for the same page).
INJECTED_HTML = ("<script>alert('dlcourse-xss')", "<img src=x onerror=", "<iframe src=")
#: Formulas a learner writes to get markup or a link into the page through the MathML converter.
HOSTILE_TEX = (
    "<img src=x onerror=alert(1)>",
    r"\href{javascript:alert(1)}{x}",
    r"\text{<script>alert('dlcourse-xss')</script>}",
    r"\operatorname{<iframe src=javascript:alert(2)>}",
    r"\mathrm{</math><img src=x onerror=alert(3)>}",
    r'\color{red" onmouseover="alert(4)}{x}',
    r"\text{&lt;script&gt;alert(5)&lt;/script&gt;}",
)
INJECTION = " and ".join(f"${tex}$" for tex in HOSTILE_TEX)


def _formulas(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in re.finditer(r"\$\$(.+?)\$\$|\$(.+?)\$", text, re.S)]


def _course_formulas() -> list[str]:
    found = []
    for path in sorted(glob.glob(str(ROOT / "exercises" / "*" / "*.ipynb"))):
        nb = nbformat.read(path, as_version=4)
        found += [f for c in nb.cells if c.cell_type == "markdown" for f in _formulas(c.source)]
    for path in sorted((ROOT / "exercises" / "quizzes").glob("*.yaml")):
        found += _formulas(path.read_text(encoding="utf-8"))
    return found


class _Markup(HTMLParser):
    """Every element and attribute of an HTML page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.math_depth = 0
        self.math_tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "math":
            self.math_depth += 1
        if self.math_depth:
            self.math_tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "math":
            self.math_depth -= 1


def _markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    parser.close()
    return parser


def _only_mathml(fragment: str) -> None:
    markup = _markup(fragment)
    assert markup.math_depth == 0, fragment
    for tag, attrs in markup.tags:
        assert tag in ELEMENTS, (tag, fragment)
        assert set(attrs) <= ATTRIBUTES, (tag, attrs)
        assert all(re.fullmatch(r"[\w.#%+\- ]*", v or "") for v in attrs.values()), (tag, attrs)


# ---- the conversion ------------------------------------------------------------------------------


def test_every_formula_of_the_course_becomes_mathml() -> None:
    formulas = _course_formulas()
    assert len(formulas) > 300
    failed = [f for f in formulas if tex_to_mathml(f, display=True) is None]
    assert not failed, failed
    # latex2mathml alone writes the spacing of a line break, \\[3mm], as the text "[3mm]".
    assert "3mm" not in tex_to_mathml(r"\begin{cases} 1 \\[3mm] 2 \end{cases}", display=True)


@pytest.mark.parametrize("tex", HOSTILE_TEX)
def test_markup_in_a_formula_never_becomes_markup(tex: str) -> None:
    mathml = tex_to_mathml(tex)
    assert mathml is not None and mathml.startswith('<math display="inline">')
    _only_mathml(mathml)
    for marker in ("<img", "<script", "<iframe", "href=", "onerror=", "onmouseover="):
        assert marker not in mathml, (marker, mathml)


@pytest.mark.parametrize("tex", HOSTILE_TEX)
def test_markup_in_a_formula_of_report_text_or_markdown_stays_inert(tex: str) -> None:
    from nbconvert.filters.ansi import ansi2html

    from grader.feedback_page.filters import MarkdownWithMathML

    text = f"sigmoid — 0 / 2 points\n  ✗ it raised ValueError: ${tex}$ (and <b>bold</b>)"
    report = escaped_text_math_to_mathml(ansi2html(text))
    markdown = MarkdownWithMathML()({"cell": {}}, f"A learner's cell: ${tex}$ and $${tex}$$")
    for page, formulas in ((report, 1), (markdown, 2)):
        assert page.count("<math") == formulas, page
        for math in re.findall(r"<math.*?</math>", page, re.S):
            _only_mathml(math)
        for marker in ("<img", "<script", "<iframe", "href=", "onerror=", "onmouseover="):
            assert marker not in page, (marker, page)
    assert "&lt;b&gt;bold&lt;/b&gt;" in report  # text outside the formula is escaped as before


@pytest.mark.parametrize("markup", ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
                                    "<a href=\"javascript:alert(1)\">x</a>", "<iframe src=//evil></iframe>"])
def test_raw_html_in_a_markdown_cell_is_shown_as_text(markup: str) -> None:
    """A learner's own markdown cell holding HTML: escaped, never live (it was live before)."""
    from grader.feedback_page.filters import MarkdownWithMathML

    page = MarkdownWithMathML()({"cell": {}}, f"My notes {markup} and *emphasis* with $w$")
    for marker in ("<img", "<script", "<iframe", "<a href"):
        assert marker not in page, page
    assert html.escape(markup, quote=False).split(" ")[0] in page and "<em>emphasis</em>" in page
    assert page.count("<math") == 1


@pytest.mark.parametrize("text, formulas", [
    ("The bill: $5 and $10, paid.", 0),  # a price, twice
    ("costs $ 5 $ each", 0),  # spaces just inside the dollars
    ("`answer_g2 = '$w$'` is code; $w$ is not", 1),  # the backtick span stays as written
    (r"an escaped \$ then $\alpha = 0.1$", 1),
    ("$x$5", 0),  # a digit right after the closing dollar
    ("$$\n\\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))\n$$", 1),
])
def test_dollars_that_are_no_formula_stay_text(text: str, formulas: int) -> None:
    from grader.feedback_page.filters import MarkdownWithMathML

    out = escaped_text_math_to_mathml(html.escape(text))
    assert out.count("<math") == formulas, out
    assert out.count("$") == text.count("$") - (2 if "$$" not in text else 4) * formulas
    assert MarkdownWithMathML()({"cell": {}}, text).count("<math") == formulas


# ---- real nbgrader, real Chromium ------------------------------------------------------------------


def _injection_notebook(course: Any, release: Path) -> nbformat.NotebookNode:
    """A perceptron whose sigmoid prints and raises formulas full of markup, with a markdown cell of them."""
    from corpus_support import Submission, build_notebook

    a = course.assignment("perceptron")
    code = (f"INJECTION = {INJECTION!r}\nprint(INJECTION)\n\n\ndef sigmoid(z):\n"
            "    print(INJECTION)\n    raise ValueError(INJECTION)\n")
    sub = Submission("perceptron", "mallory", release, {"sigmoid_code": code}, expect_full=False,
                     mistake="markup", parts=["sigmoid"])
    nb = build_notebook(sub, course.path(a.notebook), release)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(f"My notes: {INJECTION}\n\n$${HOSTILE_TEX[1]}$$"))
    return nb


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from corpus_support import build_notebook, corpus
    from grader.nbgrader_glue.course import CourseDirectory

    course = load_course(ROOT / "course.yaml")
    cdir = CourseDirectory.prepare(course, tmp_path_factory.mktemp("feedback-page"))
    perceptron = course.assignment("perceptron")
    release = cdir.release("perceptron")
    wrong = next(s for s in corpus("perceptron") if s.name == "wrong_sigmoid_naive_overflow")
    cdir.submit("ann", "perceptron", build_notebook(wrong, course.path(perceptron.notebook), release))
    cdir.submit("mallory", "perceptron", _injection_notebook(course, release))
    cdir.submit("ann", "quiz_gradient_descent", cdir.release("quiz_gradient_descent"))  # nothing answered
    for assignment in ("perceptron", "quiz_gradient_descent"):
        graded = cdir.autograde(assignment)
        assert graded.returncode == 0, graded.log[-3000:]
        written = cdir.generate_feedback(assignment)
        assert written.returncode == 0, written.log[-3000:]
    found = {"perceptron": cdir.feedback_html("ann", "perceptron"),
             "quiz": cdir.feedback_html("ann", "quiz_gradient_descent"),
             "injection": cdir.feedback_html("mallory", "perceptron")}
    assert all(p.is_file() for p in found.values()), found
    return found


@contextmanager
def offline_chromium() -> Iterator[Any]:
    """Headless Chromium, 1,000 px wide, with every network request blocked; a request to a local server
    that answers before the block and fails after it shows the block holds."""
    from browser_support import headless_chromium

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT / "docs")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    probe = f"http://127.0.0.1:{server.server_address[1]}/architecture.md"
    fetch = "return fetch(arguments[0], {mode: 'no-cors'}).then(() => 'reached', e => 'failed')"
    try:
        with headless_chromium(window_size=(WIDTH, 1400)) as driver:
            driver.get((ROOT / "README.md").as_uri())
            assert driver.execute_script(fetch, probe) == "reached"
            driver.execute_cdp_cmd("Network.enable", {})
            # Every URL with a host part (http, https, ws, ftp, file): "*" would block the page's own
            # data: images as well, which work offline.
            driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*://*"]})
            assert driver.execute_script(fetch, probe) == "failed"
            yield driver
    finally:
        server.shutdown()
        server.server_close()


def _open(driver: Any, page: Path) -> None:
    driver.get(page.as_uri())
    driver.execute_script("return document.fonts.ready")


def _remote_sources(page: str) -> list[str]:
    """What the page would load from another host: script, link, img, iframe sources and CSS urls."""
    found = [f"<{tag} {name}={value}>" for tag, attrs in _markup(page).tags for name, value in attrs.items()
             if tag in ("script", "link", "img", "iframe", "source", "embed", "object") and name in ("src", "href", "data")
             and re.match(r"\s*(https?:)?//", value or "")]
    return found + re.findall(r"url\(\s*[\"']?\s*(?:https?:)?//[^)]*\)|@import[^;]*", page)


@pytest.mark.slow
def test_the_pages_load_nothing_from_the_network(pages: dict[str, Path]) -> None:
    for name, path in pages.items():
        page = path.read_text(encoding="utf-8")
        assert _remote_sources(page) == [], name
        assert "<script" not in page, name  # nothing runs at all: the math needs no script
    with offline_chromium() as driver:
        for name, path in pages.items():
            _open(driver, path)
            requested = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
            assert [u for u in requested if re.match(r"(https?|wss?):", u)] == [], name
            # What the page shows, it carries: the figures are data: images that decode offline.
            widths = driver.execute_script("return [...document.images].map(i => i.complete ? i.naturalWidth : 0)")
            assert name == "quiz" or (widths and min(widths) > 0), (name, widths)


@pytest.mark.slow
def test_formulas_are_mathml_without_network(pages: dict[str, Path]) -> None:
    with offline_chromium() as driver:
        for name in ("perceptron", "quiz"):
            _open(driver, pages[name])
            text = driver.execute_script("return document.body.innerText")
            left = [text[max(0, m.start() - 40):m.end() + 40] for m in re.finditer(r"\$", text)]
            assert not left, f"{name}: TeX left between dollars: {left[:5]}"
            # MathML Core, laid out by the browser: every formula has a box with a size.
            sizes = driver.execute_script(
                "return [...document.querySelectorAll('math')].map(m => m.getBoundingClientRect().width)")
            assert sizes and min(sizes) > 0, name
            in_reports = driver.execute_script("return document.querySelectorAll('div.output_area pre math').length")
            if name == "perceptron":  # each formula of the notebook's text, at least
                source = nbformat.read(ROOT / "exercises" / "perceptron" / "perceptron.ipynb", as_version=4)
                assert len(sizes) >= len([f for c in source.cells if c.cell_type == "markdown" for f in _formulas(c.source)])
            else:  # the explanations: "Explanation: ... $w_{\text{new}} = w - \alpha\, g$ ..."
                assert in_reports >= 10 and "w_{\\text{new}}" not in text and "new" in text


@pytest.mark.slow
def test_long_report_lines_wrap_instead_of_scrolling(pages: dict[str, Path], tmp_path: Path) -> None:
    from browser_support import screenshot

    measure = """
        return [...document.querySelectorAll('div.output_area pre, div.output_subarea')].map(el => {
            const unwrapped = el.cloneNode(true);
            unwrapped.style.whiteSpace = 'pre';
            el.after(unwrapped);
            const needs = unwrapped.scrollWidth > unwrapped.clientWidth;
            unwrapped.remove();
            return {text: el.innerText, scroll: el.scrollWidth, client: el.clientWidth, needsWrap: needs,
                    whiteSpace: getComputedStyle(el).whiteSpace, pre: el.tagName === 'PRE'};
        });"""
    with offline_chromium() as driver:
        for name in ("perceptron", "quiz"):
            _open(driver, pages[name])
            blocks = driver.execute_script(measure)
            scrolling = [(b["text"][:80], b["scroll"], b["client"]) for b in blocks if b["scroll"] > b["client"]]
            assert not scrolling, f"{name}: blocks that scroll sideways at {WIDTH} px: {scrolling}"
            assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
            long = [b for b in blocks if b["pre"] and b["needsWrap"]]
            assert long, f"{name}: no report line is longer than its box, so nothing shows the wrapping"
            assert all(b["whiteSpace"] == "pre-wrap" for b in blocks if b["pre"])
        _open(driver, pages["perceptron"])
        report = next(b for b in driver.execute_script(measure)
                      if b["pre"] and "Likely mistake — sigmoid overflow" in b["text"])
        assert report["needsWrap"] and report["text"].count("\n") >= 3  # its own line breaks kept
        # The screenshot in docs/: the sigmoid's formulas above its report, the long hint wrapped.
        driver.execute_script("""
            const pre = [...document.querySelectorAll('div.output_area pre')]
                .find(p => p.innerText.includes('Likely mistake'));
            window.scrollTo(0, pre.getBoundingClientRect().top + window.scrollY - 900);""")
        assert screenshot(driver, tmp_path, "feedback-offline.png").stat().st_size > 20_000


@pytest.mark.slow
def test_markup_hidden_in_formulas_stays_inert_in_the_page(pages: dict[str, Path]) -> None:
    page = pages["injection"].read_text(encoding="utf-8")
    markup = _markup(page)
    assert not [m for m in INJECTED_HTML if m in page]
    assert not [(t, a) for t, a in markup.tags if t in ("script", "iframe", "object", "embed")]
    assert not [(t, a) for t, a in markup.tags if t == "img" and not (a.get("src") or "").startswith("data:image/png")]
    handlers = [(t, n) for t, a in markup.tags for n in a if n.startswith("on") or (n == "href" and t != "a")]
    assert not handlers
    assert not [(t, a) for t, a in markup.tags for v in a.values() if "javascript" in (v or "").lower()]
    for tag, attrs in markup.math_tags:
        assert tag in ELEMENTS and set(attrs) <= ATTRIBUTES, (tag, attrs)
    with offline_chromium() as driver:
        _open(driver, pages["injection"])
        live = driver.execute_script(
            "return [...document.querySelectorAll('script, iframe, [onerror], [onmouseover], [href^=\"javascript\"],"
            " math [href], img:not([src^=\"data:image/png\"])')].map(e => e.outerHTML)")
        assert live == []
        # The formulas arrived as math text: from the learner's markdown cell, printed text and error message
        # (the code that prints them shows them as written, as code; the report cuts a long message short,
        # which may leave a lone dollar).
        shown = driver.execute_script(
            "return [...document.querySelectorAll('.rendered_html math, div.output_area math')]"
            ".map(m => m.textContent).filter(t => t.includes('onerror'))")
        outputs = driver.execute_script(
            "return [...document.querySelectorAll('.rendered_html, div.output_area')].map(e => e.innerText).join()")
        assert len(shown) >= 3 and "$<img" not in outputs, shown


#: What formgrader's "generate feedback" does: NbGraderAPI.generate_feedback with the course's config.
FORMGRADER = """
import sys
from nbgrader.apps import NbGrader, NbGraderAPI
app = NbGrader()
app.load_config_file()
result = NbGraderAPI(config=app.config).generate_feedback(sys.argv[1], sys.argv[2], force=True)
print(result.get("log", ""), result.get("error", ""))
sys.exit(0 if result["success"] else 1)
"""


@pytest.mark.slow
def test_formgraders_generate_feedback_writes_the_same_page(pages: dict[str, Path]) -> None:
    """NbGraderAPI forces the template name 'feedback': the offline template is what it finds under it."""
    from grader.nbgrader_glue.course import CourseDirectory

    path = pages["quiz"]
    root = path.parents[3]
    before = path.read_text(encoding="utf-8")
    path.unlink()
    env = CourseDirectory(root, load_course(ROOT / "course.yaml")).env()
    done = subprocess.run([sys.executable, "-c", FORMGRADER, "quiz_gradient_descent", "ann"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert path.read_text(encoding="utf-8") == before
