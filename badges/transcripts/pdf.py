"""The certificate and transcript PDFs, drawn with ReportLab.

Everything they need ships with the code: the DejaVu Sans fonts beside this module (embedded, subset, in each
PDF, so any reader shows the earner's name as written), and QR codes drawn as vectors by ReportLab itself.
Nothing is fetched while drawing. The callers pass plain values; this module knows nothing of the models.
"""

import contextlib
import functools
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
WARNING_HEX = "#92400e"
INK, MUTED, ACCENT, WARNING = (
    colors.HexColor("#111827"),
    colors.HexColor("#4b5563"),
    colors.HexColor("#1d4ed8"),
    colors.HexColor(WARNING_HEX),
)


@functools.cache
def _fonts():
    """Register the shipped fonts once per process."""
    pdfmetrics.registerFont(TTFont(REGULAR, FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _day(value):
    return f"{value:%B} {value.day}, {value.year}"


def qr_drawing(data, size):
    """A QR code of `data`, `size` points square, with the quiet zone scanners need around it."""
    widget = QrCodeWidget(data, barLevel="M", barBorder=4)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


@dataclass(frozen=True)
class CertificateData:
    badge_name: str
    earner_name: str
    issuer_name: str
    issued_on: date
    expires_on: date | None
    expired: bool
    credential_id: str
    verify_url: str
    site_name: str
    image: object = None  # a file-like PNG/JPEG/WebP of the badge, or None


def _fit_font_size(text, font, largest, smallest, width):
    size = largest
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _centred_lines(pdf, text, font, size, width, y, *, centre, max_lines, leading=1.25):
    """Draw `text` wrapped to `width`, centred; returns the y below the last line."""
    lines = simpleSplit(text, font, size, width)[:max_lines]
    pdf.setFont(font, size)
    for line in lines:
        pdf.drawCentredString(centre, y, line)
        y -= size * leading
    return y


def _badge_image(pdf, image, x, y, size):
    """The badge artwork, if it can be read: a certificate without it is still a certificate."""
    if image is None:
        return
    with contextlib.suppress(OSError, ValueError):  # not an image Pillow can read
        pdf.drawImage(ImageReader(image), x, y, size, size, mask="auto", preserveAspectRatio=True)


def certificate_pdf(data):
    """One page, A4 landscape: who earned what from whom and when, and a QR code of its verify page."""
    _fonts()
    out = BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(out, pagesize=(width, height), pageCompression=1, lang="en", initialFontName=REGULAR)
    pdf.setTitle(f"Certificate: {data.badge_name}, earned by {data.earner_name}")
    pdf.setAuthor(data.issuer_name)
    pdf.setSubject(f"Verify at {data.verify_url}")
    pdf.setCreator(data.site_name)

    margin = 14 * mm
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(3)
    pdf.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    pdf.setLineWidth(0.75)
    pdf.rect(margin + 5, margin + 5, width - 2 * margin - 10, height - 2 * margin - 10)

    centre, text_width = width / 2, width - 2 * margin - 80
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 11)
    pdf.drawCentredString(centre, height - margin - 34, data.issuer_name.upper())
    pdf.setFillColor(INK)
    pdf.setFont(BOLD, 28)
    pdf.drawCentredString(centre, height - margin - 72, "Certificate of achievement")

    # Without artwork the text moves up into its place, so the page stays balanced.
    y = height - margin - 150
    if data.image is not None:
        _badge_image(pdf, data.image, centre - 45, height - margin - 182, 90)
        y = height - margin - 210
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(centre, y, "This certifies that")
    pdf.setFillColor(INK)
    name_size = _fit_font_size(data.earner_name, BOLD, 30, 14, text_width)
    y = _centred_lines(pdf, data.earner_name, BOLD, name_size, text_width, y - 36, centre=centre, max_lines=2)
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(centre, y - 4, "earned the badge")
    pdf.setFillColor(ACCENT)
    y = _centred_lines(pdf, data.badge_name, BOLD, 18, text_width, y - 30, centre=centre, max_lines=3)
    pdf.setFillColor(INK)
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(centre, y - 4, f"issued by {data.issuer_name} on {_day(data.issued_on)}")

    _certificate_details(pdf, data, margin + 24, margin + 24)
    _certificate_qr(pdf, data, width - margin - 24, margin + 24)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _certificate_details(pdf, data, x, bottom):
    if data.expired:
        status = f"Expired on {_day(data.expires_on)}"
    elif data.expires_on:
        status = f"Valid until {_day(data.expires_on)}"
    else:
        status = "Valid, does not expire"
    rows = [("Credential ID", data.credential_id), ("Status", status), ("Verify at", data.verify_url)]
    y = bottom + 14 * (len(rows) - 1)
    for label, value in rows:
        pdf.setFillColor(MUTED)
        pdf.setFont(REGULAR, 9)
        pdf.drawString(x, y, label)
        pdf.setFillColor(WARNING if data.expired and label == "Status" else INK)
        pdf.setFont(BOLD if label == "Status" else REGULAR, 9)
        pdf.drawString(x + 70, y, value)
        y -= 14
    pdf.linkURL(data.verify_url, (x + 70, bottom - 3, x + 70 + 300, bottom + 10), relative=0)


def _certificate_qr(pdf, data, right, bottom):
    size = 92
    renderPDF.draw(qr_drawing(data.verify_url, size), pdf, right - size, bottom + 10)
    pdf.linkURL(data.verify_url, (right - size, bottom + 10, right, bottom + 10 + size), relative=0)
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 8)
    pdf.drawCentredString(right - size / 2, bottom, "Scan to verify")


@dataclass(frozen=True)
class TranscriptEntry:
    badge_name: str
    issuer_name: str
    issued_on: date
    expires_on: date | None
    expired: bool
    credential_id: str
    verify_url: str


@dataclass(frozen=True)
class TranscriptData:
    earner_name: str
    headline: str
    transcript_url: str
    generated_on: date
    site_name: str
    entries: tuple


def _styles():
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=25),
        "name": ParagraphStyle("name", parent=base, fontName=BOLD, fontSize=14, leading=18),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED),
        "badge": ParagraphStyle("badge", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8),
        "body": base,
        "link": ParagraphStyle("link", parent=base, textColor=ACCENT, fontSize=8.5, leading=11),
    }


def _transcript_header(data, styles, width):
    text = [
        Paragraph("Transcript of badges", styles["title"]),
        Paragraph(escape(data.earner_name), styles["name"]),
    ]
    if data.headline:
        text.append(Paragraph(escape(data.headline), styles["muted"]))
    count = len(data.entries)
    text += [
        Spacer(1, 4),
        Paragraph(f"{count} badge{'' if count == 1 else 's'}, as of {_day(data.generated_on)}.", styles["body"]),
        Paragraph(
            f'Verify this transcript at <link href="{escape(data.transcript_url)}">{escape(data.transcript_url)}</link>'
            ", and each badge at its own address below.",
            styles["muted"],
        ),
    ]
    qr = qr_drawing(data.transcript_url, 28 * mm)
    table = Table([[text, qr]], colWidths=[width - 32 * mm, 32 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    return table


def _transcript_entry(entry, styles):
    status = "Valid"
    if entry.expired:
        status = f'<font color="{WARNING_HEX}">Expired on {_day(entry.expires_on)}</font>'
    elif entry.expires_on:
        status = f"Valid until {_day(entry.expires_on)}"
    url = escape(entry.verify_url)
    return KeepTogether(
        [
            Paragraph(escape(entry.badge_name), styles["badge"]),
            Paragraph(f"Issued by {escape(entry.issuer_name)} on {_day(entry.issued_on)} · {status}", styles["body"]),
            Paragraph(f"Credential ID {escape(entry.credential_id)}", styles["muted"]),
            Paragraph(f'Verify: <link href="{url}">{url}</link>', styles["link"]),
        ]
    )


def transcript_pdf(data):
    """A4 portrait: the earner, then each badge with its verify address; a QR code of the transcript page."""
    _fonts()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"Transcript of badges: {data.earner_name}",
        author=data.earner_name,
        subject=f"Verify at {data.transcript_url}",
        creator=data.site_name,
        lang="en",
    )
    styles = _styles()
    story = [_transcript_header(data, styles, doc.width), Spacer(1, 6 * mm)]
    if data.entries:
        story += [_transcript_entry(entry, styles) for entry in data.entries]
    else:
        story.append(Paragraph("No public badges yet.", styles["body"]))

    def footer(pdf, doc_):
        pdf.saveState()
        pdf.setFont(REGULAR, 8)
        pdf.setFillColor(MUTED)
        pdf.drawString(
            doc.leftMargin,
            12 * mm,
            f"{data.site_name} · generated on {_day(data.generated_on)}: the verify addresses give each badge's "
            "current status.",
        )
        pdf.drawRightString(A4[0] - doc.rightMargin, 12 * mm, f"Page {doc_.page}")
        pdf.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
