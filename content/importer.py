"""Loading the content library into the database: validate everything, then write in one go."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from content.library import Library, read_library
from content.problems import ImportProblem
from quiz.models import Blueprint, Comment, Question, QuestionSet
from quiz.services import (
    QuestionPlacement,
    blueprint_retire,
    blueprint_sync,
    comment_retire,
    comment_sync,
    disclaimer_sync,
    question_retire,
    question_set_sync,
    questions_sync,
)
from study.models import Certification, Topic
from study.services import (
    CREATED,
    RETIRED,
    UPDATED,
    certification_retire,
    certification_sync,
    domains_sync,
    topic_notes_sync,
    topic_retire,
    topic_sync,
)


class ContentInvalid(Exception):
    def __init__(self, errors: list[ImportProblem]):
        super().__init__(f"{len(errors)} problem(s) in the content library")
        self.errors = errors


@dataclass
class ImportReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def summary(self) -> str:
        lines = [
            f"{self.total(CREATED)} created, {self.total(UPDATED)} updated, "
            f"{self.total(RETIRED)} retired"
        ]
        for kind, counter in self.counts.items():
            parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counter.items()) if n)
            lines.append(f"  {kind}: {parts}")
        return "\n".join(lines)


def content_import(*, root: Path, require_explanations: bool = False) -> ImportReport:
    """Validate the library at root; raise ContentInvalid with every problem, or write it all.
    require_explanations: a question without a full explanation is a problem too."""
    library, errors = read_library(root, require_explanations=require_explanations)
    if errors:
        raise ContentInvalid(errors)
    with transaction.atomic():
        return _write(library)


def _synced(placements, placed):
    """questions_sync, its refusals (a question learners answered made a duplicate: merge it
    in the admin) reported at the line of the file that asks for it."""
    try:
        return questions_sync(placements=placements)
    except ValidationError as error:
        entries = {q.data.ext_id: q for _entry, _position, q in placed}
        problems = []
        for message in error.messages:
            entry = entries.get(message.split(":", 1)[0])
            if entry is None:
                raise
            line = entry.duplicate_of_line if "duplicate_of" in message else entry.line
            problems.append(ImportProblem(entry.file, line, message))
        raise ContentInvalid(problems) from None


def _write(library: Library) -> ImportReport:
    """Three passes so references across topics resolve: topics, questions, discussion."""
    report = ImportReport()
    certifications = {}
    domains: dict[str, dict] = {}  # certification slug -> domain slug -> ExamDomain
    for entry in library.certifications:
        certification, outcome = certification_sync(
            slug=entry.slug,
            name=entry.name,
            code=entry.code,
            position=entry.position,
            description=entry.description,
        )
        certifications[entry.slug] = certification
        report.add("certifications", outcome)
        domains[entry.slug] = domains_sync(
            certification=certification,
            domains=[(d.slug, d.name, d.weight) for d in entry.domains],
        )

    topics: dict[str, Topic] = {}
    sets: dict[tuple[str, str], QuestionSet] = {}
    for entry in library.topics:
        topic, outcome = topic_sync(
            certification=certifications[entry.certification_slug],
            slug=entry.slug,
            title=entry.title,
            summary=entry.summary,
            position=entry.position,
            domain=domains[entry.certification_slug].get(entry.domain),
        )
        report.add("topics", outcome)
        topics[topic.slug] = topic
        for outcome, n in topic_notes_sync(topic=topic, sections=entry.sections).items():
            report.add("note sections", outcome, n)
        report.add("disclaimers", disclaimer_sync(topic=topic, body=entry.disclaimer))
        for position, (slug, title) in enumerate(entry.sets):
            question_set, outcome = question_set_sync(
                topic=topic, slug=slug, title=title, position=position
            )
            sets[(topic.slug, slug)] = question_set
            report.add("question sets", outcome)

    seen_blueprints = set()
    for entry in library.certifications:
        for position, blueprint in enumerate(entry.blueprints):
            outcome = blueprint_sync(
                certification=certifications[entry.slug],
                slug=blueprint.slug,
                name=blueprint.name,
                question_count=blueprint.questions,
                time_limit_minutes=blueprint.minutes,
                passing_score=blueprint.passing_score,
                scale=blueprint.scale,
                shuffle_choices=blueprint.shuffle_choices,
                include_recent_key_changes=blueprint.include_recent_key_changes,
                topics={topics[slug]: weight for slug, weight in blueprint.topics.items()},
                domains={
                    domains[entry.slug][slug]: weight for slug, weight in blueprint.domains.items()
                },
                position=position,
            )
            seen_blueprints.add(blueprint.slug)
            report.add("exam blueprints", outcome)
    for blueprint in Blueprint.objects.filter(is_active=True).exclude(slug__in=seen_blueprints):
        if blueprint_retire(blueprint=blueprint):
            report.add("exam blueprints", RETIRED)

    # Originals before duplicates, so a duplicate can point at its original.
    placed = [
        (entry, position, question_entry)
        for entry in library.topics
        for position, question_entry in enumerate(entry.questions)
    ]
    questions: dict[str, Question] = {}
    for duplicates in (False, True):
        placements = [
            QuestionPlacement(
                topic=topics[entry.slug],
                data=question_entry.data,
                question_set=sets[(entry.slug, question_entry.set_slug)],
                number=question_entry.number,
                position=position,
                duplicate_of=questions.get(question_entry.duplicate_of),
                also_topics=[topics[slug] for slug in question_entry.also_topics],
                domain=domains[entry.certification_slug].get(question_entry.domain),
            )
            for entry, position, question_entry in placed
            if bool(question_entry.duplicate_of) == duplicates
        ]
        for question, outcome in _synced(placements, placed):
            questions[question.ext_id] = question
            report.add("questions", outcome)

    comments: dict[str, Comment] = {}
    for entry in library.topics:
        for position, comment_entry in enumerate(entry.comments):
            comment, outcome = comment_sync(
                topic=topics[entry.slug],
                ext_id=comment_entry.ext_id,
                author_name=comment_entry.author,
                body=comment_entry.body,
                position=position,
                question=questions.get(comment_entry.question_id),
                parent=comments.get(comment_entry.parent_id),
                is_missing=comment_entry.missing,
            )
            comments[comment.ext_id] = comment
            report.add("comments", outcome)

    _retire_absent(library, set(questions), set(comments), report)
    return report


def _retire_absent(
    library: Library, questions: set[str], seen_comments: set[str], report: ImportReport
) -> None:
    """What the files no longer have is retired, never deleted: learners' history points at it."""
    # Compared here rather than in SQL: a library's ids would be too many query parameters.
    live = Question.objects.exclude(status=Question.Status.RETIRED).order_by()
    absent = [pk for pk, ext_id in live.values_list("pk", "ext_id") if ext_id not in questions]
    for question in Question.objects.filter(pk__in=absent):
        report.add("questions", question_retire(question=question))
    shown = Comment.objects.filter(ext_id__isnull=False, is_retired=False).order_by()
    absent = [pk for pk, ext_id in shown.values_list("pk", "ext_id") if ext_id not in seen_comments]
    for comment in Comment.objects.filter(pk__in=absent):
        report.add("comments", comment_retire(comment=comment))
    topic_slugs = {entry.slug for entry in library.topics}
    for topic in Topic.objects.filter(is_active=True).exclude(slug__in=topic_slugs):
        if topic_retire(topic=topic):
            report.add("topics", RETIRED)
    cert_slugs = {entry.slug for entry in library.certifications}
    for certification in Certification.objects.filter(is_active=True).exclude(slug__in=cert_slugs):
        if certification_retire(certification=certification):
            report.add("certifications", RETIRED)
