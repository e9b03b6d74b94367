"""Make the renditions of library images that lack them or are out of date.

    manage.py make_renditions            # images whose renditions are missing or stale
    manage.py make_renditions 12 15      # only these images (by id)
    manage.py make_renditions --all      # every image, e.g. after RENDITION_VERSION
    manage.py make_renditions --check    # only report; exit status 1 if work is left
    manage.py make_renditions --prune    # also delete rendition files no image uses

Renditions are normally made when an image is uploaded, changed (focal point) or
imported; public pages never make them. Run this after restoring media from a backup,
after moving media storage, or when a save could not make them.
"""

from django.core.management.base import BaseCommand, CommandError

from images import images
from images.models import Image


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="Only these images (ids).")
        parser.add_argument(
            "--all", action="store_true", help="Remake every image's renditions."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; report, and exit 1 if renditions are missing.",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete rendition files that no image lists any more.",
        )

    def handle(self, *args, **options):
        ids = options["ids"]
        queryset = Image.objects.order_by("pk")
        if ids:
            bad = [value for value in ids if not value.isdigit()]
            if bad:
                raise CommandError(f"Not an image id: {', '.join(bad)}.")
            wanted = {int(value) for value in ids}
            queryset = queryset.filter(pk__in=wanted)
            missing = wanted - set(queryset.values_list("pk", flat=True))
            if missing:
                raise CommandError(
                    "No image with id " + ", ".join(map(str, sorted(missing))) + "."
                )

        made = current = failed = pruned = 0
        for image in queryset.iterator(chunk_size=200):
            storage = image.file.storage
            reason = self.needs_work(image, storage, force=options["all"])
            if reason is None:
                current += 1
            elif options["check"]:
                self.stdout.write(f"Image {image.pk} ({image.file.name}): {reason}.")
                failed += 1
            else:
                try:
                    images.make_renditions(image)
                except (OSError, ValueError) as error:
                    # ValueError: Pillow on a file that is no image at all.
                    failed += 1
                    self.stderr.write(
                        f"Image {image.pk} ({image.file.name}): cannot read the "
                        f"original ({error}). Upload it again in the admin."
                    )
                    continue
                made += 1
            if options["prune"] and not options["check"]:
                for name in images.unused_files(storage, image.pk, image.renditions):
                    storage.delete(name)
                    pruned += 1

        if options["prune"] and not options["check"] and not ids:
            pruned += self.prune_orphans()

        if options["check"]:
            summary = f"{current} image(s) up to date, {failed} need renditions."
            if failed:
                raise CommandError(summary, returncode=1)
            self.stdout.write(self.style.SUCCESS(summary))
            return
        summary = f"Made renditions for {made} image(s); {current} were up to date."
        if options["prune"]:
            summary += f" Deleted {pruned} unused rendition file(s)."
        if failed:
            raise CommandError(
                f"{summary} {failed} image(s) failed, see above.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def prune_orphans(self):
        """Delete rendition folders of images that no longer exist (a save that was
        rolled back, an image deleted outside the admin); return the file count."""
        storage = Image._meta.get_field("file").storage
        try:
            folders, _files = storage.listdir(images.RENDITIONS_DIR)
        except (FileNotFoundError, NotADirectoryError):
            return 0
        known = set(Image.objects.values_list("pk", flat=True))
        deleted = 0
        for folder in folders:
            if folder.isdigit() and int(folder) not in known:
                for name in images.unused_files(storage, folder, {}):
                    storage.delete(name)
                    deleted += 1
        return deleted

    def needs_work(self, image, storage, *, force):
        """Return why image's renditions must be made, or None when they are fine."""
        if force:
            return "remade on request"
        if not image.renditions:
            return "no renditions"
        if not image.renditions_current:
            return "made from another file, focal point or version"
        missing = images.missing_files(storage, image.renditions)
        if missing:
            return f"{len(missing)} file(s) missing from storage"
        return None
