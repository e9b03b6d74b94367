"""Uploads to the image library: only real images, within limits, cleaned of metadata.

Every file here is made in the test, and goes through the admin's add form, as an
editor's upload does.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageFile

from images import images
from images.models import Image
from tests.images import image_files
from tests.images.image_files import GPS_IFD, ORIENTATION, upload

pytestmark = pytest.mark.django_db

ADD = reverse("admin:images_image_add")


def post_upload(client, file, *, follow=False, **fields):
    data = {
        "file": file,
        "alt": "Een beschrijving",
        "caption": "",
        "credit": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    return client.post(ADD, data, follow=follow)


def file_errors(response):
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors["file"]


def test_a_photo_is_stored_with_its_size_and_renditions(admin_client):
    response = post_upload(
        admin_client,
        image_files.photo_jpeg("Haven van Tanger.JPG"),
        alt="Containerschepen in de haven van Tanger Med",
        caption="De haven groeit.",
        credit="ANP",
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1600, 1000)
    assert image.alt == "Containerschepen in de haven van Tanger Med"
    assert image.created_by.username == "admin"
    # A dated, unguessable name with the real format's extension.
    assert image.file.name.startswith("images/")
    assert image.file.name.endswith(".jpg")
    assert "haven-van-tanger-" in image.file.name
    assert image.renditions_current
    assert len(image.rendition_list("original", "webp")) == 4


def test_a_decompression_bomb_is_refused_before_any_pixel_is_decoded(
    admin_client, monkeypatch
):
    bomb = image_files.png_header(10_000, 10_000)  # 100 megapixel
    assert len(bomb) < 200

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    response = post_upload(admin_client, upload("bom.png", bomb, "image/png"))

    assert file_errors(response) == [
        "Deze afbeelding heeft 100 megapixel; de grens is 40 megapixel. "
        "Verklein haar eerst."
    ]
    assert not Image.objects.exists()


def test_pillow_itself_refuses_far_too_many_pixels():
    assert PILImage.MAX_IMAGE_PIXELS == 40_000_000
    with pytest.raises(PILImage.DecompressionBombError):
        PILImage.open(io.BytesIO(image_files.png_header(10_000, 10_000)))


def test_too_many_pixels_is_refused_with_the_dimensions(admin_client, monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    flood = image_files.png_header(9_000, 5_000)  # 45 megapixel: Pillow only warns

    response = post_upload(admin_client, upload("panorama.png", flood, "image/png"))

    assert file_errors(response) == [
        "Deze afbeelding is 9000 × 5000 pixels (45 megapixel); de grens is 40 "
        "megapixel. Verklein haar eerst."
    ]


def test_the_pixel_limit_is_a_setting(admin_client, settings):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 1_000_000

    response = post_upload(admin_client, image_files.photo_jpeg(size=(1600, 1000)))

    assert file_errors(response) == [
        "Deze afbeelding is 1600 × 1000 pixels (1.6 megapixel); de grens is 1.0 "
        "megapixel. Verklein haar eerst."
    ]


def test_a_file_over_the_byte_limit_is_refused(admin_client, settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 100 * 1024
    noisy = PILImage.effect_noise((800, 800), 90).convert("RGB")
    big = upload("ruis.jpg", image_files.encode(noisy, "JPEG", quality=95))
    assert big.size > 100 * 1024

    response = post_upload(admin_client, big)

    errors = file_errors(response)
    assert len(errors) == 1
    assert errors[0].startswith("Het bestand is ")
    assert errors[0].endswith(
        "; de grens is 100,0\xa0KB. Verklein of comprimeer de afbeelding eerst."
    )


def test_the_default_byte_limit_is_15_megabytes(settings):
    assert settings.NEWSROOM_IMAGE_MAX_BYTES == 15 * 1024 * 1024


def test_a_text_file_renamed_to_jpg_is_refused(admin_client):
    text = upload("foto.jpg", b"Dit is geen foto, alleen tekst.\n" * 20)

    response = post_upload(admin_client, text)

    assert file_errors(response) == [
        "Dit bestand is geen afbeelding die we kunnen lezen. Lever een JPEG, PNG, "
        "WebP of GIF aan."
    ]


@pytest.mark.parametrize("name", ["tekening.svg", "tekening.png"])
def test_an_svg_with_script_is_refused(admin_client, name):
    svg = upload(name, image_files.SVG_WITH_SCRIPT, "image/svg+xml")

    response = post_upload(admin_client, svg)

    assert file_errors(response) == [
        "SVG-bestanden worden niet aangenomen: ze kunnen scripts bevatten. Lever de "
        "afbeelding aan als JPEG of PNG."
    ]
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
            "HEIC-foto's (iPhone) worden niet aangenomen.",
        ),
        (b"II*\x00" + b"\x00" * 64, "TIFF-bestanden worden niet aangenomen."),
        (b"%PDF-1.7\n" + b"\x00" * 64, "PDF-bestanden worden niet aangenomen."),
    ],
)
def test_formats_we_do_not_take_are_named(admin_client, content, message):
    response = post_upload(admin_client, upload("bestand.jpg", content))

    assert file_errors(response)[0].startswith(message)


def test_a_truncated_photo_is_refused_as_broken(admin_client):
    data = image_files.encode(image_files.photo((800, 600)), "JPEG")

    response = post_upload(admin_client, upload("half.jpg", data[: len(data) // 3]))

    assert file_errors(response) == [
        "Deze afbeelding is beschadigd of onvolledig en kan niet worden gelezen. "
        "Exporteer haar opnieuw."
    ]


def test_an_empty_file_is_refused(admin_client):
    response = post_upload(admin_client, upload("leeg.jpg", b""))

    # Django's own check for empty uploads answers first, in Dutch.
    assert file_errors(response) == ["Het verstuurde bestand is leeg."]


def test_gps_and_exif_are_removed_and_the_photo_is_stored_upright(admin_client):
    source = image_files.gps_rotated_jpeg()
    assert b"Exif" in source.read() and source.seek(0) == 0

    response = post_upload(admin_client, source)

    assert response.status_code == 302
    image = Image.objects.get()
    data = image.file.open("rb").read()
    image.file.close()
    for trace in [b"Exif", b"Telefoonmerk", b"Model X", b"Rabat", b"http://ns.adobe"]:
        assert trace not in data
    stored = PILImage.open(io.BytesIO(data))
    exif = stored.getexif()
    assert ORIENTATION not in exif
    assert not exif.get_ifd(GPS_IFD)
    assert "icc_profile" not in stored.info and "comment" not in stored.info
    # Turned upright: 300 x 200 stored sideways is 200 wide and 300 high, red on top.
    assert stored.size == (200, 300)
    assert (image.width, image.height) == (200, 300)
    red, green, blue = stored.getpixel((100, 40))
    assert red > 180 and blue < 60
    red, green, blue = stored.getpixel((100, 260))
    assert blue > 180 and red < 60
    # The renditions come from the upright image too.
    assert image.rendition_list()[-1].width == 200


def test_a_png_keeps_its_format_and_transparency(admin_client):
    response = post_upload(admin_client, image_files.transparent_png())

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".png")
    with image.file.open("rb") as f:
        stored = PILImage.open(f)
        stored.load()
    assert stored.format == "PNG" and stored.mode == "RGBA"
    assert stored.getpixel((5, 5))[3] == 0


def test_the_extension_follows_the_content_not_the_name(admin_client):
    png = image_files.encode(image_files.photo((640, 400)), "PNG")

    response = post_upload(admin_client, upload("eigenlijk-een-png.jpg", png))

    assert response.status_code == 302
    assert Image.objects.get().file.name.endswith(".png")


def test_an_animated_gif_keeps_only_its_first_frame(admin_client):
    response = post_upload(admin_client, image_files.animated_gif(), follow=True)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Dit is een bewegende GIF: de site toont alleen het eerste beeld." in (
        messages
    )
    image = Image.objects.get()
    with image.file.open("rb") as f:
        stored = PILImage.open(f)
        assert not getattr(stored, "is_animated", False)
        assert stored.convert("RGB").getpixel((10, 10)) == (0, 200, 0)


def test_create_image_applies_the_same_checks_for_imports():
    with pytest.raises(ValidationError) as caught:
        images.create_image(upload("x.svg", image_files.SVG_WITH_SCRIPT))
    assert caught.value.code == "svg"

    image = images.create_image(image_files.gps_rotated_jpeg(), alt="Een bron")
    assert (image.width, image.height) == (200, 300)
    assert image.renditions_current


def test_replacing_the_file_keeps_the_record_and_removes_the_old_file(
    admin_client, django_capture_on_commit_callbacks
):
    image = images.create_image(image_files.photo_jpeg(), alt="Eerste foto")
    old_name = image.file.name
    change = reverse("admin:images_image_change", args=[image.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change,
            {
                "file": image_files.photo_jpeg("tweede.jpg", size=(1200, 900)),
                "alt": "Tweede foto",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        )

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.width, image.height) == (1200, 900)
    assert image.file.name != old_name
    assert not image.file.storage.exists(old_name)
    assert image.renditions_current
