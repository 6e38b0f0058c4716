"""The nbconvert filters of the feedback page (named in nbgrader_config.py): formulas as MathML."""

from __future__ import annotations

from typing import Any

import jinja2
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath, MathInlineParser
from nbconvert.utils.base import NbConvertBase

from grader.feedback_page.mathml import escaped_text_math_to_mathml, tex_to_mathml


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer; a formula that latex2mathml cannot read stays as nbconvert writes it."""

    def inline_math(self, body: str) -> str:
        return tex_to_mathml(body) or super().inline_math(body)

    def block_math(self, body: str) -> str:
        return tex_to_mathml(body, display=True) or super().block_math(body)

    def latex_environment(self, name: str, body: str) -> str:
        return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True) or super().latex_environment(
            name, body)


class PandocDollarsParser(MathInlineParser):
    """nbconvert's inline math, with pandoc's rule for single dollars: "$5 and $10" is no formula.

    The opening ``$`` has no space after it, the closing one no space before it and no digit after.
    """

    SPECIFICATION = {
        **MathInlineParser.SPECIFICATION,
        "inline_math_tex": r"(?s:(?<![$\\])\$(?![\s$])(?P<math_inline_tex>.+?)(?<![\s$\\])\$(?!\d))",
    }


class MarkdownWithMathML(NbConvertBase):
    """The ``markdown2html`` filter of HTMLExporter, writing every formula as MathML.

    A class, so that nbconvert makes it with the exporter as its parent (its anchor-link and image
    settings are the exporter's); Jinja passes it the context, which holds the cell's attachments.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        jinja2.pass_context(self)  # marks this instance, as nbconvert registers the instance it makes

    def __call__(self, context: Any, source: str) -> str:
        exporter = self.parent
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            # Raw HTML in markdown is escaped: a learner can add a markdown cell, and `<img onerror=...>`
            # there must not run in their feedback page (nor in a colleague's browser). No course
            # notebook needs raw HTML; quiz prompts that write "<formula>" now show it.
            escape=True,
            attachments=cell.get("attachments", {}),
            embed_images=getattr(exporter, "embed_images", False),
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=getattr(exporter, "anchor_link_text", "¶"),
            exclude_anchor_links=getattr(exporter, "exclude_anchor_links", False),
            **getattr(exporter, "lexer_options", {}),
        )
        return MarkdownWithMath(renderer=renderer, inline=PandocDollarsParser(hard_wrap=False)).render(source)


def text_math_to_mathml(escaped: str) -> str:
    """Filter for report text after ``ansi2html`` (which escapes it): its formulas as MathML."""
    return escaped_text_math_to_mathml(str(escaped))
