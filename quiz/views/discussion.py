"""Learners' comments on a question: post, reply (one level), edit and delete their own."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quiz import selectors, services
from quiz.forms import CommentForm
from quiz.models import Comment
from quiz.services.limits import RateLimited
from quiz.views.bank import question_page_context
from quiz.views.common import bad_request, found, login_required

QUESTION_PAGE = "quiz/question_detail.html"


@require_POST
@login_required
def comment_create(request, ext_id):
    question = found(selectors.question_for_page(ext_id, request.user), "No such question.")
    form = CommentForm(request.POST)
    limited = False
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], question=question, is_retired=False
            ).first()
            if parent is None:
                return bad_request(
                    request, "The comment you replied to is not part of this question."
                )
        try:
            comment = services.comment_post(
                user=request.user, question=question, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            form.add_error("body", error)
            limited = isinstance(error, RateLimited)
    if form.errors:
        context = question_page_context(request, question, comment_form=form)
        template = f"{QUESTION_PAGE}#discussion" if request.htmx else QUESTION_PAGE
        return render(request, template, context, status=429 if limited else 422)
    if request.htmx:
        context = question_page_context(request, question, posted=comment)
        return render(request, f"{QUESTION_PAGE}#discussion", context)
    return redirect(f"{question.get_absolute_url()}#comment-{comment.pk}")


def _own_comment(request, pk) -> Comment:
    return found(selectors.own_comment(request.user, pk), "No such comment of yours.")


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@login_required
def comment_edit(request, pk):
    comment = _own_comment(request, pk)
    if comment.is_deleted:
        return bad_request(request, "This comment was removed and cannot be edited.")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    limited = False
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error("body", str(error.messages[0] if hasattr(error, "messages") else error))
            limited = isinstance(error, RateLimited)
        else:
            if request.htmx:
                return render(
                    request,
                    "quiz/comment_edit.html#comment",
                    {"node": _node(comment), "user": request.user},
                )
            return redirect(f"{comment.question.get_absolute_url()}#comment-{comment.pk}")
    status = (429 if limited else 422) if form.errors else 200
    template = "quiz/comment_edit.html#edit-form" if request.htmx else "quiz/comment_edit.html"
    return render(request, template, {"comment": comment, "form": form}, status=status)


@require_POST
@login_required
def comment_delete(request, pk):
    comment = _own_comment(request, pk)
    if not comment.is_deleted:
        services.comment_delete(comment=comment, user=request.user)
    if request.htmx:
        return render(
            request,
            "quiz/comment_edit.html#comment",
            {"node": _node(comment), "user": request.user},
        )
    return redirect(f"{comment.question.get_absolute_url()}#comment-{comment.pk}")


def _node(comment: Comment) -> selectors.CommentNode:
    threads = selectors.comment_threads(
        Comment.objects.filter(pk=comment.pk) | comment.replies.all()
    )
    return threads[0] if threads else selectors.CommentNode(comment)
