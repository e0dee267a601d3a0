"""Reading an award import file: bytes to text, text to rows, rows to checked awards.

Excel is the usual source, so its exports must just work: UTF-8 with or without a byte-order mark, UTF-16
("Unicode text"), Windows-1252 / Latin-1 ("CSV" on a Western Windows), separated by commas, semicolons
(Excel in locales with a decimal comma) or tabs, with quoted fields spanning lines.
"""

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from ..awards.bulk import AwardItem, award_item_build, awards_existing, renewals_check
from ..catalog.selectors import TEMPLATE_REFERENCE_HELP, badge_template_find
from ..models import BadgeTemplate

# What the encoding menu offers; "" detects.
ENCODINGS = {"utf-8": "UTF-8", "utf-16": "UTF-16 (Excel “Unicode text”)", "cp1252": "Latin-1 / Windows-1252"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SAVE_AS_CSV = "In Excel choose File › Save a Copy › “CSV UTF-8 (Comma delimited)”, then upload that file."

# Each column and the header names accepted for it, compared without case, spaces, hyphens or underscores.
COLUMNS = {
    "template": ["template", "badge", "badge template", "template slug", "slug", "exam", "exam code",
                 "certification", "certification name", "badge name"],
    "email": ["email", "e-mail", "email address", "e-mail address", "recipient email", "recipient e-mail", "mail"],
    "name": ["name", "full name", "recipient name", "recipient", "earner name"],
    "first_name": ["first name", "firstname", "given name", "forename"],
    "last_name": ["last name", "lastname", "surname", "family name"],
    "issued_on": ["issued on", "issued", "issue date", "date issued", "issued date", "awarded on", "date awarded"],
    "expires_on": ["expires on", "expires", "expiry", "expiry date", "expiration", "expiration date", "valid until"],
    "evidence_url": ["evidence", "evidence url", "evidence link"],
    "external_id": ["earner id", "external id", "candidate id", "candidate number", "member id", "student id"],
}  # fmt: skip
COLUMN_LABELS = {
    "template": "badge template",
    "email": "recipient email",
    "name": "recipient name",
    "first_name": "first name",
    "last_name": "last name",
    "issued_on": "issued on",
    "expires_on": "expires on",
    "evidence_url": "evidence URL",
    "external_id": "earner id",
}


def _header_key(text):
    return re.sub(r"[\s_\-]+", "", text.strip().lstrip("\ufeff").lower())


HEADER_ALIASES = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
# A cell longer than this is no value we store (the longest column holds 500): refused, not read into memory.
MAX_CELL = 2000


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported; nothing is stored."""


@dataclass
class Problem:
    line: int
    column: str
    value: str
    message: str

    def as_row(self):
        return [self.line, self.column, self.value, self.message]


@dataclass
class Plan:
    """What a file holds: the awards it would create (checked items), duplicates found, and its bad rows."""

    encoding: str
    delimiter: str
    rows: int = 0
    items: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)  # Problems naming the duplicate rows (preview only)
    to_create: int = 0  # set under the chosen duplicates policy (`badges.imports.services.plan_preview`)
    held: list = field(default_factory=list)  # the items whose address already holds the badge (not repeats)
    to_renew: int = 0  # with the renew policy (`plan_renewals`): the held items it would renew
    refusals: list = field(default_factory=list)  # Problems naming the held rows it could not renew

    @property
    def bad_rows(self):
        return len({problem.line for problem in self.problems})


def decode(data, encoding=""):
    """The file's text and the encoding it was read with; ImportFileError for what is not a text table."""
    if not data.strip():
        raise ImportFileError("The file is empty.", code="empty")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(f"This is an Excel workbook (.xlsx or .xls), not a CSV file. {SAVE_AS_CSV}", code="xlsx")
    encoding = encoding or _detect(data)
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # reads a byte-order mark if there is one
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        label = ENCODINGS.get(encoding.removesuffix("-sig"), encoding)
        raise ImportFileError(
            f"The file is not valid {label}. Choose its encoding on the form, or save it as CSV UTF-8.",
            code="bad_encoding",
        ) from None
    if _looks_binary(text):
        raise ImportFileError(f"This is not a text file (a CSV or tab-separated export). {SAVE_AS_CSV}", code="binary")
    return text.lstrip("\ufeff"), encoding.removesuffix("-sig")


def _detect(data):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    head = data[:4000]
    # UTF-16 without a mark: mostly ASCII text, so (nearly) every other byte is NUL and the others never are.
    even, odd = head[0::2], head[1::2]
    for lane, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if lane.count(0) >= len(lane) * 0.9 and other.count(0) == 0:
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # never fails: cp1252 leaves five bytes undefined


def _looks_binary(text):
    sample = text[:4000]
    controls = sum(1 for character in sample if unicodedata.category(character) == "Cc" and character not in "\t\r\n")
    return "\x00" in sample or controls > len(sample) // 100


def detect_delimiter(text):
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_rows(text, delimiter):
    """Yield (line number where the row starts, cells) for each row, blank lines left out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"Line {line}: the file cannot be read as CSV ({error}).", code="csv") from None


def map_header(cells):
    """{column: index} for the header row; ImportFileError naming unknown, repeated or missing columns."""
    columns, problems = {}, []
    for index, cell in enumerate(cells):
        column = HEADER_ALIASES.get(_header_key(cell))
        if not cell.strip():
            continue
        if column is None:
            problems.append(f"unknown column “{cell.strip()[:100]}”")
        elif column in columns:
            problems.append(f"the {COLUMN_LABELS[column]} column appears twice (“{cell.strip()[:100]}”)")
        else:
            columns[column] = index
    has_name = "name" in columns or {"first_name", "last_name"} <= columns.keys()
    missing = [COLUMN_LABELS[c] for c in ("template", "email", "issued_on") if c not in columns]
    if not has_name:
        missing.insert(2, "recipient name (or first name and last name)")
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if problems:
        known = ", ".join(aliases[0] for aliases in COLUMNS.values())
        raise ImportFileError(f"Line 1 (the header): {'; '.join(problems)}. The columns are: {known}.", code="header")
    return columns


DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


# The rows of an import share a handful of dates (one exam window): each is read once.
@functools.lru_cache(maxsize=4096)
def parse_date(text):
    text = text.strip()
    match = DATE.fullmatch(text)
    if not match:
        raise ValidationError(f"“{text[:40]}” is not a date; use YYYY-MM-DD.", code="bad_date")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(f"“{text[:40]}” is not a real date.", code="impossible_date") from None


class _Templates:
    """Badge templates by the reference a row gives, each looked up once."""

    def __init__(self):
        self.found = {}

    def get(self, reference):
        key = reference.strip().lower()
        if key not in self.found:
            self.found[key] = badge_template_find(reference) if len(key) <= 255 else None
        return self.found[key]


def file_check(data, *, encoding=""):
    """Refuse at once a file that cannot be imported at all (not a text table, a bad header, no rows, too many
    rows), reading its rows without checking them: the upload's answer while `plan_file` runs later. Return the
    encoding it was read with."""
    text, encoding = decode(data, encoding)
    _columns, _width, rows = _table(text, detect_delimiter(text))
    if not sum(1 for _ in rows):  # read to the end: too many rows are refused on the way
        raise _header_only()
    return encoding


def plan_file(data, *, encoding="", check_existing=True, progress=None):
    """Read and check every row of an import file: the preview, and the run's first step. `progress(line,
    lines)` is told every PROGRESS_EVERY rows how far through the file's lines the check is."""
    text, encoding = decode(data, encoding)
    delimiter = detect_delimiter(text)
    plan = Plan(encoding=encoding, delimiter=delimiter)
    columns, width, rows = _table(text, delimiter)
    lines = text.count("\n") + 1 if progress else 0
    templates = _Templates()
    first_line_of = {}
    for line, cells in rows:
        plan.rows += 1
        if progress and plan.rows % PROGRESS_EVERY == 0:
            progress(line, lines)
        item = _check_row(line, cells, columns, width, templates, plan.problems)
        if item is None:
            continue
        plan.items.append(item)
        if item.key in first_line_of:
            plan.duplicates.append(
                Problem(line, "recipient email", item.email, f"repeats line {first_line_of[item.key]}")
            )
        else:
            first_line_of[item.key] = line
    if plan.rows == 0:
        raise _header_only()
    if check_existing:
        _note_existing(plan)
    return plan


PROGRESS_EVERY = 1000


def _table(text, delimiter):
    """The header's {column: index}, its width, and the data rows, at most AWARD_IMPORT_MAX_ROWS of them."""
    rows = read_rows(text, delimiter)
    first = next(rows, None)
    if first is None:
        raise ImportFileError("The file is empty.", code="empty")
    return map_header(first[1]), len(first[1]), _at_most(settings.AWARD_IMPORT_MAX_ROWS, rows)


def _at_most(max_rows, rows):
    for count, row in enumerate(rows, 1):
        if count > max_rows:
            raise ImportFileError(
                f"The file has more than {max_rows:,} rows; split it into several files.", code="too_many_rows"
            )
        yield row


def _header_only():
    return ImportFileError("The file has a header but no rows.", code="header_only")


ALREADY_HELD = "already holds this badge (not revoked)"


def plan_renewals(plan, batch=1000):
    """Under the renew policy: the rows whose address holds the badge are renewals, not duplicates; those
    `award_renew` would refuse become refusals with its reason. Only repeats inside the file stay duplicates."""
    held_lines = {item.ref for item in plan.held}
    plan.duplicates = [problem for problem in plan.duplicates if problem.line not in held_lines]
    for start in range(0, len(plan.held), batch):
        renewable, refused = renewals_check(plan.held[start : start + batch])
        plan.to_renew += len(renewable)
        plan.refusals += [renewal_refused(item, error) for item, error in refused]
    return plan


def renewal_refused(item, error):
    """The report's entry for a row whose renewal `award_renew` refuses."""
    value = item.expires_on.isoformat() if item.expires_on else ""
    return Problem(item.ref, "expires on", value, "cannot renew: " + " ".join(error.messages))


def _note_existing(plan, batch=1000):
    repeats = {problem.line for problem in plan.duplicates}  # a row is one duplicate, whatever it repeats
    for start in range(0, len(plan.items), batch):
        items = plan.items[start : start + batch]
        existing = awards_existing(item.key for item in items)
        for item in items:
            if item.key in existing and item.ref not in repeats:
                plan.held.append(item)
                message = ALREADY_HELD
                plan.duplicates.append(Problem(item.ref, "recipient email", item.email, message))
    plan.duplicates.sort(key=lambda problem: problem.line)


def _check_row(line, cells, columns, width, templates, problems):
    """The row's checked item, or None after adding its problems to `problems`."""
    found = []

    def problem(column, value, message):
        found.append(Problem(line, COLUMN_LABELS.get(column, column), value[:200], message))

    if any(cell.strip() for cell in cells[width:]):
        problem("", "", f"the row has {len(cells)} values but the header names {width} columns")
    values = dict.fromkeys(COLUMNS, "")
    for column, index in columns.items():
        value = cells[index].strip() if index < len(cells) else ""
        if len(value) > MAX_CELL:
            problem(column, value, f"the value is longer than {MAX_CELL} characters")
            value = ""
        values[column] = value
    if "name" not in columns or (not values["name"] and (values["first_name"] or values["last_name"])):
        values["name"] = f"{values['first_name']} {values['last_name']}".strip()
    for column in ("template", "email", "name", "issued_on"):
        if not values[column]:
            problem(column, "", f"the {COLUMN_LABELS[column]} is missing")
    template = None
    if values["template"]:
        template = templates.get(values["template"])
        if template is None:
            problem("template", values["template"], f"no badge template matches. {TEMPLATE_REFERENCE_HELP}")
    dates = {}
    for column in ("issued_on", "expires_on"):
        if values[column]:
            try:
                dates[column] = parse_date(values[column])
            except ValidationError as error:
                problem(column, values[column], error.messages[0])
    if found or template is None or "issued_on" not in dates:
        problems.extend(found)
        return None
    try:
        return award_item_build(
            template=template,
            email=values["email"],
            name=values["name"],
            issued_on=dates["issued_on"],
            expires_on=dates.get("expires_on"),
            external_id=values["external_id"],
            evidence_url=values["evidence_url"],
            ref=line,
        )
    except ValidationError as error:
        for inner in error.error_list:
            column = _COLUMN_OF_CODE.get(inner.code, "")
            problem(column, values.get(column, ""), inner.messages[0])
        problems.extend(found)
        return None


_COLUMN_OF_CODE = {
    "invalid_email": "email",
    "name_required": "name",
    "name_control_character": "name",
    "name_too_long": "name",
    "external_id_too_long": "external_id",
    "external_id_control": "external_id",
    "evidence_too_long": "evidence_url",
    "evidence_invalid": "evidence_url",
    "expires_before_issue": "expires_on",
}


def items_dump(items):
    """The checked items as CSV text, for the run to read back without checking every row again."""
    out = io.StringIO()
    writer = csv.writer(out)
    for item in items:
        expires_on = item.expires_on.isoformat() if item.expires_on else ""
        writer.writerow([item.ref, item.template.pk, item.email, item.name, item.issued_on.isoformat(), expires_on,
                         item.external_id, item.evidence_url])  # fmt: skip
    return out.getvalue()


def items_load(text):
    """The items `items_dump` wrote, with their templates read in one query."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    templates = BadgeTemplate.objects.in_bulk({int(row[1]) for row in rows})
    if len(templates) < len({row[1] for row in rows}):
        raise ImportFileError("A badge template named in the file was deleted since the preview; upload it again.")
    dates = {}

    def day(text):
        if text not in dates:
            dates[text] = date.fromisoformat(text) if text else None
        return dates[text]

    return [
        AwardItem(
            template=templates[int(template_id)],
            email=email,
            name=name,
            issued_on=day(issued_on),
            expires_on=day(expires_on),
            external_id=external_id,
            evidence_url=evidence_url,
            ref=int(line),
        )
        for line, template_id, email, name, issued_on, expires_on, external_id, evidence_url in rows
    ]
