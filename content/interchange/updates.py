"""An import's updates of questions already in the bank: what the file says, and what it
keeps of the stored question.

A question file says less than the bank holds. An update keeps what the file has none of
(key history and references when it has none, explanations, the disputed note, the source,
the verification date; set, number, status and links are the placement's, see plan._write)
and matches the file's choices to the stored ones by text (pair_choices), so a learner's
answer stays on its choice however the file orders or letters them; a new choice takes a
label the question never had. Texts that differ only in surrounding white space are the
stored ones (files trim what a library file keeps). `stored_state` fingerprints a stored
question so the confirmation can tell whether anyone changed it since the preview.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from quiz.choice_refs import rename_references
from quiz.duplicates import pair_choices
from quiz.models import Question
from quiz.selectors.editing import version_content
from quiz.services.bank import labels_ever_used_many
from quiz.validation import ChoiceData, KeyRevisionData, QuestionData, unused_labels
from quiz.versions import differences, question_fields, snapshot

IMPORTED_SOURCE = "Imported"  # a question file's questions say no more of where they are from


@dataclass
class Update:
    data: QuestionData  # what will be written
    keep_key_history: bool
    keep_references: bool
    before: str  # stored_state when the plan was made
    place: tuple[str, int, str]  # the stored set's title, number and exam domain's slug
    changes: list[dict] = field(default_factory=list)  # quiz.versions.Change as plain data


def updates_of(files: list[tuple[str, QuestionData]]) -> list[Update]:
    """For each (id, the file's data) of a stored question, the update to write; a few
    queries for all of them."""
    stored = bank_questions([ext_id for ext_id, _data in files])
    used = labels_ever_used_many([question.pk for question in stored.values()])
    updates = []
    for ext_id, data in files:
        question = stored[ext_id]
        merged, keep_history, keep_references = _merged(data, question, used[question.pk])
        updates.append(
            Update(
                merged,
                keep_history,
                keep_references,
                stored_state(question),
                (
                    question.question_set.title if question.question_set else "",
                    question.number,
                    question.domain.slug if question.domain else "",
                ),
                _changes(question, merged),
            )
        )
    return updates


def _changes(question: Question, data: QuestionData) -> list[dict]:
    after = snapshot(question_fields(data), _data_choices(data))
    changes = [asdict(change) for change in differences(version_content(question), after)]
    stored_references = _lines(
        _reference(r.note.anchor if r.note else "", r.url, r.title)
        for r in sorted(question.references.all(), key=lambda r: r.position)
    )
    stored_history = _lines(
        _revision(r.labels, r.valid_until, r.note)
        for r in sorted(question.key_revisions.all(), key=lambda r: r.position)
    )
    file_references = _lines(_reference(r.note_anchor, r.url, r.title) for r in data.references)
    file_history = _lines(_revision(r.labels, r.until, r.note) for r in data.key_history)
    for name, old, new in (
        ("Last verified", question.last_verified, data.last_verified),
        # A file without any keeps the stored ones (see _merged).
        ("References", stored_references, file_references or stored_references),
        ("Answer key history", stored_history, file_history or stored_history),
    ):
        if old != new:
            changes.append(
                {"what": name, "segments": [], "before": str(old or "—"), "after": str(new or "—")}
            )
    return changes


def _reference(anchor: str, url: str, title: str) -> str:
    return f"#{anchor} {title}" if anchor else f"{url} {title}"


def _revision(labels: list[str], until, note: str) -> str:
    return f"{', '.join(sorted(labels))} until {until}: {note}"


def _lines(texts) -> str:
    return "\n".join(" ".join(text.split()) for text in texts)


def bank_questions(ext_ids: list[str]) -> dict[str, Question]:
    rows = (
        Question.objects.filter(ext_id__in=ext_ids)
        .select_related("question_set", "duplicate_of", "domain")
        .prefetch_related("choices", "key_revisions", "references", "also_topics")
    )
    return {question.ext_id: question for question in rows}


def stored_state(question: Question) -> str:
    """A fingerprint of everything an import reads, changes or keeps of a stored question:
    if it differs at confirmation, someone changed the question since the preview."""
    choices = sorted(
        (c.label, c.text, c.is_correct, c.explanation, c.source_note, c.position)
        for c in question.choices.all()
    )
    state = [
        question.version, question.status, question.topic_id, question.question_set_id,
        question.number, question.position, question.duplicate_of_id, question.domain_id,
        question.stem, question.explanation, question.disputed, question.choose,
        question.shuffle_choices, question.difficulty, question.source, question.last_verified,
        choices,
        sorted(r.pk for r in question.key_revisions.all()),
        sorted(r.pk for r in question.references.all()),
        sorted(t.pk for t in question.also_topics.all()),
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:32]


def _merged(
    data: QuestionData, question: Question, used: set[str]
) -> tuple[QuestionData, bool, bool]:
    stored = sorted(question.choices.all(), key=lambda c: (c.position, c.label))
    pairing = pair_choices(
        [(c.label, c.text) for c in data.choices], [(c.label, c.text) for c in stored]
    )
    fresh = iter(unused_labels(used | {c.label for c in stored}, len(data.choices)))
    label_of = {label: partner or next(fresh) for label, partner in pairing.items()}
    by_label = {c.label: c for c in stored}

    def refs(text: str) -> str:
        return rename_references(text, label_of)

    def text(new: str, old: str) -> str:
        """The file's text in the bank's labels; the stored one when the file has none or
        the same (files trim what a library file keeps, such as a final line break)."""
        new = refs(new)
        return old if not new.strip() or new.strip() == old.strip() else new

    choices = []
    for choice in data.choices:
        label = label_of[choice.label]
        kept = by_label.get(label)
        choices.append(
            ChoiceData(
                label=label,
                text=text(choice.text, kept.text if kept else ""),
                is_correct=choice.is_correct,
                explanation=text(choice.explanation, kept.explanation if kept else ""),
                source_note=text(choice.source_note, kept.source_note if kept else ""),
            )
        )
    history = [
        KeyRevisionData([label_of.get(x, x) for x in r.labels], r.until, r.precision, refs(r.note))
        for r in data.key_history
    ]
    merged = QuestionData(
        ext_id=data.ext_id,
        stem=text(data.stem, question.stem),
        choices=choices,
        choose=data.choose,
        explanation=text(data.explanation, question.explanation),
        disputed=text(data.disputed, question.disputed),
        key_history=history,
        references=data.references,
        difficulty=data.difficulty or question.difficulty,
        last_verified=data.last_verified or question.last_verified,
        source=question.source
        if data.source in ("", IMPORTED_SOURCE) and question.source
        else data.source,
        shuffle=data.shuffle,
    )
    return merged, not history, not data.references


def _data_choices(data: QuestionData) -> list[dict]:
    return [
        {
            "label": c.label,
            "text": c.text,
            "is_correct": c.is_correct,
            "explanation": c.explanation,
            "source_note": c.source_note,
            "position": i,
        }
        for i, c in enumerate(data.choices)
    ]
