"""How apps built on study add to its pages without study importing them.

`quiz` registers a provider in its AppConfig.ready(); study's views ask every provider for
links to show with each topic (e.g. "15 questions", and "Practise EC2 Security", a button
that starts a practice session).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from study.models import Topic


@dataclass(frozen=True)
class TopicLink:
    label: str
    url: str
    count: int | None = None
    # A button that posts to url (it starts something), shown on the topic's own page only.
    post: bool = False


TopicLinkProvider = Callable[[Sequence[Topic]], dict[int, list[TopicLink]]]
_providers: list[TopicLinkProvider] = []


def register_topic_links(provider: TopicLinkProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def topic_links(topics: Sequence[Topic]) -> dict[int, list[TopicLink]]:
    """Links from every provider for these topics, one query per provider at most."""
    links: dict[int, list[TopicLink]] = {topic.pk: [] for topic in topics}
    if not topics:
        return links
    for provider in _providers:
        for topic_id, extra in provider(topics).items():
            links.setdefault(topic_id, []).extend(extra)
    return links
