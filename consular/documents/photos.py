"""Checks on an uploaded passport photo, and the copy of it we keep, with its metadata removed.

The ministry's photo is 35 mm wide and 45 mm high, the submitted portrait of ICAO Doc 9303 Part 3,
3.9.1.2 (width to height 7 : 9, cropped and never stretched to get there). What the file alone can
tell is checked here: that it is a JPEG or PNG image Pillow can decode (by its content, never its
name), its file size, its pixel size and its proportions. Whether it shows the applicant properly is
the clerk's check on the checklist.
"""

import warnings
from dataclasses import dataclass
from fractions import Fraction
from io import BytesIO

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# Only these are decoded at all: every other Pillow plugin is one more parser for a hostile upload.
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
MAX_FILE_BYTES = 5 * 1024 * 1024
# Below this a photo of the minimum size is compressed too hard to show a face in print quality.
MIN_FILE_BYTES = 10 * 1024
# 35 × 45 mm at 300 dpi (35 / 25.4 × 300 and 45 / 25.4 × 300), the least the data page prints sharply.
MIN_WIDTH = 413
MIN_HEIGHT = 531
# Larger than any camera needs for 35 × 45 mm; refused before decoding, so no upload costs much memory.
MAX_SIDE = 4000
PHOTO_PROPORTION = Fraction(35, 45)  # width : height, 7 : 9 (Doc 9303 Part 3, 3.9.1.2)
PROPORTION_TOLERANCE = 0.03  # ± 3 %: cropping to the millimetre is not asked of applicants
SHOWN_PROPORTION_DENOMINATOR = 20  # "3 : 4" rather than "600 : 799" in a message
JPEG_QUALITY = 92
EXIF_ORIENTATION = 0x0112
ORIENTATIONS_TURNED_SIDEWAYS = frozenset({5, 6, 7, 8})  # EXIF: the camera stored the picture rotated 90°


def _rules() -> Promise:
    return format_lazy(
        _("A JPEG or PNG file of {min_kb} KB to {max_mb} MB; at least {min_width} × {min_height} pixels and at "
          "most {max_side} on either side; 35 × 45 mm in proportion (width : height 7 : 9, within {tolerance} %)."),
        min_kb=MIN_FILE_BYTES // 1024, max_mb=MAX_FILE_BYTES // 1024 // 1024, min_width=MIN_WIDTH,
        min_height=MIN_HEIGHT, max_side=MAX_SIDE, tolerance=round(PROPORTION_TOLERANCE * 100),
    )  # fmt: skip


# Every rule check_photo applies, in one sentence built from the same limits: the form's help and the
# API's field description say exactly what will be refused, and cannot drift from it.
PHOTO_RULES = _rules()


@dataclass(frozen=True)
class PhotoCheck:
    """The verdict on an uploaded photo; width and height as the photo is shown (EXIF orientation applied)."""

    ok: bool
    problems: list[Promise]
    content_type: str  # "image/jpeg" or "image/png"; empty when the file is not one of them
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def _refused(
    problems: list[Promise], problem: Promise, content_type: str = "", size: tuple[int, int] = (0, 0)
) -> PhotoCheck:
    return PhotoCheck(False, [*problems, problem], content_type, *size)


def _decompression_bomb() -> Promise:
    return format_lazy(
        _("The image claims more than {limit} million pixels, too many to open safely."),
        limit=Image.MAX_IMAGE_PIXELS // 1_000_000,
    )


def _shown_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    if image.getexif().get(EXIF_ORIENTATION) in ORIENTATIONS_TURNED_SIDEWAYS:
        return height, width
    return width, height


def _size_problems(width: int, height: int) -> list[Promise]:
    problems = []
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        problems.append(format_lazy(
            _("The photo must be at least {min_width} × {min_height} pixels; this one is {width} × {height}."),
            min_width=MIN_WIDTH, min_height=MIN_HEIGHT, width=width, height=height,
        ))  # fmt: skip
    proportion = Fraction(width, height)
    if abs(proportion / PHOTO_PROPORTION - 1) > PROPORTION_TOLERANCE:
        shown = proportion.limit_denominator(SHOWN_PROPORTION_DENOMINATOR)
        problems.append(format_lazy(
            _("The photo must be 35 × 45 mm in proportion (width : height 7 : 9); this one is {width} : {height}."),
            width=shown.numerator, height=shown.denominator,
        ))  # fmt: skip
    return problems


def check_photo(data: bytes) -> PhotoCheck:
    """Whether an upload can be a passport photo, with every problem found; never raises on bad input."""
    if len(data) > MAX_FILE_BYTES:
        # Not even opened: the size alone refuses it.
        return _refused([], format_lazy(
            _("The file must be at most {limit} MB; this one is {size} MB."),
            limit=_megabytes(MAX_FILE_BYTES), size=_megabytes(len(data)),
        ))  # fmt: skip
    problems: list[Promise] = []
    if len(data) < MIN_FILE_BYTES:
        problems.append(format_lazy(
            _("The file must be at least {limit} KB; this one is {size} KB, too little for a clear photo."),
            limit=MIN_FILE_BYTES // 1024, size=len(data) // 1024,
        ))  # fmt: skip

    try:
        # Pillow warns, then raises, when a header claims more than Image.MAX_IMAGE_PIXELS; the warning
        # is turned into an error here so a bomb is refused before a single pixel is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _refused(problems, _decompression_bomb())
    except Exception:
        # Pillow raises many types on hostile or broken input (OSError, SyntaxError, ValueError,
        # struct.error …); each means the same to the applicant.
        return _refused(problems, _("The photo must be a JPEG or PNG image; this file is neither, or it is damaged."))

    with image:
        content_type = ACCEPTED_FORMATS[image.format or ""]
        width, height = image.size
        # Checked again by hand: warning filters are process-wide, and another thread may have changed them.
        if width * height > Image.MAX_IMAGE_PIXELS:
            return _refused(problems, _decompression_bomb(), content_type, (width, height))
        if max(width, height) > MAX_SIDE:
            return _refused(problems, format_lazy(
                _("The photo must be at most {limit} pixels on each side; this one is {width} × {height}."),
                limit=MAX_SIDE, width=width, height=height,
            ), content_type, (width, height))  # fmt: skip
        try:
            image.load()
            width, height = _shown_size(image)
        except Exception:
            # As above: a truncated or corrupt file fails here, when the pixels are decoded.
            return _refused(problems, _("The photo file is damaged or incomplete."), content_type, (width, height))

    problems += _size_problems(width, height)
    return PhotoCheck(not problems, problems, content_type, width, height)


# Conversions that keep the colours (a palette or 1-bit image as RGBA or L), so the colour profile still applies.
COLOURS_KEPT_WHEN_CONVERTED = frozenset({"P", "PA", "1"})


def _encodable_mode(mode: str, image_format: str) -> str:
    """The mode the copy is written in: the decoded one where the format stores it, else the nearest."""
    if image_format == "JPEG":
        return mode if mode in ("RGB", "L") else "RGB"
    if mode in ("RGB", "RGBA", "L", "LA"):
        return mode
    if mode in ("P", "PA"):
        return "RGBA"
    if mode == "1" or mode.startswith(("I", "F")):
        return "L"
    return "RGB"


def clean_photo(data: bytes) -> bytes:
    """The accepted photo encoded again in its own format, upright, with no EXIF (GPS, camera), XMP or comments.

    Built from the decoded pixels alone, so no metadata block of the upload can survive into the copy we
    keep. The colour profile is kept where the colours are kept, since without it the print would change.
    """
    check = check_photo(data)
    if not check.ok:
        raise ValueError("not an accepted photo: " + "; ".join(str(problem) for problem in check.problems))
    with Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS)) as image:
        image_format = image.format
        icc_profile = image.info.get("icc_profile")
        # Stripping EXIF removes the orientation tag too, so the turn it asked for is applied to the pixels.
        upright = ImageOps.exif_transpose(image)
    target_mode = _encodable_mode(upright.mode, image_format or "")
    if target_mode != upright.mode and upright.mode not in COLOURS_KEPT_WHEN_CONVERTED:
        icc_profile = None  # CMYK, 16-bit …: converting changes the colour space the profile describes
    pixels = upright.convert(target_mode)
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())

    output = BytesIO()
    if image_format == "JPEG":
        clean.save(output, "JPEG", quality=JPEG_QUALITY, icc_profile=icc_profile)
    else:
        clean.save(output, "PNG", icc_profile=icc_profile)
    return output.getvalue()
