"""Real image files, made in the test: photos, hostile files and broken ones."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(size=(1600, 1000), spot=None):
    """Return a photo-like RGB image: a sky-to-sand gradient with a sun and hills.

    spot=(x, y) fractions paints a bright green square there, to find crops by.
    """
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        sky = (int(40 + 150 * t), int(110 + 90 * t), int(200 - 90 * t))
        draw.line([(0, y), (width, y)], fill=sky)
    draw.ellipse(
        [width * 0.70, height * 0.12, width * 0.82, height * 0.12 + width * 0.12],
        fill=(250, 210, 90),
    )
    draw.polygon(
        [(0, height), (0, height * 0.7), (width * 0.35, height * 0.5), (width * 0.7,
         height * 0.72), (width, height * 0.6), (width, height)],
        fill=(164, 110, 60),
    )  # fmt: skip
    if spot is not None:
        x, y = spot[0] * width, spot[1] * height
        side = min(width, height) * 0.06
        draw.rectangle([x - side, y - side, x + side, y + side], fill=(0, 255, 0))
    return image


def photo_jpeg(name="foto.jpg", size=(1600, 1000), **options):
    return upload(name, encode(photo(size), "JPEG", quality=88, **options))


def gps_rotated_jpeg(name="bron.jpg"):
    """Return a JPEG as a phone makes it: GPS position in EXIF, stored sideways.

    The pixels are 300 wide and 200 high, red on the left and blue on the right;
    orientation 6 says: turn 90 degrees clockwise to show it, so upright it is 200
    wide and 300 high, red on top.
    """
    image = Image.new("RGB", (300, 200), (220, 20, 20))
    ImageDraw.Draw(image).rectangle([150, 0, 300, 200], fill=(20, 20, 220))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Telefoonmerk"  # Make
    exif[0x0110] = "Model X"  # Model
    exif.get_ifd(GPS_IFD).update(
        {
            1: "N",
            2: (34.0, 1.0, 12.5),  # 34°01'12.5" N: Rabat
            3: "W",
            4: (6.0, 50.0, 9.8),
        }
    )
    data = encode(image, "JPEG", exif=exif.tobytes(), comment=b"bron: Rabat")
    return upload(name, data)


def png_header(width, height, *, bit_depth=8, color_type=0):
    """Return a PNG that claims width x height pixels in a few dozen bytes.

    The single IDAT chunk holds far too little data: whoever decodes it anyway either
    reads garbage or fails. A "decompression bomb" / "pixel flood".
    """

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(document.cookie)</script><rect width="100" height="100"/></svg>'
)


def animated_gif(name="animatie.gif"):
    frames = [Image.new("P", (200, 120), color) for color in (1, 2, 3)]
    palette = [255, 0, 0, 0, 200, 0, 0, 0, 255, 250, 250, 0] + [0] * (256 * 3 - 12)
    for frame in frames:
        frame.putpalette(palette)
    data = encode(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0
    )
    return upload(name, data, "image/gif")


def transparent_png(name="logo.png", size=(400, 300)):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([50, 50, 350, 250], fill=(164, 22, 26, 255))
    return upload(name, encode(image, "PNG"), "image/png")
