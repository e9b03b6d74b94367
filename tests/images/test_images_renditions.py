"""Renditions: made once when an image is stored, on disk, sized, cropped, cacheable."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.urls import reverse
from PIL import Image as PILImage

from images import images
from images.models import Image
from tests.factories import make_image
from tests.helpers import run_command
from tests.images import image_files

pytestmark = pytest.mark.django_db


def open_rendition(rendition):
    with rendition_storage().open(rendition.name, "rb") as f:
        image = PILImage.open(io.BytesIO(f.read()))
        image.load()
    return image


def rendition_storage():
    return Image._meta.get_field("file").storage


def test_renditions_are_on_disk_in_four_widths_webp_and_jpeg(settings):
    image = make_image(image_files.photo_jpeg(size=(1600, 1000)))

    folder = Path(settings.MEDIA_ROOT) / "renditions" / str(image.pk)
    on_disk = sorted(path.name for path in folder.iterdir())
    for crop in ["original", "3:2"]:
        for fmt, ext in [("webp", "webp"), ("jpeg", "jpg")]:
            found = image.rendition_list(crop, fmt)
            assert [r.width for r in found] == [320, 640, 960, 1280]
            for rendition in found:
                name = rendition.name.rsplit("/", 1)[1]
                assert name in on_disk
                assert re.fullmatch(rf"\d+x\d+-(orig|3x2)-[0-9a-f]{{12}}\.{ext}", name)
                assert open_rendition(rendition).format == fmt.upper()
    # The image's own shape (16:10) and the card's 3:2.
    assert [(r.width, r.height) for r in image.rendition_list("original")][-1] == (
        1280,
        800,
    )
    assert [(r.width, r.height) for r in image.rendition_list("3:2")][-1] == (
        1280,
        853,
    )
    webp, jpeg = image.rendition(1280, fmt="webp"), image.rendition(1280)
    assert webp.size < jpeg.size  # WebP is what most readers download


def test_a_small_image_is_never_blown_up():
    image = make_image(image_files.photo_jpeg(size=(500, 400)))

    assert [(r.width, r.height) for r in image.rendition_list()] == [
        (320, 256),
        (500, 400),
    ]
    # The 3:2 crop of a 500 x 400 image is 500 x 333.
    assert [r.width for r in image.rendition_list("3:2", "webp")] == [320, 500]


def test_renditions_are_stripped_of_metadata_too():
    image = make_image(image_files.gps_rotated_jpeg())

    for fmt in ["jpeg", "webp"]:
        for rendition in image.rendition_list(fmt=fmt):
            data = rendition_storage().open(rendition.name).read()
            assert b"Exif" not in data and b"Rabat" not in data


def test_the_3_2_crop_keeps_the_focal_point_in_view():
    # A tall photo (3:4) with a green mark near the bottom: a centred 3:2 crop would
    # miss it; a crop around the focal point keeps it.
    source = image_files.photo((900, 1200), spot=(0.5, 0.9))
    upload = image_files.upload("hoog.png", image_files.encode(source, "PNG"))

    centred = make_image(upload)
    upload.seek(0)
    focused = make_image(upload, focal_x=0.5, focal_y=0.9)

    def green_at_bottom(image):
        card = open_rendition(image.rendition(640, crop="3:2")).convert("RGB")
        assert card.size == (640, 427)
        red, green, blue = card.getpixel((320, 427 - 60))
        return green > 200 and red < 80

    assert not green_at_bottom(centred)
    assert green_at_bottom(focused)


def test_crop_box_is_centred_on_the_focal_point_within_the_edges():
    assert images.crop_box((900, 1200), (3, 2), 0.5, 0.5) == (0, 300, 900, 900)
    assert images.crop_box((900, 1200), (3, 2), 0.5, 0.0) == (0, 0, 900, 600)
    assert images.crop_box((900, 1200), (3, 2), 0.5, 1.0) == (0, 600, 900, 1200)
    assert images.crop_box((3000, 1000), (3, 2), 0.1, 0.5) == (0, 0, 1500, 1000)
    assert images.crop_box((3000, 1000), (3, 2), 0.6, 0.5) == (1050, 0, 2550, 1000)
    assert images.crop_box((3000, 1000), (3, 2), 0.9, 0.5) == (1500, 0, 3000, 1000)
    assert images.crop_box((800, 600), None, 0.1, 0.1) == (0, 0, 800, 600)


def test_transparent_png_renditions_are_white_behind_in_jpeg_and_clear_in_webp():
    image = make_image(image_files.transparent_png())

    jpeg = open_rendition(image.rendition(320)).convert("RGB")
    assert jpeg.getpixel((3, 3)) == (255, 255, 255)
    webp = open_rendition(image.rendition(320, fmt="webp"))
    assert webp.mode == "RGBA" and webp.getpixel((3, 3))[3] == 0


def test_changing_the_focal_point_in_the_admin_makes_new_renditions(admin_client):
    image = make_image(image_files.photo_jpeg(), alt="Strand bij Essaouira")
    before = image.rendition(640, crop="3:2").name
    change = reverse("admin:images_image_change", args=[image.pk])

    response = admin_client.post(
        change,
        {"alt": image.alt, "focal_x": "0.9", "focal_y": "0.2", "caption": ""},
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.9, 0.2)
    assert image.renditions_current
    assert image.rendition(640, crop="3:2").name != before
    # The old files stay for pages still cached with them, until --prune.
    assert rendition_storage().exists(before)


def test_saving_without_changes_does_not_remake_renditions(admin_client, monkeypatch):
    image = make_image(image_files.photo_jpeg(), alt="Strand")

    def fail(*args, **kwargs):
        raise AssertionError("renditions were made again")

    monkeypatch.setattr(images, "build_renditions", fail)
    response = admin_client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {"alt": "Strand bij Essaouira", "focal_x": "0.5", "focal_y": "0.5"},
    )

    assert response.status_code == 302


def test_renditions_are_served_as_images_cached_for_a_year(client):
    image = make_image()
    rendition = image.rendition(640, fmt="webp")

    response = client.get(rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = response["Cache-Control"]
    assert "max-age=31536000" in cache_control and "immutable" in cache_control
    assert "public" in cache_control
    # The original is no rendition: it keeps the short lifetime.
    original = client.get(image.file.url)
    assert "immutable" not in original["Cache-Control"]


# The make_renditions command


def run(*args):
    return run_command("make_renditions", *args)


def test_make_renditions_remakes_what_is_missing_and_leaves_the_rest():
    fine, broken = make_image(), make_image()
    lost = broken.rendition(960, fmt="webp")
    rendition_storage().delete(lost.name)

    with pytest.raises(CommandError, match="1 need renditions"):
        run("--check")
    out, _err = run()

    assert "Made renditions for 1 image(s); 1 were up to date." in out
    assert rendition_storage().exists(lost.name)  # same bytes, same name
    assert run("--check")[0].startswith("2 image(s) up to date")
    fine.refresh_from_db()
    assert fine.renditions_current


def test_make_renditions_makes_them_for_images_stored_without():
    image = make_image()
    Image.objects.filter(pk=image.pk).update(renditions={})

    out, _err = run(str(image.pk))

    image.refresh_from_db()
    assert image.renditions_current
    assert "Made renditions for 1 image(s)" in out


def test_make_renditions_prune_deletes_files_no_image_uses(admin_client):
    image = make_image(image_files.photo_jpeg(size=(1600, 1000)), alt="Strand")
    old = image.rendition(640, crop="3:2").name
    admin_client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {"alt": "Strand", "focal_x": "0.1", "focal_y": "0.1"},
    )
    storage = rendition_storage()
    orphan = f"renditions/{image.pk + 1000}/320x213-orig-000000000000.webp"
    storage.save(orphan, io.BytesIO(b"x"))

    out, _err = run("--prune")

    assert not storage.exists(old) and not storage.exists(orphan)
    image.refresh_from_db()
    assert storage.exists(image.rendition(640, crop="3:2").name)
    assert "Deleted" in out


def test_make_renditions_reports_an_unreadable_original_and_fails():
    image = make_image()
    rendition_storage().delete(image.file.name)
    Image.objects.filter(pk=image.pk).update(renditions={})

    with pytest.raises(CommandError, match="1 image\\(s\\) failed"):
        _out, err = run()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["abc"], "Not an image id: abc."), (["999999"], "No image with id 999999.")],
)
def test_make_renditions_refuses_bad_ids(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
