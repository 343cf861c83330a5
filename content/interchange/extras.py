"""What our exports' extras (model.BankExtras) become in the topic a file is imported into.

The texts (source, disputed note, difficulty, verification, references) become the
question's data (plan.question_data); its place (set, number, exam domain) is resolved
here. What the topic cannot hold is said, per question, and left out: a reference to a
notes section this topic does not have, an exam domain its certification does not have.
A set is the topic's set of that title, made when the topic has none.
"""

from dataclasses import dataclass, replace

from django.utils.text import slugify

from content.interchange.model import ImportedQuestion, brief, reference_parts
from quiz.models import QuestionSet
from quiz.services.bank import question_set_sync
from study.models import ExamDomain, Note, Topic


@dataclass
class TopicExtras:
    anchors: set[str]
    domains: set[str]

    def check(self, question: ImportedQuestion) -> tuple[ImportedQuestion, list[tuple[int, str]]]:
        """The question without what this topic cannot hold, and a warning for each."""
        extras, warnings = question.extras, []
        if not extras:
            return question, warnings
        who = f"question {brief(question.name or question.stem, 60)!r}"
        kept = []
        for line in extras.references:
            anchor, _url, title = reference_parts(line)
            if anchor and anchor not in self.anchors:
                warnings.append(
                    (
                        question.line,
                        f"{who} refers to the notes section #{anchor} ({brief(title, 40)}), "
                        "which this topic's notes do not have: that reference is left out",
                    )
                )
            else:
                kept.append(line)
        domain = extras.domain
        if domain and domain not in self.domains:
            warnings.append(
                (
                    question.line,
                    f"{who} is in exam domain {brief(domain, 40)!r}, which this topic's "
                    "certification does not have: it takes its topic's domain",
                )
            )
            domain = ""
        return replace(question, extras=replace(extras, references=kept, domain=domain)), warnings


def extras_in_topic(topic: Topic) -> TopicExtras:
    return TopicExtras(
        anchors=set(Note.objects.filter(topic=topic).values_list("anchor", flat=True)),
        domains=set(
            ExamDomain.objects.filter(certification_id=topic.certification_id).values_list(
                "slug", flat=True
            )
        ),
    )


@dataclass
class Places:
    """The topic's sets by title and its certification's domains by slug, for writing."""

    sets: dict[str, QuestionSet]
    domains: dict[str, ExamDomain]


def places_for(topic: Topic, set_titles: set[str]) -> Places:
    """Sets for these titles (the topic's own, matched by title or its slug; the missing
    ones made after the last) and the certification's domains: a few queries."""
    stored = list(QuestionSet.objects.filter(topic=topic))
    sets: dict[str, QuestionSet] = {}
    position = max((s.position for s in stored), default=0)
    slugs = {s.slug for s in stored}
    for title in sorted(t for t in set_titles if t):
        found = next((s for s in stored if s.title == title), None)
        found = found or next((s for s in stored if s.slug == slugify(title)), None)
        if found is None:
            slug = base = slugify(title)[:90] or "set"
            number = 2
            while slug in slugs:
                slug, number = f"{base}-{number}", number + 1
            position += 1
            found, _outcome = question_set_sync(
                topic=topic, slug=slug, title=title[:200], position=position
            )
            slugs.add(slug)
        sets[title] = found
    domains = {
        domain.slug: domain
        for domain in ExamDomain.objects.filter(certification_id=topic.certification_id)
    }
    return Places(sets, domains)
