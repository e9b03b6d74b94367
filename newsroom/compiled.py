"""Querysets whose SQL Django compiles once per process.

Compiling a queryset to SQL is most of what a simple query costs Django: turning the
article page's query (its row, section, lead image and credits, 53 columns) into SQL
takes about 0.45 ms of CPU on the benchmark machine, sending it and building the
instances 0.2 ms. The SQL of a query whose shape never changes is the same on every
request; only its parameter values differ. CompiledQuery compiles such a query once
per process and database, with stand-in values, notes where they went in the
parameters, and from then on runs the same SQL with the real values, building the
instances with Django's own iterable (select_related, annotations, deferred fields
and query logging as usual):

    by_slug = CompiledQuery(lambda slug: Article.objects.filter(slug=slug))
    by_slug("de-slug")  # a list of Article instances

Values are str or int (not bool), each passed to the ORM once, as is (exact or in
lookups; not contains, which wraps the value in %): the stand-in must come out of
the compiler unchanged, or compiling raises ImproperlyConfigured. The number of
values and their types are part of the shape: pk__in with 3 or 8 ids compile
separately. Nothing that changes between calls may be built into the query
(timezone.now(), a setting read per request): that belongs in a value, or in Python
after the query.
"""

import copy

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections

# Stand-ins no real query carries as a constant: within the range of every integer
# field (Django empties or drops a lookup whose value is out of its field's range),
# and a string no one types. A stand-in that still meets a constant of the query is
# found twice and refused.
_INT_STAND_IN = 32_000
MAX_VALUES = 700
_STR_STAND_IN = "\x1fcompiled-query-value-{}\x1f"


class CompiledQuery:
    def __init__(self, build):
        """build(*values) returns the queryset for those values."""
        self.build = build
        self._compiled = {}

    def __call__(self, *values, using=None):
        """Return the queryset's instances for values, as list(build(*values)).

        using: a database alias; by default the one the queryset reads from (the
        database routers' choice).
        """
        shape = (using, tuple(_value_type(value) for value in values))
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(shape, using)
        queryset, compiler, sql, params, positions = compiled
        if sql is None:
            return []
        params = list(params)
        for (position, kind), value in zip(positions, values, strict=True):
            # As the stand-in came out: psycopg's Int2 for a small integer field.
            params[position] = value if kind is type(value) else kind(value)
        # A copy of the compiled state that answers with the same SQL and these
        # values, on this thread's connection (connections are per thread).
        run = copy.copy(compiler)
        run.connection = connections[queryset.db]
        run.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: run
        return list(queryset)

    def _compile(self, shape, using):
        _, types = shape
        if len(types) > MAX_VALUES:
            raise ImproperlyConfigured(
                f"CompiledQuery takes at most {MAX_VALUES} values, not {len(types)}."
            )
        stand_ins = [
            _INT_STAND_IN + n if kind is int else _STR_STAND_IN.format(n)
            for n, kind in enumerate(types)
        ]
        queryset = self.build(*stand_ins)
        if using is not None:
            queryset = queryset.using(using)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            if stand_ins:
                # The stand-ins decided the answer (a value no field could hold):
                # real values might not.
                raise ImproperlyConfigured(
                    "CompiledQuery: the query came out empty for stand-in values."
                ) from None
            # No values to ask for, such as pk__in=(): empty whatever happens.
            return queryset, compiler, None, (), ()
        params = tuple(params)
        positions = []
        for stand_in in stand_ins:
            # Also in a subclass: PostgreSQL's backend passes integers as psycopg's
            # Int2, Int4 or Int8, by the field's size.
            found = [
                (n, type(param))
                for n, param in enumerate(params)
                if isinstance(param, type(stand_in))
                and not isinstance(param, bool)
                and param == stand_in
            ]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"CompiledQuery: a value reached the SQL {len(found)} times "
                    f"instead of once, or was changed on the way: {sql}"
                )
            positions.append(found[0])
        # The compiler kept the connection it compiled on; each call sets its own.
        compiler.connection = None
        return queryset, compiler, sql, params, positions


def _value_type(value):
    kind = type(value)
    if kind not in (int, str):
        raise TypeError(f"CompiledQuery takes str and int values, not {kind.__name__}")
    return kind
