import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from badges.public.stored import build_all


class Command(BaseCommand):
    help = (
        "Render and store every award's public documents that a change or a new release left to build (the "
        "OB 2.0 assertion, the signed OB 3.0 credential, the public page), so that no visitor waits for one. "
        "Safe to run again and while the site serves; run it after a deploy that changed templates or settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Build every award's documents, current or not.")
        parser.add_argument(
            "--shard", default="0/1", help="I/N: build only awards whose id is I modulo N (run N processes)."
        )
        parser.add_argument("--public-ids", help="A file of award public ids, one a line: build only those.")

    def handle(self, *args, **options):
        try:
            shard, shards = (int(part) for part in options["shard"].split("/"))
        except ValueError:
            raise CommandError("--shard takes I/N, for example 0/2 and 1/2.") from None
        if not 0 <= shard < shards:
            raise CommandError("--shard I/N needs 0 <= I < N.")
        public_ids = None
        if options["public_ids"]:
            try:
                public_ids = [uuid.UUID(line) for line in Path(options["public_ids"]).read_text().split()]
            except (OSError, ValueError) as error:
                raise CommandError(f"--public-ids: {error}") from None
        built = build_all(shard=shard, shards=shards, everything=options["all"], public_ids=public_ids)
        self.stdout.write(f"public documents: {built} built")
