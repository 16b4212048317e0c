"""What the class got wrong: one HTML page summarizing the rows of :mod:`~.grading`.

:func:`class_summary` turns the grader's rows into numbers: per question the mean score,
the pass rate (the share of submissions with full marks), the number of submissions, the
scores themselves and the most frequent failures; for the class, the notebooks graded, the
files not gradable (with their reasons counted) and the mean total. :func:`write_report`
writes them as one self-contained HTML file: the figures are embedded PNG images, the style
sheet is inline, nothing is fetched, so the page opens offline and can be sent as is.

Failures are grouped by diagnosis. A row below full marks contributes its diagnosis once:
the check line without its head (``q1 dense layer X @ W + b: 0/3 -``), without the case
label (``case '5 samples, fan_in 4, fan_out 3':``), without the ``(+N more failed cases)``
and ``; hidden cases: ...`` notes of a failed public case, without the pointer to the hints
(``. More help: ch01.q1.hint()``) and without the grader's notes on the notebook
(``[notebook: cell 4 (...) raised ValueError]``). What remains is what went wrong, e.g.
``expected shape (5, 3), got (3, 5)``. Diagnoses that differ only in their numbers (the
shapes of another case, the values a student's function returned) count as one failure:
the report shows the most frequent wording of the group and how many wordings it gathers.
A message the checks did not write (a kernel that died, a timeout) is kept whole, without
the grader's notes. A failure's share is its count over the question's submissions; of
equally frequent failures, the one met first comes first.

The figures are drawn on :class:`matplotlib.figure.Figure` objects with the Agg canvas: the
backend the user chose for :mod:`matplotlib.pyplot` is neither read nor changed.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from coursepkg.course.checks import MORE_HELP
from coursepkg.course.grading import NOT_GRADABLE, write_atomically

__all__ = ["ClassSummary", "Failure", "QuestionSummary", "class_summary", "diagnosis",
           "write_report"]

#: How many of the most frequent failures the report lists per question.
TOP_FAILURES = 5
#: Above this many distinct scores, a question's scores are drawn as a histogram of bins.
_MAX_BARS = 15
#: Colours (Okabe and Ito, readable with colour blindness): full marks, partial, zero.
_FULL, _PARTIAL, _ZERO = "#0072B2", "#E69F00", "#D55E00"
#: A diagnosis longer than this is shortened on the page (the grouping uses all of it).
_MAX_SHOWN = 300

_HEAD = re.compile(r"^(?P<name>\S+) (?P<title>.*?): [-+.\de]+/[-+.\de]+ - ")
_CASE = re.compile(r"^case '.*?': ")
_HINT = ". " + MORE_HELP
_NOTES = " [notebook: "
_CASE_NOTES = re.compile(r"(?: \(\+\d+ more failed cases?\))?"
                         r"(?:; hidden cases: \d+ of \d+ passed)?$")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?!\w)")
_REASON = re.compile(r"^(?P<what>.*?) \((?P<error>[A-Za-z_][\w.]*): .*\)$", re.DOTALL)


@dataclass(frozen=True)
class Failure:
    """One kind of failure of a question.

    Attributes
    ----------
    diagnosis : str
        The most frequent wording of the failure (see :func:`diagnosis`).
    count : int
        How many submissions failed this way.
    share : float
        ``count`` over the question's submissions (graded notebooks), between 0 and 1.
    variants : int
        How many distinct wordings, differing only in their numbers, the group gathers.
    """

    diagnosis: str
    count: int
    share: float
    variants: int = 1


@dataclass(frozen=True)
class QuestionSummary:
    """The numbers of one question over the graded notebooks.

    Attributes
    ----------
    question : str
        The question's id, e.g. ``"ch07.q1"``.
    title : str
        Its title as the check line gives it (``""`` when no line gives it).
    max_points : float
        What the question is worth (the largest ``max_points`` of its rows).
    submissions : int
        How many graded notebooks have a row for it.
    mean : float
        The mean points earned.
    pass_rate : float
        The share of submissions with full marks, between 0 and 1.
    failed : int
        How many submissions are below full marks.
    scores : tuple of float
        The points of every submission, in the order of the rows.
    failures : tuple of Failure
        The most frequent failures, at most ``TOP_FAILURES`` (5), most frequent first.
    """

    question: str
    title: str
    max_points: float
    submissions: int
    mean: float
    pass_rate: float
    failed: int
    scores: tuple[float, ...]
    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class ClassSummary:
    """The numbers of a whole class.

    Attributes
    ----------
    graded : int
        How many notebooks were graded.
    not_gradable : int
        How many files were not gradable.
    not_gradable_reasons : tuple of (str, int)
        Their reasons and how many files gave each, most frequent first; an error's
        message is left out (``"not a valid notebook (NotJSONError)"``).
    mean_total : float or None
        The mean over graded notebooks of their total points; ``None`` without any.
    max_total : float or None
        The total every graded notebook could reach; ``None`` without graded notebooks or
        when notebooks of different chapters reach different totals.
    questions : tuple of QuestionSummary
        One per question, in the order the rows first name them.
    """

    graded: int
    not_gradable: int
    not_gradable_reasons: tuple[tuple[str, int], ...]
    mean_total: float | None
    max_total: float | None
    questions: tuple[QuestionSummary, ...]


def diagnosis(message: str) -> str:
    """What went wrong, according to one check line.

    Parameters
    ----------
    message : str
        The ``message`` of a grader's row.

    Returns
    -------
    str
        ``message`` without its head, case label, case notes, help pointer and notebook notes (see
        the module's description); a message without the check line's form is returned
        without its notebook notes only.

    Examples
    --------
    >>> diagnosis("q1 dense: 0/3 - case '5 samples': expected shape (5, 3), got (3, 5). "
    ...           "More help: ch01.q1.hint() [notebook: cell 4 (x = 1) raised ValueError]")
    'expected shape (5, 3), got (3, 5)'
    """
    head = _HEAD.match(message)
    text = message[head.end():] if head else message
    case = _CASE.match(text)
    text = text[case.end():] if case else text
    end = text.find(_HINT) if case else -1
    if end < 0:
        end = text.find(_NOTES)
    text = text[:end] if end >= 0 else text
    if case:
        text = text[:_CASE_NOTES.search(text).start()]
    return text.strip() or "(no message)"


def _full_marks(row) -> bool:
    """Whether ``row`` earned all its points (up to the grader's rounding)."""
    return row.points >= row.max_points - 1e-9


def _top_failures(rows: list) -> tuple[Failure, ...]:
    """The most frequent diagnoses of the ``rows`` below full marks, grouped by wording
    with their numbers masked."""
    groups: dict[str, Counter] = {}
    for row in rows:
        if not _full_marks(row):
            text = diagnosis(row.message)
            groups.setdefault(_NUMBER.sub("#", text), Counter())[text] += 1
    ranked = sorted(groups.values(), key=lambda wordings: -wordings.total())
    return tuple(Failure(wordings.most_common(1)[0][0], wordings.total(),
                         wordings.total() / len(rows), len(wordings))
                 for wordings in ranked[:TOP_FAILURES])


def _title(question: str, rows: list) -> str:
    """The question's title, read from the head of its first check line that has one."""
    name = question.rsplit(".", 1)[-1]
    for row in rows:
        head = _HEAD.match(row.message)
        if head and head["name"] == name:
            return head["title"]
    return ""


def _question_summary(question: str, rows: list) -> QuestionSummary:
    """The numbers of ``question`` from its graded ``rows``."""
    scores = tuple(float(row.points) for row in rows)
    passed = sum(map(_full_marks, rows))
    return QuestionSummary(
        question=question, title=_title(question, rows),
        max_points=float(max(row.max_points for row in rows)), submissions=len(rows),
        mean=sum(scores) / len(rows), pass_rate=passed / len(rows),
        failed=len(rows) - passed, scores=scores, failures=_top_failures(rows))


def _reason(message: str) -> str:
    """A not-gradable reason without the error's own message."""
    match = _REASON.match(message)
    return f"{match['what']} ({match['error']})" if match else message


def _totals(graded: list) -> tuple[float | None, float | None]:
    """The mean total of the graded notebooks, and their common maximum (or ``None``)."""
    totals: dict[str, list[float]] = {}
    for row in graded:
        total = totals.setdefault(row.notebook, [0.0, 0.0])
        total[0] += row.points
        total[1] += row.max_points
    if not totals:
        return None, None
    maxima = {round(maximum, 6) for _, maximum in totals.values()}
    mean = sum(points for points, _ in totals.values()) / len(totals)
    return mean, (maxima.pop() if len(maxima) == 1 else None)


def class_summary(rows) -> ClassSummary:
    """The numbers of a class, from the rows of :func:`coursepkg.course.grading.grade`.

    Parameters
    ----------
    rows : iterable of coursepkg.course.grading.Row
        The grader's rows (objects with the same attributes do as well).

    Returns
    -------
    ClassSummary

    Raises
    ------
    ValueError
        If there are no rows (an empty class has nothing to report), or a graded row has
        no points.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("no rows to report on: no notebook was graded or even found")
    graded = [row for row in rows if row.status != NOT_GRADABLE]
    for row in graded:
        if row.points is None or row.max_points is None:
            raise ValueError(f"graded row without points: {row.notebook} {row.question}")
    failed = {row.notebook: row.message for row in rows if row.status == NOT_GRADABLE}
    by_question: dict[str, list] = {}
    for row in graded:
        by_question.setdefault(row.question, []).append(row)
    mean_total, max_total = _totals(graded)
    return ClassSummary(
        graded=len({row.notebook for row in graded}), not_gradable=len(failed),
        not_gradable_reasons=tuple(Counter(map(_reason, failed.values())).most_common()),
        mean_total=mean_total, max_total=max_total,
        questions=tuple(_question_summary(question, group)
                        for question, group in by_question.items()))


# --- figures ---------------------------------------------------------------------------

def _png(figure: Figure) -> str:
    """``figure`` as an ``<img>`` element holding a base64 PNG, drawn at twice its size
    for sharp screens."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=2 * figure.dpi)
    width, height = (round(size * figure.dpi) for size in figure.get_size_inches())
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="">')


def _score_colour(points: float, max_points: float) -> str:
    """The colour of a bar of ``points``: full marks, partial or zero."""
    return _FULL if points >= max_points - 1e-9 else _ZERO if points <= 0 else _PARTIAL


def _bar_values(question: QuestionSummary) -> list[float] | None:
    """The scores to draw a bar for (0 and full marks always), or ``None`` when there are
    too many for bars."""
    values = sorted({round(score, 6) for score in question.scores}
                    | {0.0, question.max_points})
    return values if len(values) <= _MAX_BARS else None


def _draw_scores(axes, question: QuestionSummary) -> None:
    """One bar per score coloured by :func:`_score_colour`, or a histogram of ten bins
    when the scores take too many values."""
    counts = Counter(round(score, 6) for score in question.scores)
    values = _bar_values(question)
    if values is not None:
        heights = [counts.get(value, 0) for value in values]
        bars = axes.bar(range(len(values)), heights, width=0.7,
                        color=[_score_colour(v, question.max_points) for v in values])
        axes.bar_label(bars, labels=[str(h) if h else "" for h in heights], fontsize=8)
        axes.set_xticks(range(len(values)), [f"{value:.3g}" for value in values])
    else:
        axes.hist(question.scores, bins=10, range=(0, question.max_points), color=_PARTIAL,
                  edgecolor="white")
    axes.set_xlabel(f"points (of {question.max_points:g})")
    axes.set_ylabel("submissions")
    axes.margins(y=0.2)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)


def _scores_figure(question: QuestionSummary) -> str:
    """The ``<img>`` of the scores of ``question``."""
    figure = Figure(figsize=(4.2, 2.5), dpi=100, layout="constrained")
    _draw_scores(figure.add_subplot(), question)
    return _png(figure)


def _overview_figure(questions) -> str:
    """Mean score (share of the maximum) and pass rate of every question, side by side."""
    figure = Figure(figsize=(7.5, 0.9 + 0.42 * len(questions)), dpi=100,
                    layout="constrained")
    axes = figure.add_subplot()
    places = range(len(questions))
    means = [100 * q.mean / q.max_points if q.max_points else 0 for q in questions]
    rates = [100 * q.pass_rate for q in questions]
    for offset, values, colour, label in (
            (-0.2, means, _PARTIAL, "mean score (% of the points)"),
            (0.2, rates, _FULL, "full marks (% of the submissions)")):
        bars = axes.barh([p + offset for p in places], values, height=0.38, color=colour,
                         label=label)
        axes.bar_label(bars, fmt="%.0f%%", padding=2, fontsize=8)
    axes.set_yticks(places, [q.question for q in questions])
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xlabel("%")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", fontsize=8, frameon=False,
                bbox_to_anchor=(1, 1), ncols=2)
    return _png(figure)


# --- HTML ------------------------------------------------------------------------------

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1f2328; margin: 0 auto; padding: 1.5em 2em 3em; max-width: 1150px; }
h1 { font-size: 1.6em; margin: 0 0 .6em; }
h2 { font-size: 1.2em; margin: 1em 0 .4em; }
section h2 { margin-top: 0; }
h2 .title { font-weight: normal; color: #57606a; }
h3 { font-size: 1em; margin: .2em 0 .4em; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; margin-bottom: 1em; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .5em 1em; min-width: 9em; }
.card .value { font-size: 1.5em; font-weight: 600; }
.card .label { color: #57606a; font-size: .9em; }
section { border-top: 1px solid #d0d7de; padding: 1.2em 0 .6em; }
.numbers { color: #57606a; margin: 0 0 .6em; }
.numbers b { color: #1f2328; }
.body { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; }
.body figure { margin: 0; flex: none; }
.body .failures { flex: 1; min-width: 24em; }
figcaption { color: #57606a; font-size: .8em; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px;
          vertical-align: -1px; margin: 0 .2em 0 .6em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid #eaeef2;
         vertical-align: top; }
th { font-weight: 600; color: #57606a; font-size: .9em; }
th.n { text-align: right; white-space: nowrap; width: 4.5em; }
th.rank { width: 1.2em; }
td.words { min-width: 14em; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
          font-size: .88em; overflow-wrap: anywhere; }
.variants { color: #57606a; font-family: system-ui, sans-serif; font-size: .9em; }
.none { color: #57606a; font-style: italic; }
a { color: #0969da; text-decoration: none; }
"""


def _e(text) -> str:
    """``text`` escaped for HTML, quotes included."""
    return html.escape(str(text), quote=True)


def _shorten(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, an ellipsis marking the cut."""
    return text if len(text) <= length else text[:length - 1] + "\u2026"


def _percent(share: float) -> str:
    """``share`` (0 to 1) as a whole percentage."""
    return f"{100 * share:.0f}%"


def _card(value: str, label: str) -> str:
    """A boxed figure of the summary at the top."""
    return (f'<div class="card"><div class="value">{_e(value)}</div>'
            f'<div class="label">{_e(label)}</div></div>')


def _table(headers, rows, kinds: str) -> str:
    """A table of already escaped cells; ``kinds`` has a letter per column: ``n`` a
    number (aligned right), ``r`` a rank, ``t`` a message (monospace), ``w`` words."""
    classes = [{"n": "n", "r": "n rank", "t": "text", "w": "words"}[kind] for kind in kinds]
    head = "".join(f'<th class="{c}">{_e(h)}</th>' for c, h in zip(classes, headers))
    body = "".join("<tr>" + "".join(f'<td class="{c}">{cell}</td>'
                                    for c, cell in zip(classes, row)) + "</tr>\n"
                   for row in rows)
    return f"<table><tr>{head}</tr>\n{body}</table>"


def _class_html(summary: ClassSummary) -> str:
    """The summary at the top: counts, mean total, reasons for files not gradable."""
    total = ("-" if summary.mean_total is None else f"{summary.mean_total:.2f}"
             + (f" / {summary.max_total:g}" if summary.max_total is not None else ""))
    cards = "".join([_card(str(summary.graded), "notebooks graded"),
                     _card(str(summary.not_gradable), "not gradable"),
                     _card(total, "mean total points")])
    parts = [f'<div class="cards">{cards}</div>']
    if summary.not_gradable_reasons:
        rows = [(_e(reason), str(count)) for reason, count in summary.not_gradable_reasons]
        parts.append("<h3>Why files were not gradable</h3>"
                     + _table(("reason", "files"), rows, "tn"))
    if not summary.questions:
        parts.append('<p class="none">No notebook could be graded: there are no questions '
                     "to report on.</p>")
    return "\n".join(parts)


def _overview_html(questions) -> str:
    """A table of the questions, linked to their sections, and the overview figure."""
    rows = [(f'<a href="#{_e(q.question)}">{_e(q.question)}</a> {_e(q.title)}',
             f"{q.mean:.2f} / {q.max_points:g}", _percent(q.pass_rate), str(q.submissions),
             _e(_shorten(q.failures[0].diagnosis, 80)) if q.failures else "")
            for q in questions]
    table = _table(("question", "mean", "full marks", "submissions", "most frequent failure"),
                   rows, "wnnnt")
    return (f"<h2>Questions</h2>\n{table}\n<figure>{_overview_figure(questions)}"
            "</figure>")


def _failures_html(question: QuestionSummary) -> str:
    """The table of the most frequent failures of ``question``."""
    if not question.failures:
        return '<p class="none">No failures: every submission has full marks.</p>'
    rows = []
    for rank, failure in enumerate(question.failures, 1):
        text = _shorten(failure.diagnosis, _MAX_SHOWN)
        more = (f' <span class="variants">(and {failure.variants - 1} wording'
                f'{"s" if failure.variants > 2 else ""} differing in numbers)</span>'
                if failure.variants > 1 else "")
        rows.append((str(rank), _e(text) + more, str(failure.count),
                     _percent(failure.share)))
    return _table(("#", "diagnosis", "count", "share"), rows, "rtnn")


def _caption() -> str:
    """The key of the colours of the bars."""
    swatches = (f'<span class="swatch" style="background:{colour}"></span>{label}'
                for colour, label in ((_FULL, "full marks"), (_PARTIAL, "partial"),
                                      (_ZERO, "zero")))
    return "<figcaption>" + "".join(swatches) + "</figcaption>"


def _question_html(question: QuestionSummary) -> str:
    """The section of ``question``: its numbers, its scores and its failures."""
    worth = f"{question.max_points:g} point{'' if question.max_points == 1 else 's'}"
    numbers = (f"mean <b>{question.mean:.2f}</b> of {worth}"
               f" &middot; full marks <b>{_percent(question.pass_rate)}</b>"
               f" &middot; <b>{question.submissions}</b> submissions"
               f" &middot; <b>{question.failed}</b> below full marks")
    return (f'<section id="{_e(question.question)}">\n'
            f'<h2>{_e(question.question)} <span class="title">{_e(question.title)}</span>'
            f'</h2>\n<p class="numbers">{numbers}</p>\n<div class="body">'
            f"<figure>{_scores_figure(question)}"
            f"{'' if _bar_values(question) is None else _caption()}</figure>\n"
            f'<div class="failures"><h3>Most frequent failures</h3>'
            f"{_failures_html(question)}</div></div>\n</section>")


def _default_title(summary: ClassSummary) -> str:
    """The title used when none is given: "Class report" and the chapters graded."""
    chapters = dict.fromkeys(q.question.split(".")[0] for q in summary.questions)
    return "Class report" + (f": {', '.join(chapters)}" if chapters else "")


def _page(summary: ClassSummary, title: str) -> str:
    """The whole HTML page."""
    parts = [_class_html(summary)]
    if summary.questions:
        parts.append(_overview_html(summary.questions))
    parts += [_question_html(question) for question in summary.questions]
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{_e(title)}</h1>\n{body}\n</body>\n</html>\n")


def write_report(rows, path, title: str | None = None) -> ClassSummary:
    """Write the class report of ``rows`` to the HTML file ``path``.

    Parameters
    ----------
    rows : iterable of coursepkg.course.grading.Row
        The grader's rows.
    path : str or os.PathLike
        The file to write; replaced atomically if it exists. Its folder must exist.
    title : str, optional
        The page's title; by default "Class report" and the chapters graded.

    Returns
    -------
    ClassSummary
        The numbers the page shows (:func:`class_summary`).

    Raises
    ------
    ValueError
        If there are no rows; no file is written then.
    """
    summary = class_summary(rows)
    page = _page(summary, _default_title(summary) if title is None else title)
    write_atomically(path, lambda file: file.write(page))
    return summary
