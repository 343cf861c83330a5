from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from study import selectors
from study.extensions import topic_links


@require_safe
def home(request):
    certifications = list(selectors.certifications_for_home())
    links = topic_links([topic for c in certifications for topic in c.active_topics])
    for certification in certifications:
        for topic in certification.active_topics:
            topic.links = links.get(topic.pk, [])
    return render(request, "study/home.html", {"certifications": certifications})


@require_safe
def topic_detail(request, slug):
    topic = selectors.topic_for_page(slug)
    if topic is None:
        raise Http404("No such topic.")
    return render(
        request,
        "study/topic_detail.html",
        {
            "topic": topic,
            "notes": selectors.topic_notes(topic),
            "whats_new": selectors.topic_whats_new(topic),
            "links": topic_links([topic]).get(topic.pk, []),
        },
    )
