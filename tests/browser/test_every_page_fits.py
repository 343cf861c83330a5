"""Every page at desktop (1280 px) and phone (390 px) width, signed out and signed in: no
sideways scrolling, no WCAG 2.2 A/AA violation (axe-core), and on a phone a compact header
whose menu opens without JavaScript. Includes the exam screen, the feedback state, the
results and the admin's question form."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from quiz.models import Attempt
from quiz.services import (
    answer_save,
    attempt_finalize,
    attempt_start,
    practice_answer,
    practice_finish,
)
from tests.browser.conftest import PASSWORD, sign_in
from tests.helpers import item_at, key_choice_ids, start_attempt, start_practice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


# The innermost elements that reach past the right edge, to say what to mend.
WIDEST = """[...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 4)
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ")[0] : ""))"""


def problems(page) -> list[str]:
    found = []
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(WIDEST)
        found.append(f"scrolls sideways: {width} px wide, past the edge: {wide}")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    found += [
        f"axe {v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]
    return found


def walk(page, base: str, paths: list[str]) -> dict[str, list[str]]:
    report = {}
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        found = problems(page)
        if found:
            report[path] = found
    return report


def signed_out_paths(bank) -> list[str]:
    return [
        "/certifications/",
        bank.topic.get_absolute_url(),
        f"/topics/{bank.topic.slug}/questions/",
        f"/topics/{bank.topic.slug}/discussion/",
        bank.pair.get_absolute_url(),
        bank.pair.get_absolute_url() + "?answer=show",
        "/search/?q=security",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/no-such-page/",
    ]


def learner_paths(bank, user) -> list[str]:
    """Every learner page, with a finished practice session, an open attempt and a scored
    one behind it (built through the services)."""
    session = start_practice(user, bank.topic, size=3)
    item = item_at(session, 1)
    practice_answer(item=item, raw_choice_ids=key_choice_ids(item.question))
    done = start_practice(user, bank.topic, size=1)
    practice_finish(session=done)
    finished = start_attempt(user, bank.mini)
    attempt_finalize(attempt=finished, reason="submitted")
    open_attempt = start_attempt(user, bank.mini)
    review = attempt_start(user=user, blueprint=bank.mini, mode="review")
    checked = item_at(review, 1)
    answer_save(item=checked, raw_choice_ids=key_choice_ids(checked.question))
    return [
        "/",
        "/certifications/",
        bank.topic.get_absolute_url(),
        bank.pair.get_absolute_url(),
        "/practice/",
        f"/practice/{session.pk}/q/1/",  # the feedback state
        f"/practice/{session.pk}/q/2/",
        f"/practice/{done.pk}/summary/",
        "/flagged/",
        "/review/",
        "/exams/",
        "/exams/history/",
        f"/exams/attempt/{finished.pk}/results/",
        f"/exams/attempt/{open_attempt.pk}/q/1/",
        f"/exams/attempt/{open_attempt.pk}/review/",
        f"/exams/attempt/{review.pk}/q/1/",  # review mode, the answer checked
        f"/exams/attempt/{review.pk}/q/2/",
        "/readiness/",
        "/progress/",
        "/account/",
        "/search/?q=key",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_width_and_has_no_axe_violations(
    page, live_server, bank, learner, width
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    signed_in = learner_paths(bank, learner)  # written before the server is asked anything
    report = walk(page, live_server.url, signed_out_paths(bank))
    sign_in(page, live_server)
    report |= {
        f"(signed in) {path}": found
        for path, found in walk(page, live_server.url, signed_in).items()
    }
    assert report == {}
    assert Attempt.objects.filter(user=learner).count() == 3


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_question_form_has_no_axe_violations(page, live_server, bank, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    get_user_model().objects.create_superuser("editor", "e@example.com", PASSWORD)
    sign_in(page, live_server, username="editor")
    page.goto(f"{live_server.url}/admin/quiz/question/{bank.pair.pk}/change/")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    found = [
        (v["id"], [n["html"][:200] for n in v["nodes"]]) for v in result.response["violations"]
    ]
    assert found == []


def test_on_a_phone_the_header_is_a_compact_bar_whose_menu_opens_without_javascript(
    browser, live_server, bank, learner
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/certifications/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 80, header  # was 375 of 844 px
    menu = page.locator("nav[aria-label=Main]")
    expect(menu).to_be_hidden()
    page.click("summary.menu-button")
    expect(menu).to_be_visible()
    expect(page.locator("#site-search")).to_be_visible()
    expect(menu.locator("a", has_text="Practice")).to_have_attribute("href", "/practice/")
    context.close()


def test_on_a_desktop_the_menu_and_search_are_in_the_bar(page, live_server, bank):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/certifications/")
    expect(page.locator("summary.menu-button")).to_be_hidden()
    expect(page.locator("nav[aria-label=Main]")).to_be_visible()
    expect(page.locator("#site-search")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= 80


def test_on_a_phone_next_is_in_reach_right_after_the_verdict(
    page, live_server, bank, learner, shot
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/practice/")
    page.check("input[name=topics]")
    page.click("text=Start practising")
    page.wait_for_load_state("load")
    labels = page.locator("li.choice label")
    labels.first.click()
    if page.locator("input[type=checkbox]").count():
        labels.nth(1).click()
    page.click("text=Submit answer")
    expect(page.locator(".verdict")).to_be_focused()
    page.wait_for_timeout(800)  # the smooth scroll to the verdict
    verdict = page.locator(".verdict").bounding_box()
    upcoming = page.locator(".next-question").bounding_box()
    # The verdict on screen, and Next on the same screen without scrolling (its bar sticks
    # to the bottom), however long the explanations under the verdict are.
    assert verdict["y"] >= 0 and verdict["y"] + verdict["height"] <= 844, verdict
    assert upcoming["y"] >= 0 and upcoming["y"] + upcoming["height"] <= 844, upcoming
    shot("practice-feedback-phone", full_page=False)
