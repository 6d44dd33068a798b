"""What a file really is, from its bytes, and a clean copy to keep.

Nothing here trusts a file name or a platform's MIME claim. Images are opened with Pillow
after their header says their dimensions are sane (an image bomb is refused before any
pixel is decoded), re-encoded without metadata (EXIF: GPS position, phone model) and
given a thumbnail. Voice, video and documents are recognised by their magic numbers.
Every refusal is a ``Refused`` with the reply key that tells the sender why.
"""
from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass

from bot.messages import FILE, IMAGE, VIDEO, VOICE

MB = 1024 * 1024
# Defaults; settings override them (FILE_MAX_*_MB).
DEFAULT_LIMITS = {IMAGE: 10 * MB, VOICE: 5 * MB, VIDEO: 20 * MB, FILE: 20 * MB}
DEFAULT_MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo; a 50000×50000 bomb is not
MAX_SIDE = 20_000
THUMB_SIDE = 320


class Refused(Exception):
    """A file the bot will not keep; ``key`` is the reply (bot/replies) that says why."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


@dataclass(frozen=True)
class Clean:
    """A file ready to store: the bytes to keep, their type and a thumbnail for images."""

    kind: str
    mime: str
    data: bytes
    thumb: bytes | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return _EXTENSIONS.get(self.mime, "bin")


_EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "audio/amr": "amr", "audio/silk": "silk", "audio/mpeg": "mp3",
    "audio/ogg": "ogg", "audio/wav": "wav", "audio/mp4": "m4a", "video/mp4": "mp4", "video/quicktime": "mov",
    "application/pdf": "pdf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument": "docx", "text/plain": "txt",
}


def _magic(data: bytes) -> str | None:
    """The MIME type of voice, video and document bytes, by their first bytes."""
    head = data[:64]
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"#!SILK_V3") or head.startswith(b"\x02#!SILK_V3"):
        return "audio/silk"  # WeChat voice
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # .doc/.xls (OLE)
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return None


def _is_office(data: bytes) -> bool:
    """A .docx/.xlsx/.pptx is a zip with [Content_Types].xml; any other zip is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "[Content_Types].xml" in z.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def looks_like_image(data: bytes) -> bool:
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def check(kind: str, data: bytes, *, limits: dict[str, int] | None = None,
          max_pixels: int = DEFAULT_MAX_PIXELS) -> Clean:
    """The clean file to keep for ``data`` sent as ``kind``; ``Refused`` when it must not be kept."""
    limits = limits or DEFAULT_LIMITS
    if not data:
        raise Refused("file_empty")
    if kind == FILE and looks_like_image(data):
        kind = IMAGE  # a photo sent "as a file" is still a photo
    limit = limits.get(kind, DEFAULT_LIMITS[FILE])
    if len(data) > limit:
        raise Refused("file_too_big", what=_NAMES.get(kind, "文件"), limit=limit // MB)
    if kind == IMAGE:
        return _image(data, max_pixels)
    mime = _magic(data)
    if kind == VOICE and mime and mime.startswith("audio/"):
        return Clean(VOICE, mime, data)
    if kind == VIDEO and mime and mime.startswith("video/"):
        return Clean(VIDEO, mime, data)
    if kind == FILE:
        if mime == "application/zip" and _is_office(data):
            return Clean(FILE, "application/vnd.openxmlformats-officedocument", data)
        if mime in ("application/pdf", "application/msword"):
            return Clean(FILE, mime, data)
        if mime is None and _is_text(data):
            return Clean(FILE, "text/plain", data)
    raise Refused("file_wrong_type", what=_NAMES.get(kind, "文件"))


_NAMES = {IMAGE: "图片", VOICE: "语音", VIDEO: "视频", FILE: "文件"}


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def _image(data: bytes, max_pixels: int) -> Clean:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not looks_like_image(data):
        raise Refused("file_not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size  # from the header: nothing decoded yet
                if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE or width * height > max_pixels:
                    raise Refused("file_image_too_large", width=width, height=height)
                img.load()
                img = ImageOps.exif_transpose(img) or img  # keep the way it was held, then drop EXIF
                if img.mode not in ("RGB", "L"):
                    background = Image.new("RGB", img.size, (255, 255, 255))
                    rgba = img.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    img = background
                out = io.BytesIO()
                img.save(out, "JPEG", quality=85, optimize=True)  # no exif=, no comment: metadata dropped
                thumb = img.copy()
                thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
                small = io.BytesIO()
                thumb.save(small, "JPEG", quality=75)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("file_image_too_large", width="?", height="?") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise Refused("file_image_corrupt") from None
    return Clean(IMAGE, "image/jpeg", out.getvalue(), small.getvalue())


def shrink_jpeg(data: bytes, limit: int) -> bytes | None:
    """``data`` (a kept photo) as a JPEG of at most ``limit`` bytes, scaled down as needed, for a
    platform with a smaller image limit than ours (WeCom robots: 2 MB); None if it cannot be done."""
    from PIL import Image, UnidentifiedImageError

    if data[:3] == b"\xff\xd8\xff" and len(data) <= limit:
        return data
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if width * height > DEFAULT_MAX_PIXELS:
                return None
            img = img.convert("RGB")
            for scale in (1.0, 0.75, 0.5, 0.35, 0.25, 0.15, 0.1):
                size = (max(1, int(width * scale)), max(1, int(height * scale)))
                out = io.BytesIO()
                (img if scale == 1.0 else img.resize(size)).save(out, "JPEG", quality=80, optimize=True)
                if out.tell() <= limit:
                    return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return None
    return None
