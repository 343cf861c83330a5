"""The exam screen as a learner sitting a mock sees it, at desktop and phone width: closed
book (no site navigation or search), a timer that never scrolls away and speaks at 10, 5 and
1 minutes, a navigator whose states differ by shape and mark, a review screen that lists only
the unanswered or only the flagged questions."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from quiz.models import Attempt
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [(1280, 800), (390, 844)]


def start_mini(page, live_server, bank):
    page.goto(f"{live_server.url}/exams/")
    page.click(f"#{bank.mini.slug} button")
    page.wait_for_load_state("load")
    return Attempt.objects.get()


def assert_axe_clean(page):
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert result.response["violations"] == [], [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]
    ]


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_exam_screen_is_closed_book_and_its_timer_stays_in_view(
    page, live_server, bank, learner, shot, console_errors, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server)
    attempt = start_mini(page, live_server, bank)
    # Nothing of the site's: no main menu, no search, no notes or discussion links.
    expect(page.locator("nav[aria-label=Main]")).to_have_count(0)
    expect(page.locator("#site-search")).to_have_count(0)
    expect(page.locator("main a[href*='/notes/'], main a[href*='#discussion']")).to_have_count(0)
    expect(page.locator(".exam-header")).to_contain_text(bank.mini.name)
    expect(page.locator("a.exam-leave")).to_have_text("Leave (the clock keeps running)")
    expect(page.locator("#exam-timer[role=timer]")).to_be_visible()
    # The question with the most choices, scrolled to its end: the timer is still on screen.
    counts = []
    for position in range(1, attempt.total + 1):
        page.goto(f"{live_server.url}/exams/attempt/{attempt.pk}/q/{position}/")
        counts.append(page.locator("input[name=choice]").count())
    longest = counts.index(max(counts)) + 1
    page.goto(f"{live_server.url}/exams/attempt/{attempt.pk}/q/{longest}/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(100)
    assert in_viewport(page, "#exam-timer")
    assert in_viewport(page, ".exam-leave")
    assert fits_width(page)
    assert_axe_clean(page)
    if width < 500:
        shot("exam-phone", full_page=False)
    page.goto(f"{live_server.url}/exams/attempt/{attempt.pk}/review/")
    expect(page.locator("nav[aria-label=Main]")).to_have_count(0)
    assert fits_width(page)
    assert_axe_clean(page)
    assert console_errors == []


def test_the_timer_warns_in_the_last_five_minutes_and_speaks_each_mark_once(
    page, live_server, bank, learner
):
    sign_in(page, live_server)
    attempt = start_mini(page, live_server, bank)
    spoken = page.locator("#timer-announcement")
    expect(page.locator("#exam-timer")).not_to_have_class("exam-timer timer-low")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=590))
    page.reload()
    expect(spoken).to_have_text("10 minutes left.")
    expect(page.locator("#exam-timer")).not_to_have_class("exam-timer timer-low")
    # Another question of the same attempt: the mark was said already.
    page.goto(f"{live_server.url}/exams/attempt/{attempt.pk}/q/2/")
    page.wait_for_timeout(1500)
    expect(spoken).to_have_text("")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=290))
    page.reload()
    expect(spoken).to_have_text("5 minutes left.")
    expect(page.locator("#exam-timer")).to_have_class("exam-timer timer-low")  # from the server
    # An autosave response re-synchronises the clock with the server's deadline.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=50))
    page.locator("input[name=choice]").first.check()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    expect(spoken).to_have_text("1 minute left.", timeout=3000)
    value = page.locator("#exam-timer .timer-value").inner_text()
    assert value.startswith("0:"), value


def test_the_navigator_tells_states_by_mark_and_the_review_lists_what_is_asked(
    page, live_server, bank, learner
):
    sign_in(page, live_server)
    attempt = start_mini(page, live_server, bank)
    page.locator("input[name=choice]").first.check()
    expect(page.locator("#nav-1 .answered-mark")).to_have_text("✓")
    page.click(".flag-button")
    expect(page.locator("#nav-1 .flag-mark")).to_have_text("⚑")
    page.goto(f"{live_server.url}/exams/attempt/{attempt.pk}/q/3/")
    page.click(".flag-button")
    expect(page.locator("#nav-3 .flag-mark")).to_have_count(1)
    # Unanswered squares are dashed, answered solid: shape, not colour alone.
    styles = page.evaluate(
        "[1, 2].map(n => getComputedStyle(document.querySelector(`#nav-${n} .cell`)).borderStyle)"
    )
    assert styles == ["solid", "dashed"]
    legend = page.locator(".exam-navigator .legend").inner_text()
    assert not any(ch.isdigit() for ch in legend), legend  # symbols, not counts
    page.goto(f"{live_server.url}/exams/attempt/{attempt.pk}/review/")
    page.click("text=Flagged (2)")
    expect(page.locator(".exam-navigator ol li")).to_have_count(2)
    page.click("text=Not answered (9)")
    expect(page.locator(".exam-navigator ol li")).to_have_count(9)
    expect(page.locator("#nav-1")).to_have_count(0)
    page.click("text=All (10)")
    expect(page.locator(".exam-navigator ol li")).to_have_count(10)


def test_a_ruled_out_choice_survives_a_reload_and_shows_on_the_results(
    page, live_server, bank, learner, console_errors
):
    sign_in(page, live_server)
    start_mini(page, live_server, bank)
    second = page.locator("li.choice").nth(1)
    second.locator(".strike-toggle").click()  # by mouse
    expect(second.locator(".strike-toggle")).to_have_attribute("aria-pressed", "true")
    decoration = second.locator(".choice-text").evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert decoration == "line-through"
    third = page.locator("li.choice").nth(2).locator(".strike-toggle")
    third.focus()
    page.keyboard.press("Enter")  # by keyboard
    expect(third).to_have_attribute("aria-pressed", "true")
    third.focus()
    page.keyboard.press("Space")  # and back
    expect(page.locator("li.choice").nth(2).locator(".strike-toggle")).to_have_attribute(
        "aria-pressed", "false"
    )
    # Striking is not answering: the navigator still says not answered.
    expect(page.locator("#nav-1 .answered-mark")).to_have_count(0)
    page.reload()
    expect(page.locator("li.choice").nth(1).locator(".strike-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".strike-toggle[aria-pressed=true]")).to_have_count(1)
    page.locator("li.choice").nth(1).locator("label").click()  # a ruled-out choice can be chosen
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.click("text=Review and submit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Submit the exam")
    expect(page.locator(".score-line")).to_be_visible()
    expect(page.locator("body")).to_contain_text("You ruled it out")
    assert console_errors == []


def test_practice_offers_the_same_rule_out_and_still_answers(page, live_server, bank, learner):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/practice/")
    page.check("input[name=topics]")
    page.click("text=Start practising")
    page.wait_for_load_state("load")
    toggle = page.locator("li.choice").first.locator(".strike-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".practice-title")).to_be_visible()  # the panel was not replaced
    page.reload()
    expect(page.locator("li.choice").first.locator(".strike-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.locator("li.choice").nth(1).locator("label").click()
    if page.locator("input[type=checkbox]").count():
        page.locator("li.choice").nth(2).locator("label").click()
    page.click("text=Submit answer")
    expect(page.locator(".verdict")).to_be_visible()
    expect(page.locator(".strike-toggle")).to_have_count(0)


def test_review_mode_shows_the_answer_and_why_after_each_question(
    page, live_server, bank, learner, console_errors
):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/exams/")
    page.locator(f"#{bank.mini.slug}").locator("text=Start in review mode").click()
    page.wait_for_load_state("load")
    expect(page.locator(".exam-header")).to_contain_text("Review mode · untimed")
    expect(page.locator("#exam-timer")).to_have_count(0)
    for position in (1, 2):
        expect(page.locator("#exam-title")).to_have_text(f"Question {position} of 10")
        choose = int(page.locator("#exam-form").get_attribute("data-choose"))
        for n in range(choose):
            page.locator("li.choice label").nth(n).click()
        page.click("text=Check answer")
        expect(page.locator(".verdict")).to_contain_text("You chose")
        expect(page.locator("#feedback .choice-state").first).to_be_visible()
        expect(page.locator("#feedback .choice-explanation").first).to_be_visible()
        expect(page.locator("#exam-form")).to_have_count(0)  # checked: final
        page.click("text=Next →")
    page.click("text=Review and submit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Submit the exam")
    expect(page.locator(".score-line")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Review mode:")
    page.goto(f"{live_server.url}/exams/history/")
    expect(page.locator("tbody tr", has_text="Review mode")).to_have_count(1)
    assert console_errors == []


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_results_report_by_exam_domain(page, live_server, bank, learner, shot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server)
    start_mini(page, live_server, bank)
    for _ in range(3):
        page.locator("li.choice label").first.click()
        expect(page.locator("#save-status")).to_contain_text("Saved at")
        page.click("text=Next →")
    page.click("text=Review and submit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Submit the exam")
    domains = page.locator("section[aria-labelledby=by-domain]")
    expect(domains).to_contain_text("Design Secure Architectures (60% of the exam)")
    # The VPN question counts toward the other domain, when the draw took it.
    drew_vpn = Attempt.objects.get().questions.filter(question=bank.vpn).exists()
    expect(domains.locator("li")).to_have_count(2 if drew_vpn else 1)
    totals = domains.locator("li").evaluate_all(
        "rows => rows.map(r => Number(r.textContent.match(/(\\d+)\\/(\\d+)/)[2]))"
    )
    assert totals == ([9, 1] if drew_vpn else [10])
    assert fits_width(page)
    domains.scroll_into_view_if_needed()
    shot(f"exam-results-domains-{'phone' if width < 500 else 'desktop'}", full_page=False)
