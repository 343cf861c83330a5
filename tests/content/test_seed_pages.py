"""The shipped seed library on the learner's screens: every notes section, question and
thread can be reached, every letter it writes reads right, its duplicate and its exams are
the ones it means. (Tests of the screens themselves use the factory-built bank, tests/bank.py.)
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from quiz.duplicates import find_duplicates
from quiz.models import Blueprint, DuplicateSuspect, Question
from quiz.services import duplicates_scan
from quiz.services.duplicates import bank_fingerprints
from study.models import Note
from tests.helpers import question_url, topic_questions_url
from tests.quiz.test_choice_refs import letters_checked

pytestmark = pytest.mark.django_db
TOPIC = "ec2-security"


def test_topic_page_shows_every_section_of_the_seed_notes(client, library):
    response = client.get(reverse("study:topic_detail", kwargs={"slug": TOPIC}))
    assert response.status_code == 200
    for note in Note.objects.all():
        assertContains(response, f'id="{note.anchor}"')
        assertContains(response, f'href="#{note.anchor}"')  # table of contents


def test_every_seed_question_and_the_discussion_are_reachable_from_home(client, library):
    home = client.get(reverse("study:home")).content.decode()
    assert topic_questions_url(TOPIC) in home
    bank = client.get(topic_questions_url(TOPIC)).content.decode()
    assert reverse("quiz:topic_discussion", kwargs={"slug": TOPIC}) in bank
    reachable = {q.ext_id for q in Question.objects.all() if question_url(q) in bank}
    q7 = client.get(question_url("ec2-security-q07")).content.decode()
    if question_url("ec2-security-q10") in q7:
        reachable.add("ec2-security-q10")
    assert reachable == set(Question.objects.values_list("ext_id", flat=True))


def test_every_letter_in_the_seeds_feedback_names_the_right_choice_in_every_order(library):
    checked = letters_checked(Question.objects.filter(topic__slug=TOPIC))
    # Q1, Q3 and Q6 name choices in their texts; every one was checked in every order.
    assert checked >= 24 * 2 + 120 * 1


def test_seed_q7_and_q10_are_the_only_duplicates_found(library):
    pairs = find_duplicates(bank_fingerprints())
    ids = dict(Question.objects.values_list("pk", "ext_id"))
    assert [(sorted([ids[a], ids[b]]), score) for a, b, score in pairs] == [
        (["ec2-security-q07", "ec2-security-q10"], 1.0)
    ]


def test_scan_records_the_seed_pair_as_already_merged(library):
    assert duplicates_scan() == 1
    suspect = DuplicateSuspect.objects.select_related("question", "other").get()
    assert {suspect.question.ext_id, suspect.other.ext_id} == {
        "ec2-security-q07",
        "ec2-security-q10",
    }
    assert suspect.status == DuplicateSuspect.Status.MERGED


def test_seed_library_ships_the_two_blueprints(library):
    names = dict(Blueprint.objects.values_list("slug", "question_count"))
    assert names == {"ec2-security-mini-mock": 10, "saa-c03-full-length": 65}
    mini = Blueprint.objects.get(slug="ec2-security-mini-mock")
    assert (mini.time_limit_minutes, mini.passing_score) == (20, 720)
