"""The rich-text editor's set-up, checked without a browser."""

import re

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django_prose_editor.fields import ProseEditorField
from reversion.models import Version

from editing.admin import EditingAdminMixin
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_every_admin_with_rich_text_gets_the_nonce_on_every_form_page():
    rich = [
        model
        for model in apps.get_models()
        if any(isinstance(f, ProseEditorField) for f in model._meta.get_fields())
    ]
    assert rich  # the article body at least
    for model in rich:
        assert isinstance(admin.site.get_model_admin(model), EditingAdminMixin)


def test_the_restore_page_carries_the_import_map_with_the_nonce(editor_client):
    article = make_article(title="Eerste kop")
    with reversion.create_revision():
        article.save()
    with reversion.create_revision():
        article.title = "Tweede kop"
        article.save()
    old = Version.objects.get_for_object(article).last()

    response = editor_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    )

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    page = response.content.decode()
    assert nonce
    assert f'<script type="importmap" nonce="{nonce[1]}">' in page
    assert (
        "unsafe-inline"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_the_dialogs_dutch_texts_come_from_the_javascript_catalog(editor_client):
    catalog = editor_client.get(reverse("admin:jsi18n")).content.decode()

    assert '"Edit Link": "Link bewerken"' in catalog
    assert '"Update": "Bijwerken"' in catalog
