"""Where stored files live: one small interface, a local folder or an S3-compatible store.

Keys are content addresses (``ab/abcdef….jpg``), so writing the same bytes twice is a
no-op and two tickets with the same photo share one copy. ``FILE_STORE=local`` (default)
keeps files under ``FILE_DIR``; ``FILE_STORE=s3`` uses any S3-compatible service (AWS,
MinIO, …) through boto3, run in a thread so the event loop never waits on the network.
"""
from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}(?:\.thumb)?\.[a-z0-9]{2,5}$")


def content_key(sha256: str, extension: str, *, thumb: bool = False) -> str:
    return f"{sha256[:2]}/{sha256}{'.thumb' if thumb else ''}.{extension}"


def valid_key(key: str) -> bool:
    """Only keys this module makes: no path tricks reach the folder or the bucket."""
    return bool(_KEY.match(key))


class FileStore(Protocol):
    async def put(self, key: str, data: bytes, mime: str) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None: ...


class LocalStore:
    """Files under one folder; writes are atomic (a temporary file renamed into place)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"not a file key: {key!r}")
        return self.root / key

    async def put(self, key: str, data: bytes, mime: str) -> None:
        await asyncio.to_thread(self._put, self._path(key), data)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        if path.exists():
            return  # same key, same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return await asyncio.to_thread(lambda: path.read_bytes() if path.exists() else None)

    async def exists(self, key: str) -> bool:
        return self._path(key).exists()

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def count(self) -> int:
        """Files kept (tests: nothing half-stored)."""
        return sum(1 for p in self.root.rglob("*") if p.is_file() and not p.name.startswith(".part-"))


class S3Store:
    """Any S3-compatible store (AWS S3, MinIO, moto …) through boto3 in a thread."""

    def __init__(self, *, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, client: Any = None) -> None:
        if client is None:
            import boto3  # optional dependency: pip install '.[s3]'

            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or "us-east-1",
                                  aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None)
        self.client = client
        self.bucket = bucket

    async def put(self, key: str, data: bytes, mime: str) -> None:
        if not valid_key(key):
            raise ValueError(f"not a file key: {key!r}")
        await asyncio.to_thread(self.client.put_object, Bucket=self.bucket, Key=key, Body=data, ContentType=mime)

    async def get(self, key: str) -> bytes | None:
        if not valid_key(key):
            return None

        def read() -> bytes | None:
            try:
                return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
            except self.client.exceptions.NoSuchKey:
                return None
        return await asyncio.to_thread(read)

    async def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        def head() -> bool:
            try:
                self.client.head_object(Bucket=self.bucket, Key=key)
                return True
            except ClientError:
                return False
        return await asyncio.to_thread(head)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)


_STORES: dict[tuple, FileStore] = {}


def store_for(settings: Any) -> FileStore:
    """The store the settings name (one per distinct configuration, made once)."""
    kind = (settings.file_store or "local").lower()
    if kind == "s3":
        ident: tuple = ("s3", settings.file_s3_bucket, settings.file_s3_endpoint_url)
        if ident not in _STORES:
            _STORES[ident] = S3Store(bucket=settings.file_s3_bucket, endpoint_url=settings.file_s3_endpoint_url,
                                     region=settings.file_s3_region, access_key=settings.file_s3_access_key,
                                     secret_key=settings.file_s3_secret_key)
        return _STORES[ident]
    if kind != "local":
        raise ValueError(f"FILE_STORE must be local or s3, not {kind!r}")
    ident = ("local", str(Path(settings.file_dir).resolve()))
    if ident not in _STORES:
        _STORES[ident] = LocalStore(settings.file_dir)
    return _STORES[ident]
