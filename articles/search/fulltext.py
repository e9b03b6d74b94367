"""SQLite's full-text index of the articles: an FTS5 table kept in sync by triggers.

articles_article_fts is an external-content FTS5 table over articles_article (title,
lead, body; rowid = the article's id): it stores only the index, not a second copy
of the text. The unicode61 tokenizer folds case and diacritics ("Mauritanie" finds
"Mauritanië"). The body is indexed as stored, HTML included: the tokenizer splits on
< > = " and the like, so tag and attribute names ("p", "em", "href") become words of
their own. Stripping them would need a function of our own inside the triggers, and
then every client that writes the table (the sqlite3 shell, a restore) would need it
too; a search for "em" finding emphasis is the price, as it was before.

The vocabulary (articles_article_fts_vocab, an fts5vocab table over the index, its
words in order: migration 0012_sqlite_fulltext_vocabulary) tells search whether a
word is a prefix of any other indexed word (articles/search/sqlite.py).

Migration 0009_sqlite_fulltext calls install() (SQLite only). Django's SQLite schema
editor rebuilds a table for many ALTERs (copy, drop, rename), and dropping the old
table drops its triggers: ensure_triggers() runs after every migrate and restores them
and the index. PostgreSQL has its own search (postgres.py) and none of this.
"""

from django.db import DatabaseError

TABLE = "articles_article_fts"
VOCABULARY = f"{TABLE}_vocab"
COLUMNS = "title, lead, body"
_OLD = "old.id, old.title, old.lead, old.body"
_NEW = "new.id, new.title, new.lead, new.body"

CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({COLUMNS}, "
    "content='articles_article', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')"
)
# One row per occurrence ('instance'), read in the order of the words: the first
# word from a given one on costs one lookup; a 'row' vocabulary would count every
# document of each word it passes.
CREATE_VOCABULARY = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCABULARY} "
    f"USING fts5vocab({TABLE}, 'instance')"
)
# An external-content index forgets a row by being told its old values ('delete').
# Django's save() writes every column: the update trigger only reindexes when the
# text changed, not for a status or a time.
TRIGGERS = {
    f"{TABLE}_insert": (
        "AFTER INSERT ON articles_article BEGIN "
        f"INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES ({_NEW}); END"
    ),
    f"{TABLE}_delete": (
        "AFTER DELETE ON articles_article BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ('delete', {_OLD}); "
        "END"
    ),
    f"{TABLE}_update": (
        "AFTER UPDATE OF title, lead, body ON articles_article "
        "WHEN old.title IS NOT new.title OR old.lead IS NOT new.lead "
        "OR old.body IS NOT new.body BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ('delete', {_OLD}); "
        f"INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES ({_NEW}); END"
    ),
}

# Per database: which of the index and its vocabulary exist? Asked once, not on
# every search.
_ready = {}


def fts5_available(connection):
    """Return whether this SQLite has the FTS5 module (nearly every build does)."""
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                "CREATE VIRTUAL TABLE temp.newsroom_fts5_probe USING fts5(x)"
            )
        except DatabaseError:
            return False
        cursor.execute("DROP TABLE temp.newsroom_fts5_probe")
    return True


def install(connection):
    """Create the index and its triggers, and fill it from the existing articles.

    Returns False, changing nothing, on an SQLite without FTS5: search then falls
    back to substring matching.
    """
    if not fts5_available(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        _create_triggers(cursor)
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    _ready.clear()
    return True


def uninstall(connection):
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {VOCABULARY}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    _ready.clear()


def install_vocabulary(connection):
    """Create the vocabulary of the index, if there is an index."""
    if not is_ready(connection, cached=False):
        return
    with connection.cursor() as cursor:
        cursor.execute(CREATE_VOCABULARY)
    _ready.clear()


def uninstall_vocabulary(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {VOCABULARY}")
    _ready.clear()


def _create_triggers(cursor):
    for name, body in TRIGGERS.items():
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def ensure_triggers(using="default", **kwargs):
    """post_migrate: put back triggers that a table rebuild dropped, and reindex."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or not is_ready(connection, cached=False):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            f"AND name IN ({', '.join(['%s'] * len(TRIGGERS))})",
            list(TRIGGERS),
        )
        if cursor.fetchone()[0] == len(TRIGGERS):
            return
        _create_triggers(cursor)
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def is_ready(connection, *, cached=True):
    """Return whether this (SQLite) database has the full-text index."""
    return TABLE in _tables(connection, cached=cached)


def has_vocabulary(connection):
    """Return whether this (SQLite) database has the index's vocabulary."""
    return VOCABULARY in _tables(connection)


def _tables(connection, *, cached=True):
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    if not cached or key not in _ready:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name IN (%s, %s)",
                [TABLE, VOCABULARY],
            )
            _ready[key] = {name for (name,) in cursor.fetchall()}
    return _ready[key]
