"""Judged calls from several threads at once (the batch grades on a pool of threads): each call's
prints stay its own, and what the grader itself prints afterwards is not swallowed."""

from __future__ import annotations

import io
import sys
import threading
from contextlib import redirect_stdout

from grader.learner.core.calls import safe_call


def test_calls_that_overlap_and_end_first_in_first_out_leave_the_process_streams_working() -> None:
    # First in, first out: the order a stack of redirections cannot undo.
    second_inside, first_done = threading.Event(), threading.Event()

    def first() -> int:
        print("first learner output")
        assert second_inside.wait(5)
        return 1

    def second() -> int:
        second_inside.set()
        assert first_done.wait(5)
        print("second learner output, after the first call ended", file=sys.stderr)
        print("second learner output, after the first call ended")
        return 2

    results: dict[str, object] = {}
    grader_out = io.StringIO()
    with redirect_stdout(grader_out):
        threads = [threading.Thread(target=lambda: results.update(first=safe_call(first, (), timeout_s=None))),
                   threading.Thread(target=lambda: results.update(second=safe_call(second, (), timeout_s=None)))]
        threads[0].start()
        threads[1].start()
        threads[0].join(5)
        first_done.set()
        threads[1].join(5)
        print("the batch's summary line")
    assert results["first"].value == 1 and results["second"].value == 2
    # Nothing the learners printed reached the grader's stream; the grader's own line did.
    assert grader_out.getvalue() == "the batch's summary line\n"


def test_a_print_between_calls_reaches_the_stream_in_place() -> None:
    safe_call(lambda: print("inside"), (), timeout_s=None)
    out = io.StringIO()
    with redirect_stdout(out):
        print("outside")
        safe_call(lambda: print("inside again"), (), timeout_s=None)
        print("outside again")
    assert out.getvalue() == "outside\noutside again\n"
