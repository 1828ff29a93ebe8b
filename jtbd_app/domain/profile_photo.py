"""A profile photo as we keep it: checked by its content, decoded, cropped to squares and re-encoded.

The bytes decide, never the name or the declared type: the file signature must be one of the raster kinds below
(SVG, HTML and programs are refused first), the dimensions are read from the header and checked before a pixel is
decoded (a small file can declare a huge image: a decompression bomb), then Pillow decodes the whole image, which is
the real proof that it is one. What is kept is a new JPEG drawn from the pixels alone, so nothing of the upload
survives: no metadata (EXIF, GPS), no trailing bytes, no second format hidden in the file.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from jtbd_app.domain import file_types

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000  # pixels on the longer side
MAX_PIXELS = 24_000_000  # a 6000 x 4000 camera photo; Pillow would decode far more before it objects
SIZES = (256, 64)  # the squares kept: the profile page, and the header, cards and lists
CONTENT_TYPE = "image/jpeg"
ACCEPTED = ("png", "jpeg", "gif", "webp")
_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
ACCEPTED_LABEL = "PNG, JPEG, GIF or WebP"
_PIXEL_LIMITS = f"at most {MAX_SIDE} pixels a side and {MAX_PIXELS // 1_000_000} megapixels are accepted."


class PhotoRefused(ValueError):
    """Why an upload is not a photo we keep, in words for the member."""


def _kind(content: bytes) -> str:
    danger = file_types.refused_content(content)
    if danger:
        raise PhotoRefused(f"That file is {danger}, not a photo. Choose a {ACCEPTED_LABEL} image.")
    kind = next((name for name in ACCEPTED if file_types.KINDS[name].matches(content)), "")
    if not kind:
        raise PhotoRefused(f"That file is not an image we accept: choose a {ACCEPTED_LABEL} image.")
    return kind


def _opened(content: bytes, kind: str) -> Image.Image:
    """The image, header read and checked, pixels decoded; PhotoRefused for anything Pillow cannot decode."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=[_PILLOW_FORMATS[kind]])
            width, height = image.size
            if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
                raise PhotoRefused(f"That image is too large in pixels ({width} x {height}): {_PIXEL_LIMITS}")
            image.load()
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRefused(f"That image is too large in pixels: {_PIXEL_LIMITS}") from None
        except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError, EOFError):
            raise PhotoRefused(f"That file could not be read as an image. Choose a {ACCEPTED_LABEL} image.") from None
    return image


def _flat_rgb(image: Image.Image) -> Image.Image:
    """Turned upright by its orientation tag, transparency laid on white, in RGB."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return upright.convert("RGB")


def process_photo(content: bytes) -> dict[int, bytes]:
    """The photo's squares as JPEG bytes by side ({256: …, 64: …}); PhotoRefused says what was wrong."""
    if not content:
        raise PhotoRefused("That file is empty. Choose a photo.")
    if len(content) > MAX_BYTES:
        raise PhotoRefused(f"That file is larger than {MAX_BYTES // (1024 * 1024)} MB. Choose a smaller photo.")
    image = _flat_rgb(_opened(content, _kind(content)))
    squares: dict[int, bytes] = {}
    for side in SIZES:
        square = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
        out = io.BytesIO()
        square.save(out, format="JPEG", quality=85, optimize=True)  # no exif= given: no metadata is written
        squares[side] = out.getvalue()
    return squares
