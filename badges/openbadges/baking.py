"""Baked badges: a PNG that carries its Open Badges data in an uncompressed `iTXt` chunk.

PNG chunks are simple enough to read and write by hand, which keeps us in control of exactly
one chunk per keyword and lets unbaking refuse hostile files before any image decoding happens.
"""

import io
import struct
import zlib

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
# No badge image comes near this; anything larger is refused before it is read.
MAX_PNG_BYTES = 2 * 1024 * 1024
MAX_TEXT_BYTES = 256 * 1024
MAX_CHUNKS = 10_000
MAX_PIXELS = 4096 * 4096


class BakingError(ValueError):
    """The bytes are not a PNG we can read; the message says why in plain words."""


def _chunk(chunk_type, data):
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _itxt_chunk(keyword, text):
    # keyword, NUL, compression flag 0 (none), method 0, empty language tag, NUL, empty translated keyword, NUL
    return _chunk(b"iTXt", keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8"))


def iter_chunks(png_bytes):
    """Yield (type, data) for each chunk, checking lengths and CRCs as we go."""
    if len(png_bytes) > MAX_PNG_BYTES:
        raise BakingError(f"The file is larger than {MAX_PNG_BYTES // (1024 * 1024)} MB.")
    if not png_bytes.startswith(PNG_SIGNATURE):
        raise BakingError("The file is not a PNG image.")
    position, count = len(PNG_SIGNATURE), 0
    while position < len(png_bytes):
        if position + 12 > len(png_bytes):
            raise BakingError("The PNG file is cut short.")
        (length,) = struct.unpack(">I", png_bytes[position : position + 4])
        chunk_type = png_bytes[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(png_bytes):
            raise BakingError("The PNG file is cut short.")
        data = png_bytes[position + 8 : end - 4]
        (crc,) = struct.unpack(">I", png_bytes[end - 4 : end])
        if crc != zlib.crc32(chunk_type + data) & 0xFFFFFFFF:
            raise BakingError("The PNG file is damaged (a checksum does not match).")
        count += 1
        if count > MAX_CHUNKS:
            raise BakingError("The PNG file has too many parts to be a badge.")
        yield chunk_type, data
        if chunk_type == b"IEND":
            return
        position = end
    raise BakingError("The PNG file has no end marker.")


def _text_keyword(chunk_type, data):
    if chunk_type in (b"iTXt", b"tEXt", b"zTXt"):
        return data.split(b"\x00", 1)[0].decode("latin-1")
    return None


def _parse_itxt(data):
    keyword, rest = data.split(b"\x00", 1)
    if len(rest) < 2:
        raise BakingError("The badge data in the PNG is malformed.")
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    try:
        _language, _translated, text = rest.split(b"\x00", 2)
    except ValueError:
        raise BakingError("The badge data in the PNG is malformed.") from None
    if compressed:
        decompressor = zlib.decompressobj()
        try:
            text = decompressor.decompress(text, MAX_TEXT_BYTES)
        except zlib.error:
            raise BakingError("The badge data in the PNG is damaged.") from None
        if decompressor.unconsumed_tail:
            raise BakingError("The badge data in the PNG is too large.")
    if len(text) > MAX_TEXT_BYTES:
        raise BakingError("The badge data in the PNG is too large.")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("The badge data in the PNG is not valid text.") from None


def bake(png_bytes, text, keyword=OB2_KEYWORD):
    """Return the PNG with exactly one uncompressed iTXt chunk `keyword` holding `text`.

    Any earlier text chunk with the same keyword is dropped; the new one goes right before IEND.
    """
    return bake_split(split_for_baking(png_bytes, keyword), text, keyword)


def split_for_baking(png_bytes, keyword=OB2_KEYWORD):
    """The PNG cut where the text goes: (every chunk before IEND but a `keyword` text chunk, the IEND chunk).
    The same for every award of a template, so it is worth keeping (`bake_split`)."""
    head = [PNG_SIGNATURE]
    for chunk_type, data in iter_chunks(png_bytes):
        if _text_keyword(chunk_type, data) == keyword:
            continue
        if chunk_type == b"IEND":
            return b"".join(head), _chunk(chunk_type, data)
        head.append(_chunk(chunk_type, data))
    raise BakingError("The PNG file has no end marker.")  # iter_chunks raises first; kept for clarity


def bake_split(split, text, keyword=OB2_KEYWORD):
    head, end = split
    return head + _itxt_chunk(keyword, text) + end


def unbake(png_bytes, keyword=OB2_KEYWORD):
    """Return the text baked under `keyword`, or None if the PNG carries none."""
    for chunk_type, data in iter_chunks(png_bytes):
        if chunk_type == b"iTXt" and _text_keyword(chunk_type, data) == keyword:
            return _parse_itxt(data)
    return None


def as_png(image_file):
    """The template image as PNG bytes; anything else staff uploaded is re-encoded once here."""
    with image_file.open("rb") as handle:
        raw = handle.read(MAX_PNG_BYTES + 1)
    if raw.startswith(PNG_SIGNATURE) and len(raw) <= MAX_PNG_BYTES:
        return raw
    with Image.open(io.BytesIO(raw)) as image:
        image.thumbnail((1024, 1024))
        buffer = io.BytesIO()
        image.convert("RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def check_png_decodes(png_bytes):
    """Make Pillow read the whole image, with its decompression-bomb guard, before we trust it."""
    try:
        with Image.open(io.BytesIO(png_bytes), formats=["PNG"]) as image:
            if image.width * image.height > MAX_PIXELS:
                raise BakingError("The image is too large to be a badge.")
            image.load()
    except BakingError:
        raise
    except Image.DecompressionBombError:
        raise BakingError("The image is too large to be a badge.") from None
    except (OSError, SyntaxError, ValueError):
        raise BakingError("The file is not a readable PNG image.") from None
