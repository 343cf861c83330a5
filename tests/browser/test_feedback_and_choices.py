"""What a learner reads after answering, in a real browser: letters that name the choices on
their screen, each choice once with its state, choose-N the same everywhere."""

import html
import re
import string

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LETTERS = string.ascii_uppercase
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def start_session(page, live_server, *, size, order="random"):
    page.goto(f"{live_server.url}/practice/")
    page.check("input[name=topics]")
    page.fill("#id_size", str(size))
    page.check(f"input[name=order][value={order}]")
    page.click("text=Start practising")
    page.wait_for_load_state("load")
    return int(re.search(r"/practice/(\d+)/", page.url).group(1))


def words(text: str) -> str:
    return " ".join(text.split())


def expected_texts(question, letter_of) -> list[str]:
    """Every text of the question that names a choice, as this learner must read it."""
    from django.utils.html import strip_tags

    from quiz.choice_refs import relabel_text
    from study.markdown import render_markdown

    sources = [question.explanation, question.disputed]
    sources += [revision.note for revision in question.key_revisions.all()]
    for choice in question.choices.all():
        sources += [choice.text, choice.explanation, choice.source_note]
    return [
        words(html.unescape(strip_tags(render_markdown(relabel_text(source, letter_of)))))
        for source in sources
        if "[[" in source
    ]


def test_in_ten_sessions_every_letter_in_the_feedback_names_the_right_choice(
    page, live_server, bank, learner, console_errors
):
    from quiz.models import PracticeItem

    sign_in(page, live_server)
    checked = 0
    for _session in range(10):
        pk = start_session(page, live_server, size=len(bank.live))
        items = PracticeItem.objects.filter(session_id=pk).select_related("question")
        for item in items.order_by("position"):
            question = item.question
            texts = expected_texts(question, {})
            if not texts:
                continue  # nothing in its texts names a choice
            page.goto(f"{live_server.url}/practice/{pk}/q/{item.position}/")
            page.locator("input[name=choice]").first.check()
            if question.choose > 1:
                page.locator("input[name=choice]").nth(1).check()
            page.click("text=Submit answer")
            expect(page.locator(".verdict")).to_be_visible()
            letter_of = {label: LETTERS[i] for i, label in enumerate(item.order_labels)}
            shown = words(page.locator("#feedback").inner_text())
            key = " + ".join(
                sorted(letter_of[c.label] for c in question.choices.all() if c.is_correct)
            )
            assert key in page.locator(".verdict").inner_text()
            for revision in question.key_revisions.all():
                old = " + ".join(sorted(letter_of[label] for label in revision.labels))
                assert f"Outdated answer: {old} w" in shown
            for text in expected_texts(question, letter_of):
                assert text in shown, (question.ext_id, item.order_labels, text)
                checked += 1
    # Every session has every question: role and pair name choices in two texts each, the
    # disputed question in one.
    assert checked == 10 * 5
    assert console_errors == []


def test_every_question_shows_an_explanation_after_an_answer(page, live_server, bank, learner):
    sign_in(page, live_server)
    pk = start_session(page, live_server, size=len(bank.live), order="bank")
    for position in range(1, len(bank.live) + 1):
        page.goto(f"{live_server.url}/practice/{pk}/q/{position}/")
        boxes = page.locator("input[name=choice]")
        boxes.first.check()
        if boxes.first.get_attribute("type") == "checkbox":
            boxes.nth(1).check()
        page.click("text=Submit answer")
        expect(page.locator(".question-explanation")).to_contain_text("Editors’ explanation")
        expect(page.locator(".question-explanation")).to_contain_text("verified 1 Dec 2026")
        # Every choice once, each with its state in words and why.
        count = page.locator(".choices-answered > li").count()
        expect(page.locator(".choices-answered .choice-state")).to_have_count(count)
        expect(page.locator(".choices-answered .choice-explanation")).to_have_count(count)
        expect(
            page.locator(".feedback-links a[href^='https://docs.aws.amazon.com/']").first
        ).to_be_visible()


def test_feedback_reads_at_a_glance_with_next_in_view_and_no_axe_violations(
    page, live_server, bank, learner, shot
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server)
    pk = start_session(page, live_server, size=len(bank.live), order="bank")
    position = bank.live.index(bank.revoke) + 1  # four choices, short explanations
    page.goto(f"{live_server.url}/practice/{pk}/q/{position}/")
    stem_top = page.locator("#question-stem").bounding_box()["y"]
    page.locator("label", has_text="Removes a security group from our account.").click()
    page.click("text=Submit answer")
    expect(page.locator(".verdict")).to_contain_text("Incorrect. You chose")
    assert page.locator("#question-stem").bounding_box()["y"] == stem_top  # it stays put
    expect(page.locator(".state-wrong-pick .choice-state")).to_have_text("✗ Your answer: wrong")
    expect(page.locator(".state-missed .choice-state")).to_have_text(
        "✓ Right answer: you did not choose it"
    )
    expect(page.locator(".state-other")).to_have_count(2)
    next_box = page.locator(".next-question").bounding_box()
    assert next_box["y"] + next_box["height"] <= 800, next_box  # no scrolling needed
    shot("practice-feedback", full_page=False)
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert result.response["violations"] == [], [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]
    ]
    page.goto(f"{live_server.url}{bank.pair.get_absolute_url()}?answer=show")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert result.response["violations"] == [], [v["id"] for v in result.response["violations"]]


def test_choose_two_with_one_tick_and_no_javascript_returns_the_question_with_the_tick(
    browser, live_server, bank, learner
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server)
    pk = start_session(page, live_server, size=len(bank.live), order="bank")
    position = bank.live.index(bank.pair) + 1  # choose 2
    page.goto(f"{live_server.url}/practice/{pk}/q/{position}/")
    page.locator("label", has_text="Create an IAM role that allows writes to the table").click()
    response = None

    def remember(r):
        nonlocal response
        if r.request.method == "POST":
            response = r

    page.on("response", remember)
    page.click("text=Submit answer")
    page.wait_for_load_state("load")
    assert response is not None and response.status == 422
    expect(page.locator("#choose-message")).to_have_text("Choose 2 answers; you chose 1.")
    expect(page.locator("input[name=choice]:checked")).to_have_count(1)
    ticked = page.locator("input[name=choice]:checked").get_attribute("id")
    assert page.locator(f"label[for={ticked}]").inner_text().find("Create an IAM role") >= 0
    page.locator("label", has_text="Attach the role to the running instance").click()
    page.click("text=Submit answer")
    page.wait_for_load_state("load")
    expect(page.locator(".verdict")).to_contain_text("Correct.")
    context.close()


@pytest.mark.parametrize("where", ["practice", "exam"])
def test_a_third_tick_is_undone_with_a_message_the_same_everywhere(
    page, live_server, bank, learner, where
):
    from quiz.models import AttemptQuestion, Question

    sign_in(page, live_server)
    if where == "practice":
        pk = start_session(page, live_server, size=len(bank.live), order="bank")
        page.goto(f"{live_server.url}/practice/{pk}/q/{bank.live.index(bank.pair) + 1}/")
    else:
        page.goto(f"{live_server.url}/exams/")
        page.click(f"#{bank.mini.slug} button")
        page.wait_for_load_state("load")
        multi = Question.objects.filter(choose=2).values_list("pk", flat=True)
        item = AttemptQuestion.objects.filter(question__in=multi).order_by("position").first()
        # The mock leaves out 2 of the bank's 12 questions and 3 are choose 2: one is drawn.
        assert item is not None
        page.goto(f"{live_server.url}/exams/attempt/{item.attempt_id}/q/{item.position}/")
    boxes = page.locator("input[name=choice]")
    for index in range(3):
        page.locator(f"label[for={boxes.nth(index).get_attribute('id')}]").click()
    expect(boxes.nth(2)).not_to_be_checked()
    expect(page.locator("#choose-message")).to_have_text(
        "You can choose only 2 answers. Untick one to change your choice."
    )
    expect(page.locator("#choose-message")).to_have_attribute("role", "status")
    expect(page.locator("input[name=choice]:checked")).to_have_count(2)
