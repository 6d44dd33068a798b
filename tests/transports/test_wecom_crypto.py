import base64
import struct

import pytest

from bot.transports.wecom_crypto import (
    DecodeError,
    ReceiveIdError,
    ReplayError,
    ReplayGuard,
    SignatureError,
    WeComCrypto,
    WeComCryptoError,
    signature,
)

# Official WXBizMsgCrypt sample vectors (shared/notes/wecom.md).
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"

URL_SIG = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
URL_TS = "1409659589"
URL_NONCE = "263014780"
URL_ECHO = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="

MSG_SIG = "477715d11cdb4164915debcba66cb864d751f3e6"
MSG_TS = "1409659813"
MSG_NONCE = "1372623149"
MSG_ENC = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
    "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+"
    "LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4"
    "EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Yo"
    "yyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)


@pytest.fixture
def official():
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


def test_official_url_verification_vector(official):
    assert official.verify_url(URL_SIG, URL_TS, URL_NONCE, URL_ECHO) == "1616140317555161061"


def test_official_message_vector(official):
    xml = official.decrypt(MSG_SIG, MSG_TS, MSG_NONCE, MSG_ENC)
    assert "<Content><![CDATA[hello]]></Content>" in xml
    assert "<FromUserName><![CDATA[mycreate]]></FromUserName>" in xml
    assert "<AgentID>218</AgentID>" in xml


def test_round_trip_empty_receive_id():
    c = WeComCrypto("tok", AES_KEY, "")
    body = '{"msgid":"m1","text":{"content":"你好 网格员"}}'
    enc, sig = c.encrypt(body, nonce="n1", timestamp="1700000000")
    assert sig == signature("tok", "1700000000", "n1", enc)
    assert c.decrypt(sig, "1700000000", "n1", enc) == body


def test_padding_is_to_32_bytes():
    c = WeComCrypto("tok", AES_KEY, "")
    # 16 + 4 + 12 = 32 bytes of plaintext -> a full 32-byte pad block
    enc, _ = c.encrypt("x" * 12, nonce="n", timestamp="1")
    assert len(base64.b64decode(enc)) == 64


def test_encrypt_is_randomised_but_deterministic_with_prefix():
    c = WeComCrypto("tok", AES_KEY, "")
    a, _ = c.encrypt("hi", "n", "1")
    b, _ = c.encrypt("hi", "n", "1")
    assert a != b
    r = b"\x01" * 16
    assert c.encrypt("hi", "n", "1", random16=r) == c.encrypt("hi", "n", "1", random16=r)


def test_tampered_signature_refused(official):
    bad = URL_SIG[:-1] + ("0" if URL_SIG[-1] != "0" else "1")
    with pytest.raises(SignatureError):
        official.verify_url(bad, URL_TS, URL_NONCE, URL_ECHO)
    with pytest.raises(SignatureError):
        official.decrypt(MSG_SIG, str(int(MSG_TS) + 1), MSG_NONCE, MSG_ENC)


def test_wrong_receive_id_refused():
    c = WeComCrypto(TOKEN, AES_KEY, "another-corp")
    with pytest.raises(ReceiveIdError):
        c.decrypt(MSG_SIG, MSG_TS, MSG_NONCE, MSG_ENC)


def test_wrong_key_gives_crypto_error():
    other = WeComCrypto(TOKEN, "a" * 43, CORP_ID)
    with pytest.raises(WeComCryptoError):
        other.decrypt(MSG_SIG, MSG_TS, MSG_NONCE, MSG_ENC)


def test_malformed_base64_refused():
    c = WeComCrypto("tok", AES_KEY, "")
    enc = "not*base64!!"
    with pytest.raises(DecodeError):
        c.decrypt(signature("tok", "1", "n", enc), "1", "n", enc)


def test_bad_length_and_padding_refused():
    c = WeComCrypto("tok", AES_KEY, "")
    short = base64.b64encode(b"\x00" * 15).decode()
    with pytest.raises(DecodeError):
        c.decrypt(signature("tok", "1", "n", short), "1", "n", short)
    # A valid AES block whose plaintext ends in an impossible pad byte.
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(AES_KEY + "=")
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    raw = enc.update(b"\x00" * 31 + b"\x40") + enc.finalize()
    bad = base64.b64encode(raw).decode()
    with pytest.raises(DecodeError):
        c.decrypt(signature("tok", "1", "n", bad), "1", "n", bad)


def test_length_field_overflow_refused():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(AES_KEY + "=")
    plain = b"r" * 16 + struct.pack(">I", 999) + b"abc"
    n = 32 - len(plain) % 32
    plain += bytes([n]) * n
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    bad = base64.b64encode(enc.update(plain) + enc.finalize()).decode()
    c = WeComCrypto("tok", AES_KEY, "")
    with pytest.raises(DecodeError):
        c.decrypt(signature("tok", "1", "n", bad), "1", "n", bad)


def test_bad_key_rejected_at_construction():
    with pytest.raises(ValueError):
        WeComCrypto("t", "short", "")


class FakeClock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_replay_guard_refuses_stale_and_future_timestamps():
    clock = FakeClock(1_700_000_000)
    g = ReplayGuard(window=300, clock=clock)
    g.check("1700000000", "a")
    g.check(str(1_700_000_000 - 299), "b")
    with pytest.raises(ReplayError):
        g.check(str(1_700_000_000 - 301), "c")
    with pytest.raises(ReplayError):
        g.check(str(1_700_000_000 + 301), "d")
    with pytest.raises(ReplayError):
        g.check("yesterday", "e")


def test_replay_guard_refuses_repeated_nonce_within_window():
    clock = FakeClock(1_700_000_000)
    g = ReplayGuard(window=300, clock=clock)
    g.check("1700000000", "nonce-1")
    with pytest.raises(ReplayError):
        g.check("1700000001", "nonce-1")
    # After the window the nonce is forgotten (and old timestamps fail anyway).
    clock.t += 400
    g.check(str(int(clock.t)), "nonce-1")


def test_replay_guard_is_bounded():
    clock = FakeClock(1000)
    g = ReplayGuard(window=300, max_nonces=5, clock=clock)
    for i in range(50):
        g.check("1000", f"n{i}")
    assert len(g._seen) <= 5
