from django.core.management.base import BaseCommand

from badges.catalog.images import badge_images_generate


class Command(BaseCommand):
    help = "Draw a default emblem for every badge template that has no image (safe to run again)."

    def handle(self, *args, **options):
        made = badge_images_generate()
        self.stdout.write(f"badge images: {made} generated")
