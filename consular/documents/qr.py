"""A seal as a QR code (written with segno, in byte mode) and read back from a photo (zxing-cpp).

The printed notice also shows the seal as text, in RFC 4648 base32 in groups of four, for
anyone whose scanner cannot pass on binary data: `payload_text` writes it, `payload_bytes`
reads it back (and hex or base64, which other tools print).
"""

import base64
import binascii
import io
import re
import warnings

import segno
import zxingcpp
from PIL import Image

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # a 12-megapixel phone photo, with room; refused before decoding beyond
HEX = re.compile(r"(?:0x)?(dc03[0-9a-f]+)", re.IGNORECASE)  # a version 4 seal starts with DC 03
BASE32 = re.compile(r"[A-Z2-7]+=*")


class NotASealImage(ValueError):
    """The photo could not be read, or shows no QR code."""


def qr_svg(data: bytes, *, scale: int = 4) -> str:
    """An SVG QR code of the seal's bytes (error correction M: a crease or a stain still reads)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", mode="byte", boost_error=False).save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, title=None)
    return buffer.getvalue().decode()


def payload_text(data: bytes) -> str:
    """Base32 without padding, in groups of four for copying by hand."""
    text = base64.b32encode(data).decode().rstrip("=")
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def payload_bytes(text: str) -> bytes:
    """The bytes of a pasted seal: base32 (as we print it), hex or base64; ValueError if none fits."""
    compact = re.sub(r"\s+", "", text)
    if not compact:
        raise ValueError("empty")
    if HEX.fullmatch(compact):
        return bytes.fromhex(HEX.fullmatch(compact).group(1))
    upper = compact.upper()
    if BASE32.fullmatch(upper):
        try:
            return base64.b32decode(upper.rstrip("=") + "=" * (-len(upper.rstrip("=")) % 8))
        except binascii.Error:
            pass
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=b"-_" if "-" in compact or "_" in compact
                                else None, validate=True)
    except binascii.Error as not_base64:
        raise ValueError("not base32, hex or base64") from not_base64


def read_qr(photo: bytes) -> bytes:
    """The bytes of the first QR code in a photo (JPEG, PNG …); NotASealImage if there is none."""
    if len(photo) > MAX_PHOTO_BYTES:
        raise NotASealImage("too large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(photo))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise NotASealImage("too many pixels")
            image.load()
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning, ValueError) as unreadable:
        raise NotASealImage("unreadable") from unreadable
    found = [result for result in zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
             if result.valid]
    if not found:
        raise NotASealImage("no QR code")
    return found[0].bytes
