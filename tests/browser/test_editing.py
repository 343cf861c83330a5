"""Editing that never hurts learners, tried as an editor in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(page, live_server):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory(username="editor", is_staff=True)
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
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
    expect(page.locator(".question-stats")).to_contain_text("75% correct")
    texts = {
        record.user_id: survivor.choices.get(label=record.chosen_labels).text
        for record in AnswerRecord.objects.filter(question=survivor)
    }
    assert {texts[learner.pk] for learner in right} == {SURVIVOR[1][1]}
    assert texts[survivor_learner.pk] == SURVIVOR[0][1]
    assert not console_errors
