"""Editing that never hurts learners, tried as an editor in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(page, live_server):
    from tests.factories import UserFactory
    from tests.helpers import editors_group

    editor = UserFactory(username="editor", is_staff=True)
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(editors_group())  # a flush by an earlier test removes the migrations' rows
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


def test_merging_choices_listed_in_another_order_keeps_each_answer_on_its_choice(
    editor_page, live_server, console_errors
):
    from quiz.models import AnswerRecord
    from quiz.services import answer_record
    from tests.factories import DUPLICATE, SURVIVOR, UserFactory, question_with_choices

    page = editor_page
    survivor, duplicate = question_with_choices(SURVIVOR), question_with_choices(DUPLICATE)
    right = UserFactory.create_batch(3)
    for learner in right:  # "IAM role": A on the duplicate, B on the survivor
        answer_record(user=learner, question=duplicate, labels=["A"])
    survivor_learner = UserFactory()
    answer_record(user=survivor_learner, question=survivor, labels=["A"])

    page.goto(f"{live_server.url}/admin/quiz/question/{duplicate.pk}/merge/?into={survivor.pk}")
    expect(page.locator("#pair-A")).to_have_value("B")  # proposed from the texts
    expect(page.locator("#pair-C")).to_have_value("A")  # despite the typo
    page.select_option("#pair-C", "")  # an editor unpairs one: no merge offered
    page.click("input[name=check]")
    expect(page.locator(".errornote")).to_contain_text("Choice C of")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    page.select_option("#pair-C", "A")
    page.click("input[name=check]")
    expect(page.locator(".merge-moves")).to_contain_text("3 answers")
    page.click("input[name=confirm]")
    expect(page.locator(".messagelist")).to_contain_text("merged into")
    # Statistics on the survivor: 3 of 4 right, as the learners answered it.
    expect(page.locator(".question-stats")).to_contain_text("as scored then): 75%.")
    texts = {
        record.user_id: survivor.choices.get(label=record.chosen_labels).text
        for record in AnswerRecord.objects.filter(question=survivor)
    }
    assert {texts[learner.pk] for learner in right} == {SURVIVOR[1][1]}
    assert texts[survivor_learner.pk] == SURVIVOR[0][1]
    assert not console_errors


def test_restoring_a_version_brings_back_its_choices_and_learners_see_it(
    editor_page, browser, live_server, learner, console_errors
):
    from quiz.models import Question
    from tests.browser.conftest import sign_in
    from tests.factories import QuestionFactory

    page = editor_page
    question = QuestionFactory(stem="Which service stores the keys?")
    change = f"{live_server.url}/admin/quiz/question/{question.pk}/change/"
    page.goto(change)
    page.fill("#id_stem", "Which service edits the keys?")
    page.fill("#id_choices-2-text", "An edited third choice")
    page.check("#id_choices-3-DELETE")
    page.fill("#id_change_reason", "Trying a sharper stem")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert question.choices.count() == 3

    page.goto(f"{change.removesuffix('change/')}history/")
    expect(page.locator("#v2")).to_contain_text("Trying a sharper stem")
    expect(page.locator("#v2 ins").first).to_contain_text("edits")
    page.click("text=Restore version 1…")
    expect(page.locator(".version-changes")).to_contain_text("Choice D added")
    page.fill("#id_reason", "The old stem was right")
    page.click("input[type=submit][value='Restore version 1']")
    expect(page.locator(".messagelist")).to_contain_text("restored as version 3")

    question = Question.objects.get(pk=question.pk)
    assert question.stem == "Which service stores the keys?"
    assert [c.label for c in question.choices.order_by("position")] == ["A", "B", "C", "D"]
    learner_page = browser.new_context().new_page()
    sign_in(learner_page, live_server)
    learner_page.goto(f"{live_server.url}{question.get_absolute_url()}")
    expect(learner_page.locator("main")).to_contain_text("Which service stores the keys?")
    expect(learner_page.locator("main")).to_contain_text(f"Choice 4 of {question.ext_id}")
    expect(learner_page.locator("main")).not_to_contain_text("An edited third choice")
    assert not console_errors


def _upload(page, live_server, path, topic):
    page.goto(f"{live_server.url}/admin/quiz/question/import/")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_topic", str(topic.pk))
    page.click("input[value='Preview the import']")


def test_a_question_added_in_another_tab_between_preview_and_confirm_is_kept(
    editor_page, browser, live_server, tmp_path
):
    from quiz.models import Question
    from tests.factories import TopicFactory

    page = editor_page
    topic = TopicFactory(slug="secrets")
    path = tmp_path / "five.gift"
    path.write_text(
        "\n\n".join(
            f"::Q{n}:: Which service number {n} keeps secrets? "
            "{=Secrets Manager ~IAM user ~S3 ~EBS}"
            for n in range(1, 6)
        )
    )
    _upload(page, live_server, path, topic)
    expect(page.locator("body")).to_contain_text("5 create")
    expect(page.locator("#import-plan")).to_contain_text("Secrets Manager (correct)")

    other = page.context.new_page()  # the editor's other tab
    other.goto(f"{live_server.url}/admin/quiz/question/add/")
    other.fill("#id_ext_id", "secrets-q3")
    other.select_option("#id_topic", str(topic.pk))
    other.fill("#id_stem", "Added by hand in another tab")
    other.fill("#id_choices-0-text", "Yes")
    other.check("#id_choices-0-is_correct")
    other.fill("#id_choices-1-text", "No")
    other.click("input[name=_save]")
    expect(other.locator(".messagelist")).to_contain_text("was added successfully")

    page.click("input[value='Import 5 questions']")
    expect(page.locator(".messagelist")).to_contain_text(
        "Nothing was imported: secrets-q3 changed in the bank since the preview"
    )
    assert Question.objects.get(ext_id="secrets-q3").stem == "Added by hand in another tab"
    assert Question.objects.count() == 1


def test_reimporting_the_admins_own_csv_export_changes_nothing(editor_page, live_server, tmp_path):
    from quiz.models import Question
    from tests.factories import TopicFactory

    page = editor_page
    topic = TopicFactory(slug="secrets")
    path = tmp_path / "three.gift"
    path.write_text(
        "\n\n".join(
            f"::Q{n}:: Which service number {n} keeps secrets? "
            "{=Secrets Manager#Managed rotation. ~IAM user#Long-lived keys. ~S3 ~EBS}"
            for n in range(1, 4)
        )
    )
    _upload(page, live_server, path, topic)
    page.click("input[value='Import 3 questions']")
    Question.objects.update(status=Question.Status.PUBLISHED, last_verified="2026-11-01")
    before = sorted(
        Question.objects.values_list("ext_id", "stem", "status", "last_verified", "version")
    )

    page.goto(f"{live_server.url}/admin/quiz/question/?topic__id__exact={topic.pk}")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download:
        page.click("button[name=index]")
    exported = tmp_path / "export.csv"
    download.value.save_as(exported)

    _upload(page, live_server, exported, topic)
    expect(page.locator("body")).to_contain_text("0 create, 0 update, 3 unchanged")
    page.click("input[value='Import 3 questions']")
    after = sorted(
        Question.objects.values_list("ext_id", "stem", "status", "last_verified", "version")
    )
    assert after == before


def test_the_question_list_fits_1366_pixels_with_its_useful_columns(editor_page, live_server):
    from quiz.models import Question
    from tests.factories import QuestionFactory, TopicFactory

    page = editor_page
    topic = TopicFactory(title="Amazon EC2 security groups and network access control lists")
    for _ in range(5):
        question = QuestionFactory(
            topic=topic,
            stem="A company runs a fleet of EC2 instances behind a load balancer and must "
            "restrict inbound traffic to a known range. Which solution meets it?",
            last_verified="2026-10-01",
        )
    Question.objects.update(first_attempts=40, facility=0.62, discrimination=0.41)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/admin/quiz/question/")
    for heading in ("Facility", "Discrim.", "Last verified"):
        box = page.locator("#result_list thead th", has_text=heading).bounding_box()
        assert box and box["x"] + box["width"] <= 1366, heading
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    expect(page.locator("#result_list")).to_contain_text("62% of 40")
    assert question  # the last one made: its row is listed like the others
