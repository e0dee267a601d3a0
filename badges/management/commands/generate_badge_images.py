from django.core.management.base import BaseCommand

from badges.catalog.images import badge_image_renditions_generate, badge_images_generate


class Command(BaseCommand):
    help = (
        "Draw a default emblem for every badge template that has no image, and make the sized copies pages "
        "serve for every image that lacks them (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--redo-renditions", action="store_true", help="Make the sized copies again for every image."
        )

    def handle(self, *args, **options):
        made = badge_images_generate()
        sized = badge_image_renditions_generate(redo=options["redo_renditions"])
        self.stdout.write(f"badge images: {made} generated, {sized} sized")
