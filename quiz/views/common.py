"""Small helpers shared by the learner-facing views."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

from config.ids import parse_id
from quiz.presentation import letters_on_screen


def login_required(view):
    """Like Django's, but an htmx request gets a full-page redirect, not a swapped login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        back = request.headers.get("HX-Current-URL") if request.htmx else request.get_full_path()
        response = redirect_to_login(back or request.get_full_path())
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        return response

    return wrapper


def redirect_after_post(request, url: str) -> HttpResponse:
    """Plain posts get a redirect; htmx posts a client-side one (a whole new page)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def bad_request(request, message: str, *, back_url: str = "", back_label: str = "") -> HttpResponse:
    """A tampered or impossible post: 400 with a message a person can read.

    htmx gets the bare text (the page shows it in its error box); a browser without
    JavaScript gets the message in the site's layout. back_url: where to go instead, when
    trying again cannot help (the page then does not suggest it).
    """
    if request.htmx:
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    context = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, "400.html", context, status=400)


def found(value, message: str = "Not found."):
    """A selector's None as a 404: selectors return objects or None and speak no HTTP."""
    if value is None:
        raise Http404(message)
    return value


def refusal(request, error: ValidationError, **kwargs) -> HttpResponse:
    """The one way a service's refusal becomes a response: its messages, with the status
    its class carries (400 unless it says otherwise: 409 the exam is over, 429 too many)."""
    response = bad_request(request, " ".join(error.messages), **kwargs)
    response.status_code = getattr(error, "status", 400)
    return response


def refusals(view):
    """A view whose services may refuse (ValidationError): the refusal is the response."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            return refusal(request, error)

    return wrapper


STRIKE_MISSING = "Say which choice to rule out (strike) or to bring back (restore)."


def strike_toggle(request) -> tuple[str, bool] | None:
    """A rule-out toggle's post: (the raw choice id, struck) from `strike` (rule it out) or
    `restore` (bring it back); None when it has neither."""
    if "strike" in request.POST:
        return request.POST["strike"], True
    if "restore" in request.POST:
        return request.POST["restore"], False
    return None


def render_strike(request, item, raw_id: str, strike_url: str) -> HttpResponse:
    """The toggle of one choice after a strike (the htmx answer): its new state and the
    letter it has on this learner's screen."""
    choice_id = parse_id(raw_id)
    label = next(c.label for c in item.question.choices.all() if c.pk == choice_id)
    context = {
        "choice_pk": choice_id,
        "letter": letters_on_screen(item.order_labels, [label]),
        "struck": label in item.struck,
        "strike_url": strike_url,
    }
    return render(request, "quiz/_question.html#strike", context)
