"""What one certificate and one transcript PDF cost to draw, in-process (no database): the figure behind
PDF_RATE_LIMIT. Medians of BENCH_RUNS (15) runs after one warm-up (font loading).

Run: .venv/bin/python bench/pdf/run.py
"""

import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
django.setup()

from badges.transcripts import pdf  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
URL = "https://badges.example.org/badges/3f1c5a3e-1234-4a1b-9c7d-0123456789ab/verify/"


def _median_ms(action):
    action()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def main():
    certificate = pdf.CertificateData(
        badge_name="Microsoft Certified: Azure Solutions Architect Expert",
        earner_name="Zoë Ångström-Łukasiewicz",
        issuer_name="Microsoft Certifications (demo issuer)",
        issued_on=date(2026, 3, 1),
        expires_on=date(2027, 3, 1),
        expired=False,
        credential_id="3f1c5a3e-1234-4a1b-9c7d-0123456789ab",
        verify_url=URL,
        site_name="badgeportal",
    )
    entry = pdf.TranscriptEntry(
        badge_name=certificate.badge_name,
        issuer_name=certificate.issuer_name,
        issued_on=certificate.issued_on,
        expires_on=None,
        expired=False,
        credential_id=certificate.credential_id,
        verify_url=URL,
    )
    transcript = pdf.TranscriptData(
        earner_name=certificate.earner_name,
        headline="Cloud architect",
        transcript_url="https://badges.example.org/u/zoe/transcript/",
        generated_on=date(2026, 11, 30),
        site_name="badgeportal",
        entries=(entry,) * 20,
    )
    print("load average:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"certificate, median ms: {_median_ms(lambda: pdf.certificate_pdf(certificate))}")
    print(f"transcript of 20 badges, median ms: {_median_ms(lambda: pdf.transcript_pdf(transcript))}")


if __name__ == "__main__":
    main()
