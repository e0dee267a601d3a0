"""Run 1EdTech's Open Badges 2.0 reference validator (PyPI `openbadges`) on our badges.

It runs under the validator's own Python 3.11 virtualenv, never the project's:

    .venv-obvalidator/bin/python tools/ob_validate.py URL_OR_PNG [URL_OR_PNG ...] [--email EARNER]

Prints a JSON list of {input, report} and exits 0 only when every input is valid. `make validate-ob` sets
up the virtualenv and runs this against a live server.
"""

import argparse
import json
import sys

import openbadges.verifier.tasks.crypto as validator_crypto
import responses
from openbadges import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI


class _PemPassthrough:
    """python-jose >= 3.4 refuses the pycryptodome key object the validator builds; the PEM text works."""

    @staticmethod
    def import_key(pem):
        return pem


validator_crypto.RSA = _PemPassthrough


def validate(badge_input, email=None):
    # The validator fetches the OB 2.0 JSON-LD context from the internet; give it its own bundled
    # copy and let every request to our local server through.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, OPENBADGES_CONTEXT_V2_URI, json=OPENBADGES_CONTEXT_V2_DICT)
        mock.add_passthru("http://127.0.0.1")
        mock.add_passthru("http://localhost")
        profile = {"email": email} if email else None
        return verify(badge_input, recipient_profile=profile, use_cache=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", help="hosted assertion URL or path to a baked PNG")
    parser.add_argument("--email", help="the earner's address, to check the recipient hash as well")
    args = parser.parse_args(argv)
    results = []
    for badge_input in args.inputs:
        if badge_input.startswith(("http://", "https://")):
            result = validate(badge_input, args.email)
        else:
            with open(badge_input, "rb") as image:
                result = validate(image, args.email)
        results.append({"input": badge_input, "report": result["report"]})
    print(json.dumps(results, indent=2, default=str))
    return 0 if all(item["report"].get("valid") for item in results) else 1


if __name__ == "__main__":
    sys.exit(main())
