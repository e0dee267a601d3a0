"""The import's problem report as CSV, safe to open in a spreadsheet."""

import csv
import io

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets (CSV injection):
# a value from the uploaded file such as `=HYPERLINK(...)` must come back as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def report_csv(rows):
    """The report rows ([line, column, value, problem]) as CSV text with a header."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "column", "value", "problem"])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
