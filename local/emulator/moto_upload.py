"""Patches for moto's S3 write path: the same stored bytes and answers, fewer copies of the body.

Profiled with LOCAL_MOTO_PROFILE on `blob put` of 256 MiB in 8 MiB parts (moto ~10 CPU-s per GiB):
werkzeug reads a request body 64 KiB at a time, each read copied into a fresh buffer, appended to a
bytearray, and the bytearray copied to bytes at the end; storing a value larger than the key's
spool limit (5 MiB) wrote it into an in-memory BytesIO first, then copied that into the temporary
file when the spool rolled over; and the ETag read the whole value back from that file for MD5.

Here a body of known length is read straight into one bytes object of that length (one copy out
of the socket), a value above the spool limit goes to the file directly, and its MD5 is
taken from the bytes in hand while they are stored; the ETag property still computes it lazily,
from the stored file, whenever the value was stored any other way. test/local/moto-streaming.test.ts
compares the answers (bodies, ETags, checksums) with plain moto.
"""

import hashlib
import io
import tempfile
from typing import Any

from moto.s3 import models as s3_models
from werkzeug.wsgi import LimitedStream

# Larger bodies keep werkzeug's incremental read: a Content-Length is the client's claim, and
# nothing should be allocated for it before the bytes arrive.
_MAX_PREALLOCATED = 256 * 1024 * 1024

_original_readall = LimitedStream.readall


def _readall(self: Any) -> bytes:
    remaining = self.limit - self._pos
    if self._limit_is_max or remaining <= 0 or remaining > _MAX_PREALLOCATED:
        return _original_readall(self)
    if isinstance(self._stream, io.BufferedReader):
        # The dev server's socket file: read(n) fills one new bytes object of n (no zero-fill, no copy
        # to bytes afterwards), looping until n bytes or the end of the stream.
        try:
            data = self._stream.read(remaining)
        except (OSError, ValueError) as e:
            self.on_disconnect(error=e)
            return b""
        self._pos += len(data)
        if len(data) < remaining:
            self.on_disconnect()
        return data
    buf = bytearray(remaining)
    view = memoryview(buf)
    got = 0
    while got < remaining:
        # readinto raises ClientDisconnected on a short body, as read() does in werkzeug's loop.
        n = self.readinto(view[got:])
        if not n:
            break
        got += n
    return bytes(view[:got]) if got < remaining else bytes(buf)


_original_value = s3_models.FakeKey.value
_original_etag = s3_models.FakeKey.etag


def _set_value(self: Any, new_value: Any) -> None:
    """Stores like moto, rolling a large value's spool to its file first; remembers its MD5."""
    self._stored_md5 = None
    if isinstance(new_value, (bytes, bytearray)):
        spool = self._value_buffer
        large = bool(self._max_buffer_size) and len(new_value) > self._max_buffer_size
        # (A completed multipart key's buffer is a moto_segments.SegmentedSpool, replaced by the setter.)
        if large and isinstance(spool, tempfile.SpooledTemporaryFile) and not spool._rolled:
            spool.rollover()
        _original_value.fset(self, new_value)
        if large:
            self._stored_md5 = hashlib.md5(new_value, usedforsecurity=False).hexdigest()
        return
    _original_value.fset(self, new_value)


def _etag(self: Any) -> str:
    if self._etag is None and getattr(self, "_stored_md5", None):
        self._etag = self._stored_md5
    return _original_etag.fget(self)


def install() -> None:
    LimitedStream.readall = _readall  # type: ignore[method-assign]
    # Wraps whatever setter is installed (moto_streaming's adopts completed multipart spools).
    global _original_value, _original_etag
    _original_value = s3_models.FakeKey.value
    _original_etag = s3_models.FakeKey.etag
    s3_models.FakeKey.value = property(_original_value.fget, _set_value)
    s3_models.FakeKey.etag = property(_etag)
