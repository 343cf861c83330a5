from itertools import groupby

from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from quiz import selectors
from quiz.forms import CommentForm, ReportForm, VoteForm
from quiz.models import Question
from quiz.presentation import present
from quiz.views.common import found
from study import selectors as study_selectors
from study.text import clean_text


@require_safe
def topic_questions(request, slug):
    topic = found(study_selectors.topic_for_page(slug), "No such topic.")
    questions = selectors.topic_bank(topic)
    sets = [
        (question_set, list(items))
        for question_set, items in groupby(questions, key=lambda q: q.question_set)
    ]
    return render(
        request,
        "quiz/topic_questions.html",
        {
            "topic": topic,
            "sets": sets,
            "question_count": len(questions),
            "disclaimer": selectors.topic_disclaimer(topic),
            "comment_count": selectors.topic_comment_count(topic),
        },
    )


@require_safe
def topic_discussion(request, slug):
    topic = found(study_selectors.topic_for_page(slug), "No such topic.")
    return render(
        request,
        "quiz/topic_discussion.html",
        {"topic": topic, "threads": selectors.topic_threads(topic)},
    )


def question_page_context(request, question: Question, **extra) -> dict:
    """Everything the question page and its partials show; POST views re-render with it.

    The question comes from selectors.question_for_page(ext_id, request.user), which loads
    the votes, the learner's own vote and whether they answered along with it.
    """
    own_vote = getattr(question, "own_vote_labels", None)
    view = present(question, revealed=request.GET.get("answer") == "show")
    threads, changelog = selectors.question_threads_and_changelog(question, letters=view.letters)
    vote = selectors.community_vote(question, selectors.annotated_votes(question.vote_labels))
    for entry in changelog:
        entry.html = view.relabel(entry.html)
    context = {
        "question": question,
        "topic": question.topic,
        "view": view,
        "threads": threads,
        "disclaimer": selectors.question_disclaimer(question),
        "references": list(question.references.all()),
        "changelog": changelog,
        "vote": vote,
        # The tally in the page's letters (votes are kept by stable label).
        "vote_official": view.letters(vote.official.split("+")),
        "vote_rows": [(view.letters(labels.split("+")), n, pct) for labels, n, pct in vote.rows],
        "can_vote": getattr(question, "has_answered", False),
        "my_vote": own_vote,
        "comment_form": CommentForm(),
        "report_form": ReportForm(),
        "vote_form": VoteForm(
            question=question, initial={"labels": own_vote.split(",") if own_vote else []}
        ),
    }
    context.update(extra)
    return context


@require_safe
@vary_on_headers("HX-Request")
def question_detail(request, ext_id):
    """The question in the bank's order; ?answer=show reveals the answer and why (htmx swaps
    just the question in)."""
    question = found(selectors.question_for_page(ext_id, request.user), "No such question.")
    template = "quiz/question_detail.html"
    if request.htmx and request.GET.get("answer") == "show":
        template += "#question-block"
    return render(request, template, question_page_context(request, question))


@require_safe
def search(request):
    query = clean_text(request.GET.get("q", "")).strip()[:200]
    groups: dict = {}
    if query:
        for note in study_selectors.notes_search(query):
            groups.setdefault(note.topic, {"notes": [], "questions": []})["notes"].append(note)
        for question in selectors.questions_search(query):
            groups.setdefault(question.topic, {"notes": [], "questions": []})["questions"].append(
                question
            )
    total = sum(len(g["notes"]) + len(g["questions"]) for g in groups.values())
    return render(
        request,
        "quiz/search.html",
        {"query": query, "groups": list(groups.items()), "total": total},
    )
