from django.db.models import Count, Prefetch, Q, QuerySet

from config.prepared import PreparedQuery
from study.models import Certification, Note, Topic, WhatsNewItem


def certifications_for_home() -> QuerySet[Certification]:
    """Active certifications with their active topics, each annotated with its section count."""
    topics = (
        Topic.objects.active().annotate(note_count=Count("notes")).order_by("position", "title")
    )
    return Certification.objects.active().prefetch_related(
        Prefetch("topics", queryset=topics, to_attr="active_topics")
    )


# Compiled once per process (config.prepared): the topic page's own read.
_ACTIVE_TOPIC = PreparedQuery(
    lambda slug: Topic.objects.active().select_related("certification").filter(slug=slug), str
)


def topic_for_page(slug: str) -> Topic | None:
    found = _ACTIVE_TOPIC(slug)
    return found[0] if found else None


# Both lazy: the topic page reads them only when its cached rendering of the notes is stale.
def topic_notes(topic: Topic) -> QuerySet[Note]:
    return topic.notes.order_by("position")


def topic_whats_new(topic: Topic) -> QuerySet[WhatsNewItem]:
    return (
        WhatsNewItem.objects.filter(note__topic=topic)
        .select_related("note")
        .order_by("-date", "note__position", "position")
    )


MAX_SEARCH_WORDS = 8


def search_words(query: str) -> list[str]:
    """The words a search looks for: each once, at most MAX_SEARCH_WORDS (each word is a
    condition of the query, so their number is bounded whatever is typed)."""
    return list(dict.fromkeys(query.split()))[:MAX_SEARCH_WORDS]


def notes_search(query: str, *, limit: int = 50) -> list[Note]:
    """Sections whose heading or text contains every word of the query."""
    words = search_words(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(heading__icontains=word) | Q(body__icontains=word)
    return list(
        Note.objects.filter(condition, topic__is_active=True)
        .select_related("topic", "topic__certification")
        .order_by("topic__position", "position")[:limit]
    )
