"""Images for the profile photo tests: real ones made with Pillow, and hostile ones made by hand."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib

from PIL import Image

from jtbd_app.db import session_scope
from jtbd_app.models import User
from jtbd_app.services.accounts import profile_photos
from jtbd_app.services.viewer import Viewer


def png(width: int = 400, height: int = 300, colour: tuple[int, int, int] = (20, 160, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A camera photo whose EXIF names the camera and where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 30.0)  # latitude
    gps[3], gps[4] = "E", (2.0, 17.0, 40.0)  # longitude
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 100_000) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose header declares side x side pixels (a decompression bomb:
    decoding it would take tens of gigabytes)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
TEXT_RENAMED_PNG = b"This is not an image at all, just text someone named photo.png\n"


def give_photo(user: User, content: bytes | None = None) -> profile_photos.PhotoUrls:
    """`user` uploads a photo (a plain PNG by default) through the service; its addresses."""
    assert user.id is not None
    viewer = Viewer(user.id, user.username, user.username.title(), user.role, user.status)

    async def read(size: int) -> bytes | None:
        return png() if content is None else content

    return asyncio.run(profile_photos.upload_photo(session_factory=session_scope, viewer=viewer, read_file=read))
