"""manage.py seed_demo: realistic demo content in bulk, and away again."""

import ast
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag

from articles import bylines_tags, related
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleBylinesTags,
    Author,
    Section,
)
from demo.loader import DemoLoader
from tests.factories import make_article, make_section, make_ticker_item
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db


def seed(*args, **options):
    # Drawing pictures takes seconds: only the tests about them ask for some.
    if "--images" not in args:
        options.setdefault("images", 0)
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def demo_articles():
    return Article.objects.filter(created_by__username="demo-data")


def test_creates_the_requested_numbers_with_bylines_and_tags():
    out, err = seed(articles=120, ticker=30)

    articles = demo_articles()
    assert articles.count() == 120
    assert TickerItem.objects.filter(created_by__username="demo-data").count() == 30
    assert Section.objects.filter(slug__startswith="demo-").count() == 8
    assert Author.objects.filter(slug__startswith="demo-").count() == 40
    for article in articles.prefetch_related("tags", "bylines"):
        assert 2 <= len(article.tags.all()) <= 6
        assert 1 <= len(article.bylines.all()) <= 3
        assert article.section_id is not None
        assert article.title and article.lead and article.body.startswith("<")
        assert article.slug
    roles = set(ArticleAuthor.objects.values_list("role", flat=True))
    assert "tekst" in roles and len(roles) > 1
    assert "Created 120 demo articles" in out
    assert re.search(r"Rate: [\d,]+ articles/s", out)
    # The progress bar goes to stderr, ending at 100 %.
    assert "100%" in err and "[" in err


def test_reported_statuses_match_what_is_public():
    out, _ = seed(articles=600, ticker=0)

    reported = re.search(r"\(([\d,]+) published, ([\d,]+) scheduled", out)
    published, scheduled = (int(n.replace(",", "")) for n in reported.groups())
    assert Article.objects.published().count() == published
    assert Article.objects.scheduled().count() == scheduled
    # A realistic mix: mostly published, some scheduled, drafts and withdrawn ones.
    assert published > 500
    statuses = set(demo_articles().values_list("status", flat=True))
    assert statuses == {"published", "draft", "review", "killed"}
    assert demo_articles().filter(featured=True).exists()


def test_demo_content_is_visible_on_the_site(client, page_cache):
    client.get("/")  # a cached front page, and a cached ticker, from before

    seed(articles=80, ticker=20)

    newest = Article.objects.published().order_by("-published_at", "-pk").first()
    title = escape(newest.title)  # demo titles may hold an apostrophe

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    assert title in page("/")
    assert title in page(newest.get_absolute_url())
    assert title in page(newest.section.get_absolute_url())
    assert title in page(f"/tag/{newest.tags.first().slug}/")
    assert title in page(newest.bylines.first().author.get_absolute_url())
    assert TickerItem.objects.live().first().headline in page("/ticker/")


def test_the_same_seed_writes_the_same_texts():
    seed(articles=15, ticker=0, seed=7)
    first = list(demo_articles().order_by("pk").values_list("title", "body"))
    seed(flush_demo=True, articles=15, ticker=0, seed=7)
    again = list(demo_articles().order_by("pk").values_list("title", "body"))

    assert again == first


def test_a_second_run_adds_more_without_slug_clashes():
    seed(articles=40, ticker=5)
    seed(articles=40, ticker=5)

    assert demo_articles().count() == 80
    assert demo_articles().values("slug").distinct().count() == 80
    assert TickerItem.objects.count() == 10
    # Vocabulary is reused, not duplicated.
    assert Section.objects.count() == 8
    assert Author.objects.count() == 40


def test_a_slug_another_article_has_gets_a_suffix():
    seed(articles=15, ticker=0, seed=7)
    slugs = list(demo_articles().order_by("pk").values_list("slug", flat=True))
    seed(flush_demo=True)
    make_article(title="Echt artikel", slug=slugs[3])

    seed(articles=15, ticker=0, seed=7)

    again = list(demo_articles().order_by("pk").values_list("slug", flat=True))
    assert again[:3] == slugs[:3] and again[4:] == slugs[4:]
    assert re.fullmatch(re.escape(slugs[3]) + r"-\d+", again[3])


def test_a_query_while_articles_stream_in_fails_instead_of_waiting(monkeypatch):
    # On PostgreSQL the articles go in through one open COPY, whose connection
    # would wait forever for a query.
    if connection.vendor != "postgresql":
        pytest.skip("COPY streams on PostgreSQL only")

    def bylines_with_a_query(loader, article):
        Author.objects.count()
        return []

    monkeypatch.setattr(DemoLoader, "bylines", bylines_with_a_query)
    with pytest.raises(RuntimeError, match="No query while rows stream in"):
        seed(articles=5, ticker=0)
    assert not demo_articles().exists()


def test_flush_demo_removes_demo_rows_and_keeps_real_content():
    economie = make_section(name="Economie")
    real = make_article(title="Echt artikel", section=economie, tags=["Marokko"])
    real_item = make_ticker_item(headline="Echt tickerbericht")
    seed(articles=50, ticker=10)
    # Existing sections and tags with a demo name are reused, not copied.
    assert demo_articles().filter(section=economie).exists()
    assert Tag.objects.filter(name__iexact="marokko").count() == 1

    out, _ = seed(flush_demo=True)

    assert "Removed demo content: 50 articles, 10 ticker items" in out
    assert list(Article.objects.all()) == [real]
    assert list(TickerItem.objects.all()) == [real_item]
    assert list(Section.objects.all()) == [economie]
    assert not Author.objects.exists()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Marokko"]
    assert not ArticleAuthor.objects.exists()
    assert list(real.tags.names()) == ["Marokko"]


def test_flush_demo_with_counts_replaces_the_demo_content():
    seed(articles=30, ticker=5)

    seed("--flush-demo", "--articles", "12", "--ticker", "3")

    assert demo_articles().count() == 12
    assert TickerItem.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--articles", "-1"], "--articles must be between 0 and 1,000,000"),
        (["--articles", "2000000"], "--articles must be between 0 and 1,000,000"),
        (["--ticker", "-5"], "--ticker must be between 0 and 100,000"),
        (["--articles", "veel"], "invalid int value: 'veel'"),
        (["--articles", "0", "--ticker", "0"], "Nothing to do"),
        (["--seed", "x"], "invalid int value: 'x'"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(*args)
    assert not Article.objects.exists()


def test_articles_are_written_oldest_first():
    seed(articles=300, ticker=0)

    dated = demo_articles().filter(published_at__lte=timezone.now())
    by_time = list(dated.order_by("published_at").values_list("pk", flat=True))

    # Drafts and scheduled articles wait for their list until the end.
    assert by_time == sorted(by_time)


def test_related_lists_are_filled_as_the_site_ranks_them():
    seed(articles=700, ticker=0)

    assert not demo_articles().filter(related_ids__isnull=True).exists()
    # Away from the newest articles (whose window would reach the scheduled ones,
    # which the loader leaves out), the lists are those the site itself ranks.
    public = list(Article.objects.published().order_by("published_at", "pk"))
    checked = public[50:450:10]
    for article in checked:
        assert article.related_ids == related.compute(article), article.pk
    assert all(len(article.related_ids) == 8 for article in checked)


def test_bylines_and_tags_are_stored_as_the_site_stores_them():
    seed(articles=150, ticker=0)

    articles = list(demo_articles().values_list("pk", flat=True))
    computed = bylines_tags.compute(articles)
    stored = ArticleBylinesTags.objects.filter(article__in=articles)
    assert len(stored) == 150
    for row in stored:
        bylines, tags = computed[row.article_id]
        assert row.bylines == [list(byline) for byline in bylines], row.article_id
        assert row.tags == [list(tag) for tag in tags], row.article_id


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
@pytest.mark.django_db(transaction=True)
def test_postgres_tables_are_vacuumed_and_analyzed_after_the_load():
    seed(articles=60, ticker=5)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples, relallvisible FROM pg_class "
            "WHERE relname IN ('articles_article', 'taggit_taggeditem')"
        )
        stats = {name: (tuples, visible) for name, tuples, visible in cursor}

    # Counted by ANALYZE, and the pages marked all-visible by VACUUM, so that the
    # planner reads the indexes from the first request on, without autovacuum.
    assert stats["articles_article"][0] == 60
    assert all(visible > 0 for _tuples, visible in stats.values())


# Pictures


def test_demo_articles_get_pictures_with_alt_text_credit_and_renditions(settings):
    from django.core.files.storage import default_storage

    from images.models import Image

    out, _ = seed("--images", "4", articles=60, ticker=0)

    pictures = list(Image.objects.filter(created_by__username="demo-data"))
    assert len(pictures) == 4
    for picture in pictures:
        assert picture.alt.endswith(".") and len(picture.alt) > 30
        assert picture.caption and picture.credit == "Demo-illustratie"
        assert not picture.needs_alt
        assert (picture.width, picture.height) == (1200, 800)
        # Made through the library: renditions in every crop and format, on disk.
        assert picture.renditions_current
        for crop in ("original", "3:2"):
            for fmt in ("jpeg", "webp"):
                made = picture.rendition_list(crop, fmt)
                assert [r.width for r in made] == [320, 640, 960, 1200]
                assert all(default_storage.exists(r.name) for r in made)
    assert len({picture.alt for picture in pictures}) == 4

    articles = demo_articles()
    pictured = articles.filter(lead_image__isnull=False)
    assert set(pictured.values_list("lead_image", flat=True)) <= {
        p.pk for p in pictures
    }
    # Most articles have one, and some show how a page looks without.
    assert 0.7 * 60 <= pictured.count() < 60
    assert f"{pictured.count()} with one of 4 pictures (4 drawn now)" in out

    # A public page shows them, with their alt text on the article page.
    from django.test import Client

    article = Article.objects.published().filter(lead_image__isnull=False).first()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert f'alt="{escape(article.lead_image.alt)}"' in page


def test_a_second_run_reuses_the_pictures_and_flushing_removes_them(
    django_capture_on_commit_callbacks,
):
    from django.core.files.storage import default_storage

    from images.models import Image

    seed("--images", "3", articles=20, ticker=0)
    first = set(Image.objects.values_list("pk", flat=True))
    out, _ = seed("--images", "3", articles=20, ticker=0, seed=2)
    assert set(Image.objects.values_list("pk", flat=True)) == first
    assert "(0 drawn now)" in out

    # An editor put one of them on a real article: that one stays.
    kept = Image.objects.get(pk=min(first))
    make_article(title="Echt artikel", lead_image=kept)
    files = [r.name for p in Image.objects.all() for r in p.rendition_list("3:2")]
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = seed(flush_demo=True)
    assert "Removed 2 demo pictures; kept 1 that other articles use." in out
    assert list(Image.objects.values_list("pk", flat=True)) == [kept.pk]
    gone = [name for name in files if not name.startswith(f"renditions/{kept.pk}/")]
    assert gone and not any(default_storage.exists(name) for name in gone)
    assert all(default_storage.exists(r.name) for r in kept.rendition_list("3:2"))


def test_images_out_of_range_is_a_clear_error():
    with pytest.raises(CommandError, match="--images must be between 0 and 200"):
        seed("--images", "500", articles=1)


PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_PACKAGES = ["api", "articles", "editing", "newsroom", "ticker"]


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.django_db(False)
def test_production_code_never_imports_the_demo_app():
    sources = [
        path
        for package in PRODUCTION_PACKAGES
        for path in (PROJECT / package).rglob("*.py")
    ]
    assert len(sources) > 50
    offending = [
        f"{path.relative_to(PROJECT)}: {module}"
        for path in sources
        for module in imported_modules(path)
        if module == "demo" or module.startswith("demo.")
    ]
    assert offending == []
