import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from quiz import choice_refs
from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    AnswerSource,
    Blueprint,
    BlueprintTopic,
    Choice,
    Comment,
    Disclaimer,
    DuplicateSuspect,
    Question,
    QuestionReference,
    QuestionSet,
    Report,
    Vote,
)
from study.markdown import render_markdown
from study.models import Certification, ExamDomain, Note, Topic, WhatsNewItem
from study.services import topic_notes_touch


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    slug = factory.Sequence(lambda n: f"cert-{n}")
    name = factory.Sequence(lambda n: f"Cloud Certification {n}")
    code = "CLD-C01"
    description = "An exam about clouds."
    description_html = factory.LazyAttribute(lambda o: render_markdown(o.description))


class ExamDomainFactory(DjangoModelFactory):
    class Meta:
        model = ExamDomain

    certification = factory.SubFactory(CertificationFactory)
    slug = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.Sequence(lambda n: f"Domain {n}")
    weight = 25
    position = factory.Sequence(int)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    certification = factory.SubFactory(CertificationFactory)
    slug = factory.Sequence(lambda n: f"topic-{n}")
    title = factory.Sequence(lambda n: f"Topic {n}")
    summary = "What this topic covers."


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    heading = factory.Sequence(lambda n: f"Section {n}")
    anchor = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: n)
    body = "- a bullet\n    - a nested bullet"
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))

    @factory.post_generation
    def touch_topic(note, create, extracted, **kwargs):
        if create:  # as study.services.note_write does: the topic page shows it at once
            topic_notes_touch(topic_ids=[note.topic_id])


class WhatsNewItemFactory(DjangoModelFactory):
    class Meta:
        model = WhatsNewItem
        skip_postgeneration_save = True

    note = factory.SubFactory(NoteFactory)
    date = factory.Faker("date_object")
    text = "Something new (added Sep 2024)"

    @factory.post_generation
    def touch_topic(item, create, extracted, **kwargs):
        if create:
            topic_notes_touch(topic_ids=[item.note.topic_id])


class DisclaimerFactory(DjangoModelFactory):
    class Meta:
        model = Disclaimer

    topic = factory.SubFactory(TopicFactory)
    body = "Answers may be outdated."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))


class QuestionSetFactory(DjangoModelFactory):
    class Meta:
        model = QuestionSet

    topic = factory.SubFactory(TopicFactory)
    slug = factory.Sequence(lambda n: f"set-{n}")
    title = factory.Sequence(lambda n: f"Practice set {n}")


class QuestionFactory(DjangoModelFactory):
    """A published single-answer question with choices A-D, B correct (choose=2: A and B)."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    ext_id = factory.Sequence(lambda n: f"question-{n}")
    status = Question.Status.PUBLISHED
    topic = factory.SubFactory(TopicFactory)
    question_set = factory.SubFactory(QuestionSetFactory, topic=factory.SelfAttribute("..topic"))
    number = factory.Sequence(lambda n: n + 1)
    position = factory.Sequence(lambda n: n)
    stem = factory.Sequence(lambda n: f"Which service answers question {n}?")
    # Rendered as the app renders question texts: choice references ([[D]]) marked.
    stem_html = factory.LazyAttribute(lambda o: choice_refs.render(o.stem))
    explanation = ""
    explanation_html = factory.LazyAttribute(lambda o: choice_refs.render(o.explanation))

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        correct = {"B"} if self.choose == 1 else {"A", "B", "C", "D", "E"}
        correct = set(sorted(correct)[: self.choose]) if self.choose > 1 else correct
        for index, label in enumerate("ABCDE"[: max(4, self.choose + 2)]):
            ChoiceFactory(
                question=self,
                label=label,
                position=index,
                text=f"Choice {index + 1} of {self.ext_id}",
                is_correct=label in correct,
            )
        self.key_labels = ",".join(sorted(correct))
        Question.objects.filter(pk=self.pk).update(key_labels=self.key_labels)


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, choices=False)
    label = "A"
    text = factory.Sequence(lambda n: f"Choice text {n}")
    text_html = factory.LazyAttribute(lambda o: choice_refs.render(o.text))
    explanation = ""
    explanation_html = factory.LazyAttribute(lambda o: choice_refs.render(o.explanation))
    source_note = ""
    source_note_html = factory.LazyAttribute(lambda o: choice_refs.render(o.source_note))
    is_correct = False


class AnswerKeyRevisionFactory(DjangoModelFactory):
    class Meta:
        model = AnswerKeyRevision

    question = factory.SubFactory(QuestionFactory)
    correct_labels = "D"
    valid_until = factory.Faker("date_object")
    until_precision = AnswerKeyRevision.Precision.MONTH
    note = "This was correct before the service changed."
    note_html = factory.LazyAttribute(lambda o: choice_refs.render(o.note))


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    topic = factory.SubFactory(TopicFactory)
    question = None
    parent = None
    ext_id = factory.Sequence(lambda n: f"comment-{n}")
    author_name = factory.Faker("first_name")
    body = "I think the answer is A."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body, hard_breaks=True))
    position = factory.Sequence(lambda n: n)


class AnswerRecordFactory(DjangoModelFactory):
    class Meta:
        model = AnswerRecord

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    chosen_labels = "B"
    is_correct = factory.LazyAttribute(
        lambda o: (
            sorted(o.chosen_labels.split(","))
            == sorted(c.label for c in o.question.choices.all() if c.is_correct)
        )
    )
    response_ms = 12000
    multi = factory.LazyAttribute(lambda o: o.question.choose > 1)  # as answer_record sets it
    source = AnswerSource.PRACTICE
    answered_at = factory.LazyFunction(timezone.now)


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    labels = "B"


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    reason = Report.Reason.WRONG_KEY
    text = "I think the key is wrong."


class DuplicateSuspectFactory(DjangoModelFactory):
    class Meta:
        model = DuplicateSuspect

    question = factory.SubFactory(QuestionFactory)
    other = factory.SubFactory(QuestionFactory)
    similarity = 0.95


class QuestionReferenceFactory(DjangoModelFactory):
    class Meta:
        model = QuestionReference

    question = factory.SubFactory(QuestionFactory)
    url = "https://docs.aws.amazon.com/"
    title = "AWS documentation"


class BlueprintFactory(DjangoModelFactory):
    """A mock exam of 5 questions in 20 minutes, pass mark 720 (scaled).

    `topics=[topic, ...]` weighs each topic 1, `topics={topic: weight}` as given; without it
    every topic of the certification weighs the same."""

    class Meta:
        model = Blueprint
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"mock-{n}")
    name = factory.Sequence(lambda n: f"Mock exam {n}")
    certification = factory.SubFactory(CertificationFactory)
    question_count = 5
    time_limit_minutes = 20
    passing_score = 720

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        weights = extracted if isinstance(extracted, dict) else dict.fromkeys(extracted, 1)
        for topic, weight in weights.items():
            BlueprintTopic.objects.create(blueprint=self, topic=topic, weight=weight)


# Two listings of one question (merging duplicates): other order, other letters, one typo.
SURVIVOR = [  # label, text, correct
    ("A", "Store the keys in an IAM user's access keys on the instance", False),
    ("B", "Attach an IAM role to the instance through an instance profile", True),
    ("C", "Put the keys in the user data script", False),
    ("D", "Ask AWS Support for temporary keys", False),
]
DUPLICATE = [
    ("A", "Attach an IAM role to the instance through an instance profile", True),
    ("B", "Ask AWS Support for temporary keys", False),
    ("C", "Store the keys in an IAM users access keys on the instance", False),
    ("D", "Put the keys in the user data script", False),
]
TEXT_PAIRING = {"A": "B", "B": "D", "C": "A", "D": "C"}


def question_with_choices(choices, **kwargs) -> Question:
    """A question with exactly these choices (label, text, correct), its key stored."""
    question = QuestionFactory(choices=False, **kwargs)
    for position, (label, text, correct) in enumerate(choices):
        Choice.objects.create(
            question=question, label=label, text=text, is_correct=correct, position=position
        )
    key = ",".join(label for label, _t, correct in choices if correct)
    Question.objects.filter(pk=question.pk).update(key_labels=key)
    question.refresh_from_db()
    return question
