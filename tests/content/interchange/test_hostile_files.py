"""Hostile uploads: each parser reads in time linear in the file and stops at its limits, so
a file under the 10 MB limit is read, or refused with a message saying why, within a second.

Before, a GIFT file of a million unclosed braces, one of 100,000 nested braces, one of
200,000 questions and a Moodle XML file with `<img src=` 20,000 times each took over 30
seconds (quadratic scans and patterns), and the admin read them again on every reload.
"""

import time

import pytest

from content.interchange import moodlexml
from content.interchange.formats import MAX_BYTES, parse_bytes
from content.interchange.gift import parse_gift
from content.interchange.model import MAX_ERRORS, MAX_QUESTIONS

SECOND = 1.0


def gift_questions(count: int) -> bytes:
    return b"".join(b"::q%d:: Which one? {=right ~wrong}\n\n" % n for n in range(count))


def moodle_question(stem: bytes = b"Which one?", feedback: bytes = b"", extra: bytes = b""):
    return (
        b'<question type="multichoice"><questiontext format="html"><text><![CDATA['
        + stem
        + b"]]></text></questiontext><generalfeedback><text><![CDATA["
        + feedback
        + b']]></text></generalfeedback><answer fraction="100"><text>right</text></answer>'
        b'<answer fraction="0"><text>wrong</text></answer>' + extra + b"</question>"
    )


def moodle(*questions: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>' + b"".join(questions) + b"</quiz>"


def csv_rows(count: int) -> bytes:
    return b"stem,A,B,correct\n" + b"Which one?,right,wrong,A\n" * count


STOPPED = f"stopped reading after {MAX_ERRORS} errors"
TOO_MANY = f"more than {MAX_QUESTIONS:,} questions"

# (format, the file, then what reading it gives: a number of questions read without a
# problem, or part of the message that refuses it)
HOSTILE = [
    pytest.param("gift", lambda: b"x" + b"{" * 1_000_000, STOPPED, id="gift-million-open-braces"),
    pytest.param(
        "gift", lambda: b"Q " + b"{" * 100_000 + b"}" * 100_000, STOPPED, id="gift-nested-braces"
    ),
    pytest.param("gift", lambda: gift_questions(200_000), TOO_MANY, id="gift-200000-questions"),
    pytest.param("gift", lambda: b"Q " * 4_900_000 + b"{=a ~b}", 1, id="gift-9.9-MB-line"),
    pytest.param("gift", lambda: b"\n" * 9_900_000 + b"Q {=a ~b}", 1, id="gift-blank-lines"),
    pytest.param("gift", lambda: b"Q\n" * 2_500_000 + b"{=a ~b}", 1, id="gift-short-lines"),
    pytest.param("gift", lambda: b"::n::" * 1_900_000 + b"Q {=a ~b}", 1, id="gift-many-names"),
    pytest.param("gift", lambda: b"Q " + b"\\" * 9_000_000 + b"{=a ~b}", 1, id="gift-backslashes"),
    pytest.param(
        "gift", lambda: b"Q " + b"\\{" * 4_500_000 + b"{=a ~b}", 1, id="gift-escaped-braces"
    ),
    pytest.param(
        "gift", lambda: b"Q {" + b"~a " * 3_000_000 + b"}", "3,000,000 answers", id="gift-answers"
    ),
    pytest.param(
        "gift",
        lambda: b"$CATEGORY: aws\n\n" * 600_000,
        "more than 20,000 blocks",
        id="gift-many-categories",
    ),
    pytest.param(
        "gift", lambda: b"// note\n\n" * 1_000_000, "more than 20,000 blocks", id="gift-comments"
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question(b"<p>" + b"<img src=" * 20_000)),
        1,
        id="moodle-img-src-20000-times",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question(b'<img src="@@PLUGINFILE@@/a.png" ' * 250_000 + b"Q")),
        1,
        id="moodle-unclosed-embedded-images",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question(b"![a](@@PLUGINFILE@@ ![" * 400_000 + b"Q")),
        1,
        id="moodle-markdown-images",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question(b"x" * 9_900_000)),
        1,
        id="moodle-9.9-MB-CDATA",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question(b"Q" + b"\n" * 9_900_000)),
        1,
        id="moodle-newlines",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(
            moodle_question(
                feedback=b"Why.\n\n**Answer key history**\n\n"
                + b"- [[B]] was correct until Feb 2017: it changed\n" * 200_000
            )
        ),
        1,
        id="moodle-long-key-history",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(b"<question>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</question>"),
        "nested more than 32 elements deep",
        id="moodle-100000-nested-elements",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question(extra=b"<answer/>" * 1_000_000)),
        "has more than 1,000 elements",
        id="moodle-million-answers",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(b"<stray/>" * 1_200_000),
        STOPPED,
        id="moodle-stray-elements",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(moodle_question() * 30_000),
        TOO_MANY,
        id="moodle-30000-questions",
    ),
    pytest.param(
        "moodlexml",
        lambda: moodle(
            b'<question type="category"><category><text>$course$/top/AWS</text></category>'
            b"</question>" * 100_000
        ),
        f"more than {MAX_QUESTIONS:,} categories",
        id="moodle-many-categories",
    ),
    pytest.param("csv", lambda: csv_rows(300_000), TOO_MANY, id="csv-300000-rows"),
    pytest.param("csv", lambda: b"," * 9_000_000, "cells", id="csv-row-of-9-million-cells"),
    pytest.param(
        "csv",
        lambda: b'stem,A,B,correct\n"' + b"x" * 9_900_000,
        "longer than 131,072 characters",
        id="csv-9.9-MB-cell",
    ),
    pytest.param(
        "csv",
        lambda: b'stem,A,B,correct\n"' + b'""' * 4_900_000 + b'",a,b,A\n',
        "longer than 131,072 characters",
        id="csv-doubled-quotes",
    ),
    pytest.param(
        "csv", lambda: b"stem,A,B,correct\n" + b",,,x\n" * 2_000_000, STOPPED, id="csv-bad-rows"
    ),
    pytest.param(
        "csv",
        lambda: b"stem,A,B,correct\n" + b"'''=1,'-5,'@x,A\n" * 4_000,
        4_000,
        id="csv-quoted-formulas",
    ),
]


@pytest.mark.parametrize(("file_format", "make", "outcome"), HOSTILE)
def test_a_hostile_file_is_read_or_refused_within_a_second(file_format, make, outcome):
    data = make()
    assert len(data) <= MAX_BYTES
    started = time.perf_counter()
    parsed = parse_bytes(data, file_format)
    elapsed = time.perf_counter() - started
    assert elapsed < SECOND, f"{elapsed:.2f} s"
    messages = [problem.message for problem in parsed.problems]
    if isinstance(outcome, int):
        assert messages == [] and len(parsed.questions) == outcome
    else:
        assert any(outcome in message for message in messages), messages[-3:]
        assert len(messages) <= MAX_ERRORS + 1


def test_5000_questions_are_read_and_the_next_one_is_refused_with_its_line():
    assert len(parse_bytes(gift_questions(MAX_QUESTIONS), "gift").questions) == MAX_QUESTIONS
    parsed = parse_bytes(gift_questions(MAX_QUESTIONS + 1), "gift")
    assert parsed.stopped and len(parsed.questions) == MAX_QUESTIONS
    [problem] = parsed.problems
    assert problem.line == 2 * MAX_QUESTIONS + 1
    assert problem.message == (
        "the file has more than 5,000 questions, the most one file may hold: "
        "split it into files of up to 5,000 questions"
    )


def test_unsupported_questions_count_towards_the_cap():
    parsed = parse_gift("Short answer? {=yes}\n\n" * (MAX_QUESTIONS + 1))
    assert parsed.stopped
    assert sum(problem.unsupported for problem in parsed.problems) == MAX_QUESTIONS
    assert TOO_MANY in parsed.problems[-1].message


def test_reading_stops_after_100_errors_with_a_last_error_saying_so():
    parsed = parse_gift("Broken { =only\n\n" * 150)
    assert parsed.stopped
    assert len(parsed.problems) == MAX_ERRORS + 1
    assert parsed.problems[-1].line == 2 * MAX_ERRORS + 1  # where the 101st error is
    assert parsed.problems[-1].message == (
        "stopped reading after 100 errors; the rest of the file was not checked: "
        "fix these and upload it again"
    )


def test_a_moodle_file_stops_at_its_element_limit(monkeypatch):
    monkeypatch.setattr(moodlexml, "MAX_ELEMENTS", 50)
    parsed = parse_bytes(moodle(*[moodle_question()] * 10), "moodlexml")
    assert parsed.stopped and len(parsed.questions) == 5  # 9 elements a question, <quiz> too
    assert parsed.problems[-1].message.startswith("the file has more than 50 XML elements")


def test_moodle_images_are_still_dropped_and_other_images_kept():
    stem = (
        b'<p>See <img src="@@PLUGINFILE@@/a.png" alt="a"> and <IMG SRC=\'x.png\'></p>'
        b'<p><IMG Src="@@pluginfile@@/b.png"/></p>![chart](@@PLUGINFILE@@/c.png "title") end'
    )
    [question] = parse_bytes(moodle(moodle_question(stem)), "moodlexml").questions
    assert question.stem == "<p>See  and <IMG SRC='x.png'></p> end"
