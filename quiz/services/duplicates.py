"""Suspected duplicates: scanning the bank, merging, dismissing."""

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When

from quiz.duplicates import Fingerprint, find_duplicates, remap_labels
from quiz.models import (
    AnswerRecord,
    Comment,
    DuplicateSuspect,
    Flag,
    Question,
    Report,
    ReviewCard,
    ReviewLog,
    Vote,
)
from quiz.selectors.editing import MergePlan, merge_plan
from quiz.services.feedback import community_refresh
from quiz.services.progress import progress_refresh


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
    *,
    duplicate: Question,
    survivor: Question,
    pairing: Mapping[str, str | None],
    user: AbstractBaseUser | None = None,
) -> MergePlan:
    """Fold duplicate into survivor under `pairing` (each of the duplicate's choice labels ->
    the survivor's choice that means the same, as the editor confirmed it): answers, votes
    and review history move with their choices translated, so an answer that chose
    "IAM role" still chose "IAM role"; cards, reports, comments and bookmarks move too.

    Refused (ValidationError, nothing moved) unless every choice of the duplicate has its own
    partner. The duplicate stays as a record (duplicate_of survivor), never shown again; this
    is the only way duplicate_of is set. Returns the plan it carried out (what moved)."""
    duplicate = Question.objects.select_for_update().get(pk=duplicate.pk)
    survivor = Question.objects.select_for_update().get(pk=survivor.pk)
    plan = merge_plan(duplicate=duplicate, survivor=survivor, pairing=dict(pairing))
    if not plan.can_merge:
        raise ValidationError(plan.problems)
    paired = {p.choice.label: p.partner.label for p in plan.pairs}
    answers = AnswerRecord.objects.filter(question=duplicate)
    answers.update(question=survivor, chosen_labels=_translated(answers, "chosen_labels", paired))
    progress_refresh(question_ids=[survivor.pk], topic_ids={duplicate.topic_id, survivor.topic_id})
    Report.objects.filter(question=duplicate).update(question=survivor)
    Comment.objects.filter(question=duplicate).update(question=survivor, topic=survivor.topic)
    # A learner who voted on both keeps the vote on the survivor.
    voters = Vote.objects.filter(question=survivor).values("user")
    Vote.objects.filter(question=duplicate, user__in=voters).delete()
    votes = Vote.objects.filter(question=duplicate)
    votes.update(question=survivor, labels=_translated(votes, "labels", paired))
    flagged = Flag.objects.filter(question=survivor).values("user")
    Flag.objects.filter(question=duplicate, user__in=flagged).delete()
    Flag.objects.filter(question=duplicate).update(question=survivor)
    # Spaced repetition: one card per learner and question. A learner with cards on both keeps
    # the survivor's card and gains the duplicate's review history on it. The duplicate's key
    # changes are not the survivor's: a moved card forgets them.
    logs = ReviewLog.objects.filter(card__question=duplicate)
    logs.update(chosen_labels=_translated(logs, "chosen_labels", paired))
    survivor_cards = dict(ReviewCard.objects.filter(question=survivor).values_list("user_id", "pk"))
    for card in ReviewCard.objects.filter(question=duplicate):
        if card.user_id in survivor_cards:
            ReviewLog.objects.filter(card=card).update(card_id=survivor_cards[card.user_id])
            card.delete()
        else:
            card.question, card.key_changed = survivor, None
            card.save(update_fields=["question", "key_changed"])
    Question.objects.filter(duplicate_of=duplicate).update(duplicate_of=survivor)
    duplicate.duplicate_of = survivor
    duplicate.save(update_fields=["duplicate_of", "updated_at"])
    pair = Q(question=duplicate, other=survivor) | Q(question=survivor, other=duplicate)
    DuplicateSuspect.objects.filter(pair).update(status=DuplicateSuspect.Status.MERGED)
    community_refresh(question=survivor)
    return plan


def _translated(rows, column: str, pairing: Mapping[str, str]) -> Case:
    """`column` ("A,C") of `rows` rewritten in the survivor's labels, in one UPDATE: each
    value that occurs is mapped at once, so no rewrite feeds another."""
    values = set(rows.order_by().values_list(column, flat=True).distinct())
    return Case(
        *[When(**{column: v}, then=Value(remap_labels(v, pairing))) for v in sorted(values)],
        default=F(column),
    )


def duplicate_dismiss(*, suspect: DuplicateSuspect) -> None:
    suspect.status = DuplicateSuspect.Status.DISMISSED
    suspect.save(update_fields=["status"])
