"""Images and files through WeCom group robots (bot/transports/wecom_files.py), against a local
stand-in of qyapi.weixin.qq.com that checks what the real API documents: an image's base64 and md5
and its 2 MB / JPG-PNG limits, a file's multipart upload (field ``media``, 5 B to 20 MB), media ids
valid for a while and only for the robot that uploaded them (40007 otherwise), unknown keys (93000)."""
from __future__ import annotations

import base64
import hashlib
import io
import itertools

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.messages import Outgoing
from bot.transports.base import OutgoingFile, SendError
from bot.transports.ratelimit import FakeClock
from bot.transports.wecom import WeComTransport, WeComWebhookSender
from tests.media import jpeg

KEYS = {"wecom:room1": "KEY1", "wecom:room2": "KEY2"}
PDF = b"%PDF-1.4\n" + b"x" * 300


class FakeWeCom:
    """What the robot webhook API accepts, and a log of what reached each group."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str, object]] = []  # (key, msgtype, content)
        self.uploads: list[tuple[str, str, int]] = []  # (key, filename, size)
        self.media: dict[str, tuple[str, bytes]] = {}  # media_id → (key, bytes)
        self.fail_next: list[object] = []  # queued: an int (HTTP status) or a dict (JSON answer)
        self._ids = itertools.count(1)

    def expire_all(self) -> None:
        self.media.clear()  # three days later, or WeCom forgot them

    def _queued(self) -> web.Response | None:
        if not self.fail_next:
            return None
        reply = self.fail_next.pop(0)
        if isinstance(reply, int):
            return web.Response(status=reply, text="boom")
        return web.json_response(reply)

    async def send(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        body = await request.json()
        if (queued := self._queued()) is not None:
            return queued
        if key not in KEYS.values():
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        kind = body.get("msgtype")
        if kind == "image":
            data = base64.b64decode(body["image"]["base64"])
            if hashlib.md5(data).hexdigest() != body["image"]["md5"]:  # noqa: S324
                return web.json_response({"errcode": 40009, "errmsg": "md5 mismatch"})
            if len(data) > 2 * 1024 * 1024 or not (data[:3] == b"\xff\xd8\xff" or data[:4] == b"\x89PNG"):
                return web.json_response({"errcode": 40009, "errmsg": "invalid image size or type"})
            self.delivered.append((key, "image", data))
        elif kind == "file":
            media_id = body["file"]["media_id"]
            owner = self.media.get(media_id)
            if owner is None or owner[0] != key:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
            self.delivered.append((key, "file", owner[1]))
        else:
            self.delivered.append((key, kind, body[kind]))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def upload(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        if (queued := self._queued()) is not None:
            return queued
        if key not in KEYS.values():
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        if request.query.get("type") != "file":
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        form = await request.post()
        media = form.get("media")
        if not isinstance(media, web.FileField):
            return web.json_response({"errcode": 41001, "errmsg": "media missing"})
        data = media.file.read()
        if not 5 < len(data) <= 20 * 1024 * 1024:
            return web.json_response({"errcode": 40006, "errmsg": "invalid media size"})
        media_id = f"MEDIA{next(self._ids)}"
        self.media[media_id] = (key, data)
        self.uploads.append((key, media.filename, len(data)))
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": "file", "media_id": media_id,
                                  "created_at": "1380000000"})


@pytest.fixture
async def wecom():
    fake = FakeWeCom()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/cgi-bin/webhook/send", fake.send)
    app.router.add_post("/cgi-bin/webhook/upload_media", fake.upload)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        sender = WeComWebhookSender(session, KEYS, base_url=str(server.make_url("")).rstrip("/"), clock=FakeClock(0))
        fake.transport = WeComTransport(sender)
        yield fake
    await server.close()


ROOM = Outgoing(text="#3 处理后（李师傅 拍的照片）", room_id="wecom:room1", to="wecom:zhaoayi")


async def test_an_image_goes_after_its_text_inline_with_base64_and_md5(wecom):
    photo = jpeg(800, 600)
    await wecom.transport.send_file(ROOM, OutgoingFile("after.jpg", photo, "image/jpeg"), "outbox:7:0")
    (text_key, text_kind, text), (key, kind, data) = wecom.delivered
    assert (text_key, text_kind) == ("KEY1", "text") and text["mentioned_list"] == ["zhaoayi"]
    assert "处理后" in text["content"]
    assert (key, kind, data) == ("KEY1", "image", photo) and wecom.uploads == []
    # the same outbox piece again (a retry after a lost answer): nothing is sent twice
    await wecom.transport.send_file(ROOM, OutgoingFile("after.jpg", photo, "image/jpeg"), "outbox:7:0")
    assert len(wecom.delivered) == 2 and wecom.transport.health()["sent"] == 2


async def test_a_photo_over_2_mb_is_scaled_down_to_fit(wecom):
    import os

    from PIL import Image

    noise = Image.frombytes("RGB", (2400, 1800), os.urandom(2400 * 1800 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    big = out.getvalue()
    assert len(big) > 2 * 1024 * 1024
    await wecom.transport.send_file(ROOM, OutgoingFile("big.jpg", big, "image/jpeg"))
    (_, kind, data) = wecom.delivered[-1]
    assert kind == "image" and len(data) <= 2 * 1024 * 1024
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.size[0] < 2400


async def test_an_image_that_cannot_be_fitted_goes_as_a_file(wecom):
    not_really = b"\xff\xd8\xff" + b"\x00" * (3 * 1024 * 1024)  # says JPEG, does not decode
    await wecom.transport.send_file(ROOM, OutgoingFile("odd.jpg", not_really, "image/jpeg"))
    assert wecom.delivered[-1] == ("KEY1", "file", not_really)
    assert wecom.uploads == [("KEY1", "odd.jpg", len(not_really))]


async def test_a_file_is_uploaded_once_then_sent_by_media_id(wecom):
    message = Outgoing(text="", room_id="wecom:room1")
    await wecom.transport.send_file(message, OutgoingFile("通知.pdf", PDF, "application/pdf"))
    await wecom.transport.send_file(message, OutgoingFile("通知.pdf", PDF, "application/pdf"))
    assert wecom.delivered == [("KEY1", "file", PDF), ("KEY1", "file", PDF)]
    assert wecom.uploads == [("KEY1", "通知.pdf", len(PDF))]  # the second send reused the media id
    # a media id belongs to the robot that uploaded it: another room's robot uploads its own
    await wecom.transport.send_file(Outgoing(text="", room_id="wecom:room2"), OutgoingFile("通知.pdf", PDF))
    assert [u[0] for u in wecom.uploads] == ["KEY1", "KEY2"] and wecom.delivered[-1] == ("KEY2", "file", PDF)


async def test_an_expired_media_id_is_uploaded_again_once(wecom):
    message = Outgoing(text="", room_id="wecom:room1")
    await wecom.transport.send_file(message, OutgoingFile("通知.pdf", PDF))
    wecom.expire_all()
    await wecom.transport.send_file(message, OutgoingFile("通知.pdf", PDF))
    assert len(wecom.uploads) == 2 and wecom.delivered[-1] == ("KEY1", "file", PDF)
    # and a cached id past its own time is not even tried
    files = wecom.transport._files
    files.clock = lambda: 10 ** 9
    await wecom.transport.send_file(message, OutgoingFile("通知.pdf", PDF))
    assert len(wecom.uploads) == 3


async def test_errors_say_whether_a_retry_can_help(wecom):
    message = Outgoing(text="", room_id="wecom:room1")
    # the upload answers 500, then works: retryable, and the retry sends it
    wecom.fail_next = [500]
    with pytest.raises(SendError) as err:
        await wecom.transport.send_file(message, OutgoingFile("a.pdf", PDF), "k1")
    assert err.value.retryable and wecom.delivered == []
    await wecom.transport.send_file(message, OutgoingFile("a.pdf", PDF), "k1")
    assert wecom.delivered == [("KEY1", "file", PDF)]
    # system busy on the send: retryable; an empty or over-large file: not (nothing sent)
    wecom.fail_next = [{"errcode": -1, "errmsg": "system busy"}]
    with pytest.raises(SendError) as err:
        await wecom.transport.send_file(ROOM, OutgoingFile("p.jpg", jpeg(), "image/jpeg"))
    assert err.value.retryable
    with pytest.raises(SendError) as err:
        await wecom.transport.send_file(message, OutgoingFile("empty.pdf", b"%PDF"))
    assert not err.value.retryable
    with pytest.raises(SendError) as err:
        await wecom.transport.send_file(message, OutgoingFile("huge.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024)))
    assert not err.value.retryable
    # a media id that WeCom keeps refusing after a fresh upload: the error goes up, not a loop
    wecom.fail_next = [{"errcode": 40007, "errmsg": "invalid media_id"}] * 2
    with pytest.raises(SendError) as err:
        await wecom.transport.send_file(message, OutgoingFile("b.pdf", PDF + b"b"))
    assert getattr(err.value, "errcode", None) == 40007 and not err.value.retryable
    assert wecom.transport.health()["failed"] == 5


async def test_a_robot_key_wecom_does_not_know_is_a_permanent_failure(wecom):
    wecom.transport.webhook.keys["wecom:room3"] = "REVOKED"
    with pytest.raises(SendError) as err:
        await wecom.transport.send_file(Outgoing(text="", room_id="wecom:room3"), OutgoingFile("a.pdf", PDF))
    assert not err.value.retryable and "93000" in str(err.value)


class OpenReplier:
    """A response_url replier with an open URL for every conversation, recording what it sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def can_reply(self, conversation):
        return True

    async def reply(self, conversation, text, mentions=(), *, msg_id=None):
        self.sent.append((conversation, text))


async def test_without_a_robot_the_text_goes_with_a_note(wecom):
    """A private chat (response_url replies carry markdown only) and no public link: the caption
    and a note."""
    wecom.transport.replier = OpenReplier()
    await wecom.transport.send_file(Outgoing(text="#3 处理后", to="wecom:secretary"),
                                    OutgoingFile("after.jpg", jpeg(), "image/jpeg"))
    ((conversation, text),) = wecom.transport.replier.sent
    assert conversation == "wecom:secretary" and text.startswith("#3 处理后\n") and "after.jpg" in text
    assert wecom.delivered == []


async def test_with_a_public_link_a_private_chat_shows_the_picture_in_markdown(wecom):
    wecom.transport.replier = OpenReplier()
    url = "https://grid.example.org/files/ab/abc.jpg?exp=1&sig=x"
    await wecom.transport.send_file(Outgoing(text="#3 处理后", to="wecom:secretary"),
                                    OutgoingFile("after.jpg", jpeg(), "image/jpeg", url=url), "outbox:9:0")
    await wecom.transport.send_file(Outgoing(text="", to="wecom:secretary"),
                                    OutgoingFile("通知.pdf", PDF, "application/pdf", url=url))
    assert [t for _, t in wecom.transport.replier.sent] == [f"#3 处理后\n![after.jpg]({url})", f"[通知.pdf]({url})"]
    await wecom.transport.send_file(Outgoing(text="#3 处理后", to="wecom:secretary"),
                                    OutgoingFile("after.jpg", jpeg(), "image/jpeg", url=url), "outbox:9:0")
    assert len(wecom.transport.replier.sent) == 2 and wecom.delivered == []  # a key is sent once


async def test_the_sender_hands_wecom_the_stored_photo_with_its_signed_link(bot):
    """From a stored photo to what WeCom gets: bytes, type and (with PUBLIC_BASE_URL) a link the
    file route opens."""
    from bot.services.attachments import outgoing_file
    from tests.harness import EAST, RES_ZHAO
    from tests.media import photo

    await bot.open_ticket()
    await bot.say(RES_ZHAO, "", EAST, attachments=(photo(),))
    settings = bot.runtime.settings
    file = await outgoing_file(db=bot.runtime.db, settings=settings, attachment_id=1)
    assert file.is_image and file.data[:3] == b"\xff\xd8\xff" and file.url is None  # no public address
    public = settings.model_copy(update={"public_base_url": "https://grid.example.org"})
    file = await outgoing_file(db=bot.runtime.db, settings=public, attachment_id=1)
    assert file.url.startswith("https://grid.example.org/files/") and "sig=" in file.url


def test_the_managed_transport_declares_files_with_robots_or_a_callback():
    from bot.transports.platforms import ManagedWeComTransport

    aes = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    assert ManagedWeComTransport(robot_keys={"r": "k"}, token=None, aes_key=None).can_send_files
    assert ManagedWeComTransport(robot_keys={}, token="QDG6eK", aes_key=aes).can_send_files
    assert not WeComTransport().can_send_files
