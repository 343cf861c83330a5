import pytest

from quiz.duplicates import DUPLICATE_THRESHOLD, Fingerprint, find_duplicates, normalize, similarity
from quiz.models import DuplicateSuspect, Question
from quiz.services import duplicates_scan
from quiz.services.duplicates import bank_fingerprints

SCENARIO = (
    "You have an application running on an EC2 Instance, which will allow users to download "
    "files from a private S3 bucket using a pre-assigned URL. Before generating the URL the "
    "application should verify the existence of the file in S3. "
)


def test_normalize_ignores_case_punctuation_and_markdown():
    assert normalize("**Create** an IAM-role, `now`!") == "create an iam role now"


def test_reordered_choices_and_typo_are_near_duplicates():
    a = Fingerprint.of(
        1, SCENARIO + "How should it access S3?", ["Use keys", "Use a role", "Use a user"]
    )
    b = Fingerprint.of(
        2,
        SCENARIO.replace("existence", "existance") + "How should it access S3 ?",
        ["Use a role", "Use a user", "Use keys"],
    )
    assert similarity(a, b) >= DUPLICATE_THRESHOLD
    assert find_duplicates([a, b]) == [(1, 2, round(similarity(a, b), 4))]


def test_shared_long_scenario_with_other_question_is_not_a_duplicate():
    a = Fingerprint.of(
        1,
        SCENARIO + "How should the application use AWS credentials?",
        ["Root keys", "IAM role for EC2", "IAM user in user data", "Keys in a temp dir"],
    )
    b = Fingerprint.of(
        2,
        SCENARIO + "Which S3 API call checks that the file exists?",
        ["HeadObject", "GetBucketAcl", "ListBuckets", "PutObject"],
    )
    assert similarity(a, b) < DUPLICATE_THRESHOLD
    assert find_duplicates([a, b]) == []


def test_different_questions_are_not_paired():
    a = Fingerprint.of(
        1, "What does RevokeSecurityGroupIngress do?", ["Removes rules", "Adds rules"]
    )
    b = Fingerprint.of(
        2, "You must assign each server to at least how many security groups?", ["1", "2"]
    )
    assert find_duplicates([a, b]) == []


@pytest.mark.django_db
def test_the_recorded_duplicate_is_the_only_pair_found(bank):
    pairs = find_duplicates(bank_fingerprints())
    ids = dict(Question.objects.values_list("pk", "ext_id"))
    assert [(sorted([ids[a], ids[b]]), score) for a, b, score in pairs] == [
        (sorted([bank.original.ext_id, bank.duplicate.ext_id]), 1.0)
    ]


@pytest.mark.django_db
def test_scan_records_a_recorded_duplicate_as_already_merged_and_is_idempotent(bank):
    assert duplicates_scan() == 1
    suspect = DuplicateSuspect.objects.select_related("question", "other").get()
    assert {suspect.question, suspect.other} == {bank.original, bank.duplicate}
    assert suspect.status == DuplicateSuspect.Status.MERGED
    assert duplicates_scan() == 0


def test_blocking_scales_to_thousands_of_distinct_questions():
    import random

    rng = random.Random(7)
    vocabulary = [f"word{n}" for n in range(3000)]
    fingerprints = [
        Fingerprint.of(
            n,
            " ".join(rng.sample(vocabulary, 25)),
            [" ".join(rng.sample(vocabulary, 4)) for _ in range(4)],
        )
        for n in range(3000)
    ]
    copy = fingerprints[10]
    fingerprints.append(Fingerprint(3000, copy.stem, copy.choices))
    assert find_duplicates(fingerprints) == [(10, 3000, 1.0)]


@pytest.mark.django_db
def test_find_duplicates_command_lists_open_pairs(bank, capsys):
    from django.core.management import call_command

    call_command("find_duplicates")
    assert "1 new suspected pair(s)." in capsys.readouterr().out
