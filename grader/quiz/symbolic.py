"""Reading learner expressions safely and deciding whether two expressions are equal.

A learner's text is never handed to ``eval``: it must first pass a whitelist
of characters and of Python tokens (numbers, the question's symbols, the
allowed function names, + - * / ** ^ and parentheses). Only then does
SymPy's ``parse_expr`` see it, with ``evaluate=False`` (so ``9**9**9`` is not
computed while parsing), a ``local_dict`` of exactly the allowed names, and
a ``global_dict`` holding only the constructors the parser's own generated
code calls, with empty ``__builtins__``.

A formula over the size bounds of ``grader.learner.core.answers`` (depth, terms, exponents, numbers)
is refused before SymPy sees it: ``(w + 1)**999999999`` fits in 300 characters but would take
gigabytes to multiply out. Whatever gets past them still cannot take the machine: equivalence
runs in a separate Python process with a memory limit and a CPU limit per answer, which the parent
also kills at the question's time limit and replaces for the next answer; see
``grader.quiz.equivalence_worker``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import sympy
from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr

from grader.learner.core import answers

#: Function names a learner may call, and what they mean.
FUNCTIONS: dict[str, sympy.Function] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "abs": sympy.Abs,
}
MAX_LENGTH = answers.MAX_FORMULA_LENGTH
assert set(FUNCTIONS) == set(answers.FUNCTION_NAMES), "the learner side and SymPy must know the same functions"


class ExpressionError(ValueError):
    """A learner's (or author's) text is not an allowed expression; str() says why, kindly."""


class ExpressionTooLarge(ExpressionError):
    """An allowed expression over a size bound (``answers.check_formula_size``): it cannot be checked."""

    def __init__(self, bound: answers.SizeBound, reason: str) -> None:
        super().__init__(f"the expression is too large ({reason})")
        self.bound: answers.SizeBound = bound
        #: Which bound, in words for the learner ("exponent too large: ...").
        self.reason = reason


check_symbol_name = answers.check_symbol_name


def _allowed_names(symbols: Sequence[str], functions: Sequence[str] | None) -> tuple[set[str], set[str]]:
    funcs = set(FUNCTIONS) if functions is None else set(functions)
    return set(symbols), funcs


def safe_parse(
    text: str, symbols: Sequence[str], functions: Sequence[str] | None = None
) -> sympy.Expr:
    """The SymPy expression ``text`` stands for, or ExpressionError saying what is not allowed."""
    # The whitelist is the learner side's, so a notebook's form check and grading agree exactly.
    try:
        text = answers.check_formula(text, symbols, functions)
    except answers.FormulaTooLargeError as exc:
        raise ExpressionTooLarge(exc.bound, exc.reason) from None
    except answers.AnswerFormError as exc:
        raise ExpressionError(str(exc)) from None
    sym_names, func_names = _allowed_names(symbols, functions)

    local_dict: dict[str, object] = {name: sympy.Symbol(name, real=True) for name in sym_names}
    local_dict.update({name: FUNCTIONS[name] for name in func_names})
    # Only what auto_number and evaluate=False emit; empty builtins so no Python builtin is reachable.
    global_dict: dict[str, object] = {
        "__builtins__": {},
        "Integer": sympy.Integer,
        "Float": sympy.Float,
        "Rational": sympy.Rational,
        "Add": sympy.Add,
        "Mul": sympy.Mul,
        "Pow": sympy.Pow,
    }
    try:
        expr = parse_expr(
            text,
            local_dict=local_dict,
            global_dict=global_dict,
            transformations=(auto_number, convert_xor),
            evaluate=False,
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is a malformed expression
        raise ExpressionError(_describe_parse_failure(text, exc)) from None
    if not isinstance(expr, sympy.Expr):
        raise ExpressionError("this is not a single mathematical expression")
    stray = {str(s) for s in expr.free_symbols} - sym_names
    if stray:
        raise ExpressionError(f"unexpected symbol(s) {', '.join(sorted(stray))}")
    return expr


def _describe_parse_failure(text: str, exc: Exception) -> str:
    if isinstance(exc, SyntaxError):
        if re.search(r"[0-9)]\s*[A-Za-z(]", text) or re.search(r"\)\s*\(", text):
            return "it could not be read as a formula; write every product with *, e.g. 2*s, not 2s"
        return "it could not be read as a formula (check for a missing operand or operator)"
    if isinstance(exc, TypeError):
        return "a function was given the wrong number of arguments"
    return f"it could not be read as a formula ({type(exc).__name__})"


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing a learner's expression with the answer and the known mistakes.

    ``too_large``: refused by the size bounds before SymPy saw it (``detail`` says which bound);
    ``exhausted``: the checker ran out of memory or CPU time on it and was replaced (``detail`` says
    which); ``timeout``: not decided within the time limit; ``error``: not a readable expression,
    or the checker failed for another reason.
    """

    status: Literal["equivalent", "different", "timeout", "too_large", "exhausted", "error"]
    #: Index into the question's mistakes when the expression matches one of them.
    mistake: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class CheckerLimits:
    """Resource limits of a checker process, which runs outside the sandbox, one per grading thread.

    The size bounds keep SymPy's work small; these are what hold when a formula gets past them
    anyway, so that a batch of hostile answers cannot drive the host into its OOM killer.
    """

    #: Address space (RLIMIT_AS). A warm checker with SymPy loaded maps about 175 MiB and holds
    #: about 65 MiB resident; the largest formula the bounds let through needs some 20 MiB more.
    memory_mb: int = 1024
    #: CPU seconds for one answer; None: the question's time limit plus CPU_MARGIN_S, so that it
    #: binds only where the parent's wall-clock kill did not come (the parent itself hung or died).
    answer_cpu_s: float | None = None
    #: CPU seconds for the process's whole life (the hard RLIMIT_CPU, which the checker cannot
    #: raise); a warm checker is replaced once it has used half of it.
    lifetime_cpu_s: int = 3600

    def apply(self) -> None:
        """Set in the child between fork and exec, before Python and SymPy load."""
        mib = 1024 * 1024
        for limit, value in (
            (resource.RLIMIT_AS, self.memory_mb * mib),
            (resource.RLIMIT_CPU, self.lifetime_cpu_s),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(limit, (value, value))


#: Read when a checker starts; lower it (before the thread's first check) to test the limits.
CHECKER_LIMITS = CheckerLimits()
CPU_MARGIN_S = 2.0


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def check_equivalence(
    learner: str,
    answer: str,
    *,
    symbols: Sequence[str],
    functions: Sequence[str] | None = None,
    mistakes: Sequence[str] = (),
    sample_range: tuple[float, float] = (0.1, 0.9),
    time_limit_s: float = 10.0,
) -> Verdict:
    """Compare two expressions in a child process that is killed after ``time_limit_s``.

    Both texts are re-checked by ``safe_parse`` in the child. A subprocess (not
    a thread) is used because a thread stuck in SymPy cannot be stopped; its
    stdout and stderr are captured, so nothing reaches a notebook's stderr,
    which nbgrader would score as a failure. A learner's text over the size
    bounds is answered ``too_large`` here, without a round trip to the child.
    """
    try:
        answers.check_formula(learner, symbols, functions)
    except answers.FormulaTooLargeError as exc:
        return Verdict("too_large", detail=str(exc))
    except answers.AnswerFormError:
        pass  # the child says what is wrong with it, as for the candidates
    request = json.dumps({
        "learner": learner,
        "candidates": [answer, *mistakes],
        "symbols": list(symbols),
        "functions": None if functions is None else list(functions),
        "sample_range": list(sample_range),
    }, sort_keys=True)
    # The verdict is a function of the request alone (sampling is seeded): in a batch, the many
    # learners who wrote the same formula cost one check between them.
    cached = _VERDICTS.get(request)
    if cached is not None:
        return cached
    verdict = _check_in_child(request, time_limit_s)
    # A timeout may be the machine's load, not the formula; running out of CPU time is the same kind of
    # outcome, and a checker short of memory may have been short because of what came before.
    if verdict.status not in ("timeout", "exhausted"):
        with _VERDICTS_LOCK:
            if len(_VERDICTS) >= MAX_CACHED_VERDICTS:
                _VERDICTS.pop(next(iter(_VERDICTS)))
            _VERDICTS[request] = verdict
    return verdict


MAX_CACHED_VERDICTS = 4096
_VERDICTS: dict[str, Verdict] = {}
_VERDICTS_LOCK = threading.Lock()


class _Checker:
    """A warm equivalence worker (``equivalence_worker --serve``): SymPy imported once, not per answer.

    One per thread, under ``CHECKER_LIMITS``. At the time limit it is killed, with whatever it was
    stuck on; if it dies on an answer (out of memory or CPU time) it is gone as well; either way
    the next request starts a fresh one, and the verdict keeps the lines it managed to write.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.limits = CHECKER_LIMITS

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_repo_root()), env.get("PYTHONPATH", "")) if p)
        env["PYTHONWARNINGS"] = "ignore"
        command = [sys.executable or "python3", "-m", "grader.quiz.equivalence_worker", "--serve"]
        self.limits = CHECKER_LIMITS
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=env, cwd=str(_repo_root()), preexec_fn=self.limits.apply)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream:
                    stream.close()

    def ask(self, request: str, time_limit_s: float) -> Verdict:
        if self.proc is None or self.proc.poll() is not None:
            self.stop()
            try:
                self.proc = self._start()
            except OSError as exc:
                return Verdict("error", detail=f"the checker could not be started ({exc.strerror})")
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        cpu_s = self.limits.answer_cpu_s if self.limits.answer_cpu_s is not None else time_limit_s + CPU_MARGIN_S
        # The CPU budget travels beside the request, not in it: the request is the verdict cache's key.
        line = json.dumps({"cpu_s": cpu_s, "request": json.loads(request)})
        try:
            proc.stdin.write(line.encode() + b"\n")
            proc.stdin.flush()
        except OSError:
            self.stop()
            return Verdict("error", detail="the checker stopped unexpectedly")
        deadline = time.monotonic() + time_limit_s
        buffer = b""
        fd = proc.stdout.fileno()
        while b'"done": true' not in buffer:
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                self.stop()  # killed with what it was stuck on; lines it wrote before still count
                return _verdict_from_lines(buffer.decode(errors="replace"), Verdict("timeout"))
            chunk = os.read(fd, 65536)
            if not chunk:
                try:
                    code = proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    code = None
                self.stop()
                return _verdict_from_lines(buffer.decode(errors="replace"), _death(code))
            buffer += chunk
        if _cpu_used(buffer) > self.limits.lifetime_cpu_s / 2:
            self.stop()  # before the hard CPU limit could cut a later answer short
        return _verdict_from_lines(buffer.decode(errors="replace"), Verdict("error"))


def _death(returncode: int | None) -> Verdict:
    """What to tell the learner when the checker died on their answer."""
    if returncode == -signal.SIGXCPU:
        return Verdict("exhausted", detail="checking it needed more computing time than the checker may use")
    if returncode == -signal.SIGKILL:  # the hard CPU limit, or the kernel out of memory
        return Verdict("exhausted", detail="checking it needed more memory or computing time than the checker "
                                           "may use")
    return Verdict("error", detail="the checker stopped unexpectedly")


def _cpu_used(buffer: bytes) -> float:
    for line in reversed(buffer.splitlines()):
        with contextlib.suppress(ValueError, AttributeError):
            return float(json.loads(line).get("cpu_s", 0.0))
    return 0.0


_CHECKERS = threading.local()


def _thread_checker() -> _Checker:
    checker = getattr(_CHECKERS, "checker", None)
    if checker is None:
        checker = _CHECKERS.checker = _Checker()
        _ALL_CHECKERS.append(checker)
    return checker


def start_checker() -> None:
    """Start this thread's checker now (SymPy loads in it meanwhile), not at the first formula answer."""
    checker = _thread_checker()
    if checker.proc is None or checker.proc.poll() is not None:
        with contextlib.suppress(OSError):
            checker.proc = checker._start()


def _check_in_child(request: str, time_limit_s: float) -> Verdict:
    return _thread_checker().ask(request, time_limit_s)


_ALL_CHECKERS: list[_Checker] = []


@atexit.register
def _stop_checkers() -> None:
    for checker in _ALL_CHECKERS:
        checker.stop()


def _verdict_from_lines(output: str, failure: Verdict) -> Verdict:
    """The verdict from the worker's lines, or ``failure`` where they do not decide the correct answer.

    Each line is {"candidate": i, "equivalent": bool}, {"error": "...", "kind": ...} or the closing
    {"done": true, ...}. A checker that ran out of memory says so in its last line before it exits.
    """
    results: dict[int, bool] = {}
    for line in output.splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(item, dict):
            continue
        if "error" in item:
            kind = item.get("kind")
            if kind == "too_large":
                return Verdict("too_large", detail=str(item["error"]))
            if kind == "memory":
                failure = Verdict("exhausted", detail="checking it needed more memory than the checker may use")
                break
            return Verdict("error", detail=str(item["error"]))
        if "candidate" in item:
            results[int(item["candidate"])] = bool(item["equivalent"])
    if results.get(0):
        return Verdict("equivalent")
    for index, same in sorted(results.items()):
        if index > 0 and same:
            return Verdict("different", mistake=index - 1)
    if 0 not in results:
        return failure
    return Verdict("different")
