"""The learner's feedback page, as ``nbgrader generate_feedback`` writes it, made to work offline.

nbgrader's feedback template loads MathJax from a public CDN, so on a hub without internet (or
under a strict content security policy) every formula shows as raw ``$\\alpha = 0.1$``; and the
report of a check is a ``<pre>`` that scrolls, so the end of a long line is out of sight. Here the
formulas become MathML when the page is written (browsers render it without any script), and the
output areas wrap their long lines. All of it goes through nbconvert's own extension points, set in
the course folder's ``nbgrader_config.py`` (``CONFIG_TEMPLATE``) for ``GenerateFeedback``'s
exporter only, so ``nbgrader generate_feedback`` run by hand, or from formgrader, gives the same page:

* ``templates/feedback/`` is layered over nbgrader's ``feedback`` template (same name, first in
  ``extra_template_basedirs``): ``dlcourse_feedback.html.j2`` extends nbgrader's page, and
  ``mathjax.html.j2`` stands in for nbconvert's MathJax loader;
* ``filters.MarkdownWithMathML`` replaces the ``markdown2html`` filter (nbconvert's renderer, with
  formulas as MathML), and ``filters.text_math_to_mathml`` does the same for report text once
  nbconvert has escaped it (``mathml`` says how a formula is made safe).
"""

from __future__ import annotations

from pathlib import Path

#: The folder holding the ``feedback`` template that is layered over nbgrader's.
TEMPLATE_BASEDIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_FILE = "dlcourse_feedback.html.j2"
