"""Demo live blogs for `manage.py seed_demo`: one live, one ended, one long one.

Three of the demo articles become live blogs, so `seed_demo --flush-demo` removes
them with the rest of the demo content (live blog and updates go with the article).
"""

import random

from django.utils import timezone

from articles.models import Article, Author
from liveblog.models import LiveBlog, LiveBlogUpdate, recount

# (how many of the newest demo articles come before it, state, updates)
EVENTS = [
    (0, LiveBlog.State.LIVE, 24),
    (4, LiveBlog.State.ENDED, 60),
    (9, LiveBlog.State.LIVE, 320),
]
HEADLINES = [
    "Eerste cijfers binnen",
    "Reddingswerkers bereiken het dorp",
    "Premier spreekt de pers toe",
    "Hulpgoederen onderweg vanuit Marrakech",
    "Nieuwe naschok gevoeld",
    "Opkomst hoger dan vorige keer",
    "Doelpunt!",
    "Rust in het stadion",
]
SENTENCES = [
    "Ooggetuigen spreken van een chaotische situatie in het centrum.",
    "Volgens het ministerie van Binnenlandse Zaken is de situatie onder controle.",
    "Onze verslaggever ter plaatse ziet lange rijen voor de ziekenhuizen.",
    "Het staatspersbureau MAP meldt dat de hulpdiensten zijn opgeschaald.",
    "Op sociale media delen bewoners beelden van de straten.",
    "De koning heeft zijn medeleven betuigd met de getroffen families.",
    "In Rabat en Casablanca gingen mensen de straat op.",
    "Een woordvoerder bevestigt het nieuws, maar wil geen details geven.",
]
QUOTES = [
    ("We hebben de hele nacht buiten geslapen.", "een inwoner van Amizmiz"),
    ("Dit is een historische dag voor ons land.", "een supporter in Casablanca"),
    ("Elke stem telt, ook die van de jongeren.", "een kiezer in Fes"),
]


def create(user, *, seed=None):
    """Turn three of the newest published demo articles into live blogs, with
    updates; return how many updates were written."""
    rng = random.Random(seed)
    now = timezone.now()
    candidates = list(
        Article.objects.published()
        .filter(created_by=user, liveblog__isnull=True)
        .order_by("-published_at", "-pk")
        .values_list("pk", "published_at")[:10]
    )
    authors = list(
        Author.objects.filter(bylines__article__created_by=user).distinct()[:3]
    )
    total = 0
    for position, state, count in EVENTS:
        if position >= len(candidates):
            continue
        article_id, started = candidates[position]
        ended = state == LiveBlog.State.ENDED
        finish = started + (now - started) / 2 if ended else now
        step = (finish - started) / (count + 1)
        liveblog = LiveBlog.objects.create(
            article_id=article_id,
            state=state,
            coverage_start=started,
            coverage_end=finish if ended else None,
        )
        updates = []
        for i in range(count):
            headline = rng.choice(HEADLINES) if i % 4 == 0 else ""
            quote, source = rng.choice(QUOTES) if i % 9 == 5 else ("", "")
            body = " ".join(rng.sample(SENTENCES, 2))
            updates.append(
                LiveBlogUpdate(
                    liveblog=liveblog,
                    published_at=started + step * (i + 1),
                    title=headline,
                    body=f"<p>{body}</p>",
                    quote=quote,
                    quote_source=source,
                    author=authors[i % len(authors)] if authors else None,
                    key_event=bool(headline) and i % 12 == 0,
                    created_by=user,
                )
            )
        LiveBlogUpdate.objects.bulk_create(updates, batch_size=500)
        recount(liveblog.pk)
        total += count
    return total
