"""Demo pictures for seed_demo, drawn with Pillow: no network, no files to ship.

`demo_pictures(count, seed)` returns JPEG files of Moroccan-looking scenes (dunes,
mountains, coast, a city at dusk, olive groves, a solar park, a harbour, zellige
tiles, a football pitch, a market), each with the alt text, caption and credit that
describe what is drawn. The same seed draws the same pictures. seed_demo stores them
once through the image library (images.images.create_image, so every rendition
exists) and reuses them for all its articles.
"""

import io
import math
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 800
CREDIT = "Demo-illustratie"


@dataclass(frozen=True)
class DemoPicture:
    file: SimpleUploadedFile
    alt: str
    caption: str
    credit: str
    focal_x: float = 0.5
    focal_y: float = 0.5


def demo_pictures(count, seed=1):
    """Return count DemoPictures, going round the scenes with other colours."""
    rng = random.Random(f"demo-images-{seed}")
    pictures = []
    for n in range(count):
        scene = SCENES[n % len(SCENES)]
        image = Image.new("RGB", (WIDTH, HEIGHT))
        draw = ImageDraw.Draw(image)
        place, text = scene(draw, rng, n // len(SCENES))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=82)
        alt, caption, focal = text
        pictures.append(
            DemoPicture(
                file=SimpleUploadedFile(
                    f"demo-{n + 1:02d}-{place}.jpg",
                    buffer.getvalue(),
                    content_type="image/jpeg",
                ),
                alt=alt,
                caption=caption,
                credit=CREDIT,
                focal_x=focal[0],
                focal_y=focal[1],
            )
        )
    return pictures


# Drawing helpers


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def gradient(draw, top, bottom, y0=0, y1=HEIGHT):
    for y in range(y0, y1):
        draw.line([(0, y), (WIDTH, y)], fill=mix(top, bottom, (y - y0) / (y1 - y0)))


def ridge(rng, base, roughness, step=24):
    """Return a polygon: a ridge line around height base, closed along the bottom."""
    points, y = [], base
    for x in range(-step, WIDTH + 2 * step, step):
        y += rng.uniform(-roughness, roughness) + (base - y) * 0.15
        points.append((x, y))
    return [*points, (WIDTH + step, HEIGHT), (-step, HEIGHT)]


def wave(base, amplitude, length, phase):
    points = [
        (x, base + amplitude * math.sin(x / length + phase))
        for x in range(0, WIDTH + 20, 20)
    ]
    return [*points, (WIDTH, HEIGHT), (0, HEIGHT)]


def sun(draw, x, y, radius, colour):
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)


# Scenes: each draws on the canvas and returns (file name part, (alt, caption,
# focal point)). The alt text says what is to be seen; the caption where.

SKIES = [
    ((250, 140, 60), (120, 60, 120)),  # sunset
    ((120, 180, 235), (225, 240, 250)),  # midday
    ((40, 50, 110), (230, 120, 80)),  # dusk
]


def dunes(draw, rng, variant):
    sky = SKIES[variant % len(SKIES)]
    gradient(draw, *sky, 0, 460)
    x = rng.randint(250, 950)
    sun(draw, x, rng.randint(170, 300), 60, (255, 225, 150))
    sands = [(226, 160, 90), (210, 135, 70), (190, 110, 55), (160, 85, 45)]
    for n, colour in enumerate(sands):
        draw.polygon(
            wave(420 + n * 95, 35 + n * 8, rng.uniform(90, 160), rng.uniform(0, 6)),
            fill=colour,
        )
    return "duinen", (
        "Oranje zandduinen in golvende lagen onder een laagstaande zon.",
        "Duinen van de Erg Chebbi bij Merzouga",
        (x / WIDTH, 0.45),
    )


def mountains(draw, rng, variant):
    gradient(draw, (110, 165, 220), (220, 235, 245), 0, 520)
    shades = [(150, 160, 185), (115, 125, 150), (85, 95, 115), (60, 80, 70)]
    for n, colour in enumerate(shades):
        points = ridge(rng, 300 + n * 110, 40 - n * 6)
        draw.polygon(points, fill=colour)
        if n == 0:
            for px, py in points[:-2]:
                if py < 280:
                    draw.polygon(
                        [(px - 20, py + 18), (px, py), (px + 20, py + 18)],
                        fill=(245, 248, 250),
                    )
    return "atlas", (
        "Bergketens in blauwgrijze lagen, de hoogste toppen met sneeuw.",
        "De Hoge Atlas ten zuiden van Marrakech",
        (0.5, 0.4),
    )


def coast(draw, rng, variant):
    sky = SKIES[(variant + 1) % len(SKIES)]
    gradient(draw, *sky, 0, 400)
    gradient(draw, (40, 110, 150), (20, 70, 110), 400, HEIGHT)
    for y in range(420, 620, 14):
        offset = rng.randint(0, 80)
        for x in range(-offset, WIDTH, 160):
            draw.line([(x, y), (x + 70, y)], fill=(150, 200, 220), width=2)
    draw.polygon(wave(640, 18, 140, rng.uniform(0, 6)), fill=(225, 200, 150))
    bx = rng.randint(200, 900)
    draw.polygon(
        [(bx, 600), (bx + 170, 600), (bx + 140, 640), (bx + 25, 640)],
        fill=(30, 90, 160),
    )
    draw.line([(bx + 85, 600), (bx + 85, 520)], fill=(60, 40, 30), width=5)
    return "kust", (
        "Een blauwe vissersboot op het strand, met golven en een open zee.",
        "Vissersboten aan de Atlantische kust bij Essaouira",
        (bx / WIDTH + 0.07, 0.75),
    )


def city(draw, rng, variant):
    gradient(draw, (30, 35, 80), (235, 130, 90), 0, 560)
    gradient(draw, (45, 40, 55), (30, 28, 35), 560, HEIGHT)
    x = 0
    while x < WIDTH:
        w, h = rng.randint(60, 140), rng.randint(120, 380)
        draw.rectangle([x, 560 - h, x + w, 560], fill=(35, 30, 45))
        for wy in range(560 - h + 15, 550, 28):
            for wx in range(x + 10, x + w - 12, 22):
                if rng.random() < 0.45:
                    draw.rectangle([wx, wy, wx + 9, wy + 12], fill=(250, 210, 120))
        x += w + rng.randint(0, 12)
    mx = rng.randint(300, 900)
    draw.rectangle([mx, 120, mx + 46, 560], fill=(30, 26, 40))
    draw.rectangle([mx - 8, 150, mx + 54, 175], fill=(30, 26, 40))
    draw.rectangle([mx + 14, 80, mx + 32, 120], fill=(30, 26, 40))
    return "stad", (
        "Silhouet van een stad in de avond, met verlichte ramen en een hoge minaret.",
        "Casablanca in de avond, met de minaret van de Hassan II-moskee",
        (mx / WIDTH, 0.4),
    )


def olives(draw, rng, variant):
    gradient(draw, (150, 200, 240), (235, 240, 235), 0, 380)
    greens = [(150, 170, 90), (125, 150, 70), (100, 130, 60)]
    for n, colour in enumerate(greens):
        draw.polygon(
            wave(330 + n * 140, 30, rng.uniform(120, 220), rng.uniform(0, 6)),
            fill=colour,
        )
    for row in range(6):
        y = 400 + row * 70
        radius = 14 + row * 4
        for x in range(rng.randint(0, 60), WIDTH, 80 + row * 20):
            draw.rectangle([x - 3, y, x + 3, y + radius], fill=(90, 70, 50))
            draw.ellipse(
                [x - radius, y - radius, x + radius, y + radius // 2],
                fill=(70, 100, 55),
            )
    return "olijfgaard", (
        "Rijen olijfbomen op glooiende groene heuvels onder een lichtblauwe lucht.",
        "Olijfgaarden in de heuvels rond Meknès",
        (0.5, 0.6),
    )


def solar(draw, rng, variant):
    gradient(draw, (90, 160, 230), (230, 225, 210), 0, 380)
    gradient(draw, (215, 180, 130), (190, 150, 100), 380, HEIGHT)
    sun(draw, rng.randint(150, 1050), 110, 50, (255, 245, 200))
    for row in range(7):
        y = 400 + row * 55
        depth = 0.6 + row * 0.12
        w, h = 90 * depth, 26 * depth
        for x in range(-40, WIDTH, int(w + 14)):
            draw.polygon(
                [(x, y + h), (x + w, y + h), (x + w - 12, y), (x + 12, y)],
                fill=(35, 60, 110),
                outline=(170, 190, 215),
            )
    return "zonnepark", (
        "Lange rijen blauwe zonnepanelen op een zanderige vlakte.",
        "Het zonnepark Noor bij Ouarzazate",
        (0.5, 0.65),
    )


def harbour(draw, rng, variant):
    gradient(draw, (170, 200, 225), (235, 240, 245), 0, 420)
    gradient(draw, (60, 110, 140), (40, 80, 110), 560, HEIGHT)
    draw.rectangle([0, 420, WIDTH, 560], fill=(120, 120, 125))
    colours = [
        (180, 50, 40),
        (40, 90, 160),
        (220, 160, 40),
        (50, 130, 80),
        (200, 200, 200),
    ]
    for stack in range(14):
        x = 40 + stack * 82
        for level in range(rng.randint(1, 4)):
            y = 540 - level * 32
            draw.rectangle(
                [x, y - 30, x + 76, y], fill=rng.choice(colours), outline=(60, 60, 60)
            )
    for n in range(3):
        cx = 200 + n * 360 + rng.randint(-40, 40)
        draw.line([(cx, 420), (cx, 140)], fill=(200, 80, 40), width=10)
        draw.line([(cx - 60, 160), (cx + 220, 160)], fill=(200, 80, 40), width=8)
        draw.line([(cx + 160, 160), (cx + 160, 300)], fill=(70, 70, 70), width=2)
    return "haven", (
        "Kleurige containers op een kade, met drie rode havenkranen erboven.",
        "Containers en kranen in de haven van Tanger Med",
        (0.5, 0.5),
    )


def zellige(draw, rng, variant):
    palettes = [
        [(20, 80, 140), (30, 130, 110), (240, 240, 230), (200, 150, 50)],
        [(140, 40, 40), (30, 90, 120), (245, 240, 225), (40, 110, 70)],
    ]
    palette = palettes[variant % len(palettes)]
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=palette[2])
    size = 100
    for gy in range(-1, HEIGHT // size + 2):
        for gx in range(-1, WIDTH // size + 2):
            cx, cy = gx * size + size / 2, gy * size + size / 2
            star = []
            for k in range(16):
                radius = size * (0.5 if k % 2 == 0 else 0.3)
                angle = k * math.pi / 8
                star.append(
                    (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
                )
            draw.polygon(star, fill=palette[(gx + gy) % 2], outline=palette[2])
            draw.ellipse([cx - 12, cy - 12, cx + 12, cy + 12], fill=palette[3])
    return "zellige", (
        "Geometrisch tegelwerk van achtpuntige sterren in blauw, groen en wit.",
        "Zellige-tegelwerk in een riad in Fès",
        (0.5, 0.5),
    )


def pitch(draw, rng, variant):
    gradient(draw, (15, 20, 45), (40, 50, 90), 0, 260)
    draw.rectangle([0, 200, WIDTH, 300], fill=(150, 30, 40))
    for x in range(0, WIDTH, 6):
        for y in range(210, 300, 8):
            if rng.random() < 0.5:
                draw.point((x, y), fill=(230, 200, 190))
    for n in range(10):
        colour = (60, 140, 60) if n % 2 else (70, 155, 70)
        draw.rectangle([0, 300 + n * 50, WIDTH, 350 + n * 50], fill=colour)
    draw.line([(WIDTH / 2, 300), (WIDTH / 2, HEIGHT)], fill="white", width=5)
    draw.ellipse([WIDTH / 2 - 110, 470, WIDTH / 2 + 110, 650], outline="white", width=5)
    for lx in (120, WIDTH - 120):
        sun(draw, lx, 80, 26, (255, 255, 220))
    return "stadion", (
        "Een groen voetbalveld met witte lijnen voor een volle rode tribune, onder "
        "felle lampen.",
        "Het Prins Moulay Abdellah-stadion in Rabat",
        (0.5, 0.6),
    )


def market(draw, rng, variant):
    gradient(draw, (240, 225, 200), (220, 200, 170), 0, HEIGHT)
    awnings = [(200, 60, 50), (230, 170, 40), (40, 120, 140), (120, 60, 120)]
    for n in range(5):
        x = n * 240
        colour = awnings[(n + variant) % len(awnings)]
        draw.polygon(
            [(x, 160), (x + 240, 160), (x + 220, 300), (x + 20, 300)], fill=colour
        )
        for stripe in range(x + 20, x + 230, 40):
            draw.line([(stripe, 160), (stripe + 8, 300)], fill=(250, 240, 220), width=6)
        draw.rectangle([x + 25, 470, x + 215, 620], fill=(140, 95, 55))
        fruit = rng.choice(
            [(240, 140, 30), (200, 30, 40), (120, 170, 40), (250, 210, 60)]
        )
        for fy in range(430, 480, 22):
            for fx in range(x + 40, x + 205, 24):
                sun(draw, fx + rng.randint(-3, 3), fy, 12, fruit)
    return "markt", (
        "Marktkramen onder gestreepte luifels, met kisten vol sinaasappels en tomaten.",
        "Op de markt in de medina van Marrakech",
        (0.5, 0.6),
    )


SCENES = [dunes, mountains, coast, city, olives, solar, harbour, zellige, pitch, market]


# Storing them


def ensure_demo_images(user, count, seed=1):
    """Return the ids of count demo images created by user: the ones stored by an
    earlier run first, the rest drawn and stored now (with their renditions).

    Return (ids, how many were made now).
    """
    from images.images import create_image
    from images.models import Image as LibraryImage

    ids = list(
        LibraryImage.objects.filter(created_by=user)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    missing = count - len(ids)
    if missing <= 0:
        return ids, 0
    for picture in demo_pictures(count, seed)[len(ids) :]:
        image = create_image(
            picture.file,
            created_by=user,
            alt=picture.alt,
            caption=picture.caption,
            credit=picture.credit,
            focal_x=picture.focal_x,
            focal_y=picture.focal_y,
        )
        ids.append(image.pk)
    return ids, missing


def remove_demo_images(user):
    """Delete user's demo images that no article uses any more, and their files once
    the transaction commits; return (removed, kept)."""
    from django.db import transaction

    from images import images
    from images.models import Image as LibraryImage

    demo = LibraryImage.objects.filter(created_by=user)
    kept = demo.filter(articles__isnull=False).distinct().count()
    doomed = list(demo.filter(articles__isnull=True).values_list("pk", "file"))
    storage = LibraryImage._meta.get_field("file").storage
    LibraryImage.objects.filter(pk__in=[pk for pk, _name in doomed]).delete()

    def delete_files():
        for pk, name in doomed:
            images.delete_files(storage, pk, name)

    transaction.on_commit(delete_files)
    return len(doomed), kept
