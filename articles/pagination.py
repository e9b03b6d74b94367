"""Pagination that stays cheap however long the archive grows."""

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models.query import QuerySet


class ArticlePaginator(Paginator):
    """Count only as far as the pages a reader can reach from the requested one.

    Django's paginator counts every row of the list to know the last page: on a tag
    page with 40,000 articles that COUNT costs more than the whole page. This one
    counts at most LOOK_AHEAD pages past `page_hint` (the page asked for). When the
    list goes on beyond that, `truncated` is true, the page range ends in an
    ellipsis instead of a last page number, and "Ouder" still leads on; every page
    number stays valid and a page past the real end is still a 404.
    """

    LOOK_AHEAD = 10
    # From this row on a page's ids are selected first, then its rows.
    DEEP_OFFSET = 200

    def __init__(
        self,
        object_list,
        per_page,
        *,
        page_hint=None,
        counted=None,
        ids_first=True,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        # Whether deep pages select their ids first (see page()).
        self.ids_first = ids_first
        # None: count everything (for ?page=last).
        self.page_hint = page_hint
        # Rows that number as many as object_list and are cheaper to count, if any.
        self.counted = counted
        self.truncated = False

    @cached_property
    def count(self):
        rows = self.object_list if self.counted is None else self.counted
        if self.page_hint is None:
            return rows.count() if isinstance(rows, QuerySet) else len(rows)
        limit = (max(self.page_hint, 1) + self.LOOK_AHEAD) * self.per_page
        if isinstance(rows, QuerySet):
            # Neither the order nor the annotations change the count; without them
            # the database stops at the first rows it finds instead of computing
            # what only the shown page needs.
            found = rows.order_by().values("pk")[: limit + 1].count()
        else:
            # A sequence (search results) is counted as it is; the pages reached
            # are the same as for a queryset.
            found = len(rows)
        if found > limit:
            self.truncated = True
            return limit
        return found

    def page(self, number):
        """Return a page; a deep one selects its ids first, then those rows.

        With OFFSET the database reads every row before the page, and with the
        joined section and image for each, from the table: on page 595 of a section
        that is 12,000 rows. The ids alone come from the index; the page's own rows
        are then looked up by primary key.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if (
            not self.ids_first
            or bottom < self.DEEP_OFFSET
            or not isinstance(rows, QuerySet)
        ):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        # Unordered, so that the database looks the rows up by key instead of
        # walking the list's order again; the ids give the order.
        found = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
        return Page([found[pk] for pk in ids if pk in found], number, self)

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        if not self.truncated:
            yield from super().get_elided_page_range(
                number, on_each_side=on_each_side, on_ends=on_ends
            )
            return
        number = self.validate_number(number)
        if number > (1 + on_each_side + on_ends) + 1:
            yield from range(1, on_ends + 1)
            yield self.ELLIPSIS
            yield from range(number - on_each_side, number + 1)
        else:
            yield from range(1, number + 1)
        # Truncated means at least LOOK_AHEAD more full pages: these exist.
        yield from range(number + 1, number + on_each_side + 1)
        yield self.ELLIPSIS


# Past any list's end, and small enough that the rows counted up to it stay within
# the database's 64-bit LIMIT: a hint beyond it counts to this page.
MAX_PAGE_HINT = 10**9


def page_hint(view):
    """Return the page number a list view was asked for, or None for "last"."""
    page = view.kwargs.get(view.page_kwarg) or view.request.GET.get(view.page_kwarg)
    if page == "last":
        return None
    try:
        return min(max(int(page or 1), 1), MAX_PAGE_HINT)
    except (TypeError, ValueError):
        return 1
