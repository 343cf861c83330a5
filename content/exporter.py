"""Writing the database back out as the content library, in exactly the format it reads."""

import io
import zipfile
from pathlib import Path

from content.library import (
    BLUEPRINTS_FILE,
    CERTIFICATION_FILE,
    DISCUSSION_FILE,
    NOTES_FILE,
    QUESTIONS_FILE,
)
from content.yamlnodes import dump_yaml
from quiz.models import Comment, Disclaimer, Question, QuestionSet
from quiz.selectors import CommentNode, topic_threads
from study.models import Certification, Topic


def content_export(*, outdir: Path) -> list[Path]:
    """Write every active certification and topic under outdir; returns the files written."""
    outdir = Path(outdir)
    written: list[Path] = []
    for certification in Certification.objects.active().order_by("position", "slug"):
        cert_dir = outdir / certification.slug
        cert_dir.mkdir(parents=True, exist_ok=True)
        meta = {"slug": certification.slug, "name": certification.name}
        if certification.code:
            meta["code"] = certification.code
        meta["position"] = certification.position
        domains = certification.domains.order_by("position", "slug")
        if domains:
            meta["domains"] = [
                {"slug": d.slug, "name": d.name, "weight": d.weight} for d in domains
            ]
        written.append(
            _write(cert_dir / CERTIFICATION_FILE, _front_matter(meta, certification.description))
        )
        blueprints = _blueprints_document(certification)
        if blueprints:
            document = dump_yaml({"blueprints": blueprints})
            written.append(_write(cert_dir / BLUEPRINTS_FILE, document))
        for topic in certification.topics.filter(is_active=True).order_by("position", "slug"):
            written += _export_topic(topic, cert_dir / topic.slug)
    return written


def _blueprints_document(certification: Certification) -> list[dict]:
    items = []
    for blueprint in certification.blueprints.filter(is_active=True).order_by("position", "slug"):
        item = {
            "slug": blueprint.slug,
            "name": blueprint.name,
            "questions": blueprint.question_count,
            "minutes": blueprint.time_limit_minutes,
            "passing_score": blueprint.passing_score,
        }
        if blueprint.scale != "scaled":
            item["scale"] = blueprint.scale
        if not blueprint.shuffle_choices:
            item["shuffle_choices"] = False
        if blueprint.include_recent_key_changes:
            item["include_recent_key_changes"] = True
        weights = blueprint.weights.select_related("topic").order_by(
            "topic__position", "topic__slug"
        )
        if weights:
            item["topics"] = {w.topic.slug: w.weight for w in weights}
        by_domain = blueprint.domain_weights.select_related("domain").order_by(
            "domain__position", "domain__slug"
        )
        if by_domain:
            item["domains"] = {w.domain.slug: w.weight for w in by_domain}
        items.append(item)
    return items


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _front_matter(meta: dict, body: str) -> str:
    text = f"---\n{dump_yaml(meta)}---\n"
    return f"{text}{body.strip()}\n" if body.strip() else text


def _export_topic(topic: Topic, topic_dir: Path) -> list[Path]:
    topic_dir.mkdir(parents=True, exist_ok=True)
    meta = {"slug": topic.slug, "title": topic.title, "position": topic.position}
    if topic.domain_id:
        meta["domain"] = topic.domain.slug
    if topic.summary:
        meta["summary"] = topic.summary
    sections = [
        f"## {note.heading}\n\n{note.body}\n" if note.body else f"## {note.heading}\n"
        for note in topic.notes.order_by("position")
    ]
    written = [_write(topic_dir / NOTES_FILE, _front_matter(meta, "") + "\n".join(sections))]

    questions = _questions_document(topic)
    if questions["questions"]:
        written.append(_write(topic_dir / QUESTIONS_FILE, dump_yaml(questions)))
    threads = _discussion_document(topic)
    if threads:
        written.append(_write(topic_dir / DISCUSSION_FILE, dump_yaml({"threads": threads})))
    return written


def _questions_document(topic: Topic) -> dict:
    questions = (
        Question.objects.filter(topic=topic)
        .exclude(status=Question.Status.RETIRED)
        .order_by("position")
    )
    disclaimer = Disclaimer.objects.filter(topic=topic).first()
    return questions_document(topic, questions, disclaimer.body if disclaimer else "")


def questions_document(
    topic: Topic, questions, disclaimer: str = "", *, only_used_sets: bool = False
) -> dict:
    """A questions.yaml document for these questions of one topic."""
    questions = list(
        questions.select_related("question_set", "duplicate_of", "domain").prefetch_related(
            "choices", "key_revisions", "also_topics", "references__note"
        )
    )
    document: dict = {}
    if disclaimer:
        document["disclaimer"] = disclaimer
    # One source for the whole file when all questions share it, as editors write it.
    sources = {question.source for question in questions}
    shared_source = sources.pop() if len(sources) == 1 else ""
    if shared_source:
        document["source"] = shared_source
    used_sets = {question.question_set_id for question in questions}
    document["sets"] = [
        {"slug": question_set.slug, "title": question_set.title}
        for question_set in QuestionSet.objects.filter(topic=topic).order_by("position")
        if question_set.pk in used_sets or not only_used_sets
    ]
    document["questions"] = [_question_item(question, shared_source) for question in questions]
    return document


def questions_zip(questions) -> bytes:
    """The selected questions as content files, one questions.yaml per topic, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        topic_ids = questions.values_list("topic", flat=True).distinct()
        for topic in Topic.objects.filter(pk__in=topic_ids).select_related("certification"):
            selected = questions.filter(topic=topic).order_by("position")
            name = f"{topic.certification.slug}/{topic.slug}/{QUESTIONS_FILE}"
            archive.writestr(
                name, dump_yaml(questions_document(topic, selected, only_used_sets=True))
            )
    return buffer.getvalue()


def _question_item(question: Question, shared_source: str) -> dict:
    item: dict = {"id": question.ext_id}
    if question.question_set:
        item["set"] = question.question_set.slug
    item["number"] = question.number
    if question.choose != 1:
        item["choose"] = question.choose
    if not question.shuffle_choices:
        item["shuffle"] = False
    if question.duplicate_of:
        item["duplicate_of"] = question.duplicate_of.ext_id
    also = sorted(t.slug for t in question.also_topics.all())
    if also:
        item["also_topics"] = also
    if question.domain_id:
        item["domain"] = question.domain.slug
    if question.difficulty:
        item["difficulty"] = question.difficulty
    if question.last_verified:
        item["last_verified"] = question.last_verified
    if question.source and question.source != shared_source:
        item["source"] = question.source
    item["stem"] = question.stem
    if question.explanation:
        item["explanation"] = question.explanation
    item["choices"] = []
    for choice in sorted(question.choices.all(), key=lambda c: c.position):
        choice_item = {"label": choice.label, "text": choice.text}
        if choice.is_correct:
            choice_item["correct"] = True
        if choice.source_note:
            choice_item["source_note"] = choice.source_note
        if choice.explanation:
            choice_item["explanation"] = choice.explanation
        item["choices"].append(choice_item)
    revisions = sorted(question.key_revisions.all(), key=lambda r: r.position)
    if revisions:
        item["key_history"] = [
            {
                "correct": revision.labels,
                "until": revision.valid_until.strftime(
                    "%Y-%m" if revision.until_precision == "month" else "%Y-%m-%d"
                ),
                "note": revision.note,
            }
            for revision in revisions
        ]
    references = sorted(question.references.all(), key=lambda r: r.position)
    if references:
        item["references"] = [_reference_item(reference) for reference in references]
    if question.disputed:
        item["disputed"] = question.disputed
    return item


def _reference_item(reference) -> dict:
    item = {"note": reference.note.anchor} if reference.note_id else {"url": reference.url}
    if reference.title:
        item["title"] = reference.title
    return item


def _discussion_document(topic: Topic) -> list[dict]:
    threads = []
    for node in topic_threads(topic):
        if node.comment.ext_id is None:
            continue  # learners' own comments stay in the database, not in the library
        thread: dict = {}
        if node.comment.question_id:
            thread["question"] = node.comment.question.ext_id
        thread["comments"] = [_comment_item(node)]
        threads.append(thread)
    return threads


def _comment_item(node: CommentNode) -> dict:
    comment: Comment = node.comment
    item: dict = {"id": comment.ext_id, "author": comment.author_name}
    if comment.is_missing:
        item["missing"] = True
    if comment.body:
        item["body"] = comment.body
    replies = [_comment_item(reply) for reply in node.replies if reply.comment.ext_id]
    if replies:
        item["replies"] = replies
    return item
