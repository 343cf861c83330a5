"""From parsed questions to the bank: preview writes nothing, apply writes all or nothing."""

import json

import pytest

from content.interchange.model import (
    MAX_ERRORS,
    PLAIN,
    ImportedChoice,
    ImportedQuestion,
    Parsed,
)
from content.interchange.plan import (
    CREATE,
    SKIP,
    UNCHANGED,
    UPDATE,
    import_apply,
    import_plan,
    plan_from_json,
    plan_to_json,
)
from content.problems import ImportProblem
from quiz.models import Question
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def mcq(line, stem, right="Use an IAM role", wrong=("Store keys in code",), name="", **kw):
    choices = [ImportedChoice(right, True, "Roles rotate credentials.")]
    choices += [ImportedChoice(text) for text in wrong]
    return ImportedQuestion(line=line, stem=stem, choices=choices, name=name, **kw)


def parsed(*questions, problems=()):
    result = Parsed(questions=list(questions))
    result.problems.extend(problems)
    return result


def test_preview_reports_creates_and_writes_nothing():
    topic = TopicFactory(slug="iam")
    plan = import_plan(
        parsed(mcq(1, "How should an app on EC2 get AWS credentials?", name="creds"),
               mcq(5, "Which service stores secrets?", right="Secrets Manager")),
        topic=topic,
    )  # fmt: skip
    assert plan.ok and [i.action for i in plan.items] == [CREATE, CREATE]
    assert plan.items[0].ext_id == "iam-creds"
    assert Question.objects.count() == 0


def test_apply_creates_questions_with_keys_and_explanations_then_reimport_is_unchanged():
    topic = TopicFactory(slug="iam")
    source = parsed(
        mcq(1, "How should an app on EC2 get AWS credentials?", name="creds", explanation="Why.")
    )
    import_apply(import_plan(source, topic=topic))
    question = Question.objects.get(ext_id="iam-creds")
    assert question.topic == topic and question.key_labels == "A"
    assert question.explanation == "Why."
    right = question.choices.get(label="A")
    assert right.is_correct and right.explanation == "Roles rotate credentials."
    again = import_plan(source, topic=topic)
    assert [i.action for i in again.items] == [UNCHANGED]
    changed = parsed(
        mcq(1, "How should an app on EC2 get AWS credentials?", name="creds", explanation="New.")
    )
    plan = import_plan(changed, topic=topic)
    assert [i.action for i in plan.items] == [UPDATE]
    import_apply(plan)
    assert Question.objects.get(ext_id="iam-creds").explanation == "New."


def test_questions_without_a_name_get_a_stable_id_from_their_text():
    topic = TopicFactory(slug="s3")
    first = import_plan(parsed(mcq(3, "Which storage class is cheapest?")), topic=topic)
    second = import_plan(parsed(mcq(9, "Which storage class is cheapest?")), topic=topic)
    assert first.items[0].ext_id == second.items[0].ext_id
    assert first.items[0].ext_id.startswith("s3-q")


def test_every_invalid_question_is_an_error_with_its_line_and_nothing_is_written():
    topic = TopicFactory()
    no_key = ImportedQuestion(
        line=7, stem="Pick one", choices=[ImportedChoice("a"), ImportedChoice("b")]
    )
    one_choice = ImportedQuestion(line=12, stem="Only one", choices=[ImportedChoice("a", True)])
    plan = import_plan(parsed(mcq(1, "Fine question?"), no_key, one_choice), topic=topic)
    assert not plan.ok
    lines = [error.line for error in plan.errors]
    assert lines == [7, 12]
    assert "no choice is marked correct" in plan.errors[0].message
    assert "at least two choices" in plan.errors[1].message
    with pytest.raises(ValueError):
        import_apply(plan)
    assert Question.objects.count() == 0


def test_two_different_questions_under_one_name_are_both_refused_or_skipped():
    topic = TopicFactory()
    source = parsed(mcq(1, "Same?", name="x"), mcq(4, "Other?", name="x"), mcq(7, "Fine?"))
    plan = import_plan(source, topic=topic)
    message = "the questions of lines 1, 4 are different but have the name 'x', which names one question: rename one"
    assert [(e.line, e.message.split(" (or tick")[0]) for e in plan.errors] == [
        (1, message),
        (4, message),
    ]
    skipped = import_plan(source, topic=topic, skip_unsupported=True)
    assert skipped.ok
    assert [(i.line, i.action) for i in skipped.items] == [(1, SKIP), (4, SKIP), (7, CREATE)]


def test_a_question_repeated_whole_is_imported_once_with_a_warning():
    topic = TopicFactory()
    plan = import_plan(parsed(mcq(1, "Same?"), mcq(4, "Same?"), mcq(7, "Same?")), topic=topic)
    assert plan.ok and [(i.line, i.action) for i in plan.items] == [(1, CREATE)]
    assert [str(w) for w in plan.warnings] == [
        "line 4: repeats the question of line 1: imported once",
        "line 7: repeats the question of line 1: imported once",
    ]
    assert plan.summary == "1 create, 0 update, 0 unchanged, 0 skip; 2 warning(s)"


def test_unsupported_kinds_stop_the_import_unless_skipped():
    topic = TopicFactory()
    source = parsed(mcq(1, "Fine?"))
    source.unsupported(3, 'short-answer question "Capital" is not supported')
    refused = import_plan(source, topic=topic)
    assert not refused.ok and refused.errors[0].line == 3
    assert "--skip-unsupported" in refused.errors[0].message
    skipped = import_plan(source, topic=topic, skip_unsupported=True)
    assert skipped.ok and [i.action for i in skipped.items] == [CREATE, SKIP]


def test_likely_duplicates_of_bank_questions_are_flagged_or_skipped():
    topic = TopicFactory()
    bank = QuestionFactory(topic=topic, stem="Which service encrypts EBS volumes at rest?")
    texts = [c.text for c in bank.choices.order_by("label")]
    copy = ImportedQuestion(
        line=2,
        stem="Which service encrypts EBS volumes at rest?",
        choices=[ImportedChoice(t, c.is_correct) for t, c in zip(texts, bank.choices.order_by("label"), strict=True)],
    )  # fmt: skip
    flagged = import_plan(parsed(copy), topic=topic)
    assert flagged.items[0].action == CREATE
    assert flagged.items[0].note.startswith(f"looks like {bank.ext_id}")
    skipped = import_plan(parsed(copy), topic=topic, skip_duplicates=True)
    assert skipped.items[0].action == SKIP
    import_apply(skipped)
    assert Question.objects.count() == 1


def test_a_question_exported_from_its_topic_and_imported_back_keeps_its_id():
    topic = TopicFactory(slug="iam")
    source = parsed(mcq(1, "How should an app on EC2 get AWS credentials?", name="creds"))
    import_apply(import_plan(source, topic=topic))
    exported = parsed(mcq(1, "How should an app on EC2 get AWS credentials?", name="iam-creds"))

    plan = import_plan(exported, topic=topic)

    assert [(i.ext_id, i.action) for i in plan.items] == [("iam-creds", UNCHANGED)]


def test_a_likely_duplicate_is_reported_against_the_most_similar_bank_question():
    topic = TopicFactory()
    stem = "Which service encrypts EBS volumes at rest with keys you manage yourself?"
    exact = QuestionFactory(topic=topic, stem=stem)
    QuestionFactory(topic=topic, stem=stem.replace("yourself", "centrally"))
    choices = list(exact.choices.order_by("label"))
    copy = ImportedQuestion(
        line=2, stem=stem, choices=[ImportedChoice(c.text, c.is_correct) for c in choices]
    )

    plan = import_plan(parsed(copy), topic=topic)

    assert plan.items[0].note.startswith(f"looks like {exact.ext_id} (100% similar)")


def test_a_foreign_name_never_takes_a_question_it_did_not_make():
    """A file's "creds" is the question an earlier import of that file made under that name,
    or a new one: never a question of the library or another file that happens to have
    the id the name becomes."""
    QuestionFactory(ext_id="iam-creds")
    topic = TopicFactory(slug="iam")
    plan = import_plan(parsed(mcq(1, "Creds?", name="creds")), topic=topic, file_name="a.gift")
    assert plan.ok and [(i.ext_id, i.action) for i in plan.items] == [("iam-creds-2", CREATE)]


def test_an_own_id_of_another_topic_is_an_error():
    QuestionFactory(ext_id="iam-q01")
    topic = TopicFactory(slug="iam")
    Question.objects.filter(ext_id="iam-q01").update(topic=TopicFactory(slug="other"))
    plan = import_plan(parsed(mcq(1, "Creds?", name="iam-q01")), topic=topic)
    assert plan.errors and "already belongs to topic other" in plan.errors[0].message


def test_plain_text_is_escaped_so_markdown_does_not_reinterpret_it():
    topic = TopicFactory()
    question = mcq(1, "Is 2*3*4 = 24? Use _underscores_ and [brackets]", text_format=PLAIN)
    plan = import_plan(parsed(question), topic=topic)
    import_apply(plan)
    stored = Question.objects.get()
    assert "<em>" not in stored.stem_html and "2*3*4" in stored.stem_html


def test_at_most_100_errors_are_listed_and_the_rest_counted():
    topic = TopicFactory()
    plan = import_plan(parsed(*(mcq(n, f"Q{n}?", name="same") for n in range(1, 151))), topic=topic)
    assert len(plan.errors) == MAX_ERRORS and plan.unlisted == 50
    assert not plan.ok and plan.error_count == 150
    assert plan.summary.endswith("; 150 error(s)")


def test_a_file_whose_reading_stopped_lists_why_and_checks_nothing_more():
    topic = TopicFactory()
    source = parsed(mcq(1, "Fine?", name="fine"))
    with source.reading():
        for line in range(2, 200):
            source.error(line, "broken")
    assert source.stopped
    plan = import_plan(source, topic=topic)
    assert plan.error_count == MAX_ERRORS + 1 and plan.items == []
    assert any("stopped reading after 100 errors" in error.message for error in plan.errors)


def test_a_stored_plan_reads_back_the_same():
    topic = TopicFactory(slug="iam")
    source = parsed(
        mcq(1, "Creds?", name="creds", outdated=["A was correct until Feb 2017: changed"]),
        mcq(4, "Keys?", name="keys", explanation="Why."),
        problems=[ImportProblem("", 9, "essay question is not supported", unsupported=True)],
    )
    plan = import_plan(source, topic=topic, skip_unsupported=True)
    assert plan.items[0].data.key_history[0].until.year == 2017
    stored = json.loads(json.dumps(plan_to_json(plan)))
    assert plan_from_json(stored, topic=topic) == plan
    assert plan_from_json(None, topic=topic) is None
    assert plan_from_json({**stored, "format": 0}, topic=topic) is None


def test_apply_refuses_a_plan_whose_id_went_to_another_topic_since_the_preview():
    topic = TopicFactory(slug="iam")
    plan = import_plan(parsed(mcq(1, "Creds?", name="creds")), topic=topic)
    assert plan.ok
    QuestionFactory(ext_id="iam-creds")  # imported into another topic meanwhile
    with pytest.raises(ValueError, match=r"belongs to topic .* since the preview"):
        import_apply(plan)
    assert Question.objects.filter(topic=topic).count() == 0


def test_control_characters_in_an_imported_file_are_dropped_like_in_comments():
    topic = TopicFactory()
    question = mcq(1, "Which\x00 one?\x07", right="Use an IAM\x1b role", name="ctl")
    plan = import_plan(parsed(question), topic=topic)
    assert plan.ok, plan.errors
    import_apply(plan)
    stored = Question.objects.get(topic=topic)
    assert stored.stem == "Which one?"
    assert stored.choices.get(label="A").text == "Use an IAM role"
