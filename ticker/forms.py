"""The ticker item's admin form: no save on top of a version its editor has not seen."""

from editing.conflicts import ConflictCheckedForm
from newsroom.forms import CleanTextMixin


class TickerItemAdminForm(CleanTextMixin, ConflictCheckedForm):
    # Ticker items keep no revision counter; every save moves updated_at.
    version_field = "updated_at"

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            self.check_conflict()
        return cleaned_data
