"""Passport photo checks and the cleaned copy, on images made in memory."""

import random
import struct
import zlib
from io import BytesIO

import pytest
from django.utils import translation
from PIL import ExifTags, Image, ImageFile

from consular.documents.photos import MAX_FILE_BYTES, MIN_HEIGHT, MIN_WIDTH, check_photo, clean_photo


@pytest.fixture(autouse=True, scope="module")
def _messages_in_english():
    """The problems are translated (ja by default); these tests read the English ones."""
    with translation.override("en"):
        yield


GOOD_SIZE = (600, 771)  # 35 × 45 mm at about 435 dpi


def _noise(size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Image.Image:
    """Random pixels: they do not compress, so file sizes are those of a real photo, not of a flat colour."""
    channels = len(mode)
    return Image.frombytes(mode, size, random.Random(seed).randbytes(size[0] * size[1] * channels))


def _encode(image: Image.Image, image_format: str, **options) -> bytes:
    output = BytesIO()
    image.save(output, image_format, **options)
    return output.getvalue()


def _jpeg(size: tuple[int, int] = GOOD_SIZE, **options) -> bytes:
    return _encode(_noise(size), "JPEG", quality=90, **options)


def _png(size: tuple[int, int] = GOOD_SIZE) -> bytes:
    return _encode(_noise(size), "PNG")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a width and height, with almost no pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def _problems(data: bytes) -> list[str]:
    return [str(problem) for problem in check_photo(data).problems]


# --- Accepted -----------------------------------------------------------------------------


def test_a_good_jpeg_passes():
    check = check_photo(_jpeg())
    assert check.ok, [str(problem) for problem in check.problems]
    assert (check.content_type, check.width, check.height) == ("image/jpeg", 600, 771)


def test_a_good_png_passes():
    check = check_photo(_png())
    assert check.ok, [str(problem) for problem in check.problems]
    assert (check.content_type, check.width, check.height) == ("image/png", 600, 771)


def test_the_smallest_size_at_300_dpi_passes():
    assert check_photo(_jpeg((MIN_WIDTH, MIN_HEIGHT))).ok


def test_a_photo_within_three_percent_of_35_by_45_passes():
    assert check_photo(_jpeg((615, 771))).ok  # 2.6 % wider than 7 : 9
    assert check_photo(_jpeg((600, 790))).ok  # 2.3 % narrower


def test_a_photo_more_than_three_percent_off_35_by_45_is_refused():
    assert not check_photo(_jpeg((620, 771))).ok  # 3.4 % wider
    assert not check_photo(_jpeg((580, 771))).ok  # 3.3 % narrower


def test_the_format_is_found_from_the_content_whatever_the_file_was_called():
    # Bytes have no name; a PNG is a PNG however the browser labelled it.
    assert check_photo(_png()).content_type == "image/png"


def test_a_photo_the_camera_stored_sideways_is_measured_upright():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn 90° clockwise to show
    check = check_photo(_jpeg((771, 600), exif=exif))
    assert check.ok, [str(problem) for problem in check.problems]
    assert (check.width, check.height) == (600, 771)


# --- Refused ------------------------------------------------------------------------------


def test_a_gif_is_refused():
    check = check_photo(_encode(_noise(GOOD_SIZE).convert("P"), "GIF"))
    assert not check.ok
    assert check.content_type == ""
    assert _problems(_encode(_noise(GOOD_SIZE).convert("P"), "GIF")) == [
        "The photo must be a JPEG or PNG image; this file is neither, or it is damaged."
    ]


def test_a_text_file_named_like_a_photo_is_refused():
    assert _problems(b"This is not a photo, whatever its name says.\n" * 400) == [
        "The photo must be a JPEG or PNG image; this file is neither, or it is damaged."
    ]


def test_a_photo_too_small_is_refused():
    check = check_photo(_jpeg((300, 386)))
    assert not check.ok
    assert [str(problem) for problem in check.problems] == [
        "The photo must be at least 413 × 531 pixels; this one is 300 × 386."
    ]


def test_a_square_photo_is_refused_for_its_proportions():
    assert _problems(_jpeg((800, 800))) == [
        "The photo must be 35 × 45 mm in proportion (width : height 7 : 9); this one is 1 : 1."
    ]


def test_a_three_by_four_photo_is_refused_for_its_proportions():
    assert _problems(_jpeg((600, 800))) == [
        "The photo must be 35 × 45 mm in proportion (width : height 7 : 9); this one is 3 : 4."
    ]


def test_a_file_over_5_mb_is_refused_without_being_opened():
    data = _png((1400, 1800))
    assert len(data) > MAX_FILE_BYTES
    check = check_photo(data)
    assert not check.ok
    assert check.content_type == ""
    assert [str(problem) for problem in check.problems] == [
        f"The file must be at most 5.0 MB; this one is {len(data) / 1024 / 1024:.1f} MB."
    ]


def test_a_file_under_10_kb_is_refused_even_at_the_right_size():
    flat = _encode(Image.new("RGB", GOOD_SIZE, (200, 200, 200)), "JPEG", quality=90)
    assert len(flat) < 10 * 1024
    check = check_photo(flat)
    assert not check.ok
    assert [str(problem) for problem in check.problems] == [
        f"The file must be at least 10 KB; this one is {len(flat) // 1024} KB, too little for a clear photo."
    ]


def test_more_than_4000_pixels_on_a_side_is_refused_before_decoding():
    check = check_photo(_png_header_only(3500, 4500))
    assert not check.ok
    assert "The photo must be at most 4000 pixels on each side; this one is 3500 × 4500." in [
        str(problem) for problem in check.problems
    ]


@pytest.mark.parametrize("data", [_jpeg()[: len(_jpeg()) // 2], _png()[: len(_png()) // 2]], ids=["jpeg", "png"])
def test_a_truncated_file_is_a_problem_not_an_exception(data):
    check = check_photo(data)
    assert not check.ok
    assert [str(problem) for problem in check.problems] == ["The photo file is damaged or incomplete."]


@pytest.mark.parametrize(
    "data", [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0" + b"\0" * 20_000, bytes(range(256)) * 50]
)
def test_garbage_is_a_problem_not_an_exception(data):
    assert not check_photo(data).ok


@pytest.mark.parametrize("side", [100_000, 10_000], ids=["beyond-twice-the-limit", "beyond-the-limit"])
def test_a_decompression_bomb_is_refused_without_decoding_its_pixels(side, monkeypatch):
    # The pixels would take 30 GB or 300 MB; Pillow allocates them only when an image is loaded.
    loaded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: loaded.append(image))
    check = check_photo(_png_header_only(side, side))
    assert not check.ok
    assert any("too many to open safely" in str(problem) for problem in check.problems)
    assert not loaded


def test_a_good_photo_is_decoded_to_the_last_pixel(monkeypatch):
    # The counterpart of the test above: loading is how a truncated file is found.
    loaded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: loaded.append(image) or load(image))
    assert check_photo(_jpeg()).ok
    assert loaded


# --- The copy we keep ---------------------------------------------------------------------


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Model] = "Model 7"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 41.0, 22.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (139.0, 41.0, 30.0),
    })  # fmt: skip
    return exif


def test_clean_photo_strips_exif_with_gps_from_a_jpeg():
    original = _jpeg(exif=_exif_with_gps(), comment=b"taken at home")
    with Image.open(BytesIO(original)) as image:
        assert image.getexif()[ExifTags.Base.Make] == "SpyCam"
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    cleaned = clean_photo(original)
    assert b"SpyCam" not in cleaned
    assert b"taken at home" not in cleaned
    with Image.open(BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert image.size == GOOD_SIZE
        assert not image.getexif()
        assert "comment" not in image.info
    assert check_photo(cleaned).ok


def test_clean_photo_strips_exif_from_a_png_and_keeps_it_a_png():
    original = _encode(_noise(GOOD_SIZE), "PNG", exif=_exif_with_gps())
    assert b"SpyCam" in original
    cleaned = clean_photo(original)
    assert b"SpyCam" not in cleaned
    with Image.open(BytesIO(cleaned)) as image:
        assert image.format == "PNG"
        assert not image.getexif()
        assert image.tobytes() == _noise(GOOD_SIZE).tobytes()  # lossless stays lossless


def test_clean_photo_turns_a_sideways_photo_upright():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    cleaned = clean_photo(_jpeg((771, 600), exif=exif))
    with Image.open(BytesIO(cleaned)) as image:
        assert image.size == GOOD_SIZE
        assert ExifTags.Base.Orientation not in image.getexif()


def test_clean_photo_keeps_a_transparent_png_transparent():
    original = _encode(_noise(GOOD_SIZE, "RGBA"), "PNG")
    with Image.open(BytesIO(clean_photo(original))) as image:
        assert image.mode == "RGBA"


def test_clean_photo_refuses_a_photo_that_fails_the_check():
    with pytest.raises(ValueError, match="not an accepted photo"):
        clean_photo(_jpeg((800, 800)))


def test_the_help_on_the_form_and_the_api_states_every_limit_the_check_applies():
    from django.utils import translation

    from consular.documents.photos import MAX_FILE_BYTES, MAX_SIDE, MIN_FILE_BYTES, MIN_HEIGHT, MIN_WIDTH
    from passports.api import ApplicationRequest
    from passports.forms.applications import ApplicationForm

    with translation.override("en"):
        for help_text in (str(ApplicationForm.base_fields["photo"].help_text),
                          str(ApplicationRequest().fields["photo"].help_text)):
            assert f"{MIN_FILE_BYTES // 1024} KB" in help_text  # the 10 KB floor clerks met only on refusal
            assert f"{MAX_FILE_BYTES // 1024 // 1024} MB" in help_text
            assert f"{MIN_WIDTH} × {MIN_HEIGHT} pixels" in help_text and str(MAX_SIDE) in help_text
            assert "JPEG or PNG" in help_text and "7 : 9" in help_text and "3 %" in help_text
