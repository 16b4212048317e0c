"""In-notebook exercise checks, one module per chapter.

Usage in an exercise notebook::

    from coursepkg.course.checks import ch01
    ch01.q1(dense)        # prints one line, e.g. "q1 dense layer X @ W + b: 3/3 - correct"

A check calls the reader's answer on several inputs (random ones and edge cases) and compares
the results with the reference implementation in ``coursepkg``. It prints ONE result (the
question, the points earned out of the points available, and on failure the input that failed
and what went wrong), wrapped at 88 characters with the continuation lines indented, and
returns a :class:`CheckResult` whose ``message`` is that result on one line.

**Diagnoses, not answers.** Each question declares the usual mistakes it recognises
(``mistakes={"transposed": "dW1 is transposed: ..."}``); when a wrong answer matches one (a
comparison's ``mistakes=`` candidates, or :meth:`Check.mistake`), the line names the mistake
instead of printing expected and got. **Hints are tiered and on request**: a failed line
ends with ``More help: ch07.q1.hint()``, and each call of ``hint()`` prints the next tier.
No hint is printed by a check, so a notebook stored with its checks run shows no hint.

**Partial credit** comes from the cases: each ``check.case(label, weight=...)`` earns its
share of the question's points, so a question whose parts are separate cases (one case per
derivative, say) gives credit for the parts that are right.

A wrong or unfinished answer never raises: ``None``, ``...``, a function that raises, returns
the wrong shape or the wrong type all give a failure line. Only errors raised while *calling or
converting the answer* are caught; an error inside the check's own code (the reference, the
input generation) propagates, so a bug in a check cannot hide behind a "0 points" line.

Writing a question (see ``ch01.py``)::

    QUESTIONS = QuestionSet("ch01")

    @QUESTIONS.question("q1", points=3, title="dense layer", answer_name="dense",
                        hint="...")
    def q1(check, dense):
        with check.case("5 samples, 4 -> 3"):
            X, W, b = ...
            check.same_array(check.call(dense, X, W, b), reference(X, W, b))

``QUESTIONS`` is what :mod:`coursepkg.course.grading` uses to grade a submitted notebook: for each
question it looks up ``answer_name`` among the objects the notebook defined.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import numbers
import sys
import textwrap
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from coursepkg.course.chapters import is_chapter_id

__all__ = ["CheckResult", "Check", "Question", "QuestionSet", "StudentError", "NOT_DEFINED",
           "HiddenCase", "hidden_case", "load_hidden_cases", "chapter_module",
           "grade_question", "describe", "missing_answer", "wrap_message", "answer_once",
           "KINDS", "MORE_HELP"]

#: Longest "expected ... got ..." fragment kept in a check line.
_MAX_SHOWN = 60
#: Width of the printed check line (the book's code and output width) and the indent of its
#: continuation lines.
_PRINT_WIDTH = 88
_PRINT_INDENT = "    "


class _NotDefined:
    """Stands for an answer the notebook never defined (used by the grader)."""

    def __repr__(self) -> str:
        return "<not defined>"


NOT_DEFINED = _NotDefined()


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: what the grader records and the line the reader sees."""

    question: str
    points: float
    max_points: float
    message: str
    #: Keys of the declared mistakes the check recognised, in the order met.
    mistakes: tuple = ()

    @property
    def passed(self) -> bool:
        return self.points == self.max_points

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return self.message

    # The check already printed its line; displaying the returned object as well would show
    # it twice when a check call is the last line of a cell.
    def _ipython_display_(self) -> None:
        pass


class StudentError(Exception):
    """The answer misbehaved on one case; the message says how (shown to the reader)."""


def answer_once(memo: dict, compute: Callable[[], Any]) -> Any:
    """``compute()`` the first time; afterwards its value again, or its failure again.

    A question whose answer returns several arrays checks each as a case of its own; this
    calls the answer once for all of them, so every case of one input reports the same call.
    ``memo`` is a fresh dict per input.
    """
    if "error" in memo:
        raise StudentError(memo["error"])
    if "value" not in memo:
        try:
            memo["value"] = compute()
        except StudentError as failure:
            memo["error"] = str(failure)
            raise
    return memo["value"]


def describe(value: Any) -> str:
    """A one-line, length-limited description of ``value`` for a check line."""
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            text = np.array2string(value, precision=4, separator=", ").replace("\n", "")
        else:
            text = f"array of shape {value.shape}"
        text = f"{text} ({value.dtype})"
    else:
        try:
            text = repr(value)
        except Exception:  # the reader's object may have a broken __repr__
            text = f"<{type(value).__name__} object>"
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN - 3] + "..."


def wrap_message(message: str, width: int = _PRINT_WIDTH) -> str:
    """``message`` as printed: lines of at most ``width`` characters, the continuation lines
    indented, so a long failure line stays on the page. The first line starts with the
    question and its points ("q1 dense layer: 0/3 - ...")."""
    return textwrap.fill(message, width=width, subsequent_indent=_PRINT_INDENT,
                         break_long_words=True, break_on_hyphens=False)


def missing_answer(answer: Any, name: str) -> str | None:
    """Why ``answer`` is not an answer yet, or ``None`` when it is one."""
    if answer is NOT_DEFINED:
        return f"`{name}` is not defined"
    if answer is None or answer is Ellipsis:
        return f"no answer yet (`{name}` is {answer!r}); replace the placeholder"
    return None


class Check:
    """Runs the cases of one question against an answer and builds the result line.

    Parameters
    ----------
    question : str
        Short name, e.g. ``"q1"``.
    title : str
        What the question is about, shown in the line.
    answer_name : str
        Name of the answer in the notebook (used in messages).
    more_help : str
        Where more help is, appended to a failed line (e.g. ``"ch07.q1.hint()"``); empty
        for none.
    points : float
        What the question is worth; each case earns its share of it.
    session : coursepkg.course.remote.Session, optional
        When grading, the connection to the student's kernel, where the answer lives;
        ``None`` in the notebook, where the check runs beside the answer.
    mistakes : dict, optional
        The question's declared mistakes, ``{key: message}``: what :meth:`mistake` and the
        ``mistakes=`` candidates of the comparisons say.
    """

    def __init__(self, question: str, title: str, answer_name: str, more_help: str = "",
                 points: float = 1, session: Any = None,
                 mistakes: dict[str, str] | None = None):
        self.question = question
        self.session = session
        self.title = title
        self.answer_name = answer_name
        self.more_help = more_help
        self.declared_mistakes = dict(mistakes or {})
        self.diagnosed: list[str] = []
        self.declared_points = float(points)
        self.passed_weight = 0.0
        self.total_weight = 0.0
        self.failures: list[tuple[str, str]] = []
        self.hidden_points = self.hidden_earned = 0.0
        self.hidden_run = self.hidden_passed = 0

    @property
    def points(self) -> float:
        """Points earned so far: the question's points times the share of the case weights
        passed, plus the points of the hidden cases passed."""
        public = (self.declared_points * self.passed_weight / self.total_weight
                  if self.total_weight else 0.0)
        return round(public + self.hidden_earned, 6)

    @property
    def max_points(self) -> float:
        """The question's declared points, plus those of the hidden cases run."""
        return self.declared_points + self.hidden_points

    def hidden_case(self, case: "HiddenCase", answer: Any) -> None:
        """Run one of the instructor's hidden cases. Its failure is counted, never
        described: the student does not learn its input."""
        self.hidden_points += case.points
        self.hidden_run += 1
        try:
            case.body(self, answer)
        except StudentError:
            return
        self.hidden_earned += case.points
        self.hidden_passed += 1

    @contextlib.contextmanager
    def case(self, label: str, weight: float = 1):
        """Score one case: it passes unless the body raises :class:`StudentError`; ``weight``
        is its share of the question's points relative to the other cases."""
        self.total_weight += weight
        try:
            yield
        except StudentError as failure:
            self.failures.append((label, str(failure)))
        else:
            self.passed_weight += weight

    def mistake(self, key: str) -> StudentError:
        """The error naming the declared mistake ``key`` (``raise check.mistake("sign")``).

        Raises
        ------
        KeyError
            If the question does not declare ``key``: a bug in the check, not the answer.
        """
        if key not in self.declared_mistakes:
            raise KeyError(f"{self.question} declares no mistake {key!r}; declared: "
                           f"{sorted(self.declared_mistakes)}")
        self.diagnosed.append(key)
        return StudentError(self.declared_mistakes[key])

    def _diagnose(self, got: Any, mistakes: dict | None, close: Callable) -> None:
        """Raise the first declared mistake whose candidate value ``got`` matches."""
        for key, candidate in (mistakes or {}).items():
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                try:
                    matches = bool(close(got, candidate))
                except (TypeError, ValueError):
                    matches = False
            if matches:
                raise self.mistake(key)

    def run(self, function: Callable, *args: Any) -> Any:
        """``function(*args)`` run where the answer lives: here in the notebook, in the
        student's kernel when grading (``function``, a class or a module-level function, is
        then imported there by its module and name). For inputs the answer changes in place
        (an autodiff graph whose gradients a check reads afterwards), or to read an answer's
        object (a Keras model's outputs). An exception is a failed case, as in :meth:`call`.
        """
        if self.session is None:
            return self.call(function, *args)
        return self.call(self.session.run, function, *args)

    def call(self, function: Any, *args: Any) -> Any:
        """Call the reader's ``function(*args)`` on copies of ``args``.

        Any exception raised by the call (including ``TypeError`` when ``function`` is not
        callable) becomes a :class:`StudentError`. NumPy floating-point warnings are silenced:
        the comparison reports their effect (inf or nan) instead.
        """
        missing = missing_answer(function, self.answer_name)
        if missing:
            raise StudentError(missing)
        if not callable(function):
            raise StudentError(f"`{self.answer_name}` should be a function, got "
                               f"{describe(function)}")
        args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return function(*args)
        except (Exception, SystemExit) as error:  # not KeyboardInterrupt: timeouts need it
            name = getattr(error, "type_name", type(error).__name__)  # a kernel's RemoteError
            raise StudentError(f"raised {name}: {describe(str(error))}") from None

    def same_array(self, got: Any, expected: np.ndarray, *, check_dtype: bool = False,
                   rtol: float | None = None, atol: float | None = None,
                   mistakes: dict[str, Any] | None = None) -> None:
        """Require ``got`` to be an array equal to ``expected`` within a tolerance.

        The tolerance defaults to ``rtol=1e-4, atol=1e-6`` for float32 and
        ``rtol=1e-6, atol=1e-9`` otherwise. With ``check_dtype`` the dtype must match too.
        ``mistakes`` maps declared mistake keys to the array that mistake gives (``-expected``
        for a sign flip, ``expected.T`` for a transposition, ...): a ``got`` that is not
        ``expected`` but matches one of them (same shape, same tolerance) is named as that
        mistake.
        """
        expected = np.asarray(expected)
        if mistakes and not self._equal(got, expected, rtol, atol):
            self._diagnose(got, mistakes, lambda g, c: self._equal(g, np.asarray(c), rtol,
                                                                    atol))
        if got is None:
            raise StudentError("returned None (is the function finished?)")
        if not isinstance(got, np.ndarray):
            raise StudentError(f"expected a NumPy array, got {type(got).__name__} "
                               f"{describe(got)}")
        if got.shape != expected.shape:
            raise StudentError(f"expected shape {expected.shape}, got {got.shape}")
        if check_dtype and got.dtype != expected.dtype:
            raise StudentError(f"expected dtype {expected.dtype}, got {got.dtype}")
        if np.iscomplexobj(got):
            raise StudentError(f"expected real numbers, got dtype {got.dtype}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = got.astype(np.float64) if got.dtype != np.float64 else got
        except (TypeError, ValueError) as error:
            raise StudentError(f"got an array of {got.dtype} that is not numeric: "
                               f"{describe(str(error))}") from None
        single = np.float32 in (expected.dtype, got.dtype)
        rtol = (1e-4 if single else 1e-6) if rtol is None else rtol
        atol = (1e-6 if single else 1e-9) if atol is None else atol
        reference = expected.astype(np.float64)
        close = np.isclose(values, reference, rtol=rtol, atol=atol)
        if not close.all():
            where = tuple(int(i) for i in np.argwhere(~close)[0])
            at = f"[{', '.join(map(str, where))}]" if where else ""
            raise StudentError(f"at {at or 'the value'} expected {reference[where]:.6g}, "
                               f"got {values[where]:.6g}"
                               + ("" if np.isfinite(values[where]) else " (overflow?)"))

    @staticmethod
    def _equal(got: Any, expected: np.ndarray, rtol: float | None, atol: float | None
               ) -> bool:
        """``got`` is a real array of ``expected``'s shape, close to it (same tolerances as
        :meth:`same_array`); ``False`` for anything else, never an error."""
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            return False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values, reference = got.astype(np.float64), expected.astype(np.float64)
        except (TypeError, ValueError):
            return False
        single = np.float32 in (expected.dtype, got.dtype)
        rtol = (1e-4 if single else 1e-6) if rtol is None else rtol
        atol = (1e-6 if single else 1e-9) if atol is None else atol
        return bool(np.isclose(values, reference, rtol=rtol, atol=atol).all())

    def same_number(self, got: Any, expected: float, *, rtol: float = 1e-2,
                    mistakes: dict[str, float] | None = None) -> None:
        """Require ``got`` to be a real number within ``rtol`` (relative) of ``expected``.

        ``mistakes`` maps declared mistake keys to the number that mistake gives; a wrong
        ``got`` within ``rtol`` of one of them is named as that mistake.
        """
        missing = missing_answer(got, self.answer_name)
        if missing:
            raise StudentError(missing)
        if isinstance(got, np.ndarray) and got.ndim == 0:
            got = got[()]
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
            raise StudentError(f"expected a number, got {type(got).__name__} {describe(got)}")
        got = float(got)
        if not np.isfinite(got):
            raise StudentError(f"expected a finite number, got {got}")
        if not np.isclose(got, expected, rtol=rtol, atol=0):
            self._diagnose(got, mistakes,
                           lambda g, c: np.isclose(g, float(c), rtol=rtol, atol=0))
            # The expected value is not shown: it is the answer.
            direction = "too large" if got > expected else "too small"
            raise StudentError(f"{got:.6g} is {direction} (tolerance {rtol * 100:g}%)")

    def same_choice(self, got: Any, expected: str, choices: str,
                    mistakes: dict[str, str] | None = None) -> None:
        """Require the multiple-choice answer ``got`` (one letter of ``choices``).

        ``mistakes`` maps a wrong letter to the key of the declared mistake (the
        misconception) it stands for, named when that letter is chosen.
        """
        missing = missing_answer(got, self.answer_name)
        if missing:
            raise StudentError(missing)
        if not isinstance(got, str) or got.strip().lower() not in choices:
            raise StudentError(f"answer with one letter among {', '.join(choices)} as a "
                               f"string, got {describe(got)}")
        letter = got.strip().lower()
        if letter != expected:
            if mistakes and letter in mistakes:
                raise self.mistake(mistakes[letter])
            raise StudentError(f"{letter!r} is not the right choice")

    def result(self) -> CheckResult:
        """The result of the cases run so far, with its one-line message. With hidden cases
        it says "public cases passed" and how many hidden cases passed, never which."""
        head = f"{self.question} {self.title}: {self.points:g}/{self.max_points:g}"
        hidden = (f"; hidden cases: {self.hidden_passed} of {self.hidden_run} passed"
                  if self.hidden_run else "")
        mistakes = tuple(dict.fromkeys(self.diagnosed))
        if not self.failures:
            verdict = "public cases passed" if self.hidden_run else "correct"
            return CheckResult(self.question, self.points, self.max_points,
                               f"{head} - {verdict}{hidden}", mistakes)
        label, why = self.failures[0]
        # An unfinished answer fails every case the same way: say it once.
        more = 0 if len({w for _, w in self.failures}) == 1 else len(self.failures) - 1
        others = f" (+{more} more failed case{'s' if more > 1 else ''})" if more else ""
        why = why.rstrip(".")
        more_help = f". {MORE_HELP}{self.more_help}" if self.more_help else ""
        message = f"{head} - case '{label}': {why}{others}{hidden}{more_help}"
        return CheckResult(self.question, self.points, self.max_points, message, mistakes)


#: What a failed line says before the call that prints a hint.
MORE_HELP = "More help: "

#: What a question can be, declared with it (``kinds=``) and counted by the tests.
KINDS = frozenset({"new situation", "derivation", "choice", "code", "number"})


@dataclass
class Question:
    """One graded question: the check body, the name of the answer it grades, what it is
    worth (declared once, here: the grader reads it without running the check), its hints
    in tiers, the mistakes it recognises and what kind of question it is."""

    name: str
    title: str
    answer_name: str
    hints: tuple
    body: Callable[[Check, Any], None]
    points: float = 1
    mistakes: dict = None
    kinds: frozenset = frozenset()
    chapter: str = ""
    hints_shown: int = 0

    def run(self, answer: Any, session: Any = None, hidden: tuple = ()) -> CheckResult:
        """Check ``answer`` and return the result without printing; ``session`` is the
        grader's connection to the kernel that holds ``answer`` (see :class:`Check`), and
        ``hidden`` the instructor's :class:`HiddenCase` objects for this question."""
        more_help = f"{self.chapter}.{self.name}.hint()" if self.hints else ""
        check = Check(self.name, self.title, self.answer_name, more_help, self.points,
                      session, self.mistakes)
        self.body(check, answer)
        for case in hidden:
            check.hidden_case(case, answer)
        return check.result()

    def __call__(self, answer: Any) -> CheckResult:
        """Check ``answer``, print the result (wrapped at 88 characters) and return it."""
        result = self.run(answer)
        # One write: one stream output in the notebook.
        sys.stdout.write(wrap_message(result.message) + "\n")
        return result

    def hint(self) -> None:
        """Print the next tier of help (the last one again once all are shown)."""
        if not self.hints:
            sys.stdout.write(wrap_message(f"{self.name}: no hint for this question") + "\n")
            return
        tier = min(self.hints_shown, len(self.hints) - 1)
        self.hints_shown += 1
        sys.stdout.write(wrap_message(f"{self.name} hint {tier + 1} of {len(self.hints)}: "
                                      f"{self.hints[tier]}") + "\n")


class QuestionSet(dict):
    """The questions of one chapter, in order, keyed by name (``"q1"``, ...)."""

    def __init__(self, chapter: str):
        super().__init__()
        self.chapter = chapter

    def question(self, name: str, *, points: float, title: str, answer_name: str,
                 hints: tuple = (), mistakes: dict | None = None, kinds=()):
        """Decorator registering ``body(check, answer)`` as question ``name``, worth
        ``points``.

        ``hints`` are the tiers of help, from a nudge to a method, never a line of the
        solution; ``mistakes`` the usual wrong answers the body recognises, ``{key: what
        the mistake is}``; ``kinds`` what the question is, among :data:`KINDS`.
        """
        if not (isinstance(points, numbers.Real) and points > 0):
            raise ValueError(f"question {name!r}: points must be a positive number, "
                             f"got {points!r}")
        if isinstance(hints, str):
            raise TypeError(f"question {name!r}: hints is a tuple of tiers, not a string")
        unknown = set(kinds) - KINDS
        if unknown:
            raise ValueError(f"question {name!r}: unknown kinds {sorted(unknown)}; "
                             f"known: {sorted(KINDS)}")

        def register(body: Callable[[Check, Any], None]) -> Question:
            if name in self:
                raise ValueError(f"question {name!r} is defined twice in {self.chapter}")
            question = Question(name, title, answer_name, tuple(hints), body,
                                float(points), dict(mistakes or {}), frozenset(kinds),
                                self.chapter)
            question.__doc__ = f"{body.__doc__ or ''}\n\nWorth {points:g} point(s)."
            self[name] = question
            return question
        return register


@dataclass(frozen=True)
class HiddenCase:
    """A case the instructor adds to a question when grading; students never have it.

    ``body(check, answer)`` computes its expected value and compares, like a question's
    body inside one ``check.case``: it fails by raising :class:`StudentError` (which
    ``check.call`` and the ``check.same_*`` methods do). ``points`` are added to the
    question's.
    """

    chapter: str
    question: str
    points: float
    body: Callable[[Check, Any], None]


def hidden_case(chapter: str, question: str, *, points: float = 1):
    """Decorator for a hidden-case module: ``@hidden_case("ch01", "q1", points=1)``."""
    if not (isinstance(points, numbers.Real) and points > 0):
        raise ValueError(f"hidden case of {chapter}.{question}: points must be positive")

    def register(body: Callable[[Check, Any], None]) -> HiddenCase:
        return HiddenCase(chapter, question, float(points), body)
    return register


def load_hidden_cases(folder) -> dict[tuple[str, str], tuple[HiddenCase, ...]]:
    """The hidden cases of every ``*.py`` module in ``folder``, by (chapter, question).

    Raises
    ------
    ValueError
        If the folder does not exist, or a case names an unknown chapter or question.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"hidden cases: no such folder {folder}")
    found: dict[tuple[str, str], list[HiddenCase]] = {}
    for path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(
            f"coursepkg_hidden_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for case in vars(module).values():
            if not isinstance(case, HiddenCase):
                continue
            if case.question not in chapter_module(case.chapter).QUESTIONS:
                raise ValueError(f"{path.name}: {case.chapter} has no question "
                                 f"{case.question!r}")
            found.setdefault((case.chapter, case.question), []).append(case)
    return {key: tuple(cases) for key, cases in found.items()}


def chapter_module(chapter: str):
    """Import ``coursepkg.course.checks.<chapter>``; ``ValueError`` for an unknown chapter."""
    if not is_chapter_id(chapter):
        raise ValueError(f"not a chapter name: {chapter!r} (expected e.g. 'ch01')")
    try:
        return importlib.import_module(f"{__name__}.{chapter}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{chapter}":
            raise
        raise ValueError(f"no checks for chapter {chapter!r}") from None


def grade_question(chapter: str, question: str, namespace: dict) -> CheckResult:
    """Grade ``question`` of ``chapter`` on the answer found in ``namespace`` (no printing)."""
    q = chapter_module(chapter).QUESTIONS[question]
    return q.run(namespace.get(q.answer_name, NOT_DEFINED))
