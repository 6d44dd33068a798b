"""The file store behind one interface: the local folder (default) and a real S3-compatible
server (moto's, started on 127.0.0.1 by the fixture, like the test database) (issue 12, item 2)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.files import sniff
from bot.files.store import LocalStore, S3Store, content_key, store_for, valid_key
from bot.messages import FILE, IMAGE, VIDEO, VOICE
from tests.media import AMR, MP4, jpeg, png_header, zip_bytes

KEY = content_key("ab" + "0" * 62, "jpg")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1 (pip install 'moto[server]', in the dev extras)."""
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not os.path.exists(exe):
        if os.environ.get("CI") == "true":
            pytest.fail("moto_server is missing: the dev extras install moto[server]")
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = _free_port()
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


async def _round_trip(store) -> None:
    await store.put(KEY, b"hello", "image/jpeg")
    await store.put(KEY, b"hello", "image/jpeg")  # the same key twice: a no-op
    assert await store.get(KEY) == b"hello" and await store.exists(KEY)
    await store.delete(KEY)
    assert await store.get(KEY) is None and not await store.exists(KEY)
    with pytest.raises(ValueError):
        await store.put("../../etc/passwd", b"x", "text/plain")


async def test_local_store(tmp_path):
    await _round_trip(LocalStore(tmp_path))
    assert LocalStore(tmp_path).count() == 0


async def test_s3_store_against_a_real_s3_server(s3_endpoint):
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket="gridbot-test")
    store = S3Store(bucket="gridbot-test", client=client)
    await _round_trip(store)


async def test_the_bot_stores_photos_in_s3_when_told_to(s3_endpoint, database_url):
    import boto3

    from tests.harness import EAST, RES_ZHAO, BotHarness
    from tests.media import photo

    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket="photos")
    bot = await BotHarness.create(database_url, file_store="s3", file_s3_bucket="photos",
                                  file_s3_endpoint_url=s3_endpoint, file_s3_access_key="test",
                                  file_s3_secret_key="test")
    from tests.conftest import BACKEND, _truncate_all

    if BACKEND == "postgres":
        await _truncate_all(bot.runtime.db)
    await bot.runtime.load_demo_if_empty()
    try:
        await bot.open_ticket()
        await bot.say(RES_ZHAO, "", EAST, attachments=(photo(),))
        from sqlalchemy import select

        from bot.db.models_files import Attachment

        async with bot.runtime.db.sessions() as session:
            row = await session.scalar(select(Attachment))
        store = store_for(bot.runtime.settings)
        assert isinstance(store, S3Store)
        assert (await store.get(row.storage_key)).startswith(b"\xff\xd8")
    finally:
        await bot.close()


def test_keys_are_content_addresses_only():
    assert valid_key(KEY) and valid_key(content_key("ab" + "0" * 62, "jpg", thumb=True))
    for bad in ("ab/../x.jpg", "/etc/passwd", "ab/" + "0" * 64 + ".jpg/..", ""):
        assert not valid_key(bad)


@pytest.mark.parametrize("kind,data,mime", [
    (IMAGE, jpeg(), "image/jpeg"), (VOICE, AMR, "audio/amr"), (VIDEO, MP4, "video/mp4"),
    (FILE, b"%PDF-1.7\n", "application/pdf"), (FILE, jpeg(), "image/jpeg"),  # a photo sent as a file
])
def test_the_type_comes_from_the_bytes(kind, data, mime):
    assert sniff.check(kind, data).mime == mime


@pytest.mark.parametrize("kind,data,key", [
    (IMAGE, zip_bytes(), "file_not_image"), (FILE, zip_bytes(), "file_wrong_type"),
    (VOICE, jpeg(), "file_wrong_type"), (VIDEO, AMR, "file_wrong_type"),
    (IMAGE, png_header(100_000, 10), "file_image_too_large"), (IMAGE, b"", "file_empty"),
])
def test_refusals(kind, data, key):
    with pytest.raises(sniff.Refused) as refused:
        sniff.check(kind, data)
    assert refused.value.key == key


def test_a_png_with_transparency_and_a_rotated_jpeg_are_kept_as_plain_jpegs():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (255, 0, 0, 0)).save(out, "PNG")
    clean = sniff.check(IMAGE, out.getvalue())
    assert clean.mime == "image/jpeg" and clean.thumb
    img = Image.new("RGB", (40, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90°
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(sniff.check(IMAGE, out.getvalue()).data)) as kept:
        assert kept.size == (20, 40) and not kept.getexif()
