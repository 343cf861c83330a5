"""Checks that span files: unique slugs and ids, and references that resolve."""

from content.problems import ImportProblem
from content.reading.records import (
    NOTES_FILE,
    CommentEntry,
    Library,
    QuestionEntry,
)


def check_library(library: Library, errors: list[ImportProblem]) -> None:
    """Add to errors every problem that no single file shows."""
    topic_slugs: dict[str, str] = {}
    for topic in library.topics:
        if topic.slug in topic_slugs:
            errors.append(
                ImportProblem(
                    f"{topic.certification_slug}/{topic.slug}/{NOTES_FILE}",
                    2,
                    f"topic slug '{topic.slug}' is also used under {topic_slugs[topic.slug]}",
                )
            )
        topic_slugs[topic.slug] = topic.certification_slug

    for certification in library.certifications:
        domains = {d.slug for d in certification.domains}
        for topic in library.topics:
            if topic.certification_slug != certification.slug:
                continue
            # A topic's domain, then each question's own: (what names it, its domain, where).
            named = [("", topic.domain, topic.file, topic.domain_line)] + [
                (f"question {q.data.ext_id}: ", q.domain, q.file, q.domain_line)
                for q in topic.questions
            ]
            for what, domain, file, line in named:
                if domain and domain not in domains:
                    known = ", ".join(sorted(domains)) or "none: add domains to certification.md"
                    message = (
                        f"{what}domain '{domain}' is not an exam domain of {certification.slug} "
                        f"(its domains: {known})"
                    )
                    errors.append(ImportProblem(file, line, message))
        own = {t.slug for t in library.topics if t.certification_slug == certification.slug}
        for blueprint in certification.blueprints:
            unknown_domains = sorted(set(blueprint.domains) - domains)
            if unknown_domains:
                message = (
                    f"blueprint {blueprint.slug}: domain(s) {', '.join(unknown_domains)} are "
                    f"not exam domains of {certification.slug}"
                )
                errors.append(ImportProblem(blueprint.file, blueprint.domains_line, message))
            unknown = sorted(set(blueprint.topics) - own)
            if unknown:
                message = (
                    f"blueprint {blueprint.slug}: topic(s) {', '.join(unknown)} are not topics "
                    f"of {certification.slug}"
                )
                errors.append(ImportProblem(blueprint.file, blueprint.line, message))

    questions: dict[str, QuestionEntry] = {}
    comments: dict[str, CommentEntry] = {}
    for topic in library.topics:
        for kind, entries, seen in (
            ("question", [(q.data.ext_id, q) for q in topic.questions], questions),
            ("comment", [(c.ext_id, c) for c in topic.comments], comments),
        ):
            for ext_id, entry in entries:
                if ext_id in seen:
                    first = seen[ext_id]
                    message = f"{kind} id '{ext_id}' is already used at {first.file}:{first.line}"
                    errors.append(ImportProblem(entry.file, entry.line, message))
                else:
                    seen[ext_id] = entry

    for entry in questions.values():
        if not entry.duplicate_of:
            continue
        target = questions.get(entry.duplicate_of)
        if entry.duplicate_of == entry.data.ext_id:
            message = "a question cannot be a duplicate of itself"
        elif target is None:
            message = f"duplicate_of '{entry.duplicate_of}' is not a question id in the library"
        elif target.duplicate_of:
            message = (
                f"duplicate_of '{entry.duplicate_of}' is itself a duplicate; "
                f"point at '{target.duplicate_of}'"
            )
        else:
            continue
        errors.append(ImportProblem(entry.file, entry.duplicate_of_line, message))

    for entry in questions.values():
        unknown = [slug for slug in entry.also_topics if slug not in topic_slugs]
        if unknown:
            message = f"also_topics names unknown topic(s): {', '.join(unknown)}"
            errors.append(ImportProblem(entry.file, entry.also_topics_line, message))

    for comment in comments.values():
        if comment.question_id and comment.question_id not in questions and not comment.parent_id:
            message = f"thread question '{comment.question_id}' is not a question id in the library"
            errors.append(ImportProblem(comment.file, comment.question_line, message))
