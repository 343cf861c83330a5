"""The dashboard's readiness card: a number for the learner's exam that can start.

The bank (tests/bank.py) offers two mock exams of its certification: `full` (65 questions,
the bank cannot fill it) and `mini` (10 questions, it can). The card is about `mini`.
"""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quiz.services import answer_record, profile_update

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
# How the card writes a chance: "64%", "over 99%" or "under 1%" (readiness's chance filter).
A_CHANCE = re.compile(r"<strong>(over 99%|under 1%|\d{1,2}%)</strong>")


def answer_every_question(user, bank, *, right: bool = True) -> None:
    for question in bank.live:
        key = question.key_labels.split(",")
        wrong = [c.label for c in question.choices.all() if c.label not in key][: len(key)]
        answer_record(user=user, question=question, labels=key if right else wrong)


def card_from_the_dashboard(client):
    """The card as the dashboard loads it: the URL its slot asks htmx to load."""
    dashboard = client.get(reverse("quiz:home"))
    slot = re.search(
        r'id="readiness-slot" hx-get="([^"]+)"', dashboard.content.decode()
    ) or re.search(r'hx-get="([^"]+)"[^>]*id="readiness-slot"', dashboard.content.decode())
    assert slot, "the dashboard has no readiness slot"
    assert slot.group(1).startswith(reverse("quiz:readiness_card"))
    return client.get(slot.group(1), headers=HX)


@pytest.mark.parametrize("targets_the_certification", [True, False], ids=["target set", "none"])
def test_the_card_shows_a_chance_of_passing_for_the_mini_mock_the_bank_can_start(
    bank, learner_client, user, targets_the_certification
):
    assert bank.mini.question_count < len(bank.live) < bank.full.question_count
    if targets_the_certification:
        profile_update(user=user, target_certification=bank.certification)
    answer_every_question(user, bank)

    card = card_from_the_dashboard(learner_client)

    report = card.context["report"]
    assert report.blueprint == bank.mini
    assert report.status == "ok"
    assertContains(card, f"For {bank.mini.name}")
    assert A_CHANCE.search(card.content.decode()), "the card shows no chance of passing"
    assertNotContains(card, bank.full.name)
    assertNotContains(card, "Answer at least")


def test_the_card_shows_a_low_chance_as_a_number_too(bank, learner_client, user):
    """A number is not only for a learner who does well: every answer wrong still shows one."""
    profile_update(user=user, target_certification=bank.certification)
    answer_every_question(user, bank, right=False)
    card = card_from_the_dashboard(learner_client)
    assert card.context["report"].blueprint == bank.mini
    assert A_CHANCE.search(card.content.decode())


def test_a_new_learner_is_told_what_is_needed_for_the_mini_mock(bank, learner_client, user):
    profile_update(user=user, target_certification=bank.certification)
    card = card_from_the_dashboard(learner_client)
    assert card.context["report"].blueprint == bank.mini
    assertContains(card, "Answer at least")
    assert not A_CHANCE.search(card.content.decode())
