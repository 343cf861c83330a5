"""The question editor in the admin, as an editor uses it."""

import io
import zipfile
from datetime import date

import pytest
import time_machine
import yaml
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.admin.question import QuestionAdmin
from quiz.models import AnswerKeyRevision, Choice, DuplicateSuspect, Question
from tests.factories import (
    AnswerRecordFactory,
    ExamDomainFactory,
    QuestionFactory,
    ReportFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def form_data(question=None, *, choices, topic=None, choose=1, **fields):
    """POST data for the question change form with these (label, text, correct) choices."""
    topic = topic or (question.topic if question else TopicFactory())
    data = {
        "ext_id": question.ext_id if question else "new-question",
        "topic": topic.pk,
        "question_set": "",
        "number": 1,
        "position": 0,
        "status": "published",
        "stem": "Which one?",
        "choose": choose,
        "shuffle_choices": "on",
        "explanation": "",
        "difficulty": "",
        "last_verified": "",
        "source": "",
        "disputed": "",
        "duplicate_of": "",
        "key_change_note": "",
        "key_change_effective": "2026-11-01",
        "references-TOTAL_FORMS": 0,
        "references-INITIAL_FORMS": 0,
        "key_revisions-TOTAL_FORMS": 0,
        "key_revisions-INITIAL_FORMS": 0,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": 0,
    }
    existing = {c.label: c for c in question.choices.all()} if question else {}
    if question:
        data["choices-INITIAL_FORMS"] = len(existing)
        data["key_revisions-INITIAL_FORMS"] = question.key_revisions.count()
        data["key_revisions-TOTAL_FORMS"] = question.key_revisions.count()
        for i, revision in enumerate(question.key_revisions.all()):
            data[f"key_revisions-{i}-id"] = revision.pk
            data[f"key_revisions-{i}-question"] = question.pk
    for i, (label, text, correct) in enumerate(choices):
        data[f"choices-{i}-label"] = label
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-position"] = i
        data[f"choices-{i}-explanation"] = ""
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
        if label in existing:
            data[f"choices-{i}-id"] = existing[label].pk
            data[f"choices-{i}-question"] = question.pk
    data.update(fields)
    return data


ADD_URL = reverse("admin:quiz_question_add")


def change_url(question):
    return reverse("admin:quiz_question_change", args=[question.pk])


def test_editor_adds_a_valid_question_and_html_is_rendered(editor_client):
    response = editor_client.post(
        ADD_URL, form_data(choices=[("A", "**one**", True), ("B", "two", False)])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(ext_id="new-question")
    assert question.stem_html == "<p>Which one?</p>"
    assert question.choices.get(label="A").text_html == "<p><strong>one</strong></p>"


@pytest.mark.parametrize(
    ("choices", "choose", "message"),
    [
        ([("A", "one", True)], 1, "a question needs at least two choices, it has 1"),
        ([("A", "one", False), ("B", "two", False)], 1, "no choice is marked correct"),
        (
            [("A", "one", True), ("B", "two", False), ("C", "x", False)],
            2,
            "choose is 2 but 1 choice(s) are marked correct (A): they must be equal",
        ),
        ([("A", "one", True), ("B", "", False)], 1, "This field is required."),
    ],
)
def test_invalid_question_shows_the_error_and_saves_nothing(
    editor_client, choices, choose, message
):
    response = editor_client.post(ADD_URL, form_data(choices=choices, choose=choose))
    assert response.status_code == 200
    assertContains(response, message)
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_multi_answer_with_one_correct_choice_on_existing_question_changes_nothing(editor_client):
    question = QuestionFactory(choose=2)  # A and B correct
    data = form_data(
        question,
        choose=2,
        choices=[("A", "a", True), ("B", "b", False), ("C", "c", False), ("D", "d", False)],
        stem="Changed stem that must not be saved",
        key_change_note="trying",
    )
    response = editor_client.post(change_url(question), data)
    assertContains(response, "choose is 2 but 1 choice(s) are marked correct")
    question.refresh_from_db()
    assert question.stem != "Changed stem that must not be saved"
    assert sorted(c.label for c in question.choices.all() if c.is_correct) == ["A", "B"]


def test_key_change_in_the_form_needs_a_note(editor_client):
    question = QuestionFactory()  # B correct
    choices = [("A", "a", True), ("B", "b", False), ("C", "c", False), ("D", "d", False)]
    response = editor_client.post(change_url(question), form_data(question, choices=choices))
    assertContains(response, "You changed the answer key from B to A.")
    assert not AnswerKeyRevision.objects.exists()
    assert question.choices.get(label="B").is_correct


def test_key_change_in_the_form_with_a_note_is_recorded(editor_client, editor):
    question = QuestionFactory()
    choices = [("A", "a", True), ("B", "b", False), ("C", "c", False), ("D", "d", False)]
    data = form_data(
        question, choices=choices, key_change_note="[[B]] was right until the March release."
    )
    response = editor_client.post(change_url(question), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    revision = AnswerKeyRevision.objects.get()
    assert (revision.correct_labels, revision.new_labels, revision.recorded_by) == (
        "B",
        "A",
        editor,
    )
    assert revision.valid_until == date(2026, 11, 1)


def test_key_change_note_with_a_bare_letter_is_refused_in_the_form(editor_client):
    question = QuestionFactory()
    choices = [("A", "a", True), ("B", "b", False), ("C", "c", False), ("D", "d", False)]
    data = form_data(
        question, choices=choices, key_change_note="B was right until the March release."
    )
    response = editor_client.post(change_url(question), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["key_change_note"]
    assert "earlier key 1's note names choice B" in errors[0] and "write [[B]]" in errors[0]
    assert not AnswerKeyRevision.objects.exists()
    assert question.choices.get(label="B").is_correct


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("explanation", "D was right before 2017.", "the explanation names choice D"),
        ("disputed", "Readers argue for (A).", "the disputed note names choice A"),
        ("stem", "Which of A and B is right?", "the question text names choice A"),
    ],
)
def test_bare_letters_in_question_texts_are_refused_in_the_form(
    editor_client, field, value, message
):
    question = QuestionFactory(stem="Original")
    choices = [(c.label, c.text, c.is_correct) for c in question.choices.all()]
    response = editor_client.post(
        change_url(question), form_data(question, choices=choices, **{field: value})
    )
    assert response.status_code == 200
    # Next to the field it concerns, not in a list at the top of the choices.
    assert message in response.context["adminform"].form.errors[field][0]
    question.refresh_from_db()
    assert question.stem == "Original"


def test_a_question_that_keeps_its_order_may_use_fixed_letters(editor_client):
    question = QuestionFactory()
    choices = [(c.label, c.text, c.is_correct) for c in question.choices.all()]
    data = form_data(question, choices=choices, explanation="B is right.", shuffle_choices="on")
    assert editor_client.post(change_url(question), data).status_code == 200
    del data["shuffle_choices"]
    assert editor_client.post(change_url(question), data).status_code == 302
    question.refresh_from_db()
    assert not question.shuffle_choices and question.explanation == "B is right."


def test_change_key_page_refuses_a_bare_letter_in_the_note(editor_client):
    question = QuestionFactory()
    url = reverse("admin:quiz_question_change_key", args=[question.pk])
    response = editor_client.post(
        url, {"correct": ["A"], "note": "A is right now.", "effective": "2026-06-01"}
    )
    assert response.status_code == 200
    assertContains(response, "names choice A by a bare letter")
    assert not AnswerKeyRevision.objects.exists()
    assert question.choices.get(label="B").is_correct


def test_change_key_page_records_revision_and_learner_sees_annotation(
    editor_client, client, editor, bank
):
    q1 = bank.role
    url = reverse("admin:quiz_question_change_key", args=[q1.pk])
    page = editor_client.get(url)
    assertContains(page, "Why it changed")
    response = editor_client.post(
        url,
        {
            "correct": ["C"],
            "note": "[[C]] is right after the 2026 console change.",
            "effective": "2026-06-01",
        },
    )
    assert response.status_code == 302
    revision = q1.key_revisions.order_by("-position").first()
    assert (revision.correct_labels, revision.new_labels, revision.recorded_by) == (
        "B",
        "C",
        editor,
    )
    learner_page = client.get(q1.get_absolute_url(), {"answer": "show"})
    assertContains(learner_page, "B was correct until 1 Jun 2026.")
    assertContains(
        learner_page, '<span class="choice-ref">C</span> is right after the 2026 console change.'
    )
    assertContains(learner_page, "D was correct until Feb 2017.")
    assertContains(learner_page, "Answer key changed from B to C")


def test_change_key_page_requires_a_note(editor_client):
    question = QuestionFactory()
    url = reverse("admin:quiz_question_change_key", args=[question.pk])
    response = editor_client.post(url, {"correct": ["A"], "note": "", "effective": "2026-06-01"})
    assert response.status_code == 200
    assertContains(response, "This field is required.")
    assert not AnswerKeyRevision.objects.exists()


def test_history_is_viewable_and_revertible(editor_client, admin_client):
    question = QuestionFactory(stem="Original")
    choices = [(c.label, c.text, c.is_correct) for c in question.choices.all()]
    editor_client.post(change_url(question), form_data(question, choices=choices, stem="Edited"))
    question.refresh_from_db()
    assert question.stem == "Edited"
    history = editor_client.get(reverse("admin:quiz_question_history", args=[question.pk]))
    assertContains(history, "<del>Original</del><ins>Edited</ins>", html=False)
    restore = reverse("admin:quiz_question_restore", args=[question.pk, 1])
    assertContains(history, restore)
    assert admin_client.get(restore).status_code == 200


def test_markdown_preview_uses_the_same_sanitizer(editor_client):
    url = reverse("admin:quiz_question_preview")
    data = {"ext_id": "q-1", "stem": "**bold** <script>alert(1)</script>"}
    response = editor_client.post(
        url, data, headers={"HX-Request": "true", "HX-Trigger-Name": "stem"}
    )
    html = response.content.decode()
    assert "<strong>bold</strong>" in html and "<script" not in html
    assert editor_client.get(url).status_code == 405


def test_change_form_has_live_preview_wired_with_htmx(editor_client):
    question = QuestionFactory()
    response = editor_client.get(change_url(question))
    assertContains(response, 'hx-post="/admin/quiz/question/preview/"')
    assertContains(response, "/static/django_htmx/htmx-2.min.js")
    assertContains(response, "Change answer key")


def test_disputed_filter_finds_the_disputed_question(editor_client, bank):
    response = editor_client.get(reverse("admin:quiz_question_changelist"), {"disputed": "yes"})
    assertContains(response, f"{bank.disputed.ext_id}<")
    assertNotContains(response, f"{bank.revoke.ext_id}<")


def test_filters_outdated_multi_duplicate_and_verified(editor_client, bank):
    url = reverse("admin:quiz_question_changelist")
    outdated = editor_client.get(url, {"outdated": "yes"}).content.decode()
    assert (
        f"{bank.role.ext_id}<" in outdated
        and f"{bank.pair.ext_id}<" in outdated
        and f"{bank.revoke.ext_id}<" not in outdated
    )
    multi = editor_client.get(url, {"type": "multi"})
    assertContains(multi, "3 questions")  # pair, stateful, least-privilege
    linked = editor_client.get(url, {"duplicate": "linked"})
    assertContains(linked, f"{bank.duplicate.ext_id}<")
    assertNotContains(linked, f"{bank.original.ext_id}<")
    # Every bank question was verified on 1 Dec 2026 but one, made never verified here.
    Question.objects.filter(pk=bank.duplicate.pk).update(last_verified=None)
    with time_machine.travel(date(2026, 12, 10)):
        never_or_old = editor_client.get(url, {"verified": "12"})
    assertContains(never_or_old, "1 question")
    assertContains(never_or_old, f"{bank.duplicate.ext_id}<")
    Question.objects.exclude(last_verified=None).update(last_verified=date(2020, 1, 1))
    assertContains(editor_client.get(url, {"verified": "12"}), "13 questions")


def test_search_finds_choice_text(editor_client, bank):
    response = editor_client.get(
        reverse("admin:quiz_question_changelist"), {"q": "Site-to-Site VPN"}
    )
    assertContains(response, f"{bank.vpn.ext_id}<")
    assertContains(response, "1 question")


def test_bulk_actions(editor_client):
    questions = QuestionFactory.create_batch(3)
    ids = [q.pk for q in questions]
    url = reverse("admin:quiz_question_changelist")
    editor_client.post(url, {"action": "retire", "_selected_action": ids})
    assert Question.objects.filter(status="retired").count() == 3
    editor_client.post(url, {"action": "publish", "_selected_action": ids[:1]})
    assert Question.objects.filter(status="published").count() == 1
    editor_client.post(url, {"action": "mark_verified_today", "_selected_action": ids})
    assert Question.objects.filter(last_verified__isnull=False).count() == 3
    assert questions[0].history.count() >= 3  # every change is in the edit history


def test_export_selected_gives_content_files(editor_client, bank):
    ids = [bank.role.pk, bank.pair.pk]
    response = editor_client.post(
        reverse("admin:quiz_question_changelist"),
        {"action": "export_selected", "_selected_action": ids},
    )
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = yaml.safe_load(archive.read("cloud-architect/instance-security/questions.yaml"))
    assert [q["id"] for q in document["questions"]] == [bank.role.ext_id, bank.pair.ext_id]
    assert document["questions"][0]["key_history"][0]["correct"] == ["D"]
    assert document["questions"][1]["key_history"][0]["correct"] == ["A", "E"]


def test_statistics_and_discrimination_on_the_change_page(editor_client):
    question = QuestionFactory()
    other = QuestionFactory()
    # Strong learners get it right, weak ones wrong: a discriminating question.
    for n in range(24):
        learner = UserFactory()
        strong = n % 2 == 0
        AnswerRecordFactory(user=learner, question=question, chosen_labels="B" if strong else "A")
        for _ in range(3):
            AnswerRecordFactory(user=learner, question=other, chosen_labels="B" if strong else "C")
    response = editor_client.get(change_url(question))
    assertContains(response, "Answered 24 times by 24 learners. Facility (right at the first")
    assertContains(response, "as scored then): 50%.")
    assertContains(response, "Discrimination index: 1.0")
    assertNotContains(response, "Needs checking")


def test_low_discrimination_is_flagged(editor_client):
    question = QuestionFactory()
    other = QuestionFactory()
    for n in range(24):
        learner = UserFactory()
        strong = n % 2 == 0
        # The strong learners get this one WRONG: suspicious key.
        AnswerRecordFactory(user=learner, question=question, chosen_labels="A" if strong else "B")
        AnswerRecordFactory(user=learner, question=other, chosen_labels="B" if strong else "C")
    response = editor_client.get(change_url(question))
    assertContains(response, "Needs checking: discrimination -1.00: very likely.")


def test_editors_cannot_touch_users_or_permissions(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:quiz_question_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:quiz_report_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:study_note_changelist")).status_code == 200


def test_non_staff_get_the_admin_login_page(learner_client):
    response = learner_client.get(reverse("admin:quiz_question_changelist"))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_report_resolution_in_admin_is_public(editor_client, client, editor):
    report = ReportFactory()
    url = reverse("admin:quiz_report_change", args=[report.pk])
    response = editor_client.post(url, {"decision": "", "outcome": "resolve"})
    assertContains(response, "Write the decision")
    editor_client.post(url, {"decision": "Key corrected to A.", "outcome": "resolve"})
    report.refresh_from_db()
    assert report.status == "resolved" and report.resolved_by == editor
    assertContains(client.get(report.question.get_absolute_url()), "Key corrected to A.")


def test_duplicates_page_and_merge_action(editor_client, bank):
    q7 = bank.original
    page = editor_client.get(reverse("admin:quiz_question_duplicates", args=[q7.pk]))
    assertContains(page, bank.duplicate.ext_id)
    assertContains(page, "recorded as its duplicate")
    copy = QuestionFactory(topic=q7.topic, stem=q7.stem + " ", choices=False)
    for choice in q7.choices.all():
        Choice.objects.create(
            question=copy,
            label=choice.label,
            text=choice.text,
            is_correct=choice.is_correct,
            position=choice.position,
        )
    AnswerRecordFactory(question=copy)
    changelist = reverse("admin:quiz_duplicatesuspect_changelist")
    editor_client.post(changelist, {"action": "scan", "_selected_action": [0]})
    suspect = DuplicateSuspect.objects.get(status="open", question=q7, other=copy)
    screen = editor_client.post(
        changelist, {"action": "merge_into_first", "_selected_action": [suspect.pk]}, follow=True
    )
    pairs = {
        f"pair-{choice.label}": choice.label for choice in copy.choices.all()
    }  # same texts, same letters: the proposal pairs them so
    assertContains(screen, "Merge " + copy.ext_id + " into " + q7.ext_id)
    editor_client.post(screen.request["PATH_INFO"], {"into": q7.pk, "confirm": "1", **pairs})
    copy.refresh_from_db()
    assert copy.duplicate_of == q7 and q7.answers.count() == 1


@pytest.mark.slow  # a thousand questions with answers and reports
def test_admin_list_and_form_query_budget_with_1000_questions(
    admin_client, django_assert_max_num_queries
):
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(1000, topic=topic)
    for question in questions[:50]:
        AnswerRecordFactory(question=question)
        ReportFactory(question=question)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:quiz_question_changelist"))
    assertContains(response, "1000 questions")
    with django_assert_max_num_queries(12):
        admin_client.get(
            reverse("admin:quiz_question_changelist"), {"disputed": "yes", "outdated": "no"}
        )
    with django_assert_max_num_queries(40):
        response = admin_client.get(change_url(questions[0]))
    assert response.status_code == 200


def test_blueprint_list_shows_whether_each_exam_can_start(
    admin_client, bank, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:quiz_blueprint_changelist"))
    assertContains(response, "Can start")
    html = response.content.decode()
    mini = html.split(f"{bank.mini.name}</a>")[1].split("</tr>")[0]
    full = html.split(f"{bank.full.name}</a>")[1].split("</tr>")[0]
    assert '<td class="field-can_start">yes</td>' in mini
    live = len(bank.live)
    assert f'<td class="field-can_start">no — needs 65, bank has {live}</td>' in full


def test_a_question_counts_toward_another_domain_of_its_certification_only(editor_client):
    question = QuestionFactory()  # B correct
    choices = [("A", "a", False), ("B", "b", True), ("C", "c", False), ("D", "d", False)]
    own = ExamDomainFactory(certification=question.topic.certification)
    elsewhere = ExamDomainFactory()
    refused = editor_client.post(
        change_url(question), form_data(question, choices=choices, domain=elsewhere.pk)
    )
    assertContains(refused, "Choose an exam domain of its topic")
    saved = editor_client.post(
        change_url(question), form_data(question, choices=choices, domain=own.pk)
    )
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.exam_domain == own


def test_change_form_shows_each_preview_without_a_request_and_sanitized(editor_client):
    """A question form has a dozen markdown fields: each posted its preview on load."""
    question = QuestionFactory(stem="Pick **one** <img src=x onerror=alert(1)>")
    page = editor_client.get(change_url(question)).content.decode()
    assert 'hx-trigger="input changed delay:400ms"' in page and "load," not in page
    assert "Pick <strong>one</strong>" in page
    assert "onerror" not in page.split('aria-label="Preview">', 1)[1].split("</div>", 1)[0]


def test_a_large_bank_lists_topics_by_certification_in_the_filter(editor_client, monkeypatch):
    """A sidebar of every topic (1,000 in the benchmark bank) cost more than the list itself:
    past a few dozen topics the filter lists the chosen certification's."""
    from quiz.admin import question_filters
    from tests.factories import CertificationFactory

    monkeypatch.setattr(question_filters, "ALL_TOPICS_UP_TO", 3)
    aws, gcp = CertificationFactory(name="AWS"), CertificationFactory(name="GCP")
    iam, s3 = TopicFactory(certification=aws, title="IAM"), TopicFactory(certification=aws)
    gke = TopicFactory(certification=gcp, title="GKE")
    TopicFactory(certification=gcp)
    for topic in (iam, s3, gke):
        QuestionFactory(topic=topic)
    url = reverse("admin:quiz_question_changelist")

    def topic_links(response) -> set[str]:
        return {
            f"topic__id__exact={t.pk}"
            for t in (iam, s3, gke)
            if f"topic__id__exact={t.pk}" in response.content.decode()
        }

    assert topic_links(editor_client.get(url)) == set()  # four topics: choose a certification
    chosen = editor_client.get(url, {"topic__certification__id__exact": aws.pk})
    assert topic_links(chosen) == {f"topic__id__exact={iam.pk}", f"topic__id__exact={s3.pk}"}
    one = editor_client.get(url, {"topic__id__exact": gke.pk})
    assert one.context["cl"].result_count == 1
    assert f"topic__id__exact={gke.pk}" in one.content.decode()
    assert f"topic__id__exact={iam.pk}" not in one.content.decode()


def test_the_row_checkboxes_still_select_questions_for_an_action(editor_client):
    question = QuestionFactory()
    response = editor_client.get(reverse("admin:quiz_question_changelist"))
    assertContains(
        response,
        f'<input type="checkbox" name="_selected_action" value="{question.pk}" '
        f'class="action-select" aria-label="Select this object for an action - {question}">',
        html=True,
    )


def test_each_row_links_to_its_question_keeping_the_lists_filters(editor_client):
    """The rows' links are built once per page (QuestionChangeList): the same href Django's
    own per-row resolution gives, so the editor comes back to the filtered list."""
    question = QuestionFactory(status=Question.Status.PUBLISHED)
    url = reverse("admin:quiz_question_changelist")
    response = editor_client.get(url, {"status__exact": "published", "q": question.ext_id})
    filters = response.context["preserved_filters"]
    assert filters.startswith("_changelist_filters=")
    expected = add_preserved_filters(
        {"preserved_filters": filters, "opts": response.context["cl"].opts},
        reverse("admin:quiz_question_change", args=[question.pk]),
    )
    assert response.content.decode().count(f'href="{expected.replace("&", "&amp;")}"') == 2
    change = editor_client.get(expected)
    assert change.status_code == 200 and change.context["preserved_filters"] == filters


def test_a_page_of_the_list_shows_the_rows_of_that_page_in_the_lists_order(
    editor_client, monkeypatch
):
    """The page's ids are sorted and cut first, then read whole (QuestionChangeList): the
    same rows, in the same order and with their open-report counts, as sorting whole rows."""
    monkeypatch.setattr(QuestionAdmin, "list_per_page", 3)
    second, first = TopicFactory(position=2), TopicFactory(position=1)
    questions = [
        QuestionFactory(topic=topic, position=position)
        for topic in (second, first)
        for position in (3, 1, 2)
    ]
    ReportFactory(question=questions[0])
    ReportFactory(question=questions[0])
    expected = sorted(
        questions,
        key=lambda q: (q.topic.certification.position, q.topic.position, q.topic.title,
                       q.position, -q.pk),
    )  # fmt: skip
    url = reverse("admin:quiz_question_changelist")
    shown = []
    for page in (1, 2):
        rows = editor_client.get(url, {"p": page}).context["cl"].result_list
        assert len(rows) == 3
        shown += rows
    assert [q.pk for q in shown] == [q.pk for q in expected]
    counts = {q.pk: q.open_report_count for q in shown}
    assert counts[questions[0].pk] == 2 and sum(counts.values()) == 2
    # a column's own sort still applies: the ext ids descending
    rows = editor_client.get(url, {"p": 1, "o": "-1"}).context["cl"].result_list
    assert [q.ext_id for q in rows] == sorted((q.ext_id for q in questions), reverse=True)[:3]
