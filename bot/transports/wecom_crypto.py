"""WeCom callback crypto (the WXBizMsgCrypt scheme) and a replay guard.

Scheme, as documented by WeCom and checked against the official sample
vectors (see ``shared/notes/wecom.md``):

- signature = sha1 of the sorted concatenation of token, timestamp, nonce and
  the base64 ciphertext;
- key = base64-decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with
  IV = key[:16]; PKCS#7 padding to a 32-byte block;
- plaintext = 16 random bytes + 4-byte big-endian length + message + receive id
  (the corp id for apps, empty for the 智能机器人 API mode).

AES comes from the maintained ``cryptography`` package.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time
from collections import OrderedDict
from typing import Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeCom pads to 32 bytes, not the AES block size of 16


class WeComCryptoError(Exception):
    """Base class: the callback must be refused."""


class SignatureError(WeComCryptoError):
    pass


class DecodeError(WeComCryptoError):
    """Malformed base64, bad length or bad padding."""


class ReceiveIdError(WeComCryptoError):
    pass


class ReplayError(WeComCryptoError):
    """Stale/future timestamp or a nonce seen before."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    parts = sorted([token, str(timestamp), str(nonce), encrypt])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def _pad(data: bytes) -> bytes:
    n = BLOCK - len(data) % BLOCK
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    if not data or len(data) % 16:
        raise DecodeError("ciphertext length is not a multiple of 16")
    n = data[-1]
    if n < 1 or n > BLOCK or n > len(data) or data[-n:] != bytes([n]) * n:
        raise DecodeError("bad padding")
    return data[:-n]


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str = "") -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("EncodingAESKey is not base64") from exc
        if len(key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        self.token = token
        self.receive_id = receive_id
        self._key = key
        self._iv = key[:16]

    # -- signature -----------------------------------------------------
    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected, (msg_signature or "").lower()):
            raise SignatureError("signature mismatch")

    # -- AES -------------------------------------------------------------
    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._iv))

    def decrypt_file(self, data: bytes, aeskey: str | None = None) -> bytes:
        """A file a 智能机器人 callback links to (image, file): AES-256-CBC with the EncodingAESKey
        (or the message's own ``aeskey``), IV = the key's first 16 bytes, PKCS#7 to 32 bytes."""
        key = self._key
        if aeskey:
            try:
                key = base64.b64decode(aeskey + "=" * (-len(aeskey) % 4))
            except (binascii.Error, ValueError) as exc:
                raise DecodeError("malformed aeskey") from exc
            if len(key) != 32:
                raise DecodeError("aeskey must decode to 32 bytes")
        if not data or len(data) % 16:
            raise DecodeError("ciphertext length is not a multiple of 16")
        d = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        return _unpad(d.update(data) + d.finalize())

    def encrypt_file(self, data: bytes) -> bytes:
        """The inverse of ``decrypt_file`` (tests play WeCom's file server with it)."""
        e = self._cipher().encryptor()
        return e.update(_pad(data)) + e.finalize()

    def _decrypt_raw(self, encrypt: str) -> str:
        try:
            data = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DecodeError("malformed base64") from exc
        if not data or len(data) % 16:
            raise DecodeError("ciphertext length is not a multiple of 16")
        dec = self._cipher().decryptor()
        plain = _unpad(dec.update(data) + dec.finalize())
        if len(plain) < 20:
            raise DecodeError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise DecodeError("length field exceeds plaintext")
        msg = plain[20 : 20 + length]
        rid = plain[20 + length :]
        if rid.decode("utf-8", "replace") != self.receive_id:
            raise ReceiveIdError("receive id mismatch")
        try:
            return msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError("message is not UTF-8") from exc

    def _encrypt_raw(self, plaintext: str, random16: bytes | None = None) -> str:
        body = plaintext.encode("utf-8")
        prefix = random16 if random16 is not None else os.urandom(16)
        if len(prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        data = _pad(prefix + struct.pack(">I", len(body)) + body + self.receive_id.encode("utf-8"))
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(data) + enc.finalize()).decode("ascii")

    # -- public API --------------------------------------------------------
    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """GET verification: return the decrypted echostr to echo back."""
        self.check_signature(msg_signature, timestamp, nonce, echostr)
        return self._decrypt_raw(echostr)

    def decrypt(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        self.check_signature(msg_signature, timestamp, nonce, encrypt)
        return self._decrypt_raw(encrypt)

    def encrypt(
        self,
        plaintext: str,
        nonce: str,
        timestamp: str | int | None = None,
        *,
        random16: bytes | None = None,
    ) -> tuple[str, str]:
        """Return ``(encrypt, msg_signature)`` for ``plaintext``."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        enc = self._encrypt_raw(plaintext, random16)
        return enc, signature(self.token, ts, str(nonce), enc)


class ReplayGuard:
    """Refuse timestamps outside ``window`` seconds of now and repeated nonces.

    Nonces are remembered for the window (a bounded LRU, ``max_nonces``), so a
    replay within the window is refused; one outside it fails the time check.
    """

    def __init__(
        self,
        window: float = 300.0,
        max_nonces: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.window = window
        self.max_nonces = max_nonces
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def _expire(self, now: float) -> None:
        while self._seen:
            _, at = next(iter(self._seen.items()))
            if now - at <= self.window and len(self._seen) <= self.max_nonces:
                break
            self._seen.popitem(last=False)

    def check(self, timestamp: str | int, nonce: str) -> None:
        try:
            ts = int(str(timestamp))
        except ValueError as exc:
            raise ReplayError("timestamp is not an integer") from exc
        now = self._clock()
        if abs(now - ts) > self.window:
            raise ReplayError(f"timestamp {ts} outside ±{self.window:.0f}s of now")
        self._expire(now)
        key = str(nonce)
        if not key:
            raise ReplayError("empty nonce")
        if key in self._seen:
            raise ReplayError("nonce replayed")
        self._seen[key] = now
        self._expire(now)
