"""Reading our PDFs back as a reader and a phone would: pypdf parses the file and extracts its text, PDFium (the
engine Chrome uses) renders a page to pixels, and zxing-cpp decodes the QR codes it finds in them."""

from io import BytesIO

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def pdf_reader(content):
    return PdfReader(BytesIO(content))


def pdf_text(content):
    """All the text of the PDF, its lines joined with spaces (a long address may wrap at the line's end)."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf_reader(content).pages)


def qr_codes_on_page(content, page_number=0):
    """The data of every QR code on one page, rendered at 216 dpi, as a phone's camera would see it printed."""
    document = pypdfium2.PdfDocument(content)
    try:
        image = document[page_number].render(scale=3).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
