"""Suspected duplicates: scanning the bank, merging, dismissing."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from quiz.duplicates import Fingerprint, find_duplicates
from quiz.models import (
    AnswerRecord,
    Comment,
    DuplicateSuspect,
    Question,
    Report,
    ReviewCard,
    ReviewLog,
    Vote,
)
from quiz.services.feedback import community_refresh


def bank_fingerprints(questions=None) -> list[Fingerprint]:
    questions = questions if questions is not None else Question.objects.all()
    questions = questions.exclude(status=Question.Status.RETIRED).prefetch_related("choices")
    return [Fingerprint.of(q.pk, q.stem, [c.text for c in q.choices.all()]) for q in questions]


@transaction.atomic
def duplicates_scan() -> int:
    """Find suspected duplicates in the whole bank; records new pairs, returns how many.

    Pairs already linked by duplicate_of are recorded as merged; dismissed pairs stay dismissed.
    """
    pairs = find_duplicates(bank_fingerprints())
    known = set(DuplicateSuspect.objects.values_list("question_id", "other_id"))
    links = dict(
        Question.objects.filter(duplicate_of__isnull=False).values_list("pk", "duplicate_of")
    )
    new = []
    for a, b, score in pairs:
        a, b = min(a, b), max(a, b)
        if (a, b) in known:
            continue
        linked = links.get(a) == b or links.get(b) == a
        status = DuplicateSuspect.Status.MERGED if linked else DuplicateSuspect.Status.OPEN
        new.append(DuplicateSuspect(question_id=a, other_id=b, similarity=score, status=status))
    DuplicateSuspect.objects.bulk_create(new)
    return len(new)


def duplicates_of(question: Question) -> list[tuple[Question, float]]:
    """Live questions that look like this one (for the admin's "check for duplicates")."""
    others = Question.objects.exclude(pk=question.pk)
    fingerprints = bank_fingerprints(Question.objects.filter(pk=question.pk)) + bank_fingerprints(
        others
    )
    by_pk = {q.pk: q for q in others}
    found = []
    for a, b, score in find_duplicates(fingerprints):
        if question.pk in (a, b):
            found.append((by_pk[b if a == question.pk else a], score))
    return found


@transaction.atomic
def question_merge(
    *, duplicate: Question, survivor: Question, user: AbstractBaseUser | None = None
) -> Question:
    """Fold duplicate into survivor: answers, cards, votes, reports and comments move over.

    The duplicate stays as a record (duplicate_of survivor), never shown on its own again.
    """
    if duplicate.pk == survivor.pk:
        raise ValidationError("A question cannot be merged into itself.")
    if survivor.duplicate_of_id:
        raise ValidationError(f"{survivor.ext_id} is itself a duplicate; merge into the original.")
    AnswerRecord.objects.filter(question=duplicate).update(question=survivor)
    Report.objects.filter(question=duplicate).update(question=survivor)
    Comment.objects.filter(question=duplicate).update(question=survivor, topic=survivor.topic)
    # A learner who voted on both keeps the vote on the survivor.
    voters = Vote.objects.filter(question=survivor).values("user")
    Vote.objects.filter(question=duplicate, user__in=voters).delete()
    Vote.objects.filter(question=duplicate).update(question=survivor)
    # Spaced repetition: one card per learner and question. A learner with cards on both keeps
    # the survivor's card and gains the duplicate's review history on it.
    survivor_cards = dict(ReviewCard.objects.filter(question=survivor).values_list("user_id", "pk"))
    for card in ReviewCard.objects.filter(question=duplicate):
        if card.user_id in survivor_cards:
            ReviewLog.objects.filter(card=card).update(card_id=survivor_cards[card.user_id])
            card.delete()
        else:
            card.question = survivor
            card.save(update_fields=["question"])
    Question.objects.filter(duplicate_of=duplicate).update(duplicate_of=survivor)
    duplicate.duplicate_of = survivor
    duplicate.save(update_fields=["duplicate_of", "updated_at"])
    pair = Q(question=duplicate, other=survivor) | Q(question=survivor, other=duplicate)
    DuplicateSuspect.objects.filter(pair).update(status=DuplicateSuspect.Status.MERGED)
    community_refresh(question=survivor)
    return survivor


def duplicate_dismiss(*, suspect: DuplicateSuspect) -> None:
    suspect.status = DuplicateSuspect.Status.DISMISSED
    suspect.save(update_fields=["status"])
