"""The report as one self-contained HTML page: inline CSS, PNGs as data URIs, the table library inline.

The learner tables are ITables (DataTables for pandas) in its offline mode: its JavaScript and CSS
bundle ships inside the Python package and is written into the page, so sorting, searching and
paging work from a file opened with no network. Everything else is plain HTML built here, each
piece of text escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

import pandas as pd

from grader.report import figures, summaries
from grader.report.load import Grades

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1500px;
       padding: 1rem 2rem 4rem; color: #1d2330; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #dde3ec; padding-bottom: .2rem; }
h3 { margin: 1.2rem 0 .4rem; font-size: 1.05rem; }
.meta, .note { color: #5a6272; font-size: .9rem; }
nav a { margin-right: 1rem; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { border: 1px solid #dde3ec; border-radius: 6px; padding: .6rem .8rem; width: 415px; box-sizing: border-box; }
.card img { width: 100%; height: auto; display: block; }
.card h3 { margin-top: .2rem; }
.empty { border: 1px dashed #b9c2d0; border-radius: 6px; padding: .8rem 1rem; color: #5a6272; background: #f7f9fc; }
table.plain { border-collapse: collapse; margin: .3rem 0 1rem; font-size: .92rem; }
table.plain th, table.plain td { border-bottom: 1px solid #e4e8ef; padding: .25rem .6rem; text-align: left;
                                 vertical-align: top; }
table.plain td.num { text-align: right; white-space: nowrap; }
.bar { display: inline-block; width: 120px; height: .7rem; background: #e8edf4; border-radius: 3px;
       vertical-align: middle; margin-right: .4rem; }
.bar > span { display: block; height: 100%; background: #3b7a57; border-radius: 3px; }
.missing { color: #a2461f; font-weight: 600; }
code { background: #f1f3f7; padding: 0 .2rem; border-radius: 3px; }
"""

#: A score cell holds a number, or in the learner table its text or a state word (``missing``, ``not
#: graded``; ITables sends a column of mixed types as text): shown as "7.5 / 10" or the word, sorted
#: as the number with the words below every score, and searchable by either, so typing "missing" in
#: the search box lists every learner with missing work.
SCORE_RENDER = """function (data, type) {{
  var text = String(data).trim(), x = parseFloat(text);
  if (isNaN(x)) {{
    if (type === 'sort' || type === 'type') {{ return -1; }}
    return type === 'display' ? '<span class="missing">' + text + '</span>' : text;
  }}
  var shown = String(Math.round(x * 100) / 100);
  return type === 'display' ? shown + '{suffix}' : (type === 'filter' ? shown : x);
}}"""
#: Quiz questions listed before the rest of the ranking is folded away.
QUIZ_SHOWN = 15
#: Not itables' default layout, which drops the search box from a table that fits on one page.
LAYOUT = {"topStart": "search", "topEnd": "pageLength", "bottomStart": "info", "bottomEnd": "paging"}


def _e(value: object) -> str:
    return html.escape(str(value))


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _plain_table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """A static table; cells are already HTML (escape text before passing it)."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table class="plain"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _rate(rate: float, passed: int, of: int) -> str:
    width = 0 if math.isnan(rate) else round(rate * 100)
    return f'<span class="bar"><span style="width:{width}%"></span></span>{width}% ({passed} of {of})'


def _empty(text: str) -> str:
    return f'<p class="empty">{text}</p>'


def _nobody(grades: Grades, assignment_id: str) -> str:
    a = grades.assignment(assignment_id)
    return _empty(f"Nobody has submitted <b>{_e(a.title)}</b> (<code>{_e(a.id)}</code>) yet: "
                  f"all {len(grades.roster)} learner(s) on the roster are missing it.")


def _truncate(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scores_section(grades: Grades, totals: pd.DataFrame) -> str:
    """One histogram per assignment, totals out of its maximum; an explicit state where nobody submitted."""
    cards = []
    for a in grades.assignments:
        mine = totals[totals.assignment == a.id]
        got = mine.score[mine.state == "submitted"]
        absent = int((mine.state != "submitted").sum())
        if got.empty:
            cards.append(f'<div class="card"><h3>{_e(a.title)}</h3>{_nobody(grades, a.id)}</div>')
            continue
        image = figures.score_histogram(got.tolist(), a.max_points, f"{a.id}: totals out of {a.max_points:g}")
        cards.append(
            f'<div class="card"><h3>{_e(a.title)} <span class="meta">({_e(a.kind)}, out of {_num(a.max_points)})'
            f"</span></h3><img alt=\"Histogram of {_e(a.id)} totals out of {_num(a.max_points)}\" src=\"{image}\">"
            f'<p class="note">{len(got)} submitted, <span class="missing">{absent} missing</span>; '
            f"mean {_num(got.mean())} / {_num(a.max_points)}, median {_num(got.median())} / {_num(a.max_points)}</p>"
            "</div>"
        )
    return f'<h2 id="scores">Score distribution per assignment</h2><div class="cards">{"".join(cards)}</div>'


def pass_rate_section(grades: Grades, rates: pd.DataFrame, submitted: dict[str, int]) -> str:
    """Per assignment, the share of submitting learners who passed each part."""
    out = ['<h2 id="pass-rates">Pass rate per part</h2>'
           '<p class="note">Share of the learners who submitted the assignment whose part is passed '
           "(every case right). Grading failures are counted apart: they are not wrong answers.</p>"]
    for a in grades.assignments:
        out.append(f"<h3>{_e(a.title)} <span class=\"meta\">({submitted[a.id]} submitted)</span></h3>")
        if not submitted[a.id]:
            out.append(_nobody(grades, a.id))
            continue
        mine = rates[rates.assignment == a.id]
        out.append(_plain_table(
            ["part", "what", "pass rate", "grading failed"],
            ([f"<code>{_e(r.part)}</code>", _e(_truncate(r.description, 90)),
              _rate(r.rate, r.passed, r.submitted), str(r.grading_failed)] for r in mine.itertuples()),
            numeric=(2, 3),
        ))
    return "".join(out)


def mistakes_section(grades: Grades, mistakes: pd.DataFrame, submitted: dict[str, int]) -> str:
    """Per exercise, its most frequent diagnosed mistakes with what the learners were told."""
    out = ['<h2 id="mistakes">Most frequent mistakes per exercise</h2>'
           '<p class="note">Mistakes the grader recognised in failed parts, counted once per learner; '
           "the message is the hint those learners got.</p>"]
    for a in grades.assignments:
        if a.kind != "exercise":
            continue
        out.append(f"<h3>{_e(a.title)}</h3>")
        mine = mistakes[mistakes.assignment == a.id]
        if not submitted[a.id]:
            out.append(_nobody(grades, a.id))
        elif mine.empty:
            out.append(_empty("No known mistake was diagnosed in the submissions."))
        else:
            out.append(_plain_table(
                ["part", "mistake", "learners", "example message"],
                ([f"<code>{_e(r.part)}</code>", _e(r.mistake), str(r.learners),
                  _e(r.hint) if r.hint else '<span class="note">(no hint recorded for this mistake)</span>']
                 for r in mine.itertuples()),
                numeric=(2,),
            ))
    return "".join(out)


def quiz_section(grades: Grades, ranking: pd.DataFrame, submitted: dict[str, int]) -> str:
    """Quiz questions, most often missed first."""
    quizzes = [a for a in grades.assignments if a.kind == "quiz"]
    out = ['<h2 id="quiz">Quiz questions by how often they were missed</h2>']
    if not quizzes:
        return out[0] + _empty("The course has no quizzes.")
    nobody = [a for a in quizzes if not submitted[a.id]]
    if ranking.empty:
        out.append(_empty("Nobody has submitted a quiz yet."))
    else:
        out.append('<p class="note">Missed: submitted the quiz and did not get the question fully right. '
                   "Ranked by the share missed.</p>")
        rows = [[str(i + 1), _e(r.quiz), f"<code>{_e(r.question)}</code>", _e(_truncate(r.prompt)),
                 f"{r.missed} of {r.submitted}", f"{round(r.share_missed * 100)}%"]
                for i, r in enumerate(ranking.itertuples())]
        headers = ["rank", "quiz", "question", "prompt", "missed", "share missed"]
        out.append(_plain_table(headers, rows[:QUIZ_SHOWN], numeric=(0, 4, 5)))
        if len(rows) > QUIZ_SHOWN:
            # The hardest questions are what needs a look; the rest stay one click away.
            out.append(f"<details><summary>The other {len(rows) - QUIZ_SHOWN} question(s)</summary>"
                       f"{_plain_table(headers, rows[QUIZ_SHOWN:], numeric=(0, 4, 5))}</details>")
    if nobody and not ranking.empty:
        out.append(_empty("Nobody has submitted " + ", ".join(f"<code>{_e(a.id)}</code>" for a in nobody) + " yet."))
    return "".join(out)


def interactive_table(df: pd.DataFrame, table_id: str, column_defs: list[dict] | None = None) -> str:
    """``df`` as a sortable, searchable, paged table that needs the page's ITables bundle and nothing else."""
    import itables

    # maxBytes=0: never downsample; a report that silently dropped learners would be wrong.
    return itables.to_html_datatable(
        df, table_id=table_id, connected=False, maxBytes=0, showIndex=False, layout=LAYOUT,
        columnDefs=column_defs or [], pageLength=25, lengthMenu=[10, 25, 100, 500],
        display_logo_when_loading=False, classes="display compact nowrap cell-border",
        # A click anywhere on a header sorts, as instructors expect (ITables' default sorts from the arrows only).
        text_in_header_can_be_selected=False,
    )


def _score_defs(columns: Sequence[str], suffixes: dict[str, str]) -> list[dict]:
    from itables import JavascriptFunction

    return [{"targets": [columns.index(c)], "render": JavascriptFunction(SCORE_RENDER.format(suffix=suffix)),
             "className": "dt-right"} for c, suffix in suffixes.items()]


def learners_section(grades: Grades, totals_wide: pd.DataFrame, parts: pd.DataFrame) -> str:
    """The sortable, filterable tables: totals per learner and assignment, then every graded part."""
    course_max = sum(a.max_points for a in grades.assignments)
    suffixes = {a.id: f" / {_num(a.max_points)}" for a in grades.assignments}
    suffixes["total"] = f" / {_num(course_max)}"
    columns = list(totals_wide.columns)
    cells = totals_wide.copy()
    for column in suffixes:
        cells[column] = [v if isinstance(v, str) else _num(v) for v in cells[column]]
    totals_html = interactive_table(cells, "learner-totals", _score_defs(columns, suffixes))
    part_columns = list(parts.columns)
    part_defs = _score_defs(part_columns, {"score": "", "max_score": ""})
    parts_html = interactive_table(parts, "part-grades", part_defs)
    return (
        '<h2 id="learners">Learners × assignments</h2>'
        f'<p class="note">Each assignment total out of its maximum; <span class="missing">missing</span> where '
        f"nothing was submitted (never 0). <b>total</b> adds the graded work, out of the course's "
        f"{_num(course_max)} points. Click a header to sort; type in the search box to filter "
        "(a name, an assignment, or “missing”).</p>"
        f"{totals_html}"
        '<h2 id="parts">Every graded part</h2>'
        '<p class="note">Search for a status (passed, failed, grading-failed) or a mistake to see who has it.</p>'
        f"{parts_html}"
    )


def missing_section(grades: Grades, missing: pd.DataFrame) -> str:
    out = ['<h2 id="missing">Missing submissions</h2>']
    if missing.empty:
        return out[0] + _empty(f"All {len(grades.roster)} learner(s) on the roster have graded work for every assignment.")
    n_assignments = len(grades.assignments)
    nothing = missing[missing["count"] == n_assignments].student.tolist()
    if nothing:
        out.append(f'<p><span class="missing">{len(nothing)} learner(s) submitted nothing at all:</span> '
                   f"{_e(', '.join(nothing))}</p>")
    out.append(f'<p class="note">{len(missing)} of {len(grades.roster)} learner(s) on the roster (nbgrader\'s '
               "students and everyone with a grade) have missing work; <i>not graded</i>: nbgrader holds a "
               "submission it could not grade.</p>")
    out.append(interactive_table(missing.rename(columns={"not_graded": "not graded", "count": "assignments missing"}),
                                 "missing-work"))
    return "".join(out)


def late_section(grades: Grades) -> str:
    """Work handed in after the due date (extensions included), each with its penalty in words."""
    out = ['<h2 id="late">Late work</h2>']
    if not grades.late:
        return out[0] + _empty("No work was handed in after its due date.")
    out.append(_plain_table(["learner", "assignment", "points deducted", "what happened"],
                            ([_e(s), _e(a), _num(p), _e(w)] for s, a, p, w in grades.late), numeric=(2,)))
    return "".join(out)


def _page(title: str, subtitle: str, body: str, with_tables: bool) -> str:
    bundle = ""
    if with_tables:
        from itables import options
        from itables.javascript import generate_init_offline_itables_html

        # The DataTables bundle that ships inside the itables package, inlined once for every table.
        bundle = generate_init_offline_itables_html(options.dt_bundle)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{_e(title)}</title>"
        f"<style>{CSS}</style></head><body>{bundle}"
        f"<h1>{_e(title)}</h1><p class=\"meta\">{subtitle}</p>{body}</body></html>\n"
    )


def no_grades_page(grades: Grades, course_title: str, generated: str) -> str:
    """The explicit empty state: nothing graded yet, with what the report is waiting for."""
    roster = (f"<p>{len(grades.roster)} learner(s) on nbgrader's roster, none graded: {_e(', '.join(grades.roster))}</p>"
              if grades.roster else "")
    body = (_empty("<b>No grades yet.</b> Grade submissions with <code>dlcourse grade course.yaml --submissions DIR"
                   "</code>, then run <code>dlcourse report</code> again.")
            + roster + "<h2>Assignments</h2>"
            + _plain_table(["assignment", "kind", "points"],
                           ([f"{_e(a.title)} (<code>{_e(a.id)}</code>)", _e(a.kind), _num(a.max_points)]
                            for a in grades.assignments), numeric=(2,)))
    return _page(f"{course_title}: instructor report",
                 f"Generated {_e(generated)} from {_e(grades.source)}.", body, with_tables=False)


def render_page(grades: Grades, course_title: str, generated: str) -> str:
    """The whole report for ``grades``; the "No grades yet" page when nothing is graded."""
    if grades.parts.empty:
        return no_grades_page(grades, course_title, generated)
    totals = summaries.assignment_totals(grades)
    submitted = summaries.submitted_counts(grades)
    graded_learners = grades.parts.student.nunique()
    subtitle = (f"Generated {_e(generated)} from {_e(grades.source)}. {len(grades.roster)} learner(s) on the "
                f"roster, {graded_learners} with graded work; {len(grades.assignments)} assignment(s).")
    nav = ("<nav>" + "".join(f'<a href="#{i}">{t}</a>' for i, t in (
        ("scores", "Scores"), ("pass-rates", "Pass rates"), ("mistakes", "Mistakes"), ("missing", "Missing"),
        ("late", "Late work"), ("quiz", "Quiz questions"), ("learners", "Learners"), ("parts", "Parts"))) + "</nav>")
    body = "".join((
        nav,
        scores_section(grades, totals),
        pass_rate_section(grades, summaries.pass_rates(grades), submitted),
        mistakes_section(grades, summaries.frequent_mistakes(grades), submitted),
        missing_section(grades, summaries.missing_work(grades)),
        late_section(grades),
        quiz_section(grades, summaries.quiz_ranking(grades), submitted),
        learners_section(grades, summaries.totals_table(grades), summaries.part_rows(grades)),
    ))
    return _page(f"{course_title}: instructor report", subtitle, body, with_tables=True)
