"""Demo seal keys and a placeholder photo, for `make run` and the browser tests. Never for production.

`seed()` makes the country signing root and a first signer under SEAL_KEYS_DIR when they are
missing, so that e-visas can be sealed in the demo; it never replaces what is there (every seal
ever signed hangs from the root). `demo_photo()` is the applicants' photo in every domain's demo.
"""

import io

from PIL import Image, ImageDraw

from consular.documents import signing


def demo_photo() -> bytes:
    """A plain 35 x 45 mm placeholder at 300 dpi: light background, a darker oval where the face goes."""
    image = Image.new("RGB", (413, 531), (235, 235, 235))
    ImageDraw.Draw(image).ellipse((120, 110, 293, 360), fill=(150, 110, 90))
    # A little grain, as a camera gives: a flat image compresses below the 10 KB a real photo has.
    image = Image.blend(image, Image.effect_noise(image.size, 40).convert("RGB"), 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def seed() -> None:
    """The root and a current signer, each only if missing (idempotent; `seal_keys create` does both at once)."""
    try:
        signing.root_certificate()
    except signing.SigningKeysMissing:
        signing.create_root()
    try:
        signing.current_signer()
    except signing.SigningKeysMissing:
        signing.issue_signer()
