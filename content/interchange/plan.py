"""From parsed questions to the bank: what an import would do, then doing it in one go.

`import_plan` turns a parsed file into bank questions for one topic and reports, per
question, whether it would be created, updated, left unchanged or skipped, and every error
with its line. It runs the real write inside a transaction it rolls back, so the preview
is exactly what `import_apply` will do (and both use the one validator of questions).
At most MAX_ERRORS errors are listed; the rest are counted.

`plan_to_json` and `plan_from_json` keep a plan between the admin's preview and its
confirmation, so the file is read and checked once and the confirmation writes exactly
the questions that were previewed.
"""

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

from django.db import transaction

from content.interchange.extras import extras_in_topic, places_for
from content.interchange.identity import ext_id_for, identify, own_id
from content.interchange.model import (
    AUTO,
    HTML,
    MAX_ERRORS,
    PLAIN,
    SOURCE_NOTE,
    ImportedQuestion,
    Parsed,
    brief,
    joined_feedback,
    reference_parts,
)
from content.interchange.updates import (
    IMPORTED_SOURCE,
    bank_questions,
    stored_state,
    updates_of,
)
from content.problems import ImportProblem
from quiz.choice_refs import bracket_bare_letters
from quiz.duplicates import Fingerprint, find_duplicates
from quiz.models import Question
from quiz.services import questions_sync
from quiz.services.bank import QuestionPlacement
from quiz.services.duplicates import bank_fingerprints
from quiz.validation import (
    ChoiceData,
    KeyRevisionData,
    QuestionData,
    ReferenceData,
    validate_question,
)
from study.models import Topic
from study.text import clean_text

CREATE, UPDATE, UNCHANGED, SKIP = "create", "update", "unchanged", "skip"
LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


@dataclass
class PlanItem:
    line: int
    ext_id: str
    stem: str
    action: str
    note: str = ""  # why skipped, or the duplicate it resembles
    data: QuestionData | None = None
    name: str = ""  # the question's name in its file (GIFT ::name::, <name>, CSV id)
    # The bank's question as the plan found it (stored_state), None when it did not exist:
    # the confirmation applies the plan only while every such question is still so.
    before: str | None = None
    # An update keeps what the file has none of: the stored key history and references.
    keep_key_history: bool = False
    keep_references: bool = False
    # For an update, what it changes (quiz.versions.Change as plain data), for the preview.
    changes: list[dict] = field(default_factory=list)
    # Where the file places it (our exports' extras): set title, number, exam domain slug;
    # empty keeps a stored question's, and puts a new one in no set and its topic's domain.
    set_title: str = ""
    number: int = 0
    domain: str = ""


@dataclass
class ImportPlan:
    topic: Topic
    items: list[PlanItem] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)  # the first MAX_ERRORS
    unlisted: int = 0  # errors beyond those
    warnings: list[ImportProblem] = field(default_factory=list)  # imported, but say so
    file_name: str = ""  # the file's name: with a question's name, its identity

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unlisted

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted

    def error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ImportProblem("", line, message))
        else:
            self.unlisted += 1

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def importable(self) -> int:
        return sum(1 for item in self.items if item.action != SKIP and item.data)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportProblem("", line, message, warning=True))

    @property
    def summary(self) -> str:
        parts = [f"{self.count(a)} {a}" for a in (CREATE, UPDATE, UNCHANGED, SKIP)]
        warned = f"; {len(self.warnings)} warning(s)" if self.warnings else ""
        return ", ".join(parts) + warned + (f"; {self.error_count} error(s)" if not self.ok else "")


_OUTDATED = re.compile(
    r"^(?P<labels>[A-Z](?:, ?[A-Z])*) was correct until "
    r"(?P<until>\d{1,2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]{2} \d{4}): (?P<note>.+)$",
    re.DOTALL,
)


def _key_history(notes: list[str]) -> tuple[list[KeyRevisionData], list[str]]:
    """Outdated-answer notes as we export them ("D was correct until Feb 2017: why") back
    into key history; anything else is returned to be kept as text."""
    history, other = [], []
    for note in notes:
        match = _OUTDATED.match(note.strip())
        if not match:
            other.append(note)
            continue
        until = match["until"]
        precision = "month" if until[0].isalpha() else "day"
        day = datetime.strptime(until, "%b %Y" if precision == "month" else "%d %b %Y").date()
        labels = [label.strip() for label in match["labels"].split(",")]
        history.append(KeyRevisionData(labels, day, precision, match["note"].strip()))
    return history, other


def _trailing_notes(explanation: str) -> tuple[str, list[str]]:
    """The explanation without the outdated-answer notes that end it ("D was correct until
    Feb 2017: why", a paragraph each, as our exports write them), and those notes."""
    paragraphs = explanation.split("\n\n")
    notes = []
    while paragraphs and _OUTDATED.match(paragraphs[-1].strip()):
        notes.insert(0, paragraphs.pop().strip())
    return "\n\n".join(paragraphs), notes


def question_data(question: ImportedQuestion, ext_id: str) -> QuestionData:
    """The bank's form of a parsed question: choices lettered A, B, ... in file order.

    A file names choices by fixed letters ("D was correct"), in its own order, which is the
    order they get their labels in: those letters become choice references ([[D]]), so they
    follow each learner's shuffled order (and our own exports come back as they went out).
    """
    explanation, outdated = question.explanation, question.outdated
    if not outdated:  # GIFT has no place for them: our export ends the feedback with them
        explanation, outdated = _trailing_notes(explanation)
    history, other_notes = _key_history(outdated)
    explanation = "\n\n".join(part for part in [explanation.strip(), *other_notes] if part.strip())
    data = _question_data(question, ext_id, explanation, history)
    labels = [choice.label for choice in data.choices]

    def refs(text: str) -> str:
        return bracket_bare_letters(text, labels)

    data.stem, data.explanation = refs(data.stem), refs(data.explanation)
    data.disputed = refs(data.disputed)
    for choice in data.choices:
        choice.text, choice.explanation = refs(choice.text), refs(choice.explanation)
    for revision in data.key_history:
        revision.note = refs(revision.note)
    return data


def _question_data(
    question: ImportedQuestion, ext_id: str, explanation: str, history: list[KeyRevisionData]
) -> QuestionData:
    extras = question.extras
    return QuestionData(
        ext_id=ext_id,
        stem=_as_markdown(question.stem, question.text_format),
        choices=[
            ChoiceData(
                label=LABELS[i] if i < len(LABELS) else "?",
                text=_as_markdown(choice.text, question.text_format),
                is_correct=choice.is_correct,
                explanation=_as_markdown(feedback, question.text_format),
                source_note=_as_markdown(source_note, question.text_format),
            )
            for i, choice in enumerate(question.choices)
            for feedback, source_note in [_split_source_note(choice.feedback)]
        ],
        choose=max(1, question.correct_count),
        shuffle=question.shuffle,
        explanation=joined_feedback(
            _as_markdown(explanation, question.text_format),
            [
                (label, _as_markdown(text, question.text_format))
                for label, text in question.feedback_parts
            ],
        ),
        key_history=history,
        # What only the bank keeps, from our own exports: written in the bank's markdown.
        source=clean_text(extras.source) or IMPORTED_SOURCE,
        disputed=clean_text(extras.disputed),
        difficulty=extras.difficulty,
        last_verified=date.fromisoformat(extras.last_verified) if extras.last_verified else None,
        references=[ReferenceData(*reference_parts(line)) for line in extras.references],
    )


def _split_source_note(feedback: str) -> tuple[str, str]:
    """Our exports end a choice's feedback with what its source said of it (see
    content.interchange.export); (explanation, source's note) back apart."""
    explanation, marker, note = feedback.rpartition(SOURCE_NOTE)
    if not marker or (explanation.strip() and not explanation.endswith("\n\n")):
        return feedback, ""
    return explanation.strip(), note.strip()


def _as_markdown(text: str, text_format: str) -> str:
    """Markdown source for the bank. HTML is kept in a block markdown leaves alone and is
    sanitized with everything else by render_markdown; plain text is escaped. Parsers trim what they
    read; a text kept exactly (a CSV cell that our export protected) stays as it is. NUL
    and other control characters are dropped (study.text.clean_text), as from comments."""
    text = clean_text(text)
    if text_format == AUTO:
        return auto_as_markdown(text)
    if text_format == HTML:
        return html_as_markdown(text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if text_format == PLAIN else text


def html_as_markdown(text: str) -> str:
    """HTML that markdown leaves as it is: inside a block element of its own, so a line
    that starts with "#" or "1." stays text and "*" stays a star, as in Moodle."""
    return f"<div>\n{text.strip()}\n</div>" if text.strip() else ""


# Moodle's auto-format as markdown: what markdown would read as structure is escaped (a
# line's leading #, >, list marker or number, a setext underline; emphasis, code and link
# signs anywhere), HTML tags stay, and each line break is kept as one.
_INLINE_SIGNS = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)(#|>|[-+*](?=\s)|\d+[.)](?=\s)|=+\s*$|-+\s*$)", re.MULTILINE)
_HTML_TAG = re.compile(r"(<[^<>]*>)")


def auto_as_markdown(text: str) -> str:
    parts = _HTML_TAG.split(text)
    for index in range(0, len(parts), 2):  # the text between tags
        parts[index] = _INLINE_SIGNS.sub(r"\\\1", parts[index])
    text = _LINE_START.sub(lambda m: m.group(1) + _escape_lead(m.group(2)), "".join(parts))
    # A line break is kept (two spaces end a markdown line); a blank line stays a paragraph.
    return re.sub(r"(?<!\n)\n(?!\n)", "  \n", text)


def _escape_lead(lead: str) -> str:
    if lead[0].isdigit():
        return lead[:-1] + "\\" + lead[-1]  # "1. first": the dot makes it a list
    if (lead[0] in "=-" and len(lead.strip()) > 1) or lead[0] == "=":
        return f"&#{ord(lead[0])};{lead[1:]}"  # an underline: markdown cannot escape "="
    return "\\" + lead


def import_plan(
    parsed: Parsed,
    *,
    topic: Topic,
    skip_unsupported: bool = False,
    skip_duplicates: bool = False,
    preview: bool = True,
    file_name: str = "",
) -> ImportPlan:
    """Check parsed questions for this topic. With preview, each item's action comes from
    the real write, rolled back; without (the plan is about to be applied, which sets them)
    new questions say create. file_name: with a question's name, which stored question it
    is (a question is updated only from the file, and under the name, it came from)."""
    plan = ImportPlan(topic=topic, file_name=file_name[:255])
    problems = list(parsed.problems)
    if parsed.stopped:  # the note saying where reading stopped is listed whatever else is
        problems.insert(0, problems.pop())
    for problem in problems:
        if problem.warning:
            plan.warnings.append(problem)
        elif problem.unsupported and skip_unsupported:
            plan.items.append(PlanItem(problem.line, "", "", SKIP, problem.message))
        elif problem.unsupported:
            plan.error(
                problem.line,
                f'{problem.message} (tick "Skip question kinds we don\'t support", or '
                "use --skip-unsupported, to import the rest)",
            )
        else:
            plan.error(problem.line, problem.message)
    if parsed.stopped:
        return plan  # the file was not read to its end: checking what was read is no use
    candidates: list[PlanItem] = []
    known = extras_in_topic(topic)
    questions = []
    for question in _once(parsed.questions, topic, plan, skip_unsupported):
        question, warnings = known.check(question)
        for line, message in warnings:
            plan.warn(line, message)
        questions.append(question)
        ext_id = ext_id_for(topic, question)
        data = question_data(question, ext_id)
        item = PlanItem(
            question.line,
            ext_id,
            question.stem.strip()[:200],
            CREATE,
            data=data,
            name=question.name,
            set_title=question.extras.set,
            number=question.extras.number,
            domain=question.extras.domain,
        )
        # The bank's messages name the choice or field; the validator's path (0-based
        # indexes into its own data structure) would only confuse someone fixing a file.
        for problem in validate_question(data):
            plan.error(question.line, problem.message)
        if len(question.choices) > len(LABELS):
            plan.error(question.line, f"more than {len(LABELS)} choices")
        candidates.append(item)
    wanted = [
        (item.ext_id, question.name, bool(own_id(topic, question)))
        for item, question in zip(candidates, questions, strict=True)
    ]
    for item, ext_id in zip(candidates, identify(wanted, topic, plan.file_name), strict=True):
        item.ext_id = item.data.ext_id = ext_id
    stored = dict(
        Question.objects.filter(ext_id__in=[item.ext_id for item in candidates]).values_list(
            "ext_id", "topic__slug"
        )
    )
    for item in candidates:
        owner = stored.get(item.ext_id)
        if owner is not None and owner != topic.slug:
            plan.error(item.line, f"id {item.ext_id} already belongs to topic {owner}")
    if plan.ok:
        _merge_with_bank(plan, [item for item in candidates if item.ext_id in stored])
    _mark_duplicates([item for item in candidates if item.ext_id not in stored], skip_duplicates)
    plan.items.extend(candidates)
    plan.items.sort(key=lambda item: item.line)
    plan.errors.sort()
    plan.warnings.sort(key=lambda warning: warning.line)
    if plan.ok and preview:
        _dry_run(plan)
    return plan


def _once(
    questions: list[ImportedQuestion], topic: Topic, plan: ImportPlan, skip_repeats: bool
) -> list[ImportedQuestion]:
    """The file's questions, each once. A question repeated whole (Moodle's own examples do
    it) is imported once, with a warning; two different questions under one name (or one
    text, unnamed) are both left out: refused, or skipped like unsupported kinds."""
    groups: dict[str, list[ImportedQuestion]] = {}
    for question in questions:
        groups.setdefault(ext_id_for(topic, question), []).append(question)
    kept = []
    for group in groups.values():
        first, *others = group
        if all(_same(first, other) for other in others):
            kept.append(first)
            for other in others:
                plan.warn(other.line, f"repeats the question of line {first.line}: imported once")
            continue
        lines = ", ".join(str(q.line) for q in group)
        what = f"the name {brief(first.name, 60)!r}" if first.name else "the same text"
        for question in group:
            message = (
                f"the questions of lines {lines} are different but have {what}, which "
                "names one question: rename one"
            )
            if skip_repeats:
                plan.items.append(PlanItem(question.line, "", "", SKIP, message))
            else:
                plan.error(
                    question.line,
                    f'{message} (or tick "Skip question kinds we don\'t support", or use '
                    "--skip-unsupported, to import the rest)",
                )
    return sorted(kept, key=lambda question: question.line)


def _same(a: ImportedQuestion, b: ImportedQuestion) -> bool:
    return replace(a, line=0) == replace(b, line=0)


def _mark_duplicates(new: list[PlanItem], skip: bool) -> None:
    """New questions that look like a bank question (the bank's duplicate finder); the note
    names the most similar one."""
    if not new:
        return
    fingerprints = bank_fingerprints() + [
        Fingerprint.of(("new", i), item.data.stem, [c.text for c in item.data.choices])
        for i, item in enumerate(new)
    ]
    matches: dict[int, tuple[int, float]] = {}  # new item -> (bank pk, score), best first
    for a, b, score in find_duplicates(fingerprints):
        bank, mine = sorted([a, b], key=lambda key: isinstance(key, tuple))
        if isinstance(bank, tuple) or not isinstance(mine, tuple):
            continue  # two new ones, or two bank questions: not this import's business
        matches.setdefault(mine[1], (bank, score))
    ext_ids = dict(
        Question.objects.filter(pk__in=[pk for pk, _ in matches.values()]).values_list(
            "pk", "ext_id"
        )
    )
    for index, (bank, score) in matches.items():
        item = new[index]
        item.note = f"looks like {ext_ids[bank]} ({score:.0%} similar)"
        if skip:
            item.action = SKIP


def _changed_since(plan: ImportPlan) -> list[str]:
    """Ids of the plan's questions that are no longer as the plan found them."""
    items = [item for item in plan.items if item.action != SKIP and item.data]
    now = bank_questions([item.ext_id for item in items])
    return [
        item.ext_id
        for item in items
        if (stored_state(now[item.ext_id]) if item.ext_id in now else None) != item.before
    ]


def _merge_with_bank(plan: ImportPlan, updates: list[PlanItem]) -> None:
    """Each update made to say, of the stored question, what the file says and keep what
    the file has none of (content.interchange.updates), checked again by the validator."""
    for item, update in zip(
        updates, updates_of([(i.ext_id, i.data) for i in updates]), strict=True
    ):
        item.data, item.before, item.changes = update.data, update.before, update.changes
        for what, old, new in zip(
            ("Set", "Number", "Exam domain"),
            update.place,
            (item.set_title, item.number, item.domain),
            strict=True,
        ):
            if new and new != old:
                item.changes.append(
                    {"what": what, "segments": [], "before": str(old or "—"), "after": str(new)}
                )
        item.keep_key_history = update.keep_key_history
        item.keep_references = update.keep_references
        for problem in validate_question(item.data):
            plan.error(item.line, problem.message)


class _Rollback(Exception):
    pass


def _dry_run(plan: ImportPlan) -> None:
    """Outcomes from the real write, rolled back: created, updated or unchanged."""
    try:
        with transaction.atomic():
            outcomes = _write(plan)
            raise _Rollback
    except _Rollback:
        pass
    for item in plan.items:
        if item.action != SKIP and item.ext_id in outcomes:
            item.action = outcomes[item.ext_id]


def _write(plan: ImportPlan) -> dict[str, str]:
    items = [item for item in plan.items if item.action != SKIP and item.data]
    if not items:
        return {}
    # Questions already in the topic keep their place, set, status and links; new ones go
    # after the last, as drafts (publishing is the editor's deliberate step).
    positions = Question.objects.filter(topic=plan.topic).values_list("position", flat=True)
    last = max(positions, default=0)
    stored = bank_questions([item.ext_id for item in items])
    places = places_for(plan.topic, {item.set_title for item in items})
    placements = []
    for item in items:
        question = stored.get(item.ext_id)
        if question is None:
            last += 1
            placements.append(
                QuestionPlacement(
                    topic=plan.topic,
                    data=item.data,
                    question_set=places.sets.get(item.set_title),
                    number=item.number,
                    position=last,
                    domain=places.domains.get(item.domain),
                    status=Question.Status.DRAFT,
                    import_name=item.name[:255],
                    import_file=plan.file_name,
                )
            )
            continue
        # What the file says of its place, else what is stored.
        placements.append(
            QuestionPlacement(
                topic=plan.topic,
                data=item.data,
                question_set=places.sets.get(item.set_title, question.question_set),
                number=item.number or question.number,
                position=question.position,
                duplicate_of=question.duplicate_of,
                also_topics=list(question.also_topics.all()),
                domain=places.domains.get(item.domain, question.domain),
                status=question.status,
                keep_key_history=item.keep_key_history,
                keep_references=item.keep_references,
            )
        )
    names = {"created": CREATE, "updated": UPDATE, "unchanged": UNCHANGED}
    return {
        question.ext_id: names.get(outcome, outcome)
        for question, outcome in questions_sync(placements=placements)
    }


@transaction.atomic
def import_apply(plan: ImportPlan) -> ImportPlan:
    """Write a plan that has no errors: every question or none. ValueError when it has
    errors, or when one of its ids has gone to another topic since the plan was made."""
    if not plan.ok:
        raise ValueError("the file has errors; fix them and upload it again")
    ids = [item.ext_id for item in plan.items if item.action != SKIP and item.data]
    taken = (
        Question.objects.filter(ext_id__in=ids)
        .exclude(topic=plan.topic)
        .values_list("ext_id", "topic__slug")
        .first()
    )
    if taken:
        raise ValueError(
            f"id {taken[0]} belongs to topic {taken[1]} since the preview; upload the file again"
        )
    stale = _changed_since(plan)
    if stale:
        raise ValueError(
            f"{', '.join(stale[:5])}{' and others' if len(stale) > 5 else ''} changed in the "
            "bank since the preview (edited, or created meanwhile); upload the file again for "
            "a new preview"
        )
    outcomes = _write(plan)
    for item in plan.items:
        if item.ext_id in outcomes:
            item.action = outcomes[item.ext_id]
    return plan


# Keeping a plan between preview and confirmation (the admin stores it with the upload).

_PLAN_FORMAT = 4  # a stored plan in another format is made again from the file


def plan_to_json(plan: ImportPlan) -> dict:
    return {
        "format": _PLAN_FORMAT,
        "items": [
            {
                "line": item.line,
                "ext_id": item.ext_id,
                "stem": item.stem,
                "action": item.action,
                "note": item.note,
                "data": _data_to_json(item.data) if item.data else None,
                "before": item.before,
                "name": item.name,
                "keep_key_history": item.keep_key_history,
                "keep_references": item.keep_references,
                "changes": item.changes,
                "set_title": item.set_title,
                "number": item.number,
                "domain": item.domain,
            }
            for item in plan.items
        ],
        "errors": [[error.line, error.message] for error in plan.errors],
        "unlisted": plan.unlisted,
        "warnings": [[warning.line, warning.message] for warning in plan.warnings],
        "file_name": plan.file_name,
    }


def plan_from_json(stored: dict | None, *, topic: Topic) -> ImportPlan | None:
    """The plan `plan_to_json` stored, or None when there is none in this format."""
    if not stored or stored.get("format") != _PLAN_FORMAT:
        return None
    return ImportPlan(
        topic=topic,
        items=[
            PlanItem(
                line=item["line"],
                ext_id=item["ext_id"],
                stem=item["stem"],
                action=item["action"],
                note=item["note"],
                data=_data_from_json(item["data"]) if item["data"] else None,
                before=item["before"],
                name=item["name"],
                keep_key_history=item["keep_key_history"],
                keep_references=item["keep_references"],
                changes=item["changes"],
                set_title=item["set_title"],
                number=item["number"],
                domain=item["domain"],
            )
            for item in stored["items"]
        ],
        errors=[ImportProblem("", line, message) for line, message in stored["errors"]],
        unlisted=stored["unlisted"],
        warnings=[
            ImportProblem("", line, message, warning=True) for line, message in stored["warnings"]
        ],
        file_name=stored["file_name"],
    )


def _data_to_json(data: QuestionData) -> dict:
    stored = asdict(data)
    for revision in stored["key_history"]:
        revision["until"] = revision["until"].isoformat()
    if data.last_verified:
        stored["last_verified"] = data.last_verified.isoformat()
    return stored


def _data_from_json(stored: dict) -> QuestionData:
    return QuestionData(
        **{
            **stored,
            "choices": [ChoiceData(**choice) for choice in stored["choices"]],
            "key_history": [
                KeyRevisionData(**{**revision, "until": date.fromisoformat(revision["until"])})
                for revision in stored["key_history"]
            ],
            "references": [ReferenceData(**reference) for reference in stored["references"]],
            "last_verified": (
                date.fromisoformat(stored["last_verified"]) if stored["last_verified"] else None
            ),
        }
    )
