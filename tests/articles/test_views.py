import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_image_file,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def titles_in_order(page, titles):
    """Return the given titles sorted by where they first appear in page."""
    return sorted((t for t in titles if t in page), key=page.index)


# Front page


def test_front_page_leads_with_the_newest_featured_article(client):
    now = timezone.now()
    make_article(
        title="Oud openingsverhaal", featured=True, published_at=now - timedelta(days=2)
    )
    make_article(
        title="Nieuw openingsverhaal",
        featured=True,
        published_at=now - timedelta(hours=3),
    )
    make_article(title="Nieuwste gewone artikel", published_at=now - timedelta(hours=1))
    make_article(
        title="Ingepland openingsverhaal",
        featured=True,
        published_at=now + timedelta(hours=1),
    )

    response = client.get("/")

    assert response.status_code == 200
    assert response.context_data["lead"].title == "Nieuw openingsverhaal"
    lead_block = text(response).split('class="front-lead"')[1].split("</section>")[0]
    assert "Nieuw openingsverhaal" in lead_block
    assert "Ingepland openingsverhaal" not in text(response)


def test_front_page_leads_with_the_newest_article_when_none_is_featured(client):
    now = timezone.now()
    make_article(title="Gisteren", published_at=now - timedelta(days=1))
    make_article(title="Vandaag", published_at=now - timedelta(minutes=5))

    response = client.get("/")

    assert response.context_data["lead"].title == "Vandaag"
    assert [a.title for a in response.context_data["latest"]] == ["Gisteren"]


def test_front_page_featured_lead_older_than_the_latest_list_is_found(client):
    now = timezone.now()
    make_article(
        title="Openingsverhaal", featured=True, published_at=now - timedelta(days=3)
    )
    for n in range(15):
        make_article(title=f"Bericht {n}", published_at=now - timedelta(hours=n + 1))

    response = client.get("/")

    assert response.context_data["lead"].title == "Openingsverhaal"
    # The lead has no picture: the newest stories go under it, then into the list.
    context = response.context_data
    latest = [a.title for a in [*context["under_lead"], *context["latest"]]]
    assert latest[0] == "Bericht 0"
    assert "Openingsverhaal" not in latest


def test_front_page_lists_latest_and_a_block_per_section(client):
    now = timezone.now()
    politiek = make_section(name="Politiek", order=1)
    sport = make_section(name="Sport", order=2)
    make_section(name="Leeg", order=3)
    make_article(
        title="Wet op waterbeheer aangenomen",
        section=politiek,
        published_at=now - timedelta(hours=1),
    )
    make_article(
        title="Atlasleeuwen winnen",
        section=sport,
        published_at=now - timedelta(hours=2),
    )
    make_article(
        title="Nieuwe minister beëdigd",
        section=politiek,
        published_at=now - timedelta(hours=3),
    )
    make_article(title="Concept over sport", section=sport, status=Article.Status.DRAFT)

    response = client.get("/")
    page = text(response)

    sections = [
        (s.name, [a.title for a in arts])
        for s, arts in response.context_data["sections"]
    ]
    # The lead story (newest) is not repeated in its section block; an empty section
    # gets no block.
    assert sections == [
        ("Politiek", ["Nieuwe minister beëdigd"]),
        ("Sport", ["Atlasleeuwen winnen"]),
    ]
    assert 'href="/rubriek/politiek/"' in page
    assert ">Net binnen</h2>" in page
    assert "Concept over sport" not in page
    assert '<html lang="nl">' in page


def test_front_page_section_blocks_hold_the_newest_four(client):
    now = timezone.now()
    section = make_section(name="Economie")
    make_article(title="Voorpagina", featured=True)
    for n in range(6):
        make_article(
            title=f"Economie {n}",
            section=section,
            published_at=now - timedelta(hours=n + 1),
        )

    response = client.get("/")

    [(block_section, articles)] = response.context_data["sections"]
    assert [a.title for a in articles] == [f"Economie {n}" for n in range(4)]


def test_empty_front_page_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Er zijn nog geen artikelen gepubliceerd." in text(response)


def test_base_template_has_navigation_skip_link_and_social_links(client, settings):
    settings.NEWSROOM_SOCIAL_LINKS = [
        ("Facebook", "https://www.facebook.com/marokkonieuws")
    ]
    make_section(name="Cultuur")

    page = text(client.get("/"))

    assert '<a class="skip-link" href="#inhoud">' in page
    assert '<main id="inhoud"' in page
    assert '<nav class="site-nav" aria-label="Rubrieken">' in page
    assert 'href="/rubriek/cultuur/"' in page
    assert 'href="https://www.facebook.com/marokkonieuws"' in page
    assert "Volg ons op Facebook" in page
    assert 'type="application/rss+xml"' in page


# Article page


@pytest.fixture
def full_article():
    section = make_section(name="Economie")
    samira = make_author(name="Samira El Idrissi")
    karim = make_author(name="Karim Amrani")
    youssef = make_author(name="Youssef Benali")
    return make_article(
        title="Marokko krijgt AI-datacenter",
        kicker="Technologie",
        lead="Marokko staat op het punt een belangrijke AI-hub te worden.",
        body="<p>Het project beoogt <strong>500 megawatt</strong>.</p>"
        "<h2>Energie</h2><ul><li>TAQA levert stroom</li></ul>"
        "<blockquote><p>Een cruciaal moment.</p></blockquote>",
        section=section,
        tags=["AI", "Energie"],
        authors=[(samira, "tekst"), (youssef, ""), (karim, "foto")],
        # 15:07 UTC is 17:07 in Amsterdam in summer.
        published_at=datetime(2025, 7, 10, 15, 7, tzinfo=UTC),
        lead_image=make_image(
            make_image_file("datacenter.jpg"),
            alt="Bouwterrein met kranen aan de kust",
            caption="Het terrein bij Tetouan.",
            credit="ANP",
        ),
    )


def test_article_page_shows_everything_about_the_article(client, full_article):
    response = client.get(full_article.get_absolute_url())
    page = text(response)

    assert response.status_code == 200
    assert '<p class="kicker">Technologie</p>' in page
    assert re.search(r"<h1[^>]*>Marokko krijgt AI-datacenter</h1>", page)
    assert "Marokko staat op het punt een belangrijke AI-hub te worden." in page
    assert "<p>Het project beoogt <strong>500 megawatt</strong>.</p>" in page
    assert "<h2>Energie</h2>" in page
    assert "<blockquote><p>Een cruciaal moment.</p></blockquote>" in page
    published = '<time datetime="2025-07-10T17:07:00+02:00">10 juli 2025, 17:07</time>'
    assert f"Gepubliceerd: {published}" in page
    assert 'href="/rubriek/economie/"' in page
    assert 'href="/tag/ai/"' in page and 'href="/tag/energie/"' in page
    assert 'alt="Bouwterrein met kranen aan de kust"' in page
    assert "Het terrein bij Tetouan." in page
    assert "Foto: ANP" in page
    assert full_article.lead_image.rendition(1280, fmt="webp").url in page
    assert full_article.lead_image.file.url not in page
    assert (
        '<link rel="canonical" href="http://testserver/artikel/marokko-krijgt-ai-datacenter/">'
        in page
    )
    assert "noindex" not in page


def test_byline_lists_authors_in_order_with_their_roles(client, full_article):
    page = text(client.get(full_article.get_absolute_url()))

    byline = re.search(r'<p class="byline">(.*?)</p>', page).group(1)
    plain = re.sub(r"<[^>]+>", "", byline)
    assert plain == "Door Samira El Idrissi, Youssef Benali en Karim Amrani (foto)"
    assert 'href="/auteur/samira-el-idrissi/"' in byline


def test_byline_order_follows_the_order_field_not_creation(client):
    first, second = make_author(name="Eerst Gemaakt"), make_author(name="Later Gemaakt")
    article = make_article()
    ArticleAuthor.objects.create(article=article, author=first, order=2)
    ArticleAuthor.objects.create(article=article, author=second, order=1)

    page = text(client.get(article.get_absolute_url()))

    assert titles_in_order(page, ["Eerst Gemaakt", "Later Gemaakt"]) == [
        "Later Gemaakt",
        "Eerst Gemaakt",
    ]


def test_article_without_optional_parts_renders_cleanly(client):
    article = make_article(title="Kaal bericht", lead="", body="", kicker="")

    response = client.get(article.get_absolute_url())
    page = text(response)

    assert response.status_code == 200
    assert "Kaal bericht" in page
    assert 'class="byline"' not in page
    assert "<figure" not in page
    assert 'class="kicker"' not in page


def test_article_page_shows_a_significant_update(client):
    article = make_article()
    stamp = datetime(2025, 7, 11, 8, 30, tzinfo=UTC)
    Article.objects.filter(pk=article.pk).update(
        public_updated_at=stamp, update_note="Reactie van het ministerie toegevoegd."
    )

    page = text(client.get(article.get_absolute_url()))

    updated = '<time datetime="2025-07-11T10:30:00+02:00">11 juli 2025, 10:30</time>'
    assert f"Bijgewerkt: {updated}" in page
    assert "Reactie van het ministerie toegevoegd." in page


def test_related_articles_share_tags_first_then_section(client):
    now = timezone.now()
    economie, sport = make_section(name="Economie"), make_section(name="Sport")
    article = make_article(
        title="Hoofdartikel", section=economie, tags=["energie", "waterstof"]
    )
    make_article(
        title="Twee tags gedeeld",
        section=sport,
        tags=["energie", "waterstof"],
        published_at=now - timedelta(days=5),
    )
    make_article(
        title="Een tag gedeeld",
        section=sport,
        tags=["energie"],
        published_at=now - timedelta(days=1),
    )
    make_article(
        title="Zelfde rubriek", section=economie, published_at=now - timedelta(hours=2)
    )
    make_article(title="Niets gemeen", section=sport, tags=["voetbal"])
    make_article(
        title="Concept met tag",
        section=economie,
        tags=["energie"],
        status=Article.Status.DRAFT,
    )

    response = client.get(article.get_absolute_url())

    assert [a.title for a in response.context_data["related"]] == [
        "Twee tags gedeeld",
        "Een tag gedeeld",
        "Zelfde rubriek",
    ]
    assert "Meer over dit onderwerp" in text(response)


def test_related_articles_do_not_match_on_a_missing_section(client):
    article = make_article(title="Zonder rubriek")
    make_article(title="Ook zonder rubriek")

    response = client.get(article.get_absolute_url())

    assert list(response.context_data["related"]) == []
    assert "Meer over dit onderwerp" not in text(response)


def test_arabic_title_gets_a_working_url(client):
    title = "المغرب يطلق مركز بيانات للذكاء الاصطناعي"
    first = make_article(title=title)
    second = make_article(title=title)

    assert first.get_absolute_url() != second.get_absolute_url()
    for article in (first, second):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert response.context_data["article"] == article
        assert re.search(rf'<h1 [^>]*dir="auto"[^>]*>{title}</h1>', text(response))


def test_unknown_article_is_404(client):
    assert client.get("/artikel/bestaat-niet/").status_code == 404


# Unpublished content: 404 for readers, preview for editors.

UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
}


@pytest.fixture(params=list(UNPUBLISHED))
def unpublished(request):
    overrides = dict(UNPUBLISHED[request.param])
    if "published_at" in overrides:
        overrides["published_at"] = timezone.now() + timedelta(days=1)
    return make_article(title="Nog geheim", **overrides)


def test_unpublished_article_is_404_for_readers(client, unpublished):
    response = client.get(unpublished.get_absolute_url())

    assert response.status_code == 404
    assert "Nog geheim" not in text(response)


def test_unpublished_article_is_404_for_staff_without_change_permission(
    client, unpublished
):
    client.force_login(make_user("stagiair"))

    assert client.get(unpublished.get_absolute_url()).status_code == 404


def test_editor_previews_unpublished_article_with_banner_and_noindex(
    client, unpublished
):
    client.force_login(make_user("eindredacteur", perms=["articles.change_article"]))

    response = client.get(unpublished.get_absolute_url())
    page = text(response)

    assert response.status_code == 200
    assert "Voorbeeld — niet gepubliceerd" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'rel="canonical"' not in page


def test_scheduled_preview_says_when_it_goes_online(client):
    article = make_article(published_at=datetime(2031, 1, 5, 9, 0, tzinfo=UTC))
    client.force_login(make_user("eindredacteur", perms=["articles.change_article"]))

    page = text(client.get(article.get_absolute_url()))

    assert "ingepland voor 5 januari 2031, 10:00" in page


def test_editor_sees_a_published_article_without_banner(client):
    article = make_article()
    client.force_login(make_user("eindredacteur", perms=["articles.change_article"]))

    page = text(client.get(article.get_absolute_url()))

    assert "Voorbeeld — niet gepubliceerd" not in page
    assert "noindex" not in page


def test_unpublished_articles_stay_out_of_every_list(client):
    section = make_section(name="Politiek")
    author = make_author(name="Samira El Idrissi")
    published_at = timezone.now() - timedelta(hours=1)
    hidden = []
    for overrides in UNPUBLISHED.values():
        overrides = dict(overrides)
        if "published_at" in overrides:
            overrides["published_at"] = timezone.now() + timedelta(days=1)
        article = make_article(
            title="Geheim stuk",
            section=section,
            tags=["geheim"],
            authors=[author],
            **overrides,
        )
        hidden.append(article.get_absolute_url())
    public = make_article(
        title="Openbaar stuk",
        section=section,
        tags=["geheim"],
        authors=[author],
        published_at=published_at,
    ).get_absolute_url()
    day = timezone.localtime(published_at)

    for url in [
        "/",
        "/rubriek/politiek/",
        "/tag/geheim/",
        "/auteur/samira-el-idrissi/",
        "/archief/",
        f"/archief/{day.year}/",
        f"/archief/{day.year}/{day.month:02d}/",
        f"/archief/{day.year}/{day.month:02d}/{day.day:02d}/",
        "/feed/",
        "/sitemap-articles.xml",
    ]:
        response = client.get(url)
        page = text(response)
        assert response.status_code == 200, url
        # Pages show titles and links; the sitemap links only.
        assert "Geheim stuk" not in page, url
        assert [link for link in hidden if link in page] == [], url
        assert public in page, url
        if not url.endswith(".xml"):
            assert "Openbaar stuk" in page, url


# Lists


def test_section_page_lists_its_published_articles(client):
    section = make_section(name="Sport", description="Voetbal, atletiek en meer.")
    other = make_section(name="Cultuur")
    make_article(
        title="Atlasleeuwen winnen", section=section, lead="Een zege in Rabat."
    )
    make_article(title="Filmfestival opent", section=other)

    response = client.get("/rubriek/sport/")
    page = text(response)

    assert response.status_code == 200
    assert "<h1>Sport</h1>" in page
    assert "Voetbal, atletiek en meer." in page
    assert "Atlasleeuwen winnen" in page and "Een zege in Rabat." in page
    assert "Filmfestival opent" not in page
    assert 'aria-current="page">Sport</a>' in page


def test_unknown_section_tag_or_author_is_404(client):
    for url in [
        "/rubriek/bestaat-niet/",
        "/tag/bestaat-niet/",
        "/auteur/bestaat-niet/",
    ]:
        assert client.get(url).status_code == 404, url


def test_empty_section_says_so(client):
    make_section(name="Leeg")

    response = client.get("/rubriek/leeg/")

    assert response.status_code == 200
    assert "Hier zijn (nog) geen artikelen." in text(response)


def test_tag_page_lists_articles_with_that_tag(client):
    make_article(title="Over waterstof", tags=["Waterstof", "Energie"])
    make_article(title="Over voetbal", tags=["Voetbal"])

    response = client.get("/tag/waterstof/")
    page = text(response)

    assert response.status_code == 200
    assert "Waterstof</h1>" in page
    assert "Over waterstof" in page
    assert "Over voetbal" not in page
    # One row per article, even with several tags.
    assert page.count("Over waterstof</a>") == 1


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.KILLED]
)
def test_a_tag_only_unpublished_articles_carry_is_not_found(client, status):
    article = make_article(title="Onder embargo", tags=["Overname OCP"], status=status)
    scheduled = make_article(
        tags=["Fusie"], published_at=timezone.now() + timedelta(hours=2)
    )

    for slug in ("overname-ocp", "fusie"):
        for url in (f"/tag/{slug}/", f"/tag/{slug}/feed/", f"/tag/{slug}/atom/"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Overname OCP" not in text(response)

    # Once out, the tag is there.
    article.status = Article.Status.PUBLISHED
    article.save()
    assert client.get("/tag/overname-ocp/").status_code == 200
    assert client.get("/tag/overname-ocp/feed/").status_code == 200
    assert scheduled.tags.get().slug == "fusie"


def test_author_page_shows_bio_and_their_articles(client):
    samira = make_author(name="Samira El Idrissi", bio="Correspondent in Rabat.")
    karim = make_author(name="Karim Amrani")
    make_article(title="Samen geschreven", authors=[samira, karim])
    make_article(title="Alleen Karim", authors=[karim])

    response = client.get(samira.get_absolute_url())
    page = text(response)

    assert response.status_code == 200
    assert "Samira El Idrissi</h1>" in page
    assert "Correspondent in Rabat." in page
    assert "Samen geschreven" in page
    assert "Alleen Karim" not in page


def test_lists_are_paginated(client, settings):
    section = make_section(name="Economie")
    now = timezone.now()
    for n in range(45):
        make_article(
            title=f"Bericht {n:02d}",
            section=section,
            published_at=now - timedelta(hours=n + 1),
        )

    first = client.get("/rubriek/economie/")
    third = client.get("/rubriek/economie/?page=3")

    assert len(first.context_data["object_list"]) == 20
    assert first.context_data["object_list"][0].title == "Bericht 00"
    assert 'rel="next" href="?page=2"' in text(first)
    assert (
        'aria-current="page"><span class="visually-hidden">Pagina </span>1</a>'
        in text(first)
    )
    assert [a.title for a in third.context_data["object_list"]] == [
        f"Bericht {n}" for n in range(40, 45)
    ]
    assert 'rel="prev" href="?page=2"' in text(third)
    assert 'rel="next"' not in text(third)
    assert client.get("/rubriek/economie/?page=4").status_code == 404
    assert client.get("/rubriek/economie/?page=abc").status_code == 404


@pytest.mark.parametrize(
    "page", ["99999999999999999999999", "9223372036854775807", "1" + "0" * 5000]
)
def test_a_page_number_past_any_database_integer_is_404(client, page):
    published_at = datetime(2025, 7, 10, 12, tzinfo=UTC)
    make_article(
        title="Enig stuk",
        section=make_section(name="Economie"),
        tags=["Havens"],
        authors=[make_author(name="Samira El Idrissi")],
        published_at=published_at,
    )

    for path in [
        "/rubriek/economie/",
        "/tag/havens/",
        "/auteur/samira-el-idrissi/",
        "/archief/",
        "/archief/2025/",
        "/archief/2025/07/",
        "/archief/2025/07/10/",
    ]:
        assert client.get(path, {"page": page}).status_code == 404, path
        assert client.get(path).status_code == 200, path


# Date archive


def test_archive_index_lists_years_and_articles(client):
    make_article(title="Uit 2024", published_at=datetime(2024, 3, 1, 12, tzinfo=UTC))
    make_article(title="Uit 2025", published_at=datetime(2025, 7, 10, 12, tzinfo=UTC))

    response = client.get(reverse("articles:archive"))
    page = text(response)

    assert response.status_code == 200
    assert 'href="/archief/2024/"' in page and 'href="/archief/2025/"' in page
    assert titles_in_order(page, ["Uit 2024", "Uit 2025"]) == ["Uit 2025", "Uit 2024"]


def test_archive_year_month_and_day(client):
    make_article(
        title="Juli-artikel", published_at=datetime(2025, 7, 10, 12, tzinfo=UTC)
    )
    make_article(
        title="Maart-artikel", published_at=datetime(2025, 3, 2, 12, tzinfo=UTC)
    )

    year = text(client.get("/archief/2025/"))
    month = text(client.get("/archief/2025/07/"))
    day = text(client.get("/archief/2025/07/10/"))

    assert "Juli-artikel" in year and "Maart-artikel" in year
    assert 'href="/archief/2025/07/">juli</a>' in year
    assert "<h1>juli 2025</h1>" in month
    assert "Juli-artikel" in month and "Maart-artikel" not in month
    assert 'href="/archief/2025/07/10/">10 juli</a>' in month
    assert 'rel="prev" href="/archief/2025/03/">← maart 2025</a>' in month
    assert "<h1>donderdag 10 juli 2025</h1>" in day
    assert "Juli-artikel" in day


def test_archive_uses_the_amsterdam_calendar_day(client):
    # 22:30 UTC on 10 July is 00:30 on 11 July in Amsterdam.
    make_article(
        title="Na middernacht", published_at=datetime(2025, 7, 10, 22, 30, tzinfo=UTC)
    )

    assert "Na middernacht" in text(client.get("/archief/2025/07/11/"))
    assert client.get("/archief/2025/07/10/").status_code == 404


def test_archive_of_an_empty_period_is_404(client):
    assert client.get("/archief/1999/").status_code == 404
    assert client.get("/archief/2025/13/").status_code == 404


def test_archive_steps_skip_periods_without_public_articles(client):
    make_article(title="Januari", published_at=datetime(2025, 1, 5, 12, tzinfo=UTC))
    make_article(title="Juli", published_at=datetime(2025, 7, 10, 12, tzinfo=UTC))
    make_article(title="Oktober", published_at=datetime(2025, 10, 1, 12, tzinfo=UTC))
    # Between them only articles a reader cannot see: no step may land there.
    make_article(
        published_at=datetime(2025, 4, 1, 12, tzinfo=UTC),
        status=Article.Status.DRAFT,
    )
    make_article(
        published_at=datetime(2025, 8, 1, 12, tzinfo=UTC),
        expires_at=datetime(2025, 8, 2, 12, tzinfo=UTC),
    )
    make_article(published_at=datetime(2024, 6, 1, 12, tzinfo=UTC))

    month = text(client.get("/archief/2025/07/"))
    day = text(client.get("/archief/2025/07/10/"))
    year = text(client.get("/archief/2025/"))

    assert 'rel="prev" href="/archief/2025/01/">← januari 2025</a>' in month
    assert 'rel="next" href="/archief/2025/10/">oktober 2025 →</a>' in month
    assert 'rel="prev" href="/archief/2025/01/05/">← 5 januari 2025</a>' in day
    assert 'rel="next" href="/archief/2025/10/01/">1 oktober 2025 →</a>' in day
    assert 'rel="prev" href="/archief/2024/">← 2024</a>' in year
    assert 'rel="next"' not in year
