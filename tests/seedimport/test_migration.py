"""The import log moved from the project package to seedimport: a database from the
previous release keeps its rows, its table, and the permissions groups hold on it."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from seedimport.models import SeedRecord
from tests.factories import make_article, make_ticker_item, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader


@pytest.fixture
def previous_release():
    """Return the apps as the previous release had them: the log in newsroom."""
    loader = migrate([("seedimport", None)])
    nodes = [
        node
        for node in loader.graph.leaf_nodes()
        if node[0] not in {"seedimport", "newsroom"}
    ]
    nodes.append(("newsroom", "0001_seed_import_log"))
    yield loader.project_state(nodes).apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_import_log_rows_and_permissions_survive_the_move(previous_release):
    apps = previous_release
    assert "seedimport" not in {model._meta.app_label for model in apps.get_models()}
    OldRecord = apps.get_model("newsroom", "SeedRecord")
    article = make_article(title="Regen in Rabat")
    item = make_ticker_item(headline="Stroom terug in Fès")
    for line, kind, key, target in [
        (3, "article", article.title, {"article_id": article.pk}),
        (1, "ticker", item.headline, {"ticker_item_id": item.pk}),
    ]:
        OldRecord.objects.create(
            source="a.txt",
            line=line,
            kind=kind,
            key=key,
            fingerprint="f" * 64,
            **target,
        )
    # As the previous release left them: the content type under "newsroom", a group
    # allowed to read the log, an admin history entry.
    old_type = ContentType.objects.get(app_label="newsroom", model="seedrecord")
    group = Group.objects.create(name="Importcontrole")
    group.permissions.add(
        Permission.objects.get(content_type=old_type, codename="view_seedrecord")
    )
    user = make_user(username="ops")
    LogEntry.objects.create(
        user=user,
        content_type=old_type,
        object_id="1",
        object_repr="a.txt:3",
        action_flag=CHANGE,
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    entries = list(SeedRecord.objects.order_by("line"))
    assert [(e.line, e.kind, e.key) for e in entries] == [
        (1, "ticker", "Stroom terug in Fès"),
        (3, "article", "Regen in Rabat"),
    ]
    assert entries[0].ticker_item == item
    assert entries[1].article == article
    assert SeedRecord._meta.db_table == "newsroom_seedrecord"
    new_type = ContentType.objects.get_for_model(SeedRecord)
    assert new_type.pk == old_type.pk
    assert new_type.app_label == "seedimport"
    assert not ContentType.objects.filter(app_label="newsroom", model="seedrecord")
    user.groups.add(group)
    assert make_user(username="ops2").has_perm("seedimport.view_seedrecord") is False
    assert type(user).objects.get(pk=user.pk).has_perm("seedimport.view_seedrecord")
    assert LogEntry.objects.get().content_type == new_type


def test_the_import_log_table_is_never_dropped_going_back(previous_release):
    """Unapplying the move (the fixture did) keeps the table: a rollback to the
    previous release finds its log."""
    OldRecord = previous_release.get_model("newsroom", "SeedRecord")
    assert OldRecord._meta.db_table == "newsroom_seedrecord"
    assert "newsroom_seedrecord" in connection.introspection.table_names()
    assert ContentType.objects.filter(app_label="newsroom", model="seedrecord")
