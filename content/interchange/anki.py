"""Questions out to an Anki deck (.apkg), one note per question, written with genanki.

Everything that identifies the deck is derived, never random: the deck id from the deck's
key, the note type id from its fixed name, each note's GUID from the question's id. Anki
then treats a re-exported deck as the same deck and updates its notes (keeping the
learner's review history) instead of adding duplicates. Anki only updates a note when the
package's copy is newer, so notes carry the export time (genanki's default).
"""

import hashlib
import html
import random
import re
import sqlite3
import time
import zipfile
from io import BytesIO
from itertools import count
from pathlib import Path
from tempfile import TemporaryDirectory

import genanki

from content.interchange.model import PLAIN, ImportedQuestion
from study.markdown import render_markdown

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MODEL_NAME = "Exam Prep question"

# Light colours by default; Anki marks the card `nightMode` (AnkiDroid: `night_mode`) in
# dark mode, where the same variables switch to dark ones.
CSS = """\
.card {
  --text: #1f2328; --muted: #59636e; --rule: #d1d9e0; --code-bg: #f6f8fa;
  --right: #1a7f37; --right-bg: #dafbe1; --old: #9a6700; --old-bg: #fff8c5;
  font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-size: 18px; line-height: 1.5; text-align: left;
  color: var(--text); background-color: #ffffff;
}
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  --text: #e6edf3; --muted: #9198a1; --rule: #3d444d; --code-bg: #262c36;
  --right: #3fb950; --right-bg: #12301c; --old: #d29922; --old-bg: #3a2d0c;
  background-color: #1e1e1e;
}
.exam { max-width: 46em; margin: 0 auto; }
.exam a { color: inherit; }
.exam code, .exam pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
.exam code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 4px; }
.exam pre { background: var(--code-bg); padding: 0.75em; border-radius: 6px; overflow-x: auto; }
.exam pre code { padding: 0; background: none; }
.exam table { border-collapse: collapse; }
.exam th, .exam td { border: 1px solid var(--rule); padding: 0.25em 0.5em; }
.choose { color: var(--muted); font-style: italic; }
.choices { list-style: none; padding: 0; }
.choices li { margin: 0.4em 0; }
.letter { font-weight: bold; margin-right: 0.3em; }
.correct { background: var(--right-bg); border-left: 4px solid var(--right);
  padding: 0.4em 0.6em; border-radius: 4px; }
.correct .letter { color: var(--right); }
.outdated { background: var(--old-bg); border-left: 4px solid var(--old);
  padding: 0.4em 0.6em; border-radius: 4px; }
.exam h4 { margin: 1em 0 0.3em; color: var(--muted); }
hr#answer { border: 0; border-top: 1px solid var(--rule); }
.question-id { margin-top: 1.5em; font-size: 0.75em; color: var(--muted); }
"""


def stable_id(text: str) -> int:
    """An id in the range genanki recommends for deck and model ids (1<<30 .. 1<<31)."""
    digest = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


MODEL = genanki.Model(
    model_id=stable_id(f"examprep-model:{MODEL_NAME}"),
    name=MODEL_NAME,
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
    templates=[
        {
            "name": "Question",
            "qfmt": '<div class="exam">{{Front}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="exam">{{Back}}</div>'
            '<div class="question-id">{{Id}}</div>',
        }
    ],
    css=CSS,
)


def deck_id(deck_key: str) -> int:
    return stable_id(f"examprep-deck:{deck_key}")


def build_apkg(*, deck_name: str, deck_key: str, questions: list[ImportedQuestion]) -> bytes:
    """The .apkg bytes of one deck; `deck_key` (a slug) keeps its identity across exports."""
    deck = genanki.Deck(deck_id(deck_key), deck_name, description="Exported from Exam Prep.")
    deck.add_model(MODEL)
    for question in questions:
        deck.add_note(question_note(question))
    return _package_bytes(genanki.Package(deck))


def question_note(question: ImportedQuestion) -> genanki.Note:
    identity = question.name or question.stem  # bank questions always have a name
    order = list(range(len(question.choices)))
    # Seeded by the question id: an unchanged question gets the same order, hence the same
    # fields, on every export, so a re-import leaves the learner's card as it was.
    if question.shuffle:
        random.Random(hashlib.sha256(identity.encode()).digest()).shuffle(order)
    shown = {original: LETTERS[position] for position, original in enumerate(order)}
    # Every reference to a choice ([[D]]) as the letter the card shows it under.
    question = question.lettered([shown[i] for i in range(len(question.choices))])
    return genanki.Note(
        model=MODEL,
        fields=[
            _front(question, order),
            _back(question, order, shown),
            html.escape(question.name),
        ],
        tags=_tags(question.category),
        guid=genanki.guid_for(identity),
    )


def _front(question: ImportedQuestion, order: list[int]) -> str:
    parts = [f'<div class="stem">{_html(question.stem, question.text_format)}</div>']
    if question.correct_count > 1:
        parts.append(f'<p class="choose">(Choose {question.correct_count})</p>')
    items = "".join(
        f'<li><span class="letter">{LETTERS[position]}.</span> '
        f"{_inline(question.choices[original].text, question.text_format)}</li>"
        for position, original in enumerate(order)
    )
    parts.append(f'<ol class="choices">{items}</ol>')
    return "".join(parts)


def _back(question: ImportedQuestion, order: list[int], shown: dict[int, str]) -> str:
    fmt = question.text_format
    correct = [i for i in order if question.choices[i].is_correct]
    heading = "Answer: " + ", ".join(shown[i] for i in correct)
    answers = "".join(
        f'<li><span class="letter">{shown[i]}.</span> {_inline(question.choices[i].text, fmt)}</li>'
        for i in correct
    )
    parts = [f'<div class="correct"><h4>{heading}</h4><ul class="choices">{answers}</ul></div>']
    feedback = [
        f'<li><span class="letter">{shown[i]}.</span> '
        f"{'Correct' if question.choices[i].is_correct else 'Wrong'}: "
        f"{_inline(question.choices[i].feedback, fmt)}</li>"
        for i in order
        if question.choices[i].feedback.strip()
    ]
    if feedback:
        parts.append(f'<h4>Why</h4><ul class="choices">{"".join(feedback)}</ul>')
    if question.explanation.strip():
        parts.append(
            f'<h4>Explanation</h4><div class="explanation">{_html(question.explanation, fmt)}</div>'
        )
    if question.outdated:
        notes = "".join(f"<li>{_inline(note, fmt)}</li>" for note in question.outdated)
        parts.append(f'<div class="outdated"><h4>Outdated answers</h4><ul>{notes}</ul></div>')
    return "".join(parts)


def _html(text: str, text_format: str) -> str:
    """Anki fields are HTML: markdown (and HTML, which markdown passes through) is rendered
    and sanitized by the app's one renderer; plain text is escaped."""
    text = text.strip()
    if text_format == PLAIN:
        paragraphs = [html.escape(p.strip()) for p in text.split("\n\n") if p.strip()]
        return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return render_markdown(text)


def _inline(text: str, text_format: str) -> str:
    """A single paragraph without its <p>, so it sits on the line after its letter."""
    rendered = _html(text, text_format)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def _tags(category: str) -> list[str]:
    """ "AWS SAA/EC2 security" -> ["AWS_SAA::EC2_security"] (Anki tags have no spaces)."""
    parts = [re.sub(r"\s+", "_", part.strip()) for part in category.split("/") if part.strip()]
    return ["::".join(parts)] if parts else []


def _package_bytes(package: genanki.Package) -> bytes:
    """genanki's write_to_file leaves its temporary database behind in the system temp
    directory; this writes the same package from a directory that is removed."""
    with TemporaryDirectory(prefix="apkg-") as directory:
        database = Path(directory) / "collection.anki2"
        timestamp = time.time()
        connection = sqlite3.connect(database)
        try:
            package.write_to_db(connection.cursor(), timestamp, count(int(timestamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")  # no media files
        return buffer.getvalue()
