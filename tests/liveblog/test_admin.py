"""Running a live blog from its admin page: posting, editing, approving, permissions."""

import re

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import ArticleAuthor
from liveblog.models import LiveBlog, LiveBlogUpdate
from tests.editing.helpers import conflict_rows, page_data, resolved_data
from tests.factories import make_article, make_author, make_image, make_member
from tests.helpers import client_for
from tests.liveblog.helpers import make_liveblog, make_update
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db


def change_url(liveblog):
    return reverse("admin:liveblog_liveblog_change", args=[liveblog.pk])


def post_url(liveblog):
    return reverse("admin:liveblog_liveblog_post", args=[liveblog.pk])


@pytest.fixture
def editor(client):
    user = make_member("eindredacteur", "eindredacteur")
    make_author(name="Nadia Eindredacteur", user=user)
    return user


@pytest.fixture
def reporter():
    user = make_member("verslaggever", "verslaggever")
    make_author(name="Youssef Verslaggever", user=user)
    return user


def byline(liveblog, user):
    ArticleAuthor.objects.create(article=liveblog.article, author=user.author)


def test_editor_posts_an_update_from_the_live_blog_page(client, editor):
    liveblog = make_liveblog()
    client.force_login(editor)

    page = client.get(change_url(liveblog))
    assert page.status_code == 200
    assert 'id="liveblog-post"' in page.content.decode()

    response = client.post(
        post_url(liveblog),
        {"title": "Eerste beving", "body": "<p>De grond trilde.</p>"},
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(liveblog) + "#updates"
    update = LiveBlogUpdate.objects.get()
    assert update.title == "Eerste beving" and update.approved
    assert update.author == editor.author and update.created_by == editor
    assert Version.objects.get_for_object(update).count() == 1
    listed = client.get(change_url(liveblog)).content.decode()
    assert "Eerste beving" in listed


def test_a_form_error_keeps_the_text_and_saves_nothing(client, editor):
    liveblog = make_liveblog()
    client.force_login(editor)

    response = client.post(
        post_url(liveblog), {"title": "Alleen een kop, geen tekst", "key_event": "on"}
    )

    assert response.status_code == 400
    assert "Alleen een kop, geen tekst" in response.content.decode()
    # The editor comes back too: its import map carries the page's nonce.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert f'<script type="importmap" nonce="{nonce[1]}">' in response.content.decode()
    assert "Een update heeft tekst" in response.content.decode()
    assert not LiveBlogUpdate.objects.exists()


def test_an_image_without_alt_text_is_a_form_error(client, editor):
    liveblog = make_liveblog()
    client.force_login(editor)

    response = client.post(
        post_url(liveblog), {"body": "<p>Foto</p>", "image": make_image(alt="").pk}
    )

    assert response.status_code == 400
    assert "alt-tekst" in response.content.decode()
    assert not LiveBlogUpdate.objects.exists()


def test_a_reporter_on_the_byline_may_post(client, reporter):
    liveblog = make_liveblog()
    byline(liveblog, reporter)
    client.force_login(reporter)
    page = client.get(change_url(liveblog)).content.decode()
    # The form to post, but not the buttons that start or end coverage.
    assert 'id="liveblog-post"' in page and "Verslag beëindigen" not in page

    response = client.post(post_url(liveblog), {"body": "<p>Ter plaatse.</p>"})

    assert response.status_code == 302
    assert LiveBlogUpdate.objects.get().approved


def test_a_reporter_who_is_not_a_byline_cannot_post(client, reporter):
    liveblog = make_liveblog()
    client.force_login(reporter)

    response = client.post(post_url(liveblog), {"body": "<p>Ter plaatse.</p>"})

    assert response.status_code == 403
    assert not LiveBlogUpdate.objects.exists()
    # Nor does the live blog show up for them.
    assert client.get(change_url(liveblog)).status_code == 302


def test_reporter_updates_wait_for_approval_when_the_live_blog_says_so(
    client, reporter, editor
):
    liveblog = make_liveblog(reporter_approval=True)
    byline(liveblog, reporter)
    client.force_login(reporter)
    client.post(post_url(liveblog), {"body": "<p>Nog niet bevestigd.</p>"})
    update = LiveBlogUpdate.objects.get()
    assert not update.approved
    assert (
        "Nog niet bevestigd"
        not in client.get(liveblog.article.get_absolute_url()).content.decode()
    )
    # The reporter cannot approve it.
    approve = reverse(
        "admin:liveblog_liveblog_update_action",
        args=[liveblog.pk, update.pk, "approve"],
    )
    assert client.post(approve).status_code == 403

    client.force_login(editor)
    assert client.post(approve).status_code == 302
    update.refresh_from_db()
    assert update.approved
    client.logout()
    assert (
        "Nog niet bevestigd"
        in client.get(liveblog.article.get_absolute_url()).content.decode()
    )


def test_nobody_posts_to_an_ended_live_blog(client, editor):
    liveblog = make_liveblog(state=LiveBlog.State.ENDED)
    client.force_login(editor)

    assert (
        client.post(post_url(liveblog), {"body": "<p>Te laat</p>"}).status_code == 403
    )


def test_starting_and_ending_coverage_from_the_page(client, editor):
    liveblog = make_liveblog(state=LiveBlog.State.UPCOMING)
    client.force_login(editor)
    state_url = reverse("admin:liveblog_liveblog_state", args=[liveblog.pk])

    client.post(state_url, {"state": "live"})
    liveblog.refresh_from_db()
    assert liveblog.is_live and liveblog.coverage_start is not None

    client.post(state_url, {"state": "ended"})
    liveblog.refresh_from_db()
    assert liveblog.is_ended and liveblog.coverage_end is not None
    assert Version.objects.get_for_object(liveblog).count() == 2


def test_a_reporter_cannot_end_coverage(client, reporter):
    liveblog = make_liveblog()
    byline(liveblog, reporter)
    client.force_login(reporter)

    state_url = reverse("admin:liveblog_liveblog_state", args=[liveblog.pk])
    assert client.post(state_url, {"state": "ended"}).status_code == 403
    liveblog.refresh_from_db()
    assert liveblog.is_live


def test_a_key_event_can_go_to_the_ticker(client, editor):
    liveblog = make_liveblog()
    client.force_login(editor)

    client.post(
        post_url(liveblog),
        {
            "title": "Kracht 6,8 gemeten",
            "body": "<p>Het KNMI meldt...</p>",
            "key_event": "on",
            "push_to_ticker": "on",
        },
    )

    item = TickerItem.objects.get()
    assert item.headline == "Kracht 6,8 gemeten"
    assert item.article == liveblog.article and item.is_visible


def test_only_a_key_event_goes_to_the_ticker(client, editor):
    liveblog = make_liveblog()
    client.force_login(editor)

    response = client.post(
        post_url(liveblog),
        {"title": "Kop", "body": "<p>Tekst</p>", "push_to_ticker": "on"},
    )

    assert response.status_code == 400
    assert not TickerItem.objects.exists() and not LiveBlogUpdate.objects.exists()


def edit_data(update, **changes):
    data = {
        "published_at_0": update.published_at.strftime("%Y-%m-%d"),
        "published_at_1": update.published_at.strftime("%H:%M:%S"),
        "title": update.title,
        "body": update.body,
        "quote": update.quote,
        "quote_source": update.quote_source,
        "approved": "on",
        "edit_version": update.version,
    }
    data.update(changes)
    return data


def test_editing_marks_the_update_as_edited(client, editor):
    liveblog = make_liveblog()
    update = make_update(liveblog, title="Eerst")
    client.force_login(editor)
    url = reverse("admin:liveblog_liveblogupdate_change", args=[update.pk])

    response = client.post(url, edit_data(update, title="Daarna"))

    assert response.status_code == 302, response.content.decode()[:3000]
    update.refresh_from_db()
    assert update.title == "Daarna" and update.edited_at is not None
    page = client.get(liveblog.article.get_absolute_url()).content.decode()
    assert "Bewerkt:" in page


def update_url(update):
    return reverse("admin:liveblog_liveblogupdate_change", args=[update.pk])


@pytest.fixture
def two_editors(editor):
    samira = make_member("samira", "eindredacteur", first_name="Samira")
    make_author(name="Samira Bennani", user=samira)
    return client_for(editor), client_for(samira)


def test_the_second_save_of_one_update_shows_the_conflict_and_loses_nothing(
    two_editors,
):
    nadia, samira = two_editors
    update = make_update(make_liveblog(), title="Eerst", body="<p>Eerste tekst.</p>")
    url = update_url(update)
    mine = nadia.get(url)  # Nadia opens the update ...
    theirs = samira.get(url)  # ... and so does Samira, who saves first.
    response = samira.post(
        url, page_data(theirs, body="<p>Tekst van Samira over de beving.</p>")
    )
    assert response.status_code == 302

    stale = page_data(mine, body="<p>Tekst van Nadia over de schade.</p>")
    response = nadia.post(url, stale)

    # Nothing saved: Samira's text stays, Nadia's is still in her form.
    assert response.status_code == 200
    update.refresh_from_db()
    assert update.body == "<p>Tekst van Samira over de beving.</p>"
    rows = conflict_rows(response)
    assert list(rows) == ["body"]
    assert rows["body"].both_changed and rows["body"].choice == ""
    page = response.content.decode()
    assert "Tekst van Samira over de beving." in page
    assert "Tekst van Nadia over de schade." in page
    assert "Mijn versie houden" in page
    # The old form, sent again, is refused again.
    assert nadia.post(url, stale).status_code == 200
    update.refresh_from_db()
    assert "Samira" in update.body

    # Undecided, the rebuilt form is not saved either; decided, it is.
    assert nadia.post(url, resolved_data(response)).status_code == 200
    response = nadia.post(url, resolved_data(response, _keep_body="mine"))
    assert response.status_code == 302
    assert response["Location"] == change_url(update.liveblog) + "#updates"
    update.refresh_from_db()
    assert update.body == "<p>Tekst van Nadia over de schade.</p>"
    assert update.edited_at is not None


def test_changes_to_different_fields_of_one_update_are_both_kept(two_editors):
    nadia, samira = two_editors
    update = make_update(make_liveblog(), title="Eerst", body="<p>Eerste tekst.</p>")
    url = update_url(update)
    mine = nadia.get(url)
    theirs = samira.get(url)
    assert (
        samira.post(url, page_data(theirs, title="Kop van Samira")).status_code == 302
    )

    response = nadia.post(url, page_data(mine, body="<p>Tekst van Nadia.</p>"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["title"].value() == "Kop van Samira"  # not touched by Nadia
    assert conflict_rows(response)["body"].choice == "mine"  # only she changed it
    assert nadia.post(url, resolved_data(response)).status_code == 302
    update.refresh_from_db()
    assert (update.title, update.body) == ("Kop van Samira", "<p>Tekst van Nadia.</p>")


def test_the_update_form_carries_the_editor_nonce_and_presence(two_editors):
    nadia, samira = two_editors
    update = make_update(make_liveblog())
    url = update_url(update)
    samira.get(url)

    response = nadia.get(url)

    page = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert f'<script type="importmap" nonce="{nonce[1]}">' in page
    assert "Samira bewerkt dit liveblog-update ook" in page
    assert page.count('name="edit_version"') == 1


def test_the_live_blog_page_carries_the_editor_nonce(client, editor):
    liveblog = make_liveblog()
    client.force_login(editor)

    response = client.get(change_url(liveblog))

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    page = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce[1]}">' in page
    assert 'id="id_body" data-django-prose-editor-' in page


def test_only_editors_delete_updates(client, editor, reporter):
    liveblog = make_liveblog()
    byline(liveblog, reporter)
    client.force_login(reporter)
    client.post(post_url(liveblog), {"body": "<p>Van mij</p>"})
    update = LiveBlogUpdate.objects.get()
    delete = reverse("admin:liveblog_liveblogupdate_delete", args=[update.pk])

    assert client.post(delete, {"post": "yes"}).status_code == 403
    # The reporter may still edit their own update.
    change = reverse("admin:liveblog_liveblogupdate_change", args=[update.pk])
    assert client.get(change).status_code == 200

    client.force_login(editor)
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == change_url(liveblog) + "#updates"
    assert not LiveBlogUpdate.objects.exists()


def test_a_reporter_cannot_edit_someone_elses_update(client, reporter):
    liveblog = make_liveblog()
    byline(liveblog, reporter)
    update = make_update(liveblog)
    client.force_login(reporter)

    url = reverse("admin:liveblog_liveblogupdate_change", args=[update.pk])
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_a_reporter_without_an_author_sees_no_live_blogs(client):
    from articles.models import Article

    make_liveblog(article=make_article())
    user = make_member("zonder-auteur", "verslaggever")
    client.force_login(user)

    page = client.get(reverse("admin:liveblog_liveblog_changelist"))

    assert page.status_code == 200
    assert Article.objects.count() == 1
    assert "0 liveblogs" in page.content.decode()
