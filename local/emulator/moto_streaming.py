"""Patches that let moto's S3 data plane keep up: the same answers, without materialising values.

moto 5.2.5 answers every GET with `key.value`, which reads the whole stored value into one bytes
object, and slices it for a Range afterwards: a ranged GET of 8 MiB from a 1 GiB object cost ~0.6
CPU-seconds and a 1 GiB copy, so a 1 GiB download ran at ~11 MiB/s for any client. Completing a
multipart upload concatenated every part into a bytearray, copied it to bytes (and, for the default
CRC64NVME full-object checksum, a third time) before writing it to the key's spool file.

Here GET answers with a view of the stored value that werkzeug streams in 1 MiB preads from the
key's spool file (dup'ed, so an overwrite or delete mid-stream cannot pull the file away), and
the range handling slices the view, not the bytes. CompleteMultipartUpload computes the ETag and
checksum reading the parts chunk by chunk, and the new key reads its value from the parts' files
(moto_segments.py) instead of a copy.
test/local/moto-streaming.test.ts pins the answers (bodies, ETags, Content-Range, checksums).
"""

import binascii
import codecs
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

from moto.core.compat import HAS_CRT
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses
from moto.s3.exceptions import EntityTooSmall, InvalidPart, MalformedXML
from moto.utilities.utils import md5_hash
from moto_segments import SegmentedSpool, pread_chunks

_CHUNK = 1024 * 1024
_context = threading.local()


def _spool_chunks(key: Any, start: int, stop: int) -> Iterator[bytes]:
    """The bytes [start, stop) of a key's stored value, at most _CHUNK at a time."""
    # What to read, as (file descriptor dup'ed under the key's lock, or bytes; offset; length).
    plan: list[tuple[int | bytes, int, int]] = []
    try:
        with key.lock:
            spool = key._value_buffer
            if isinstance(spool, SegmentedSpool):
                for source, offset, length in spool.ranges(start, stop):
                    plan.append((os.dup(source) if isinstance(source, int) else source, offset, length))
            elif not spool._rolled:
                # Still in memory (under moto's ~5 MiB spool limit): one small read is cheapest.
                spool.seek(start)
                plan.append((spool.read(stop - start), 0, stop - start))
            else:
                spool.flush()
                plan.append((os.dup(spool.fileno()), start, stop - start))
        for source, offset, length in plan:
            if isinstance(source, bytes):
                if source[offset : offset + length]:
                    yield source[offset : offset + length]
                continue
            got = 0
            for chunk in pread_chunks(source, offset, length, _CHUNK):
                got += len(chunk)
                yield chunk
            if got < length:  # the file ended early: nothing after it can follow
                return
    finally:
        for source, _, _ in plan:
            if isinstance(source, int):
                os.close(source)


class StoredValue:
    """A lazy bytes-like view of [start, stop) of a key's value: len, slicing and iteration.

    moto's response path only measures (`len`), slices (`[a:b]`, for Range) and finally hands
    the body to werkzeug, which iterates it; bytes' other methods are never needed."""

    __slots__ = ("key", "start", "stop")

    def __init__(self, key: Any, start: int, stop: int) -> None:
        self.key = key
        self.start = start
        self.stop = stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __bool__(self) -> bool:
        return self.stop > self.start

    def __getitem__(self, item: slice) -> "StoredValue":
        if not isinstance(item, slice):
            raise TypeError("StoredValue supports slices only")
        begin, end, step = item.indices(len(self))
        if step != 1:
            raise ValueError("StoredValue supports contiguous slices only")
        end = max(begin, end)
        return StoredValue(self.key, self.start + begin, self.start + end)

    def __iter__(self) -> Iterator[bytes]:
        return _spool_chunks(self.key, self.start, self.stop)


class _StoredKeyValue:
    """Reads every attribute from the key, but `value` as a StoredValue view."""

    def __init__(self, key: Any) -> None:
        object.__setattr__(self, "_key", key)

    def __getattr__(self, name: str) -> Any:
        key = object.__getattribute__(self, "_key")
        if name == "value":
            return StoredValue(key, 0, key.size)
        return getattr(key, name)


_original_get_key = s3_responses.S3Response._get_key


def _get_key(self: Any, *args: Any, **kwargs: Any) -> Any:
    key, not_modified = _original_get_key(self, *args, **kwargs)
    if getattr(_context, "streaming_get", False):
        return _StoredKeyValue(key), not_modified
    return key, not_modified


_original_get_object = s3_responses.S3Response.get_object


def _get_object(self: Any) -> Any:
    # Only GetObject's `key.value` becomes a view; _get_key serves other callers unchanged.
    _context.streaming_get = True
    try:
        return _original_get_object(self)
    finally:
        _context.streaming_get = False


class _SpooledValue:
    """The completed object's value, read from its parts (moto_segments); FakeKey's setter adopts it."""

    def __init__(self, spool: Any, size: int) -> None:
        self.spool = spool
        self.size = size


def _incremental(algorithm: str) -> Any:
    """An update/digest pair computing exactly what moto's compute_checksum does, in pieces."""
    if algorithm == "SHA1":
        return hashlib.sha1(usedforsecurity=False)
    if algorithm == "SHA256" or algorithm not in ("CRC32C", "CRC32", "CRC64NVME"):
        return hashlib.sha256(usedforsecurity=False)
    update: Any = None
    width = 4
    if algorithm == "CRC32C":
        try:
            import crc32c

            update = lambda data, crc: crc32c.crc32c(data, crc)  # noqa: E731
        except ImportError:
            pass
    elif algorithm == "CRC64NVME" and HAS_CRT:
        from awscrt import checksums

        update, width = (lambda data, crc: checksums.crc64nvme(data, crc)), 8  # noqa: E731
    return _Crc(update or (lambda data, crc: binascii.crc32(data, crc)), width)


class _Crc:
    def __init__(self, update: Any, width: int) -> None:
        self._update, self._width, self._crc = update, width, 0

    def update(self, data: bytes) -> None:
        self._crc = self._update(data, self._crc)

    def digest(self) -> bytes:
        return self._crc.to_bytes(self._width, "big")


def _b64(digest: bytes) -> str:
    return binascii.b2a_base64(digest, newline=False).decode()


def _complete(self: Any, body: Iterator[tuple[int, str]]) -> tuple[Any, str, tuple[str, str, int] | None]:
    # moto's FakeMultipart.complete and MultipartChecksumBuilder, with the parts read in chunks.
    algorithm: str = self.metadata.get("x-amz-checksum-algorithm") or "CRC64NVME"
    checksum_type: str = self.metadata.get("x-amz-checksum-type") or ""
    if not checksum_type:
        checksum_type = "FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE"
    decode_hex = codecs.getdecoder("hex_codec")
    md5s = bytearray()
    parts: list[Any] = []
    last = None
    for pn, etag in body:
        part = self.parts.get(pn)
        part_etag = None
        if part is not None:
            part_etag = part.etag.replace('"', "")
            etag = etag.replace('"', "")
        if part is None or part_etag != etag:
            raise InvalidPart()
        if last is not None and last.contentsize < s3_models.S3_UPLOAD_PART_MIN_SIZE:
            raise EntityTooSmall()
        md5s.extend(decode_hex(part_etag)[0])  # type: ignore[arg-type]
        parts.append(part)
        last = part
    if not parts:
        raise MalformedXML
    whole = _incremental(algorithm)
    composite = bytearray()
    for part in parts:
        piece = _incremental(algorithm)
        for chunk in _spool_chunks(part, 0, part.contentsize):
            (piece if checksum_type == "COMPOSITE" else whole).update(chunk)
        if checksum_type == "COMPOSITE":
            composite.extend(piece.digest())
    if checksum_type == "COMPOSITE":
        whole.update(bytes(composite))
        checksum = (checksum_type, _b64(whole.digest()), len(parts))
    else:
        checksum = (checksum_type, _b64(whole.digest()), 1)
    full_etag = md5_hash()
    full_etag.update(bytes(md5s))
    value = SegmentedSpool(parts)
    return _SpooledValue(value, value.size), f"{full_etag.hexdigest()}-{len(parts)}", checksum


_original_value = s3_models.FakeKey.value


def _set_value(self: Any, new_value: Any) -> None:
    if not isinstance(new_value, _SpooledValue):
        if isinstance(self._value_buffer, SegmentedSpool):
            self._value_buffer.close()
            self._value_buffer = tempfile.SpooledTemporaryFile(self._max_buffer_size)
        _original_value.fset(self, new_value)
        return
    self._value_buffer.close()
    self._value_buffer = new_value.spool
    self.contentsize = new_value.size


def install() -> None:
    s3_responses.S3Response._get_key = _get_key
    s3_responses.S3Response.get_object = _get_object
    s3_models.FakeMultipart.complete = _complete
    s3_models.FakeKey.value = property(_original_value.fget, _set_value)
