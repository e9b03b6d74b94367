from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditPresence(models.Model):
    """One person with one record open in the admin, kept fresh by a heartbeat.

    Not a lock: anyone may still save. It lets the others know before they start.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField(_("geopend"))
    seen_at = models.DateTimeField(_("laatst gezien"), db_index=True)

    class Meta:
        verbose_name = _("geopend formulier")
        verbose_name_plural = _("geopende formulieren")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"],
                name="edit_presence_once_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.content_type.model} {self.object_id}"
