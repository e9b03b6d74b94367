"""The image library: a picture stored once, used on any number of articles."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import images


class Image(models.Model):
    """A picture in the image library: stored once, used on any number of articles.

    The stored file is the cleaned original (see images/images.py); pages only ever
    show its renditions, listed in `renditions`.
    """

    file = models.ImageField(
        _("bestand"),
        upload_to=images.upload_to,
        max_length=255,
        help_text=_(
            "JPEG, PNG, WebP of GIF. Locatie- en cameragegevens worden verwijderd; "
            "van een bewegende GIF blijft alleen het eerste beeld."
        ),
    )
    width = models.PositiveIntegerField(_("breedte"), default=0, editable=False)
    height = models.PositiveIntegerField(_("hoogte"), default=0, editable=False)
    alt = models.CharField(
        _("alt-tekst"),
        max_length=300,
        blank=True,
        help_text=_(
            "Beschrijf wat er op de afbeelding te zien is, voor wie haar niet ziet. "
            "Nodig om een artikel met deze afbeelding te publiceren, tenzij de "
            "afbeelding decoratief is."
        ),
    )
    decorative = models.BooleanField(
        _("decoratief"),
        default=False,
        help_text=_(
            "Alleen voor sfeerbeelden die niets toevoegen aan de tekst: schermlezers "
            "slaan ze over en er is geen alt-tekst nodig."
        ),
    )
    caption = models.CharField(_("bijschrift"), max_length=300, blank=True)
    credit = models.CharField(
        _("fotocredit"),
        max_length=120,
        blank=True,
        help_text=_("Fotograaf of bureau, bijv. ‘ANP’ of ‘Karim Amrani’."),
    )
    focal_x = models.FloatField(
        _("focuspunt (horizontaal)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is de linkerrand, 1 de rechterrand."),
    )
    focal_y = models.FloatField(
        _("focuspunt (verticaal)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is de bovenrand, 1 de onderrand."),
    )
    renditions = models.JSONField(
        _("versies"), default=dict, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geüpload door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("geüpload"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        # The table from before the images app had its own (see migrations/0001).
        db_table = "articles_image"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("afbeelding")
        verbose_name_plural = _("afbeeldingen")

    def __str__(self):
        text = self.caption or self.alt or PurePosixPath(self.file.name or "").name
        text = Truncator(text).chars(80)
        return f"{text} (foto: {self.credit})" if self.credit else text

    @property
    def needs_alt(self):
        """Return whether the image lacks the alt text publishing asks for."""
        return not self.decorative and not self.alt.strip()

    @property
    def alt_text(self):
        """Return the alt attribute for pages: empty for a decorative image."""
        return "" if self.decorative else self.alt

    @property
    def renditions_current(self):
        """Return whether the stored renditions were made from this file and focus."""
        key = images.rendition_key(self.file.name, self.focal_x, self.focal_y)
        return bool(self.renditions) and self.renditions.get("key") == key

    def rendition_list(self, crop="original", fmt="jpeg"):
        """Return the stored renditions for crop and fmt, narrowest first."""
        return images.renditions_of(self.renditions, crop, fmt)

    def rendition(self, width, *, crop="original", fmt="jpeg"):
        """Return the narrowest rendition at least width wide, else the widest."""
        found = self.rendition_list(crop, fmt)
        return next(
            (r for r in found if r.width >= width), found[-1] if found else None
        )

    @property
    def share_rendition(self):
        """Return the rendition for feeds, Open Graph and structured data: the widest
        JPEG in the image's own shape. Never the original."""
        found = self.rendition_list("original", "jpeg")
        return found[-1] if found else None
