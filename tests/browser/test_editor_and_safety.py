"""Editors in the admin, and what no page may do: run injected script, break accessibility."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

XSS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=alert('x2')>",
    "<svg onload=alert('x3')>",
    "<svg><script>alert('x4')</script></svg>",
    "[click](javascript:alert('x5'))",
    "<a href=\"javascript:alert('x6')\">a</a>",
    "<iframe src=\"javascript:alert('x7')\"></iframe>",
    "<body onload=alert('x8')>",
    "<details open ontoggle=alert('x9')>d</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('x10')>",
]


def test_editor_changes_a_key_and_the_learner_sees_the_annotation(
    page, browser, live_server, bank, learner, shot
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("editor", "e@example.com", PASSWORD)
    q2 = bank.revoke  # key C
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/quiz/question/{q2.pk}/change-key/")
    page.uncheck("input[name=correct][value=C]")
    page.check("input[name=correct][value=A]")
    page.fill("textarea[name=note]", "A is right after the 2026 CLI change.")
    page.click("input[type=submit]")
    # A bare letter would be wrong on shuffled screens: refused, with how to write it.
    expect(page.locator(".errornote, .errorlist").first).to_contain_text("write [[A]]")
    page.fill("textarea[name=note]", "[[A]] is right after the 2026 CLI change.")
    page.click("input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("Answer key changed")
    shot("admin-question")
    learner_page = browser.new_context().new_page()
    sign_in(learner_page, live_server)
    learner_page.goto(f"{live_server.url}{q2.get_absolute_url()}")
    learner_page.click("text=Show the answer and why")
    expect(learner_page.locator(".outdated")).to_contain_text("C was correct until")
    expect(learner_page.locator(".outdated")).to_contain_text(
        "A is right after the 2026 CLI change."
    )
    expect(learner_page.locator(".changelog")).to_contain_text("Answer key changed from C to A")


def test_a_page_full_of_injection_attempts_runs_nothing(page, live_server, bank, console_errors):
    from django.contrib.auth import get_user_model

    from quiz.services import comment_post
    from study.models import Note
    from study.services import note_write

    topic, question = bank.topic, bank.role
    note_write(note=Note(topic=topic), heading="Payloads", body="\n\n".join(XSS), position=99)
    author = get_user_model().objects.create_user("mallory", password=PASSWORD)
    for payload in XSS:
        comment_post(user=author, question=question, body=payload)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in [topic.get_absolute_url(), question.get_absolute_url()]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        for link in page.locator("a[href^='javascript']").all():
            link.click()
    assert dialogs == []
    assert not [e for e in console_errors if "x" in e and "alert" in e]


def main_pages(bank) -> list[str]:
    from django.urls import reverse

    slug = bank.topic.slug
    return [
        "/",
        "/certifications/",
        bank.topic.get_absolute_url(),
        reverse("quiz:topic_questions", args=[slug]),
        bank.pair.get_absolute_url(),
        reverse("quiz:topic_discussion", args=[slug]),
        "/search/?q=key",
        "/practice/",
        "/review/",
        "/exams/",
        "/account/",
        "/flagged/",
    ]


def test_accessibility_smoke_on_every_main_page(page, live_server, bank, learner, console_errors):
    sign_in(page, live_server)
    for path in main_pages(bank):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        problems = page.evaluate(
            """() => {
            const out = [];
            if (document.querySelectorAll('h1').length !== 1) out.push('h1 count ' + document.querySelectorAll('h1').length);
            for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) out.push('img without alt');
            for (const el of document.querySelectorAll('input, select, textarea')) {
              if (el.type === 'hidden' || el.type === 'submit') continue;
              const labelled = el.labels && el.labels.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
              if (!labelled) out.push('unlabelled ' + el.outerHTML.slice(0, 80));
            }
            return out;
            }"""
        )
        assert problems == [], f"{path}: {problems}"
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), f"{path}: focus is not visible"
    assert console_errors == []
