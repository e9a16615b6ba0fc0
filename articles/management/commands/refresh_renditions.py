"""manage.py refresh_renditions: cut every library photo's renditions again from its original.

Run it after an upgrade that changes the sizes or crops pages use (the share crops for search
engines came that way); uploads made since already have them. Safe to run again.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Image
from articles.photos.renditions import make_renditions
from articles.photos.uploads import STORAGE_ERRORS


class Command(BaseCommand):
    help = "Cut every library photo's renditions again from its stored original."

    def handle(self, *args, **options):
        done, unreadable = 0, []
        for image in Image.objects.order_by("pk").iterator():
            try:
                with image.file.open("rb") as original:
                    make_renditions(image.key, original.read(), image.extension)
            except STORAGE_ERRORS as error:
                unreadable.append(f"{image} ({image.key}): {error}")
                continue
            done += 1
        self.stdout.write(f"Renditions cut for {done} photo(s).")
        if unreadable:
            raise CommandError("These originals could not be read:\n" + "\n".join(unreadable))
