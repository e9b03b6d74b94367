"""Writing many rows fast: multi-row INSERTs, or one streaming COPY on PostgreSQL;
ids reserved ahead, and the tables vacuumed and analyzed afterwards."""

import contextlib
import re

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Max

from articles.models import (
    Article,
)

# On PostgreSQL the articles stream in through one COPY while the bylines and tag
# links of this many wait in memory (about 20 MB of them at 50,000).
HOLD = 50_000


def vacuum(*models):
    """Vacuum and analyze the tables just filled, once the load is committed
    (PostgreSQL).

    ANALYZE gives the planner the new rows' statistics; VACUUM marks their pages
    all-visible, without which an index-only scan must visit the table for every
    row and PostgreSQL prefers reading the whole table for a count (the sitemap
    index: 150 ms instead of 7 at 100,000 articles). Autovacuum does both a minute
    or so later, where it is on. Inside a transaction (a test) only ANALYZE can run.
    (SQLite keeps no statistics unless asked, and the site's queries do not rely
    on them.)
    """
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "postgresql":
        return
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    command = "ANALYZE" if in_transaction else "VACUUM (ANALYZE)"
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        try:
            # A savepoint in a transaction; without the rights to vacuum a table,
            # the load stays as it is.
            with contextlib.ExitStack() as stack:
                if in_transaction:
                    stack.enter_context(transaction.atomic())
                cursor = stack.enter_context(connection.cursor())
                cursor.execute(f"{command} {table}")
        except DatabaseError:
            pass


def compress_quickly():
    """Have PostgreSQL compress this transaction's long values with lz4, not pglz.

    An article's body and its search document (a generated column) are compressed
    as they are stored; pglz took about a twelfth of the server's time for a load.
    The values read back the same, and a later save compresses by the server's own
    setting again. Skipped where PostgreSQL was built without lz4.
    """
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "postgresql":
        return
    try:
        # A savepoint, as in vacuum(); a released one keeps the setting.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL default_toast_compression = lz4")
    except DatabaseError:
        pass


def reserve_ids(model, count):
    """Return count unused primary keys for model, in ascending order.

    Ids known before the rows are written, so that an article's related list can
    name articles written after it. Never an id a deleted row had: on SQLite the
    table's AUTOINCREMENT counter is read too, on PostgreSQL its sequence hands them
    out.
    """
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        top = model._meta.default_manager.aggregate(top=Max("pk"))["top"] or 0
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table]
            )
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return range(top + 1, top + 1 + count)


class BulkWriter:
    """Insert many model instances, and plain rows for a few link tables, within
    the caller's transaction; use as a context manager, which writes what is left.

    Elsewhere than on PostgreSQL everything goes in at once, as multi-row INSERTs.
    On PostgreSQL the instances stream in through one COPY that stays open from one
    write_objects() to the next: the server stores a batch (its search document
    and index entries, most of a load's time) while Python composes the next one
    on the other core, instead of each waiting for the other batch by batch. One
    connection runs one COPY at a time, so the link rows wait in memory until
    every `hold` instances and the end. No query can run while the COPY is open:
    psycopg would wait for its connection forever, so a guard raises instead.
    """

    def __init__(self, model, *, hold=HOLD):
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        self.stream = self.connection.vendor == "postgresql"
        self.hold = hold
        self.held = {}
        self.streamed = 0
        self.copy = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            self.flush()
        elif self.copy is not None:
            # Ends the COPY with the error, so that the transaction rolls back.
            self.copy, stack = None, self.copy_stack
            stack.__exit__(*exc_info)

    def write_objects(self, objs):
        """Insert unsaved instances, their primary keys set first (reserve_ids())."""
        fields, rows = object_rows(self.connection, self.model, objs)
        if self.stream:
            if self.copy is None:
                self.open_copy(fields)
            write_row = self.copy.write_row
            for row in rows:
                write_row(row)
            self.streamed += len(rows)
        else:
            _insert(self.connection, self.model, fields, rows)
        if self.streamed >= self.hold:
            self.flush()

    def write_rows(self, model, field_names, rows):
        """Insert plain value tuples into model's table (insert_rows())."""
        if self.stream:
            self.held.setdefault((model, tuple(field_names)), []).extend(rows)
        else:
            insert_rows(model, field_names, rows)

    def flush(self):
        if self.copy is not None:
            self.copy, stack = None, self.copy_stack
            stack.close()
        for (model, field_names), rows in self.held.items():
            insert_rows(model, field_names, rows)
        self.held.clear()
        self.streamed = 0

    def open_copy(self, fields):
        from psycopg.copy import QueuedLibpqWriter

        connection = self.connection
        with contextlib.ExitStack() as stack:
            cursor = stack.enter_context(connection.cursor()).cursor
            stack.enter_context(connection.wrap_database_errors)
            stack.enter_context(connection.execute_wrapper(no_queries))
            # The writer sends the rows from a thread of its own, so that composing
            # goes on while the server is slower to take them.
            self.copy = stack.enter_context(
                copy_in(
                    connection,
                    cursor,
                    self.model,
                    fields,
                    writer=QueuedLibpqWriter(cursor),
                )
            )
            self.copy_stack = stack.pop_all()


def no_queries(execute, sql, params, many, context):
    raise RuntimeError(f"No query while rows stream in through COPY: {sql}")


def object_rows(connection, model, objs):
    """Return model's concrete fields and the values of objs for them, as saving
    them would store them.

    Without bulk_create()'s SQL compiler, which took a sixth of a load preparing
    every value of every row.
    """
    fields = model._meta.concrete_fields
    rows = [
        [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for field in fields
        ]
        for obj in objs
    ]
    return fields, rows


def insert_rows(model, field_names, rows):
    """Insert plain value tuples into model's table.

    For the link tables (bylines, tags): several rows per article, where building a
    model instance per row costs more than the insert itself. The values are ids and
    short strings that need no conversion.
    """
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    _insert(connection, model, fields, rows)


def _insert(connection, model, fields, rows):
    # COPY on PostgreSQL, elsewhere multi-row INSERTs (one statement per row is what
    # makes a database slow here).
    if connection.vendor == "postgresql":
        _copy(connection, model, fields, rows)
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) ".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
    )
    size = max(1, min(connection.ops.bulk_batch_size(fields, rows), 1000))
    placeholder = ["%s"] * len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = connection.ops.bulk_insert_sql(fields, [placeholder] * len(chunk))
            cursor.execute(sql + values, [value for row in chunk for value in row])


def _copy(connection, model, fields, rows):
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with copy_in(connection, cursor.cursor, model, fields) as copy:
            for row in rows:
                copy.write_row(row)


@contextlib.contextmanager
def copy_in(connection, cursor, model, fields, **options):
    """COPY into fields of model's table, with psycopg's cursor; binary when psycopg
    knows each column's type, so that the server parses no text (a twentieth of
    its time for an article)."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
    )
    types = [
        cursor.adapters.types.get(re.sub(r"\(.*\)", "", db_type))
        if (db_type := field.db_type(connection)) and "[" not in db_type
        else None
        for field in fields
    ]
    if all(types):
        sql += " (FORMAT BINARY)"
    with cursor.copy(sql, **options) as copy:
        if all(types):
            copy.set_types([info.oid for info in types])
        yield copy
