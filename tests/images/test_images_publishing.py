"""Alt text is required before an article with a lead image goes out, unless the
editor marked the image decorative."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article
from tests.factories import make_article, make_image, make_member
from tests.helpers import post_change

pytestmark = pytest.mark.django_db

Status = Article.Status
NO_ALT = (
    "De hoofdafbeelding heeft nog geen alt-tekst. Beschrijf bij de afbeelding "
    "(potlood naast ‘Hoofdafbeelding’) wat erop te zien is, of vink daar "
    "‘decoratief’ aan als ze niets toevoegt."
)


def test_publishing_with_an_image_without_alt_text_is_refused(editor_client):
    article = make_article(status=Status.REVIEW, lead_image=make_image(alt=""))

    response = post_change(editor_client, article, _transition="publish")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead_image"] == [NO_ALT]
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_a_decorative_image_needs_no_alt_text(editor_client):
    article = make_article(
        status=Status.REVIEW, lead_image=make_image(alt="", decorative=True)
    )

    response = post_change(editor_client, article, _transition="publish")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_alt_text_of_only_spaces_does_not_count():
    article = make_article(status=Status.DRAFT, lead_image=make_image(alt="   "))

    with pytest.raises(workflow.NotPublishable):
        workflow.check_publishable(article)


def test_an_article_without_image_or_with_alt_text_publishes(editor_client):
    plain = make_article(status=Status.REVIEW)
    described = make_article(
        status=Status.REVIEW, lead_image=make_image(alt="Vissers bij Essaouira")
    )

    for article in [plain, described]:
        response = post_change(editor_client, article, _transition="publish")
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED


def test_the_image_chosen_in_the_same_save_is_the_one_checked(editor_client):
    article = make_article(
        status=Status.REVIEW, lead_image=make_image(alt="Met beschrijving")
    )
    bare = make_image(alt="")

    response = post_change(
        editor_client, article, lead_image=str(bare.pk), _transition="publish"
    )

    assert response.context["adminform"].form.errors["lead_image"] == [NO_ALT]


def test_putting_an_image_without_alt_on_a_live_article_is_refused(editor_client):
    article = make_article(lead_image=None)
    bare = make_image(alt="")

    response = post_change(
        editor_client, article, lead_image=str(bare.pk), change_kind="minor"
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead_image"] == [NO_ALT]
    article.refresh_from_db()
    assert article.lead_image is None


def test_other_edits_of_a_live_article_are_not_blocked_by_its_old_image(
    editor_client,
):
    # Articles from before the image library may have images without alt text; a
    # typo fix must not wait for it.
    article = make_article(title="Tikfuot", lead_image=make_image(alt=""))

    response = post_change(editor_client, article, title="Tikfout", change_kind="minor")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Tikfout"


def test_bulk_publish_skips_articles_whose_image_lacks_alt_text(editor_client):
    ready = make_article(title="Klaar", status=Status.REVIEW)
    bare = make_image(alt="")
    waiting = make_article(
        title="Foto zonder alt", status=Status.REVIEW, lead_image=bare
    )

    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, waiting.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert "1 artikel gepubliceerd." in messages
    skipped = [m for m in messages if m.startswith("‘Foto zonder alt’ overgeslagen")]
    assert len(skipped) == 1
    assert "heeft nog geen alt-tekst" in skipped[0]
    assert reverse("admin:images_image_change", args=[bare.pk]) in skipped[0]
    ready.refresh_from_db()
    waiting.refresh_from_db()
    assert ready.status == Status.PUBLISHED
    assert waiting.status == Status.REVIEW


def test_apply_transition_refuses_too():
    editor = make_member("nadia", "eindredacteur")
    article = make_article(status=Status.DRAFT, lead_image=make_image(alt=""))

    with pytest.raises(workflow.NotPublishable, match="alt-tekst"):
        workflow.apply_transition(article, "publish", editor)
    assert article.status == Status.DRAFT


def test_alt_text_cannot_be_removed_from_an_image_on_a_live_article(admin_client):
    image = make_image(alt="Koning opent de haven")
    make_article(title="Haven geopend", lead_image=image)

    response = admin_client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {"alt": "  ", "focal_x": "0.5", "focal_y": "0.5"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alt"] == [
        "Deze afbeelding staat bij een gepubliceerd artikel (‘Haven geopend’): vul "
        "een alt-tekst in of vink ‘decoratief’ aan."
    ]
    # Marking it decorative is allowed.
    response = admin_client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {"alt": "", "decorative": "on", "focal_x": "0.5", "focal_y": "0.5"},
    )
    assert response.status_code == 302
