"""Image uploads, checked and cleaned, and the renditions the public pages show.

An upload is accepted only when Pillow decodes it as JPEG, PNG, WebP or GIF within a
byte limit and a pixel limit; the pixel count comes from the file's header, before a
single pixel is decoded. What is stored is re-encoded: orientation applied, colours
converted to sRGB, and no EXIF (GPS!), XMP, ICC profile or comment left in it.

Renditions (320/640/960/1280 px wide, never wider than the source; WebP and JPEG, in
the image's own shape and cropped to 3:2 around its focal point) are written once,
when an image is saved, imported or migrated, to renditions/<image id>/ in the media
storage. Their names end in a hash of their bytes, so caches may keep them forever.
Pages only read the list stored on the image (Image.renditions): no reader request
ever decodes or resizes an image. ``manage.py make_renditions`` repairs what is
missing.

Animated GIFs are accepted, but only their first frame is kept: a still.

This module does not import the models, so migrations can use it too.
"""

import hashlib
import io
import logging
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow's own guard for every image this process opens: it refuses twice this many
# pixels outright. Uploads are held to the setting itself by inspect_upload().
PILImage.MAX_IMAGE_PIXELS = settings.NEWSROOM_IMAGE_MAX_PIXELS

# Pillow format name -> file extension of the stored original.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

WIDTHS = (320, 640, 960, 1280)
# Crop name -> aspect ratio (None: the image's own shape). Cards use 3:2.
CROPS = {"original": None, "3:2": (3, 2)}
_CROP_SLUGS = {"original": "orig", "3:2": "3x2"}
RENDITION_FORMATS = {
    "webp": ("WEBP", "webp", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
# Raise when the renditions' sizes or encoding change: make_renditions redoes them all.
RENDITION_VERSION = 1
RENDITIONS_DIR = "renditions"

_ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 90, "method": 4},
    "GIF": {},
}

# Formats people do send that we do not take, recognised by their first bytes, so
# the editor learns what to do instead of only "not an image".
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"mif1", b"msf1"}
_OTHER_FORMATS = [
    (lambda h: h[4:8] == b"ftyp" and h[8:12] in _HEIF_BRANDS, "HEIC"),
    (lambda h: h[4:8] == b"ftyp" and h[8:12] in {b"avif", b"avis"}, "AVIF"),
    (lambda h: h[:4] in {b"II*\x00", b"MM\x00*"}, "TIFF"),
    (lambda h: h[:2] == b"BM", "BMP"),
    (lambda h: h[:4] == b"8BPS", "Photoshop (PSD)"),
    (lambda h: h[:5] == b"%PDF-", "PDF"),
]
_SVG = re.compile(rb"<svg[\s>/]")
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")

ERRORS = {
    "empty": _("Het bestand is leeg."),
    "too_large": _(
        "Het bestand is %(size)s; de grens is %(limit)s. Verklein of comprimeer de "
        "afbeelding eerst."
    ),
    "svg": _(
        "SVG-bestanden worden niet aangenomen: ze kunnen scripts bevatten. Lever de "
        "afbeelding aan als JPEG of PNG."
    ),
    "other_format": _(
        "%(format)s-bestanden worden niet aangenomen. Lever de afbeelding aan als "
        "JPEG, PNG, WebP of GIF."
    ),
    "heic": _(
        "HEIC-foto's (iPhone) worden niet aangenomen. Lever de foto aan als JPEG: op "
        "de iPhone via Instellingen › Camera › Formaten › ‘Meest compatibel’."
    ),
    "not_an_image": _(
        "Dit bestand is geen afbeelding die we kunnen lezen. Lever een JPEG, PNG, "
        "WebP of GIF aan."
    ),
    "too_many_pixels": _(
        "Deze afbeelding is %(width)s × %(height)s pixels (%(megapixels)s megapixel); "
        "de grens is %(limit)s megapixel. Verklein haar eerst."
    ),
    "too_many_pixels_bomb": _(
        "Deze afbeelding heeft %(megapixels)s megapixel; de grens is %(limit)s "
        "megapixel. Verklein haar eerst."
    ),
    "broken": _(
        "Deze afbeelding is beschadigd of onvolledig en kan niet worden gelezen. "
        "Exporteer haar opnieuw."
    ),
}


@dataclass(frozen=True)
class UploadInfo:
    """What the header of an accepted upload says."""

    format: str
    width: int
    height: int
    animated: bool


class PreparedImage(ContentFile):
    """A checked upload, re-encoded without metadata: the file to store.

    It also carries what the renditions are made from: the decoded, upright, sRGB
    first frame (image), so an upload is decoded once.
    """

    def __init__(self, data, name, *, width, height, animated, image):
        super().__init__(data, name=name)
        self.width, self.height = width, height
        self.animated = animated
        self.image = image


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    size: int
    format: str

    @property
    def url(self):
        return default_storage.url(self.name)

    @property
    def content_type(self):
        return CONTENT_TYPES[self.format]


def _megapixels(pixels):
    megapixels = pixels / 1_000_000
    return f"{megapixels:.0f}" if megapixels >= 10 else f"{megapixels:.1f}"


def _error(code, **params):
    return ValidationError(ERRORS[code], code=code, params=params or None)


def _open(file, formats):
    """Open file with Pillow for the given formats only: reads the header, no pixels.

    Pillow's warning for many pixels is not needed (our own check follows); its error
    for far too many becomes the same form error.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            return PILImage.open(file, formats=formats)
        except PILImage.DecompressionBombError as error:
            match = _BOMB_PIXELS.search(str(error))
            limit = settings.NEWSROOM_IMAGE_MAX_PIXELS
            raise _error(
                "too_many_pixels_bomb",
                megapixels=_megapixels(int(match.group(1)) if match else 2 * limit),
                limit=_megapixels(limit),
            ) from None


def inspect_upload(file):
    """Check an uploaded file without decoding its pixels; return its UploadInfo.

    Raise ValidationError with a Dutch message for an empty or too large file, an
    SVG, a format we do not take, something that is no image, or too many pixels.
    """
    size = file.size
    if not size:
        raise _error("empty")
    if size > settings.NEWSROOM_IMAGE_MAX_BYTES:
        raise _error(
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(settings.NEWSROOM_IMAGE_MAX_BYTES),
        )
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    try:
        image = _open(file, list(FORMATS))
    except UnidentifiedImageError:
        raise _unsupported(head) from None
    except (OSError, ValueError, SyntaxError):
        raise _error("broken") from None
    with image:
        width, height = image.size
        limit = settings.NEWSROOM_IMAGE_MAX_PIXELS
        if width * height > limit:
            raise _error(
                "too_many_pixels",
                width=width,
                height=height,
                megapixels=_megapixels(width * height),
                limit=_megapixels(limit),
            )
        info = UploadInfo(
            format=image.format,
            width=width,
            height=height,
            animated=bool(getattr(image, "is_animated", False)),
        )
        try:
            # Reads the file's structure (chunks, checksums), still no pixels.
            image.verify()
        except Exception:
            # Broken files make Pillow raise all sorts of errors; to the editor they
            # all mean the same.
            raise _error("broken") from None
    file.seek(0)
    return info


def _unsupported(head):
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if _SVG.search(stripped) or stripped.startswith(b"<?xml"):
        return _error("svg")
    for looks_like, name in _OTHER_FORMATS:
        if looks_like(head):
            if name == "HEIC":
                return _error("heic")
            return _error("other_format", format=name)
    return _error("not_an_image")


def prepare_upload(file):
    """Check, decode and clean an uploaded image; return a PreparedImage.

    Raise ValidationError (Dutch, for a form) when the file is not accepted.
    """
    info = inspect_upload(file)
    try:
        with _open(file, [info.format]) as image:
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except Exception:
        # A file with a sound header can still fail to decode (truncated, corrupt).
        raise _error("broken") from None
    finally:
        file.seek(0)
    upright = _to_srgb(upright)
    data = _encode_original(upright, info.format)
    stem = slugify(PurePosixPath(file.name or "").stem)[:60].strip("-") or "afbeelding"
    return PreparedImage(
        data,
        f"{stem}.{FORMATS[info.format]}",
        width=upright.width,
        height=upright.height,
        animated=info.animated,
        image=upright,
    )


def _has_alpha(image):
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode in {"P", "L", "RGB"} and "transparency" in image.info
    )


_SRGB = []


def _srgb_profile():
    if not _SRGB:
        _SRGB.append(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")))
    return _SRGB[0]


def _to_srgb(image):
    """Return image in sRGB. The stored file keeps no ICC profile, so the colours a
    profile describes (Adobe RGB, Display P3, CMYK) are converted first."""
    icc = image.info.get("icc_profile")
    if not icc and image.mode != "CMYK":
        return image
    mode = "RGBA" if _has_alpha(image) else "RGB"
    if icc:
        source = image
        if source.mode not in {"RGB", "RGBA", "CMYK", "L"}:
            source = source.convert(mode)
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                source, profile, _srgb_profile(), outputMode=mode
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as error:
            # A broken profile is not worth refusing a photo for.
            logger.info("Ignoring an unusable ICC profile: %s", error)
    return image.convert(mode) if image.mode == "CMYK" else image


def _encode_original(image, fmt):
    """Return image encoded as fmt with no metadata at all."""
    transparency = image.info.get("transparency")
    # Encoders fall back to image.info for the ICC profile, a comment and more.
    image.info = {}
    if transparency is not None and image.mode in {"P", "L", "RGB"}:
        image.info["transparency"] = transparency
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        image = _flatten(image)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **_ORIGINAL_OPTIONS[fmt])
    return buffer.getvalue()


def _flatten(image):
    """Return image as RGB (or L), transparent parts on white: JPEG has no alpha."""
    if image.mode == "L":
        return image
    if not _has_alpha(image):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _normalise(image):
    """Return image in a mode both rendition encoders take: RGB, RGBA or L."""
    if image.mode in {"I;16", "I;16B", "I;16L", "I", "F"}:
        # 16-bit greyscale: scale down to 8 bits instead of clipping to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "1":
        return image.convert("L")
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        # An alpha channel that is opaque everywhere only makes files bigger.
        opaque = rgba.getchannel("A").getextrema()[0] == 255
        return rgba.convert("RGB") if opaque else rgba
    if image.mode not in {"RGB", "L"}:
        return image.convert("RGB")
    return image


def crop_box(size, ratio, focal_x=0.5, focal_y=0.5):
    """Return the largest box of ratio inside size, centred on the focal point as far
    as the edges allow; the whole image when ratio is None."""
    width, height = size
    if ratio is None:
        return (0, 0, width, height)
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:
        box_w, box_h = max(1, round(height * ratio_w / ratio_h)), height
    else:
        box_w, box_h = width, max(1, round(width * ratio_h / ratio_w))
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def target_widths(source_width):
    """Return the rendition widths for a source this wide: never upscaled."""
    widths = {w for w in WIDTHS if w < source_width}
    widths.add(min(source_width, WIDTHS[-1]))
    return sorted(widths)


def rendition_key(source_name, focal_x, focal_y):
    """Return what the renditions depend on, hashed: when it changes they are stale."""
    text = f"{RENDITION_VERSION}|{source_name}|{focal_x:.4f}|{focal_y:.4f}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode_rendition(image, fmt, options):
    if fmt == "JPEG":
        image = _flatten(image)
    elif image.mode == "L":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def open_source(storage, name):
    """Return the stored original called name, decoded (first frame) and upright."""
    with storage.open(name, "rb") as file, _open(file, list(FORMATS)) as image:
        image.seek(0)
        image.load()
        # Uploads are stored upright already; files from before the image library
        # (see the data migration) may not be.
        return _to_srgb(ImageOps.exif_transpose(image))


def build_renditions(
    storage, image_id, source_name, focal_x=0.5, focal_y=0.5, *, source=None
):
    """Write the renditions of one image to storage; return the record to keep.

    source is the decoded original when the caller has it (an upload); otherwise it
    is read from storage.
    """
    if source is None:
        source = open_source(storage, source_name)
    source = _normalise(source)
    record = {
        "key": rendition_key(source_name, focal_x, focal_y),
        "width": source.width,
        "height": source.height,
        "crops": {},
    }
    # Shrink a camera-sized source once, by a whole factor (fast, box-averaged),
    # keeping every crop at least twice the widest rendition for a sharp resize.
    narrowest = min(
        box[2] - box[0]
        for box in (crop_box(source.size, ratio) for ratio in CROPS.values())
    )
    factor = narrowest // (2 * WIDTHS[-1])
    if factor > 1:
        source = source.reduce(factor)
    by_box = {}
    for crop, ratio in CROPS.items():
        box = crop_box(source.size, ratio, focal_x, focal_y)
        if box in by_box:
            # A 3:2 photo cropped to 3:2 is the photo: the same files will do.
            record["crops"][crop] = by_box[box]
            continue
        region = source if box == (0, 0, *source.size) else source.crop(box)
        made = {fmt: [] for fmt in RENDITION_FORMATS}
        previous = region
        # Widest first, each made from the one before: fast, and sharp enough.
        for width in reversed(target_widths(region.width)):
            height = max(1, round(width * region.height / region.width))
            if (width, height) != previous.size:
                previous = previous.resize(
                    (width, height), PILImage.Resampling.LANCZOS, reducing_gap=2.0
                )
            for key, (fmt, ext, options) in RENDITION_FORMATS.items():
                data = _encode_rendition(previous, fmt, options)
                digest = hashlib.sha256(data).hexdigest()[:12]
                name = (
                    f"{RENDITIONS_DIR}/{image_id}/"
                    f"{width}x{height}-{_CROP_SLUGS[crop]}-{digest}.{ext}"
                )
                if not storage.exists(name):
                    name = storage.save(name, ContentFile(data))
                made[key].append(
                    {"name": name, "width": width, "height": height, "size": len(data)}
                )
        record["crops"][crop] = by_box[box] = {
            key: sorted(items, key=lambda item: item["width"])
            for key, items in made.items()
        }
    return record


def make_renditions(image, *, source=None):
    """Make and record the renditions of a saved Image; return the record."""
    record = build_renditions(
        image.file.storage,
        image.pk,
        image.file.name,
        image.focal_x,
        image.focal_y,
        source=source,
    )
    image.renditions = record
    # A save (of this field only) tells the page cache that pages with the image
    # have new <picture> elements.
    image.save(update_fields=["renditions"])
    return record


def save_upload(image, prepared):
    """Store a PreparedImage as image's file, save image and make its renditions.

    A file it replaces is deleted once the transaction commits; renditions made from
    it stay until ``make_renditions --prune``, for pages still cached with them.
    """
    stored = type(image)._meta.default_manager.filter(pk=image.pk)
    old_name = stored.values_list("file", flat=True).first() if image.pk else ""
    image.file.save(prepared.name, prepared, save=False)
    image.width, image.height = prepared.width, prepared.height
    image.save()
    make_renditions(image, source=prepared.image)
    if old_name and old_name != image.file.name:
        storage = image.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def create_image(file, *, created_by=None, **fields):
    """Check, clean and store an uploaded file as a new Image, with its renditions.

    For imports and scripts; raise ValidationError when the file is not accepted.
    """
    prepared = prepare_upload(file)
    image = apps.get_model("images", "Image")(created_by=created_by, **fields)
    save_upload(image, prepared)
    return image


def renditions_of(record, crop="original", fmt="jpeg"):
    """Return the Renditions listed in a stored record, narrowest first."""
    items = (record or {}).get("crops", {}).get(crop, {}).get(fmt, [])
    return [
        Rendition(item["name"], item["width"], item["height"], item["size"], fmt)
        for item in items
    ]


def rendition_names(record):
    return {
        item["name"]
        for crop in (record or {}).get("crops", {}).values()
        for items in crop.values()
        for item in items
    }


def missing_files(storage, record):
    """Return the names in record that storage does not have (any more)."""
    return sorted(name for name in rendition_names(record) if not storage.exists(name))


def _folder_files(storage, image_id):
    folder = f"{RENDITIONS_DIR}/{image_id}"
    try:
        _dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{folder}/{name}" for name in files]


def unused_files(storage, image_id, record):
    """Return the files in the image's rendition folder that record does not list."""
    keep = rendition_names(record)
    return sorted(name for name in _folder_files(storage, image_id) if name not in keep)


def delete_files(storage, image_id, original_name):
    """Delete an image's original and all its renditions from storage."""
    for name in _folder_files(storage, image_id):
        storage.delete(name)
    if original_name:
        storage.delete(original_name)


def upload_to(instance, filename):
    """Return a dated, unguessable name for an original: images/2025/07/x-k3j9q2.jpg.

    The original is never linked from a public page; the random part keeps it from
    being found by guessing too.
    """
    path = PurePosixPath(filename)
    stem = slugify(path.stem)[:60].strip("-") or "afbeelding"
    token = secrets.token_hex(4)
    return f"{timezone.now():images/%Y/%m}/{stem}-{token}{path.suffix.lower()}"
