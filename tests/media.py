"""Test files made on the spot: photos (with EXIF GPS and camera), a zip, voice and video headers."""
from __future__ import annotations

import io
import zipfile

from bot.messages import FILE, IMAGE, LOCATION, VIDEO, VOICE, Attachment


def jpeg(width: int = 64, height: int = 48, color=(200, 40, 40), *, gps: bool = True) -> bytes:
    from PIL import Image

    img = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone Model X"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 10.0), 3: "E", 4: (121.0, 28.0, 30.0)}  # GPSInfo
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims these dimensions (an image bomb needs no pixels to be refused)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(
        b"IEND", b"")


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("secret.txt", "not a photo")
    return out.getvalue()


AMR = b"#!AMR\n" + b"\x3c" * 500
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500


def photo(data: bytes | None = None, name: str = "photo.jpg") -> Attachment:
    return Attachment(kind=IMAGE, name=name, data=jpeg() if data is None else data)


def voice(transcript: str | None = None) -> Attachment:
    return Attachment(kind=VOICE, name="voice.amr", data=AMR, transcript=transcript, duration=12)


def video(data: bytes = MP4, size: int | None = None) -> Attachment:
    return Attachment(kind=VIDEO, name="clip.mp4", data=data, size=size)


def document(data: bytes, name: str = "file.pdf") -> Attachment:
    return Attachment(kind=FILE, name=name, data=data)


def place(lat: float = 31.2304, lon: float = 121.4737, address: str = "幸福里小区东门") -> Attachment:
    return Attachment(kind=LOCATION, latitude=lat, longitude=lon, address=address, title=None)
